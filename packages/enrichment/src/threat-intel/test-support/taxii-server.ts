/**
 * A TAXII 2.1 server for tests (node:http on 127.0.0.1, a free port), following OASIS TAXII 2.1
 * sections 3-5 for what a read-only client uses: discovery (/taxii2/), one API root (/api1/),
 * collections, a collection, and its objects with `added_after`, `limit`, `next` and `more`,
 * X-TAXII-Date-Added-First/-Last headers, the TAXII media type (406 for an Accept header without
 * it), HTTP Basic authentication (401 with a TAXII error message) and 403/404 errors.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const MEDIA_TYPE = 'application/taxii+json;version=2.1';

export interface TestCollection {
  id: string;
  title: string;
  can_read?: boolean;
  can_write?: boolean;
}

export interface TestTaxiiServerOptions {
  collections: TestCollection[];
  /** user -> password; none: no authentication. */
  users?: Record<string, string>;
  /** Most objects per page the server gives, whatever `limit` asks (default 100). */
  maxPageSize?: number;
  /** Leave out `next` and page by X-TAXII-Date-Added-Last only. */
  withoutNext?: boolean;
  /** Give no default API root and a second one, to test the client's choice. */
  twoApiRoots?: boolean;
}

export interface TestRequest {
  path: string;
  query: Record<string, string>;
  user: string | undefined;
}

export interface TestTaxiiServer {
  /** The discovery URL. */
  discoveryUrl: string;
  apiRootUrl: string;
  /** Adds objects to a collection; each gets the next date_added (1 ms apart, increasing). */
  add(collectionId: string, objects: unknown[]): void;
  /** The date_added of the last object added to a collection. */
  lastDateAdded(collectionId: string): string | undefined;
  requests: TestRequest[];
  stop(): Promise<void>;
}

interface Stored {
  object: unknown;
  dateAdded: string;
}

/** Starts the server; stop() closes it. */
export async function startTestTaxiiServer(options: TestTaxiiServerOptions): Promise<TestTaxiiServer> {
  const store = new Map<string, Stored[]>(options.collections.map((c) => [c.id, []]));
  let clock = Date.parse('2024-05-01T00:00:00.000Z');
  const requests: TestRequest[] = [];
  const maxPageSize = options.maxPageSize ?? 100;
  let base = '';

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': MEDIA_TYPE, ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, title: string, description: string, headers: Record<string, string> = {}): void =>
    send(res, status, { title, description, http_status: String(status) }, headers);

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', base);
    const query = Object.fromEntries(url.searchParams);
    let user: string | undefined;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Basic ')) {
      const [u, ...p] = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':');
      if (options.users !== undefined && options.users[u!] === p.join(':')) user = u;
    }
    requests.push({ path: url.pathname, query, user });
    if (options.users !== undefined && user === undefined) {
      error(res, 401, 'Unauthorized', 'valid credentials are required', { 'www-authenticate': 'Basic realm="taxii"' });
      return;
    }
    if (req.method !== 'GET') {
      error(res, 405, 'Method not allowed', 'this test server is read-only');
      return;
    }
    const accept = (req.headers.accept ?? '').replace(/\s+/g, '');
    if (!accept.split(',').some((a) => a === MEDIA_TYPE || a === 'application/taxii+json')) {
      error(res, 406, 'Not acceptable', `the Accept header must name ${MEDIA_TYPE}`);
      return;
    }
    const path = url.pathname;
    if (path === '/taxii2/') {
      const roots = [`${base}/api1/`, ...(options.twoApiRoots ? [`${base}/api2/`] : [])];
      send(res, 200, { title: 'Test TAXII server', description: 'for tests', api_roots: roots, ...(options.twoApiRoots ? {} : { default: `${base}/api1/` }) });
      return;
    }
    if (path === '/api1/' || (options.twoApiRoots && path === '/api2/')) {
      send(res, 200, { title: 'Test API root', versions: [MEDIA_TYPE], max_content_length: 10_485_760 });
      return;
    }
    if (path === '/api1/collections/') {
      send(res, 200, { collections: options.collections.map((c) => ({ id: c.id, title: c.title, can_read: c.can_read ?? true, can_write: c.can_write ?? false, media_types: [MEDIA_TYPE] })) });
      return;
    }
    const m = /^\/api1\/collections\/([^/]+)\/(objects\/)?$/.exec(path);
    const collection = m === null ? undefined : options.collections.find((c) => c.id === decodeURIComponent(m[1]!));
    if (m === null || collection === undefined) {
      error(res, 404, 'Not found', `no resource at ${path}`);
      return;
    }
    if (m[2] === undefined) {
      send(res, 200, { id: collection.id, title: collection.title, can_read: collection.can_read ?? true, can_write: collection.can_write ?? false });
      return;
    }
    if (collection.can_read === false) {
      error(res, 403, 'Forbidden', `collection ${collection.id} cannot be read`);
      return;
    }
    let after = query['added_after'];
    let offset = 0;
    if (query['next'] !== undefined) {
      try {
        const token = JSON.parse(Buffer.from(query['next'], 'base64url').toString('utf8')) as { after?: string; offset: number };
        after = token.after;
        offset = token.offset;
      } catch {
        error(res, 400, 'Bad request', 'unknown next token');
        return;
      }
    }
    if (after !== undefined && !Number.isFinite(Date.parse(after))) {
      error(res, 400, 'Bad request', `added_after is not a timestamp: ${after}`);
      return;
    }
    const limitText = query['limit'];
    const limit = limitText === undefined ? maxPageSize : Math.min(maxPageSize, Number(limitText));
    if (!(limit > 0)) {
      error(res, 400, 'Bad request', 'limit must be a positive integer');
      return;
    }
    const matching = store.get(collection.id)!.filter((s) => after === undefined || Date.parse(s.dateAdded) > Date.parse(after));
    const page = matching.slice(offset, offset + limit);
    const more = offset + limit < matching.length;
    const envelope: Record<string, unknown> = { more };
    if (page.length > 0) envelope['objects'] = page.map((s) => s.object);
    if (more && !options.withoutNext) envelope['next'] = Buffer.from(JSON.stringify({ after, offset: offset + limit })).toString('base64url');
    const headers: Record<string, string> = {};
    if (page.length > 0) {
      headers['x-taxii-date-added-first'] = page[0]!.dateAdded;
      headers['x-taxii-date-added-last'] = page[page.length - 1]!.dateAdded;
    }
    send(res, 200, envelope, headers);
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    discoveryUrl: `${base}/taxii2/`,
    apiRootUrl: `${base}/api1/`,
    add(collectionId, objects) {
      const list = store.get(collectionId);
      if (list === undefined) throw new Error(`no collection ${collectionId}`);
      for (const object of objects) {
        clock += 1;
        list.push({ object, dateAdded: new Date(clock).toISOString() });
      }
    },
    lastDateAdded: (collectionId) => store.get(collectionId)?.at(-1)?.dateAdded,
    requests,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
