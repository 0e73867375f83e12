/** Auth and user-management routes: login/logout, current user, API tokens, users (admin). */
import type { FastifyInstance } from 'fastify';
import { HttpError } from '../errors.js';
import { checkPasswordLimited, principalOf, requireRole } from './authenticate.js';
import { serializeSessionCookie, SESSION_COOKIE, parseCookies } from './cookies.js';
import type { LoginLimiter } from './rate-limit.js';
import { MAX_PASSWORD_LENGTH, ROLES, USERNAME_PATTERN, type Role, type UserStore } from './user-store.js';

export interface AuthRoutesOptions {
  users: UserStore;
  limiter: LoginLimiter;
  secureCookies: boolean;
}

const loginBody = {
  type: 'object',
  additionalProperties: false,
  required: ['username', 'password'],
  properties: {
    username: { type: 'string', minLength: 1, maxLength: 64 },
    password: { type: 'string', minLength: 1, maxLength: MAX_PASSWORD_LENGTH },
  },
} as const;

const createTokenBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 128 },
    expiresInDays: { type: 'integer', minimum: 1, maximum: 3650 },
  },
} as const;

const createUserBody = {
  type: 'object',
  additionalProperties: false,
  required: ['username', 'password'],
  properties: {
    username: { type: 'string', pattern: USERNAME_PATTERN.source },
    password: { type: 'string', minLength: 8, maxLength: MAX_PASSWORD_LENGTH },
    roles: { type: 'array', items: { type: 'string', enum: [...ROLES] }, minItems: 1, uniqueItems: true },
  },
} as const;

const changePasswordBody = {
  type: 'object',
  additionalProperties: false,
  required: ['currentPassword', 'newPassword'],
  properties: {
    currentPassword: { type: 'string', minLength: 1, maxLength: MAX_PASSWORD_LENGTH },
    newPassword: { type: 'string', minLength: 8, maxLength: MAX_PASSWORD_LENGTH },
  },
} as const;

const tokenIdParams = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;

const userNameParams = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;

/** Registers the auth routes on `app`. */
export function registerAuthRoutes(app: FastifyInstance, options: AuthRoutesOptions): void {
  const { users, limiter, secureCookies } = options;

  app.post<{ Body: { username: string; password: string } }>('/api/v1/auth/login', {
    schema: { summary: 'Logs in with a user name and password; sets the session cookie', body: loginBody },
  }, async (request, reply) => {
    const { username, password } = request.body;
    const user = await checkPasswordLimited(users, limiter, username, password, request.ip);
    if (!user) throw new HttpError(401, 'UNAUTHORIZED', 'invalid user name or password');
    // A fresh id on every login (no session fixation); an older session of this browser ends.
    const previous = parseCookies(request.headers.cookie).get(SESSION_COOKIE);
    if (previous) users.deleteSession(previous);
    const session = users.createSession(user.username);
    reply.header('set-cookie', serializeSessionCookie(session.id, {
      maxAgeSeconds: (session.expiresAt - Date.now()) / 1000,
      secure: secureCookies,
    }));
    return { username: user.username, roles: user.roles };
  });

  app.post('/api/v1/auth/logout', {
    schema: { summary: 'Ends the current session and clears the session cookie' },
  }, async (request, reply) => {
    const principal = principalOf(request);
    if (principal.sessionId) users.deleteSession(principal.sessionId);
    reply.header('set-cookie', serializeSessionCookie('', { maxAgeSeconds: 0, secure: secureCookies }));
    return reply.code(204).send();
  });

  // Metron: `GET /api/v1/user` answers the current user name as a plain string.
  app.get('/api/v1/user', {
    schema: { summary: 'Retrieves the current user name' },
  }, async (request, reply) => {
    return reply.type('text/plain; charset=utf-8').send(principalOf(request).username);
  });

  // Metron: the roles (authorities) of the current user, as `ROLE_ADMIN`, `ROLE_USER`.
  app.get('/api/v1/user/whoami/roles', {
    schema: { summary: 'Returns the roles of the current user' },
  }, async (request) => principalOf(request).roles.map((r) => `ROLE_${r.toUpperCase()}`));

  app.post<{ Body: { currentPassword: string; newPassword: string } }>('/api/v1/auth/password', {
    schema: { summary: "Changes the current user's password; ends all of their sessions", body: changePasswordBody },
  }, async (request, reply) => {
    const principal = principalOf(request);
    if (principal.method === 'bearer') throw new HttpError(403, 'FORBIDDEN', 'API tokens cannot change passwords');
    const user = await checkPasswordLimited(users, limiter, principal.username, request.body.currentPassword, request.ip);
    if (!user) throw new HttpError(403, 'FORBIDDEN', 'current password is wrong');
    await users.setPassword(principal.username, request.body.newPassword);
    reply.header('set-cookie', serializeSessionCookie('', { maxAgeSeconds: 0, secure: secureCookies }));
    return reply.code(204).send();
  });

  app.post<{ Body: { name: string; expiresInDays?: number } }>('/api/v1/auth/tokens', {
    schema: { summary: 'Creates an API token for the current user; the secret is returned once', body: createTokenBody },
  }, async (request, reply) => {
    const principal = principalOf(request);
    // A leaked token must not be able to mint longer-lived ones.
    if (principal.method === 'bearer') throw new HttpError(403, 'FORBIDDEN', 'API tokens cannot manage API tokens; use a password or a session');
    const created = await users.createToken(principal.username, request.body.name, request.body.expiresInDays);
    return reply.code(201).send(created);
  });

  app.get('/api/v1/auth/tokens', {
    schema: { summary: "Lists the current user's API tokens (no secrets)" },
  }, async (request) => users.listTokens(principalOf(request).username));

  app.delete<{ Params: { id: string } }>('/api/v1/auth/tokens/:id', {
    schema: { summary: 'Revokes one of the current user\'s API tokens', params: tokenIdParams },
  }, async (request, reply) => {
    const principal = principalOf(request);
    if (principal.method === 'bearer') throw new HttpError(403, 'FORBIDDEN', 'API tokens cannot manage API tokens; use a password or a session');
    if (!(await users.revokeToken(principal.username, request.params.id))) {
      throw new HttpError(404, 'NOT_FOUND', `no API token with id '${request.params.id}'`);
    }
    return reply.code(204).send();
  });

  const adminOnly = requireRole('admin');

  app.get('/api/v1/users', {
    schema: { summary: 'Lists users (admin)' },
    preHandler: adminOnly,
  }, async () => users.listUsers());

  // Any signed-in user: the names an alert can be assigned to (no roles, no dates).
  app.get('/api/v1/users/names', {
    schema: { summary: 'Names of the users, sorted (for assigning alerts)' },
  }, async () => users.listUsers().map((u) => u.username).sort((a, b) => a.localeCompare(b)));

  app.post<{ Body: { username: string; password: string; roles?: Role[] } }>('/api/v1/users', {
    schema: { summary: 'Creates a user (admin)', body: createUserBody },
    preHandler: adminOnly,
  }, async (request, reply) => {
    const { username, password, roles = ['user'] } = request.body;
    if (users.listUsers().some((u) => u.username.toLowerCase() === username.toLowerCase())) {
      throw new HttpError(409, 'CONFLICT', `user '${username}' already exists`);
    }
    const created = await users.createUser(username, password, roles);
    return reply.code(201).send(created);
  });

  app.delete<{ Params: { name: string } }>('/api/v1/users/:name', {
    schema: { summary: 'Deletes a user with their tokens and sessions (admin)', params: userNameParams },
    preHandler: adminOnly,
  }, async (request, reply) => {
    if (!(await users.deleteUser(request.params.name))) {
      throw new HttpError(404, 'NOT_FOUND', `user '${request.params.name}' does not exist`);
    }
    return reply.code(204).send();
  });
}
