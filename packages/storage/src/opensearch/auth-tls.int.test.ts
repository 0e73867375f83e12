import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOpenSearchStore } from './store.js';
import { testOpenSearchUrl } from './test-support/shared-node.js';

// Basic auth and TLS as a secured cluster has them: the test node (no security plugin) behind a
// local https proxy that asks for a user and a password, with a self-signed certificate made by
// openssl for 127.0.0.1.
const USER = 'metron';
const PASSWORD = 'pw-s3cret-42';
const T0 = Date.UTC(2024, 1, 3, 4);

describe('OpenSearch over https with basic auth', () => {
  let dir: string;
  let ca: string;
  let proxy: https.Server;
  let proxyUrl: string;

  beforeAll(async () => {
    const nodeUrl = new URL(await testOpenSearchUrl());
    dir = mkdtempSync(join(tmpdir(), 'metron-os-tls-'));
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`openssl could not make a test certificate (install Debian's openssl): ${made.stderr ?? made.error?.message}`);
    ca = readFileSync(join(dir, 'cert.pem'), 'utf8');
    const expected = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
    proxy = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: ca }, (req, res) => {
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { type: 'security_exception', reason: 'missing or wrong credentials' }, status: 401 }));
        return;
      }
      const upstream = http.request({ host: nodeUrl.hostname, port: nodeUrl.port, method: req.method, path: req.url, headers: { ...req.headers, host: nodeUrl.host } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `https://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    await fetch(`${nodeUrl.origin}/tls_*_index_*?ignore_unavailable=true`, { method: 'DELETE' });
  }, 300_000);
  afterAll(async () => {
    await new Promise((resolve) => proxy?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes and searches with the CA trusted and the right credentials', async () => {
    const store = openOpenSearchStore({ urls: [proxyUrl], ca, username: USER, password: PASSWORD, replicas: 0, refreshOnWrite: true });
    await store.write('tls_ok', [{ guid: 'k1', timestamp: T0, ip_src_addr: '10.0.0.1' }]);
    expect((await store.search({ indices: ['tls_ok'], query: 'ip_src_addr:10.0.0.1' })).results.map((r) => r.id)).toEqual(['k1']);
    await store.close();
  });

  it('refuses an untrusted certificate unless told to skip the checks', async () => {
    const untrusted = openOpenSearchStore({ urls: [proxyUrl], username: USER, password: PASSWORD, retryMaxMs: 300 });
    const error = await untrusted.write('tls_ca', [{ guid: 'k2', timestamp: T0 }]).then(() => null, (err: unknown) => err as Error);
    expect(error?.message).toMatch(/certificate/);
    await untrusted.close();
    const insecure = openOpenSearchStore({ urls: [proxyUrl], insecure: true, username: USER, password: PASSWORD, replicas: 0, refreshOnWrite: true });
    await insecure.write('tls_ca', [{ guid: 'k2', timestamp: T0 }]);
    expect(await insecure.findOne({ guid: 'k2', sensorType: 'tls_ca' })).toEqual({ guid: 'k2', timestamp: T0 });
    await insecure.close();
  });

  it('fails at once on wrong credentials (401 is not retried) without showing the password', async () => {
    const store = openOpenSearchStore({ urls: [proxyUrl], ca, username: USER, password: 'wrong-pw-77', retryMaxMs: 60_000 });
    const started = Date.now();
    const error = await store.write('tls_auth', [{ guid: 'k3', timestamp: T0 }]).then(() => null, (err: unknown) => err as Error);
    expect(error?.message).toMatch(/HTTP 401 security_exception/);
    expect(Date.now() - started).toBeLessThan(10_000);
    await expect(store.search({ indices: ['tls_auth'], query: '*' })).rejects.toThrow(/401/);
    for (const secret of ['wrong-pw-77', PASSWORD, Buffer.from(`${USER}:wrong-pw-77`).toString('base64')]) {
      expect(String(error?.message)).not.toContain(secret);
      expect(JSON.stringify(error)).not.toContain(secret);
    }
    await store.close();
  });
});
