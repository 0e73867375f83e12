import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ADMIN_PASSWORD = 'test-admin-password-1';
export const BUILTIN_CONFIG = new URL('../packages/cli/config/', import.meta.url).pathname;

export function basicAuth(user = 'admin', password = ADMIN_PASSWORD): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
}

/** A temp dir with a copy of the built-in configs, optionally with sources. */
export async function tempEnv(sources?: unknown[]): Promise<{ dir: string; configDir: string; dataDir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'metron-test-'));
  const configDir = join(dir, 'config');
  await cp(BUILTIN_CONFIG, configDir, { recursive: true });
  await writeFile(join(configDir, 'sources.json'), JSON.stringify(sources ?? []));
  return { dir, configDir, dataDir: join(dir, 'data'), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** JSON request against the REST API with Basic auth. */
export async function api(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: basicAuth(), ...(body !== undefined && typeof body !== 'string' && !Buffer.isBuffer(body) ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json: json as any, text, headers: res.headers };
}

/** Polls until `check` returns a truthy value or the timeout passes. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 20_000, stepMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
