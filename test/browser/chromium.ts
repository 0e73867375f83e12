/**
 * Debian's Chromium for the browser tests, driven by playwright-core (which downloads no browser
 * of its own). Found at /usr/bin/chromium; installed with `apt-get install -y chromium` when it is
 * missing and the tests run as root (as CI does), else a clear failure: the browser tests are
 * never skipped. A machine-wide lock directory makes parallel test files install once.
 */
import { accessSync, constants } from 'node:fs';
import { ensureDebianProgram } from '@metron/core/node';
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
  return ensureDebianProgram({ package: PACKAGE, find: () => (installed() ? CHROMIUM_PATH : undefined), neededBy: 'the browser tests' });
}

/** Launches headless Chromium (installing it when needed). */
export async function launchChromium(): Promise<Browser> {
  const executablePath = ensureChromium();
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, timeout: 60_000 });
}
