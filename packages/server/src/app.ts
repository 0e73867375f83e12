/**
 * The REST server (Fastify). Every route needs an authenticated user (see auth/authenticate.ts),
 * except the allowlisted login and health routes; admin-only routes also need the admin role.
 * Errors answer with one JSON shape, `{ status, code, message }` (see errors.ts).
 */
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { AlertStore, SearchStore } from '@metron/storage';
import { apiError, toApiError } from './errors.js';
import { formatSchemaErrors } from './validation.js';
import { installAuthentication } from './auth/authenticate.js';
import { registerAuthRoutes } from './auth/routes.js';
import { LoginLimiter, type LoginLimiterOptions } from './auth/rate-limit.js';
import type { UserStore } from './auth/user-store.js';
import { ingestRoutes } from './routes/ingest.js';
import { registerSearchRoutes } from './routes/search.js';
import { registerUpdateRoutes } from './routes/update.js';
import { registerMetaAlertRoutes, withMetaAlertSearch } from './routes/meta-alerts.js';
import { registerStatusRoutes } from './routes/status.js';
import { registerSensorConfigRoutes } from './routes/sensor-configs.js';
import type { ConfigStore } from './routes/config-store.js';
import { registerStellarRoutes } from './routes/stellar.js';
import { registerPipelineHealthRoutes } from './routes/pipeline-health.js';
import { registerDashboardRoutes } from './routes/dashboard.js';
import { registerConsole } from './console.js';

/** What the server needs from the rest of the platform. */
export interface ServerDeps {
  searchStore: SearchStore;
  /** Alert updates, audit trail and meta-alerts; without it those routes are absent and search is the store's. */
  alerts?: AlertStore;
  /** Appends raw records to the sensor's topic; resolves when durable. May throw MetronError NOT_FOUND or INPUT_INVALID. */
  ingest(sensor: string, records: Buffer[]): Promise<void>;
  knownSensors(): string[];
  /** JSON snapshot for `GET /api/v1/metrics`. */
  metrics(): unknown;
  /** Prometheus text for `GET /metrics`. */
  prometheus(): string | Promise<string>;
  users: UserStore;
  /** Health snapshot; `{status}` other than `UP` makes `GET /api/v1/health` answer 503. */
  health?(): unknown;
  /** The config directory behind the sensor / global config routes (saves apply live); without it those routes are absent. */
  configs?: ConfigStore;
  /** Pipeline health per sensor and stage (`GET /api/v1/pipeline/health`); without it the route is absent. */
  pipelineHealth?(): Promise<unknown> | unknown;
}

export interface ServerOptions {
  /** Body limit of the ingest route (default 10 MiB). Other routes keep Fastify's 1 MiB. */
  bodyLimitBytes?: number;
  /** Request logging with pino (credentials and cookies redacted). Default false. */
  logger?: boolean;
  /** Where log lines go when `logger` is on (default stdout). */
  logStream?: { write(line: string): void };
  /** Adds `Secure` to the session cookie and sends HSTS; set when served over HTTPS. */
  secureCookies?: boolean;
  /** Trust X-Forwarded-For for the client IP (the login limiter keys on it). Default false. */
  trustProxy?: boolean;
  /** Failed-login limits (default 10 per user+IP per minute). */
  loginLimits?: LoginLimiterOptions;
  /** The web console's built files (packages/console/dist); served at `/` when given. */
  consoleDir?: string;
}

export const DEFAULT_INGEST_BODY_LIMIT = 10 * 1024 * 1024;

/** A registered route, for docs and for tests that walk every route. */
export interface RouteSummary {
  method: string;
  url: string;
}

const routesByApp = new WeakMap<FastifyInstance, RouteSummary[]>();

/** The routes registered on a server made by createServer (complete once the server is ready). */
export function registeredRoutes(app: FastifyInstance): RouteSummary[] {
  return [...(routesByApp.get(app) ?? [])];
}

/** Paths redacted from logs: credentials must never reach a log line. */
const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
];

/**
 * Builds the server. It is returned before `ready()`, so callers may add routes (e.g. the web
 * console); those are protected by the authentication hook too.
 */
export async function createServer(deps: ServerDeps, options: ServerOptions = {}): Promise<FastifyInstance> {
  const bodyLimitBytes = options.bodyLimitBytes ?? DEFAULT_INGEST_BODY_LIMIT;
  const secureCookies = options.secureCookies ?? false;
  const logger: FastifyServerOptions['logger'] = options.logger
    ? { level: 'info', redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' }, ...(options.logStream ? { stream: options.logStream } : {}) }
    : false;

  const app = Fastify({
    logger,
    trustProxy: options.trustProxy ?? false,
    // Reject unknown keys (Fastify's default silently strips them) and never coerce types.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true } },
    schemaErrorFormatter: formatSchemaErrors,
    return503OnClosing: true,
  }) as unknown as FastifyInstance;

  const routes: RouteSummary[] = [];
  routesByApp.set(app, routes);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) routes.push({ method: String(method), url: route.url });
  });

  // Security headers first, so that 401s and errors carry them too. A route serving HTML (the
  // console) replaces the Content-Security-Policy with its own.
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
    reply.header('cross-origin-resource-policy', 'same-origin');
    reply.header('cache-control', 'no-store');
    if (secureCookies) reply.header('strict-transport-security', 'max-age=31536000');
  });

  const limiter = new LoginLimiter(options.loginLimits);
  installAuthentication(app, deps.users, limiter);

  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err.validation) {
      return reply.code(400).send(apiError(400, err.message, 'INPUT_INVALID'));
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const limit = request.routeOptions.bodyLimit;
      return reply.code(413).send(apiError(413, `request body is larger than the limit of ${limit} bytes`, 'INPUT_TOO_LARGE'));
    }
    const { body, headers, internal } = toApiError(err);
    if (internal) request.log.error({ err }, 'request failed');
    return reply.code(body.status).headers(headers).send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send(apiError(404, `no route ${request.method} ${request.url.split('?')[0]}`, 'NOT_FOUND'));
  });

  registerAuthRoutes(app, { users: deps.users, limiter, secureCookies });
  registerStatusRoutes(app, deps);
  // Search and the dashboard see the meta-alert view: they count what search lists.
  const searchView = deps.alerts ? withMetaAlertSearch(deps.searchStore, deps.alerts) : deps.searchStore;
  registerSearchRoutes(app, searchView);
  if (deps.alerts) {
    registerUpdateRoutes(app, deps.alerts, deps.users);
    registerMetaAlertRoutes(app, deps.alerts);
  }
  if (deps.configs) registerSensorConfigRoutes(app, deps.configs);
  registerStellarRoutes(app);
  if (deps.pipelineHealth) registerPipelineHealthRoutes(app, deps.pipelineHealth);
  registerDashboardRoutes(app, searchView);
  await app.register(ingestRoutes, { ingest: deps.ingest, knownSensors: deps.knownSensors, bodyLimitBytes });
  if (options.consoleDir !== undefined) registerConsole(app, { dir: options.consoleDir });

  return app;
}
