/**
 * The console's weight: the JavaScript a first visit loads (the entry script of index.html and
 * the modules it preloads), gzip-compressed as the server sends it, must stay within 1 MiB.
 * Measured from the build output (`npm run build` makes it; `npm test` builds first).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const DIST = fileURLToPath(new URL('../../packages/console/dist/', import.meta.url));
const LIMIT = 1024 * 1024;

/** Scripts and module preloads named by index.html. */
export function initialScripts(html: string): string[] {
  const found = new Set<string>();
  for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) found.add(m[1]!);
  for (const m of html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g)) found.add(m[1]!);
  return [...found];
}

describe('console bundle weight', () => {
  it('loads at most 1 MiB of gzipped JavaScript on the first visit', () => {
    const index = join(DIST, 'index.html');
    if (!existsSync(index)) throw new Error(`${index} is missing: run \`npm run build\` first`);
    const scripts = initialScripts(readFileSync(index, 'utf8'));
    expect(scripts.length).toBeGreaterThan(0);
    let gzipped = 0;
    let raw = 0;
    for (const src of scripts) {
      expect(src.startsWith('/assets/'), src).toBe(true);
      const body = readFileSync(join(DIST, src));
      raw += body.length;
      gzipped += gzipSync(body, { level: 9 }).length;
    }
    console.log(JSON.stringify({ console_initial_js: { files: scripts.length, bytes: raw, gzip_bytes: gzipped, limit: LIMIT } }));
    expect(gzipped).toBeLessThanOrEqual(LIMIT);
  });
});
