/**
 * Authentication for every route: one global onRequest hook, registered before any route, with an
 * explicit allowlist of public routes. A route added later (by any plugin, at any time before the
 * server starts) is protected unless it is added to the allowlist here.
 *
 * Accepted credentials, in order: `Authorization: Basic` (RFC 7617, what Metron's REST uses),
 * `Authorization: Bearer <api token>` (RFC 6750), then the `metron_session` cookie. An
 * Authorization header that fails is not retried with the cookie.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { HttpError, apiError } from '../errors.js';
import { parseCookies, SESSION_COOKIE } from './cookies.js';
import type { LoginLimiter } from './rate-limit.js';
import type { Role, UserInfo, UserStore } from './user-store.js';
import { CONSOLE_ROUTE, isApiPath } from '../console.js';

/** The authenticated caller of a request. */
export interface Principal {
  username: string;
  roles: Role[];
  /** How the caller proved who they are. */
  method: 'basic' | 'bearer' | 'session';
  /** The raw session id, for logout (session method only). */
  sessionId?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller; null only on public routes. */
    principal: Principal | null;
  }
}

/** Routes that answer without credentials, as `METHOD url-pattern`. Keep this list short. */
export const PUBLIC_ROUTES: ReadonlySet<string> = new Set([
  'POST /api/v1/auth/login',
  'GET /api/v1/health',
  'HEAD /api/v1/health',
]);

/**
 * The web console's static files (console.ts) are public, so the browser can load the login page;
 * its catch-all route never makes an `/api` path public.
 */
function isPublicConsoleRequest(request: FastifyRequest): boolean {
  return (request.method === 'GET' || request.method === 'HEAD') && request.routeOptions.url === CONSOLE_ROUTE && !isApiPath(request.url);
}

export const BASIC_REALM = 'Basic realm="metron"';

/** The 401 answer. `WWW-Authenticate` is left out for browser XHR (`X-Requested-With`) so the console does not trigger the browser's Basic dialog. */
export function sendUnauthorized(request: FastifyRequest, reply: FastifyReply, message: string): FastifyReply {
  if (request.headers['x-requested-with'] === undefined) reply.header('www-authenticate', BASIC_REALM);
  return reply.code(401).send(apiError(401, message, 'UNAUTHORIZED'));
}

function rateLimited(retryAfter: number): HttpError {
  return new HttpError(429, 'RATE_LIMITED', `too many failed login attempts; retry in ${retryAfter} s`, { 'retry-after': String(retryAfter) });
}

/**
 * Checks a username/password with the failed-login limiter around it. Throws a 429 HttpError when
 * the user+IP (or the IP) is over its budget; resolves null for wrong credentials.
 */
export async function checkPasswordLimited(users: UserStore, limiter: LoginLimiter, username: string, password: string, ip: string): Promise<UserInfo | null> {
  const wait = limiter.retryAfterSeconds(username, ip);
  if (wait > 0) throw rateLimited(wait);
  const user = await users.verifyPassword(username, password);
  if (user) limiter.recordSuccess(username, ip);
  else limiter.recordFailure(username, ip);
  return user;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF defence in depth for cookie sessions, beside SameSite=Strict (which does not cover sibling
 * subdomains): a state-changing request whose Origin names another host is refused. Browsers send
 * Origin on every cross-origin POST; non-browser clients usually send none.
 */
function sameOriginOrAbsent(request: FastifyRequest): boolean {
  if (SAFE_METHODS.has(request.method)) return true;
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.host;
  } catch {
    return false;
  }
}

function decodeBasic(value: string): { username: string; password: string } | null {
  const decoded = Buffer.from(value.trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Installs the authentication hook on the root instance. Call before registering routes. */
export function installAuthentication(app: FastifyInstance, users: UserStore, limiter: LoginLimiter): void {
  app.decorateRequest('principal', null);

  app.addHook('onRequest', async (request, reply) => {
    const routeKey = `${request.method} ${request.routeOptions.url ?? ''}`;
    const isPublic = request.routeOptions.url !== undefined && (PUBLIC_ROUTES.has(routeKey) || isPublicConsoleRequest(request));

    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const space = authorization.indexOf(' ');
      const scheme = (space < 0 ? authorization : authorization.slice(0, space)).toLowerCase();
      const value = space < 0 ? '' : authorization.slice(space + 1);
      if (scheme === 'basic') {
        const credentials = decodeBasic(value);
        const user = credentials && await checkPasswordLimited(users, limiter, credentials.username, credentials.password, request.ip);
        if (user) {
          request.principal = { username: user.username, roles: user.roles, method: 'basic' };
          return;
        }
      } else if (scheme === 'bearer') {
        const user = users.resolveToken(value.trim());
        if (user) {
          request.principal = { username: user.username, roles: user.roles, method: 'bearer' };
          return;
        }
      }
      if (isPublic) return;
      return sendUnauthorized(request, reply, 'invalid credentials');
    }

    const sessionId = parseCookies(request.headers.cookie).get(SESSION_COOKIE);
    if (sessionId) {
      const user = users.resolveSession(sessionId);
      if (user) {
        if (!sameOriginOrAbsent(request)) {
          return reply.code(403).send(apiError(403, 'cross-origin request refused', 'FORBIDDEN'));
        }
        request.principal = { username: user.username, roles: user.roles, method: 'session', sessionId };
        return;
      }
    }
    if (isPublic) return;
    return sendUnauthorized(request, reply, sessionId ? 'session expired or invalid; log in again' : 'authentication required');
  });
}

/** preHandler that answers 403 unless the caller has `role`. */
export function requireRole(role: Role): preHandlerAsyncHookHandler {
  return async (request, reply) => {
    if (!request.principal?.roles.includes(role)) {
      return reply.code(403).send(apiError(403, `this action needs the '${role}' role`, 'FORBIDDEN'));
    }
  };
}

/** The principal of a protected route (the hook guarantees it). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new HttpError(401, 'UNAUTHORIZED', 'authentication required');
  return request.principal;
}
