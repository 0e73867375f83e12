/**
 * A program the tests need from a Debian package (redis-server, chromium): found where it is, else
 * installed with apt-get when this process runs as root (as CI does), else a clear error naming
 * the command to run. Never a skip. Parallel test processes install once: a machine-wide lock
 * directory serialises them; a lock left by a killed run is taken over after `lockMinutes`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface DebianProgram {
  /** The Debian package that holds it. */
  package: string;
  /** The program's path if it is installed, else undefined. */
  find(): string | undefined;
  /** What needs it, for the error without root (e.g. "the browser tests"). */
  neededBy: string;
  /** Another way out, added to the error without root (e.g. "or set METRON_TEST_REDIS_URL ..."). */
  alternative?: string;
  /** Minutes after which a lock left behind is taken over; 15 by default. */
  lockMinutes?: number;
}

/** The program's path, installing its package first when it is missing and this process is root. */
export function ensureDebianProgram(program: DebianProgram): string {
  const found = program.find();
  if (found !== undefined) return found;
  const name = program.package;
  if (process.getuid?.() !== 0) {
    throw new Error(`${name} is not installed, and ${program.neededBy} need a real one: install it (on Debian: sudo apt-get install -y ${name})${program.alternative ? `, ${program.alternative}` : ''}`);
  }
  return withLock(`metron-${name}-install.lock`, program.lockMinutes ?? 15, name, () => {
    const again = program.find();
    if (again !== undefined) return again;
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', name], { env, encoding: 'utf8' });
    let result = install();
    if (result.status !== 0) {
      // a fresh machine has no package lists yet
      const update = spawnSync('apt-get', ['update'], { env, encoding: 'utf8' });
      if (update.status !== 0) throw new Error(`apt-get update failed (needed to install ${name}): ${tail(update.stderr ?? String(update.error))}`);
      result = install();
    }
    if (result.status !== 0) throw new Error(`apt-get install -y ${name} failed: ${tail(result.stderr ?? String(result.error))}`);
    const installed = program.find();
    if (installed === undefined) throw new Error(`apt-get installed ${name}, but its program is not where it was looked for`);
    return installed;
  });
}

function withLock<T>(name: string, minutes: number, what: string, fn: () => T): T {
  const lock = join(tmpdir(), name);
  const stale = minutes * 60_000;
  const deadline = Date.now() + stale;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      try {
        if (Date.now() - statSync(lock).mtimeMs > stale) rmdirSync(lock);
      } catch {
        // gone meanwhile
      }
      if (Date.now() > deadline) throw new Error(`waited ${minutes} minutes for ${lock} (another test run installing ${what})`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    }
  }
  try {
    return fn();
  } finally {
    rmdirSync(lock);
  }
}

function tail(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > 2000 ? `...${trimmed.slice(-2000)}` : trimmed;
}
