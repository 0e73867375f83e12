/**
 * A real redis-server for tests: found on the machine, installed from Debian's package when it is
 * missing and the tests run as root, else a clear failure (Redis tests are never skipped).
 * Each caller gets its own server: 127.0.0.1, a free port, no persistence, a temp dir, stopped
 * by `stop()`. `METRON_TEST_REDIS_URL` in the environment points the tests at an existing server
 * instead (then nothing is started).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { ensureDebianProgram } from '@metron/core/node';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface TestRedis {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** The environment variable that names an existing server for the tests to use instead of their own. */
export const TEST_REDIS_URL_ENV = 'METRON_TEST_REDIS_URL';

const SERVER = 'redis-server';

/** The path of redis-server on PATH (or in the Debian package's place), or undefined. */
export function findRedisServer(): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/bin', '/usr/sbin', '/usr/local/bin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, SERVER);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * redis-server's path, installing Debian's `redis-server` package first when it is missing and
 * this process runs as root. Concurrent test files install once: a lock directory serialises them.
 */
export function ensureRedisServer(): string {
  return ensureDebianProgram({
    package: SERVER,
    find: findRedisServer,
    neededBy: 'these tests',
    alternative: `or set ${TEST_REDIS_URL_ENV} to a running server's URL`,
    lockMinutes: 10,
  });
}

/** Starts a private redis-server, or answers with the one METRON_TEST_REDIS_URL names. */
export async function startTestRedis(): Promise<TestRedis> {
  const given = process.env[TEST_REDIS_URL_ENV];
  if (given !== undefined && given !== '') {
    return { url: given, port: Number(new URL(given).port || 6379), stop: async () => {} };
  }
  const server = ensureRedisServer();
  let lastError: unknown;
  // a free port can be taken by someone else between the probe and redis binding it: try again
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    try {
      return await launch(server, port);
    } catch (err) {
      lastError = err;
    }
  }
  throw new Error(`could not start ${SERVER}: ${(lastError as Error)?.message ?? String(lastError)}`);
}

/** Starts a private redis-server on the given port (to bring a stopped test server back). */
export async function startTestRedisOn(port: number): Promise<TestRedis> {
  return launch(ensureRedisServer(), port);
}

async function launch(server: string, port: number): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'metron-redis-'));
  const child = spawn(
    server,
    ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--logfile', '', '--databases', '4'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    if (output.length < 8192) output += chunk.toString('utf8');
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready within 10 s: ${tail(output)}`)), 10_000);
      const check = (chunk: Buffer) => {
        if (chunk.toString('utf8').includes('Ready to accept connections') || output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', check);
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`exited (${code ?? signal}) before it was ready: ${tail(output)}`));
      });
    });
  } catch (err) {
    child.kill('SIGKILL');
    cleanup();
    throw err;
  }
  return { url: `redis://127.0.0.1:${port}`, port, stop: () => stopChild(child, cleanup) };
}

async function stopChild(child: ChildProcess, cleanup: () => void): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
  cleanup();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function tail(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > 2000 ? `...${trimmed.slice(-2000)}` : trimmed;
}
