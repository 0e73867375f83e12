/**
 * Debian's Chromium for the browser tests, driven by playwright-core (which downloads no browser
 * of its own). Found at /usr/bin/chromium; installed with `apt-get install -y chromium` when it is
 * missing and the tests run as root (as CI does), else a clear failure: the browser tests are
 * never skipped. A machine-wide lock directory makes parallel test files install once.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Where Debian's package puts the browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
const PACKAGE = 'chromium';

/** Flags for a headless browser in a container: no sandbox (root), no GPU, no background traffic. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'];

function installed(): boolean {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The Chromium path, installing Debian's package first when it is missing and we are root. */
export function ensureChromium(): string {
  if (installed()) return CHROMIUM_PATH;
  if (process.getuid?.() !== 0) {
    throw new Error(`${CHROMIUM_PATH} is missing, and the browser tests need it: install Debian's chromium package (sudo apt-get install -y chromium)`);
  }
  return withInstallLock(() => {
    if (installed()) return CHROMIUM_PATH;
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', PACKAGE], { env, encoding: 'utf8' });
    let result = install();
    if (result.status !== 0) {
      // a fresh machine has no package lists yet
      const update = spawnSync('apt-get', ['update'], { env, encoding: 'utf8' });
      if (update.status !== 0) throw new Error(`apt-get update failed (needed to install ${PACKAGE}): ${tail(update.stderr ?? String(update.error))}`);
      result = install();
    }
    if (result.status !== 0) throw new Error(`apt-get install -y ${PACKAGE} failed: ${tail(result.stderr ?? String(result.error))}`);
    if (!installed()) throw new Error(`apt-get installed ${PACKAGE}, but ${CHROMIUM_PATH} is not there`);
    return CHROMIUM_PATH;
  });
}

/** Launches headless Chromium (installing it when needed). */
export async function launchChromium(): Promise<Browser> {
  const executablePath = ensureChromium();
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, timeout: 60_000 });
}

function withInstallLock<T>(fn: () => T): T {
  const lock = join(tmpdir(), 'metron-chromium-install.lock');
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // a lock left by a killed run is taken over after 15 minutes
      try {
        if (Date.now() - statSync(lock).mtimeMs > 15 * 60_000) rmdirSync(lock);
      } catch {
        // gone meanwhile
      }
      if (Date.now() > deadline) throw new Error(`waited 15 minutes for ${lock} (another test run installing ${PACKAGE})`);
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
