import { spawn } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ADMIN_PASSWORD = 'test-admin-password-1';
/** The BUILT cli (`npm test` builds it first). */
export const METRON_BIN = fileURLToPath(new URL('../packages/cli/bin/metron.js', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `metron args...` in a child process with `input` on stdin (and `nodeArgs` for node itself); its exit code and output. */
export function runCli(args: string[], input: string | Buffer = '', nodeArgs: string[] = []): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, METRON_BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.on('error', () => {}); // the CLI may exit (a usage or config error) before reading stdin
    child.stdin.end(input);
  });
}

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
