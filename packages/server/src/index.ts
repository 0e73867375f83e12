export { createServer, registeredRoutes, DEFAULT_INGEST_BODY_LIMIT } from './app.js';
export type { ServerDeps, ServerOptions, RouteSummary } from './app.js';
export { httpStatusForCode, HttpError, toApiError } from './errors.js';
export type { ApiError } from './errors.js';
export { openUserStore, ROLES, ADMIN_USERNAME, USERNAME_PATTERN } from './auth/user-store.js';
export type {
  UserStore, UserInfo, Role, ApiTokenInfo, CreatedApiToken, CreatedSession, OpenUserStoreOptions,
} from './auth/user-store.js';
export { PUBLIC_ROUTES, requireRole } from './auth/authenticate.js';
export type { Principal } from './auth/authenticate.js';
export { LoginLimiter } from './auth/rate-limit.js';
export type { LoginLimiterOptions } from './auth/rate-limit.js';
export { hashPassword, verifyPassword, DEFAULT_SCRYPT_PARAMS } from './auth/password.js';
export type { PasswordHash, ScryptParams } from './auth/password.js';
export { SESSION_COOKIE } from './auth/cookies.js';
export { splitRecords, SENSOR_NAME_PATTERN, INGEST_CONTENT_TYPES } from './routes/ingest.js';
export { registerConsole, CONSOLE_CSP, isApiPath } from './console.js';
export type { ConsoleOptions } from './console.js';
export { ConfigStore, CONFIG_SENSOR_NAME } from './routes/config-store.js';
export type { ConfigChange, ConfigStoreOptions, SampleOverrides } from './routes/config-store.js';
export { validateRules } from './routes/stellar.js';
export type { RuleValidation } from './routes/stellar.js';
export { dashboard } from './routes/dashboard.js';
export type { DashboardRequest, DashboardResponse, GeoPoint } from './routes/dashboard.js';
