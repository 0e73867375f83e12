/**
 * Serves the web console (packages/console, a Vite build) from its `dist` directory: the hashed
 * files under `/assets/` with a year of immutable caching, `index.html` with `no-cache`, and the
 * same `index.html` for every other path that is not a file (the console routes on the client:
 * a reload on `/alerts` must land in the app). The files are public — the app itself shows the
 * login page until there is a session — while every `/api` path keeps needing a user (the
 * authentication hook makes this route public only outside `/api`, see authenticate.ts).
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** The route pattern of the console; public outside `/api` (authenticate.ts). */
export const CONSOLE_ROUTE = '/*';

/** The console's own Content-Security-Policy: its scripts, styles and API calls, same origin only. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Types worth compressing on the way out. */
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.map', '.svg', '.txt']);

/** Whether a request path belongs to the REST API (never served by the console). */
export function isApiPath(url: string): boolean {
  const path = url.split('?')[0] ?? '';
  return path === '/api' || path.startsWith('/api/') || path === '/metrics';
}

interface CachedFile {
  mtimeMs: number;
  body: Buffer;
  gzip?: Buffer;
}

export interface ConsoleOptions {
  /** The console's built `dist` directory (holds index.html and assets/). */
  dir: string;
}

/** Registers the console route on `app`. */
export function registerConsole(app: FastifyInstance, options: ConsoleOptions): void {
  const root = resolve(options.dir);
  // Files are read once per modification time; compressed copies are kept beside them.
  const cache = new Map<string, CachedFile>();

  async function load(file: string): Promise<CachedFile | undefined> {
    let info;
    try {
      info = await stat(file);
    } catch {
      return undefined;
    }
    if (!info.isFile()) return undefined;
    const hit = cache.get(file);
    if (hit && hit.mtimeMs === info.mtimeMs) return hit;
    const body = await readFile(file);
    const entry: CachedFile = { mtimeMs: info.mtimeMs, body };
    if (COMPRESSIBLE.has(extname(file)) && body.length > 1024) entry.gzip = gzipSync(body, { level: 9 });
    cache.set(file, entry);
    return entry;
  }

  function send(request: FastifyRequest, reply: FastifyReply, file: string, entry: CachedFile, cacheControl: string): FastifyReply {
    const ext = extname(file);
    reply.header('cache-control', cacheControl);
    reply.header('content-type', CONTENT_TYPES[ext] ?? 'application/octet-stream');
    reply.header('content-security-policy', CONSOLE_CSP);
    reply.header('vary', 'accept-encoding');
    const acceptsGzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
    if (entry.gzip && acceptsGzip) {
      reply.header('content-encoding', 'gzip');
      return reply.send(entry.gzip);
    }
    return reply.send(entry.body);
  }

  app.get(CONSOLE_ROUTE, {
    schema: { summary: 'The web console (static files; client routes answer index.html)' },
  }, async (request, reply) => {
    if (isApiPath(request.url)) return reply.callNotFound();
    let path: string;
    try {
      path = decodeURIComponent((request.url.split('?')[0] ?? '/'));
    } catch {
      return reply.code(400).type('text/plain; charset=utf-8').send('bad path');
    }
    const index = join(root, 'index.html');
    // A path whose last segment looks like a file name is a file: it exists, or it is a 404
    // (an old hashed asset after an upgrade must not come back as HTML).
    const last = path.slice(path.lastIndexOf('/') + 1);
    if (last.includes('.') && last !== 'index.html') {
      const file = resolve(root, '.' + path);
      if (path.includes('\0') || !file.startsWith(root + sep)) {
        return reply.code(404).type('text/plain; charset=utf-8').send('not found');
      }
      const entry = await load(file);
      if (!entry) return reply.code(404).type('text/plain; charset=utf-8').send('not found');
      const immutable = path.startsWith('/assets/');
      return send(request, reply, file, entry, immutable ? IMMUTABLE : REVALIDATE);
    }
    const entry = await load(index);
    if (!entry) {
      return reply.code(503).type('text/plain; charset=utf-8')
        .send(`The web console is not built (no ${index}). Run \`npm run build\` in the repository.`);
    }
    return send(request, reply, index, entry, REVALIDATE);
  });
}
