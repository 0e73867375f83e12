import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createServer, registeredRoutes } from './app.js';
import { PUBLIC_ROUTES } from './auth/authenticate.js';
import { CONSOLE_CSP, CONSOLE_ROUTE } from './console.js';
import { basic, fakeDeps, tempUserStore } from './testing.js';

const ADMIN = basic('admin', 'admin-password');
const INDEX = '<!doctype html><html><head><script type="module" src="/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(5000))});`;

let app: FastifyInstance;
let dist: string;
let cleanupUsers: () => Promise<void>;

beforeEach(async () => {
  dist = await mkdtemp(join(tmpdir(), 'metron-console-'));
  await mkdir(join(dist, 'assets'));
  await writeFile(join(dist, 'index.html'), INDEX);
  await writeFile(join(dist, 'assets', 'index-abc123.js'), SCRIPT);
  await writeFile(join(dist, 'robots.txt'), 'User-agent: *\nDisallow: /\n');
  await writeFile(join(tmpdir(), 'metron-console-outside.txt'), 'secret');
  const t = await tempUserStore();
  cleanupUsers = t.cleanup;
  app = await createServer(fakeDeps(t.users), { consoleDir: dist });
});

afterEach(async () => {
  await app.close();
  await cleanupUsers();
  await rm(dist, { recursive: true, force: true });
});

describe('web console static files', () => {
  it('serves index.html at / and at client routes without credentials, revalidated on each load', async () => {
    for (const url of ['/', '/alerts', '/sensors/bro', '/alerts?q=is_alert:true']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
      expect(res.body).toBe(INDEX);
    }
  });

  it('serves hashed assets as immutable, gzip-compressed when the browser accepts it', async () => {
    const plain = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.body).toBe(SCRIPT);
    const zipped = await app.inject({ method: 'GET', url: '/assets/index-abc123.js', headers: { 'accept-encoding': 'gzip, deflate' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(zipped.rawPayload).toString('utf8')).toBe(SCRIPT);
    expect(zipped.rawPayload.length).toBeLessThan(SCRIPT.length / 10);
    const other = await app.inject({ method: 'GET', url: '/robots.txt' });
    expect(other.headers['cache-control']).toBe('no-cache');
    expect(other.body).toContain('Disallow');
  });

  it('answers 404, not the page, for a missing file, and never serves a file outside the build', async () => {
    const missing = await app.inject({ method: 'GET', url: '/assets/index-old999.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.body).not.toContain('<html');
    for (const url of ['/../metron-console-outside.txt', '/%2e%2e/metron-console-outside.txt', '/assets/..%2f..%2fmetron-console-outside.txt', '/%00.js']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.body, url).not.toContain('secret');
      expect([400, 404], url).toContain(res.statusCode);
    }
  });

  it('keeps every /api route authenticated: unknown API paths are 401 without a user and 404 JSON with one', async () => {
    await app.ready();
    for (const route of registeredRoutes(app)) {
      if (PUBLIC_ROUTES.has(`${route.method} ${route.url}`) || route.url === CONSOLE_ROUTE) continue;
      const res = await app.inject({ method: route.method as 'GET', url: route.url.replace(/:[A-Za-z]+/g, 'x') });
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(401);
    }
    const anonymous = await app.inject({ method: 'GET', url: '/api/v1/nope', headers: { 'x-requested-with': 'XMLHttpRequest' } });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBeUndefined();
    const known = await app.inject({ method: 'GET', url: '/api/v1/nope', headers: { authorization: ADMIN } });
    expect(known.statusCode).toBe(404);
    expect(known.json()).toEqual({ status: 404, code: 'NOT_FOUND', message: 'no route GET /api/v1/nope' });
    expect((await app.inject({ method: 'GET', url: '/api' })).statusCode).toBe(401);
  });

  it('says to build the console when its files are missing', async () => {
    await rm(join(dist, 'index.html'));
    const res = await app.inject({ method: 'GET', url: '/alerts' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build');
  });
});
