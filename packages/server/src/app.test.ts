import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { MetronError } from '@metron/core';
import { createServer, registeredRoutes } from './app.js';
import { PUBLIC_ROUTES } from './auth/authenticate.js';
import type { UserStore } from './auth/user-store.js';
import { basic, fakeDeps, fakeSearchStore, tempUserStore } from './testing.js';

const ADMIN = basic('admin', 'admin-password');

let app: FastifyInstance;
let users: UserStore;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  const t = await tempUserStore();
  users = t.users;
  cleanup = t.cleanup;
  await users.createUser('analyst', 'analyst-password', ['user']);
  app = await createServer(fakeDeps(users, {
    searchStore: fakeSearchStore([{ sensor: 'bro', message: { guid: 'g1', 'source.type': 'bro', ip_src_addr: '10.0.0.1' } }]),
  }));
});

afterEach(async () => {
  await app.close();
  await cleanup();
});

function cookieFrom(setCookie: string | string[] | number | undefined): string {
  const value = Array.isArray(setCookie) ? setCookie[0] : String(setCookie);
  return value!.split(';')[0]!;
}

describe('authentication', () => {
  it('answers 401 with a JSON message on every route but the public ones, without credentials', async () => {
    await app.ready();
    const routes = registeredRoutes(app);
    expect(routes.length).toBeGreaterThan(15);
    let checked = 0;
    for (const route of routes) {
      if (PUBLIC_ROUTES.has(`${route.method} ${route.url}`)) continue;
      const url = route.url.replace(/:[A-Za-z]+/g, 'x');
      const res = await app.inject({ method: route.method as 'GET', url });
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Basic realm="metron"');
      if (route.method !== 'HEAD') expect(res.json()).toMatchObject({ status: 401, code: 'UNAUTHORIZED', message: expect.any(String) });
      checked++;
    }
    expect(checked).toBeGreaterThan(15);
    // Unknown paths do not reveal whether they exist.
    expect((await app.inject({ method: 'GET', url: '/api/v1/nope' })).statusCode).toBe(401);
  });

  it('protects a route registered after createServer', async () => {
    app.get('/api/v1/added-later', async () => ({ secret: true }));
    const res = await app.inject({ method: 'GET', url: '/api/v1/added-later' });
    expect(res.statusCode).toBe(401);
    const ok = await app.inject({ method: 'GET', url: '/api/v1/added-later', headers: { authorization: ADMIN } });
    expect(ok.json()).toEqual({ secret: true });
  });

  it('serves health without credentials', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'UP' });
  });

  it('accepts HTTP Basic and rejects a wrong password or unknown user', async () => {
    const ok = await app.inject({ method: 'GET', url: '/api/v1/user', headers: { authorization: ADMIN } });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('admin');
    expect(ok.headers['content-type']).toMatch(/^text\/plain/);

    for (const authorization of [basic('admin', 'nope'), basic('ghost', 'admin-password'), 'Basic !!!', 'Bearer mtr_unknown', 'Digest x']) {
      const res = await app.inject({ method: 'GET', url: '/api/v1/user', headers: { authorization } });
      expect(res.statusCode, authorization).toBe(401);
      expect(res.json().message).toBe('invalid credentials');
    }
  });

  it('leaves out WWW-Authenticate for browser XHR', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/user', headers: { 'x-requested-with': 'XMLHttpRequest' } });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBeUndefined();
  });

  it('logs in with a session cookie, uses it, and logs out', async () => {
    const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'analyst', password: 'analyst-password' } });
    expect(login.statusCode).toBe(200);
    expect(login.json()).toEqual({ username: 'analyst', roles: ['user'] });
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toMatch(/^metron_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Path=/');
    expect(setCookie).not.toContain('Secure');
    const cookie = cookieFrom(login.headers['set-cookie']);

    const me = await app.inject({ method: 'GET', url: '/api/v1/user', headers: { cookie } });
    expect(me.body).toBe('analyst');
    const roles = await app.inject({ method: 'GET', url: '/api/v1/user/whoami/roles', headers: { cookie } });
    expect(roles.json()).toEqual(['ROLE_USER']);

    const logout = await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie } });
    expect(logout.statusCode).toBe(204);
    expect(String(logout.headers['set-cookie'])).toContain('Max-Age=0');
    const after = await app.inject({ method: 'GET', url: '/api/v1/user', headers: { cookie } });
    expect(after.statusCode).toBe(401);
    expect(after.json().message).toMatch(/session/);
  });

  it('refuses a cross-origin state change with a session cookie', async () => {
    const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: 'admin-password' } });
    const cookie = cookieFrom(login.headers['set-cookie']);
    const headers = { cookie, host: 'metron.example:8080' };
    const evil = await app.inject({ method: 'POST', url: '/api/v1/auth/tokens', headers: { ...headers, origin: 'https://evil.example' }, payload: { name: 'x' } });
    expect(evil.statusCode).toBe(403);
    const same = await app.inject({ method: 'POST', url: '/api/v1/auth/tokens', headers: { ...headers, origin: 'http://metron.example:8080' }, payload: { name: 'x' } });
    expect(same.statusCode).toBe(201);
    const read = await app.inject({ method: 'GET', url: '/api/v1/auth/tokens', headers: { ...headers, origin: 'https://evil.example' } });
    expect(read.statusCode).toBe(200);
  });

  it('changes the password with the current one', async () => {
    const analyst = basic('analyst', 'analyst-password');
    const wrong = await app.inject({ method: 'POST', url: '/api/v1/auth/password', headers: { authorization: analyst }, payload: { currentPassword: 'nope', newPassword: 'new-password-1' } });
    expect(wrong.statusCode).toBe(403);
    const ok = await app.inject({ method: 'POST', url: '/api/v1/auth/password', headers: { authorization: analyst }, payload: { currentPassword: 'analyst-password', newPassword: 'new-password-1' } });
    expect(ok.statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: '/api/v1/user', headers: { authorization: analyst } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/v1/user', headers: { authorization: basic('analyst', 'new-password-1') } })).body).toBe('analyst');
  });

  it('sets Secure on the cookie when asked', async () => {
    const secureApp = await createServer(fakeDeps(users), { secureCookies: true });
    const login = await secureApp.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: 'admin-password' } });
    expect(String(login.headers['set-cookie'])).toContain('; Secure');
    expect(login.headers['strict-transport-security']).toBeDefined();
    await secureApp.close();
  });

  it('rejects a wrong login with 401 and a bad login body with 400', async () => {
    const wrong = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'analyst', password: 'nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toEqual({ status: 401, code: 'UNAUTHORIZED', message: 'invalid user name or password' });
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const extra = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'a', password: 'b', remember: true } });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().message).toBe("body: unknown key 'remember'");
  });

  it('limits failed logins per user and IP with 429', async () => {
    for (let i = 0; i < 10; i++) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'analyst', password: `guess-${i}` } });
      expect(res.statusCode).toBe(401);
    }
    const blocked = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'analyst', password: 'analyst-password' } });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED', message: expect.stringMatching(/too many failed login attempts/) });
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // Basic auth for the same user from the same IP is limited too; other users are not.
    const viaBasic = await app.inject({ method: 'GET', url: '/api/v1/user', headers: { authorization: basic('analyst', 'analyst-password') } });
    expect(viaBasic.statusCode).toBe(429);
    const other = await app.inject({ method: 'GET', url: '/api/v1/user', headers: { authorization: ADMIN } });
    expect(other.statusCode).toBe(200);
  });

  it('creates, lists, uses and revokes bearer tokens', async () => {
    const created = await app.inject({ method: 'POST', url: '/api/v1/auth/tokens', headers: { authorization: ADMIN }, payload: { name: 'ci', expiresInDays: 7 } });
    expect(created.statusCode).toBe(201);
    const { id, token, expiresAt } = created.json();
    expect(token).toMatch(/^mtr_/);
    expect(expiresAt).toEqual(expect.any(String));

    const list = await app.inject({ method: 'GET', url: '/api/v1/auth/tokens', headers: { authorization: ADMIN } });
    expect(list.json()).toEqual([{ id, name: 'ci', createdAt: expect.any(String), expiresAt }]);
    expect(list.body).not.toContain(token);

    const bearer = `Bearer ${token}`;
    const me = await app.inject({ method: 'GET', url: '/api/v1/user', headers: { authorization: bearer } });
    expect(me.body).toBe('admin');
    // A token cannot mint further tokens.
    const mint = await app.inject({ method: 'POST', url: '/api/v1/auth/tokens', headers: { authorization: bearer }, payload: { name: 'x' } });
    expect(mint.statusCode).toBe(403);

    const revoke = await app.inject({ method: 'DELETE', url: `/api/v1/auth/tokens/${id}`, headers: { authorization: ADMIN } });
    expect(revoke.statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: '/api/v1/user', headers: { authorization: bearer } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'DELETE', url: `/api/v1/auth/tokens/${id}`, headers: { authorization: ADMIN } })).statusCode).toBe(404);
  });

  it('keeps user management to admins (403 for the user role)', async () => {
    const analyst = basic('analyst', 'analyst-password');
    const forbidden = [
      await app.inject({ method: 'POST', url: '/api/v1/users', headers: { authorization: analyst }, payload: { username: 'eve', password: 'eve-password' } }),
      await app.inject({ method: 'DELETE', url: '/api/v1/users/admin', headers: { authorization: analyst } }),
      await app.inject({ method: 'GET', url: '/api/v1/users', headers: { authorization: analyst } }),
    ];
    for (const res of forbidden) {
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    }

    const created = await app.inject({ method: 'POST', url: '/api/v1/users', headers: { authorization: ADMIN }, payload: { username: 'eve', password: 'eve-password', roles: ['user'] } });
    expect(created.statusCode).toBe(201);
    // the names alone, for assigning alerts, to any signed-in user; nobody else
    const names = await app.inject({ method: 'GET', url: '/api/v1/users/names', headers: { authorization: analyst } });
    expect(names.statusCode).toBe(200);
    expect(names.json()).toEqual(['admin', 'analyst', 'eve']);
    expect((await app.inject({ method: 'GET', url: '/api/v1/users/names' })).statusCode).toBe(401);
    expect(created.json()).toEqual({ username: 'eve', roles: ['user'], createdAt: expect.any(String) });
    expect(created.body).not.toContain('eve-password');
    const dup = await app.inject({ method: 'POST', url: '/api/v1/users', headers: { authorization: ADMIN }, payload: { username: 'eve', password: 'eve-password' } });
    expect(dup.statusCode).toBe(409);
    const badRole = await app.inject({ method: 'POST', url: '/api/v1/users', headers: { authorization: ADMIN }, payload: { username: 'x', password: 'xxxxxxxxx', roles: ['root'] } });
    expect(badRole.statusCode).toBe(400);
    expect(badRole.json().message).toContain('body.roles[0]: must be one of "admin", "user"');

    expect((await app.inject({ method: 'GET', url: '/api/v1/user', headers: { authorization: basic('eve', 'eve-password') } })).body).toBe('eve');
    expect((await app.inject({ method: 'DELETE', url: '/api/v1/users/eve', headers: { authorization: ADMIN } })).statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: '/api/v1/user', headers: { authorization: basic('eve', 'eve-password') } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'DELETE', url: '/api/v1/users/eve', headers: { authorization: ADMIN } })).statusCode).toBe(404);
    const lastAdmin = await app.inject({ method: 'DELETE', url: '/api/v1/users/admin', headers: { authorization: ADMIN } });
    expect(lastAdmin.statusCode).toBe(400);
  });

  it('sends security headers, also on 401', async () => {
    for (const res of [
      await app.inject({ method: 'GET', url: '/api/v1/health' }),
      await app.inject({ method: 'GET', url: '/api/v1/metrics' }),
    ]) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });
});

describe('routes', () => {
  const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, headers: { authorization: ADMIN }, payload: payload as object });

  it('searches and passes the Metron SearchRequest through', async () => {
    const res = await post('/api/v1/search/search', { indices: ['bro'], query: '*', from: 0, size: 10, sort: [{ field: 'timestamp', sortOrder: 'desc' }], facetFields: null });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ total: 1, results: [{ id: 'g1', index: 'bro', source: { guid: 'g1' } }] });
  });

  it('answers 400 with a message for invalid search requests', async () => {
    const cases: Array<[unknown, string]> = [
      [{ query: '*', sizee: 10 }, "body: unknown key 'sizee'"],
      [{ indices: ['bro'] }, "body: missing required key 'query'"],
      [{ query: '*', size: '10' }, 'body.size: must be integer'],
      [{ query: '*', size: 1_000_000 }, 'body.size: must be <= 10000'],
      [{ query: '*', sort: [{ field: 'x', sortOrder: 'up' }] }, 'body.sort[0].sortOrder: must be one of'],
      [{ query: '*', fields: 'ip' }, 'body.fields: must be array or null'],
    ];
    for (const [payload, message] of cases) {
      const res = await post('/api/v1/search/search', payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json()).toMatchObject({ status: 400, code: 'INPUT_INVALID' });
      expect(res.json().message).toContain(message);
    }
    const notJson = await app.inject({ method: 'POST', url: '/api/v1/search/search', headers: { authorization: ADMIN, 'content-type': 'application/json' }, payload: '{"query":' });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().message).toEqual(expect.any(String));
  });

  it('maps QUERY_INVALID from the store to 400 with its message', async () => {
    const res = await post('/api/v1/search/search', { query: '(((ip_src_addr' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ status: 400, code: 'QUERY_INVALID', message: 'unbalanced parentheses at position 0' });
  });

  it('finds one document or answers 404', async () => {
    const found = await post('/api/v1/search/findOne', { guid: 'g1', sensorType: 'bro' });
    expect(found.statusCode).toBe(200);
    expect(found.json()).toMatchObject({ guid: 'g1', ip_src_addr: '10.0.0.1' });
    const missing = await post('/api/v1/search/findOne', { guid: 'nope', sensorType: 'bro' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect((await post('/api/v1/search/findOne', { guid: 'g1' })).statusCode).toBe(400);
  });

  it('serves metrics as JSON and Prometheus text', async () => {
    const json = await app.inject({ method: 'GET', url: '/api/v1/metrics', headers: { authorization: ADMIN } });
    expect(json.json()).toEqual({ sensors: { bro: { received: 1 } } });
    const prom = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: ADMIN } });
    expect(prom.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(prom.body).toBe('metron_records_received_total{sensor="bro"} 1\n');
  });

  it('answers 503 on health when the pipeline reports DOWN, details only with auth', async () => {
    const down = await createServer(fakeDeps(users, { health: () => ({ status: 'DOWN', stages: { parse: 'stalled' } }) }));
    const res = await down.inject({ method: 'GET', url: '/api/v1/health' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'DOWN' });
    const details = await down.inject({ method: 'GET', url: '/api/v1/health/details', headers: { authorization: ADMIN } });
    expect(details.json()).toEqual({ status: 'DOWN', stages: { parse: 'stalled' } });
    await down.close();
  });

  it('hides internal errors behind a generic 500', async () => {
    const broken = await createServer(fakeDeps(users, {
      metrics: () => {
        throw new Error('ECONNREFUSED 10.1.2.3:9200 at /srv/secret/path');
      },
      searchStore: { ...fakeSearchStore(), search: async () => { throw new MetronError('STORAGE_FAILED', 'duckdb file /data/x locked'); } },
    }));
    const res = await broken.inject({ method: 'GET', url: '/api/v1/metrics', headers: { authorization: ADMIN } });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ status: 500, code: 'INTERNAL', message: 'internal server error' });
    const storage = await broken.inject({ method: 'POST', url: '/api/v1/search/search', headers: { authorization: ADMIN }, payload: { query: '*' } });
    expect(storage.statusCode).toBe(503);
    expect(storage.body).not.toContain('duckdb');
    await broken.close();
  });

  it('keeps credentials out of the log', async () => {
    const lines: string[] = [];
    const logged = await createServer(fakeDeps(users, { metrics: () => { throw new Error('boom'); } }), { logger: true, logStream: { write: (line) => lines.push(line) } });
    const login = await logged.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: 'admin-password' } });
    const cookie = cookieFrom(login.headers['set-cookie']);
    await logged.inject({ method: 'GET', url: '/api/v1/metrics', headers: { authorization: ADMIN, cookie } });
    await logged.close();
    const log = lines.join('');
    expect(log).toContain('request failed');
    for (const secret of ['admin-password', ADMIN.slice(6), cookie.split('=')[1]!]) expect(log).not.toContain(secret);
  });

  it('answers 404 JSON for unknown routes when authenticated', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/nope?x=1', headers: { authorization: ADMIN } });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ status: 404, code: 'NOT_FOUND', message: 'no route GET /api/v1/nope' });
  });
});
