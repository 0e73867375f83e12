/**
 * A TAXII 2.1 client (OASIS TAXII Version 2.1, sections 4 and 5): server discovery, API root
 * information, collections, and a collection's objects with `added_after` and paging (`limit`,
 * `more`/`next`). Requests and responses use the media type `application/taxii+json;version=2.1`.
 * Authentication: HTTP Basic or a bearer token. Errors name the request, the HTTP status and the
 * server's TAXII error message (title, description); credentials never appear in them.
 * Uses Node's built-in fetch.
 */

export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';

export interface TaxiiAuth {
  user?: string | undefined;
  password?: string | undefined;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string | undefined;
}

export interface TaxiiClientOptions {
  auth?: TaxiiAuth;
  /** Per request, in ms (default 60 000). */
  timeoutMs?: number;
}

/** The discovery resource (section 4.1). */
export interface TaxiiDiscovery {
  title: string;
  description?: string;
  contact?: string;
  default?: string;
  api_roots: string[];
}

/** The API root resource (section 4.2). */
export interface TaxiiApiRoot {
  title: string;
  description?: string;
  versions: string[];
  max_content_length: number;
}

/** A collection resource (section 5.2). */
export interface TaxiiCollection {
  id: string;
  title: string;
  description?: string;
  alias?: string;
  can_read: boolean;
  can_write: boolean;
  media_types?: string[];
}

/** One page of a collection's objects: the envelope (section 3.7) and its date headers. */
export interface TaxiiObjectsPage {
  objects: unknown[];
  more: boolean;
  next?: string;
  /** X-TAXII-Date-Added-First / -Last: the date_added of the first and last object of the page. */
  dateAddedFirst?: string;
  dateAddedLast?: string;
  /** The request's URL (for locating objects in reports). */
  url: string;
}

/** A request that failed: the URL (without credentials), the HTTP status when there was a response, and the server's message. */
export class TaxiiError extends Error {
  override readonly name = 'TaxiiError';
  constructor(
    message: string,
    readonly url: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A URL as shown in messages: without user info. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//');
  }
}

export class TaxiiClient {
  private readonly authorization: string | undefined;
  private readonly timeoutMs: number;

  constructor(options: TaxiiClientOptions = {}) {
    const { user, password, token } = options.auth ?? {};
    if (token !== undefined && user !== undefined) throw new Error('give a user (Basic authentication) or a token, not both');
    if (token !== undefined) this.authorization = `Bearer ${token}`;
    else if (user !== undefined) this.authorization = `Basic ${Buffer.from(`${user}:${password ?? ''}`).toString('base64')}`;
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  /**
   * The API root a URL names: the URL itself when it answers as an API root; for a discovery URL
   * (or a server's bare address, whose /taxii2/ is asked), its default API root, or its only one
   * (several and no default: an error listing them).
   */
  async resolveApiRoot(url: string): Promise<{ url: string; apiRoot: TaxiiApiRoot; discovery?: TaxiiDiscovery }> {
    let base = withSlash(url);
    let body: unknown;
    try {
      body = (await this.get(base)).body;
    } catch (err) {
      // a server's bare address: TAXII 2.1 puts discovery at /taxii2/ (section 4.1)
      if (!(err instanceof TaxiiError && err.status === 404 && new URL(base).pathname === '/')) throw err;
      base = new URL('/taxii2/', base).toString();
      body = (await this.get(base)).body;
    }
    if (isObject(body) && Array.isArray(body['api_roots'])) {
      const discovery = checkDiscovery(body, base);
      const roots = discovery.api_roots.map((r) => withSlash(new URL(r, base).toString()));
      const chosen = discovery.default !== undefined ? withSlash(new URL(discovery.default, base).toString()) : roots.length === 1 ? roots[0] : undefined;
      if (chosen === undefined) {
        throw new TaxiiError(
          roots.length === 0 ? `${redactUrl(base)}: the discovery resource lists no API root` : `${redactUrl(base)}: the server has ${roots.length} API roots and no default; pass one as the URL: ${roots.map(redactUrl).join(', ')}`,
          redactUrl(base),
        );
      }
      return { url: chosen, apiRoot: await this.apiRoot(chosen), discovery };
    }
    return { url: base, apiRoot: checkApiRoot(body, base) };
  }

  /** The discovery resource at a URL. */
  async discover(url: string): Promise<TaxiiDiscovery> {
    const base = withSlash(url);
    return checkDiscovery((await this.get(base)).body, base);
  }

  /** The API root resource; refused when the root does not speak TAXII 2.1. */
  async apiRoot(apiRootUrl: string): Promise<TaxiiApiRoot> {
    const base = withSlash(apiRootUrl);
    return checkApiRoot((await this.get(base)).body, base);
  }

  /** The collections of an API root. */
  async collections(apiRootUrl: string): Promise<TaxiiCollection[]> {
    const url = `${withSlash(apiRootUrl)}collections/`;
    const { body } = await this.get(url);
    if (!isObject(body)) throw new TaxiiError(`${redactUrl(url)}: expected a collections resource (a JSON object)`, redactUrl(url));
    const list = body['collections'] ?? [];
    if (!Array.isArray(list)) throw new TaxiiError(`${redactUrl(url)}: "collections" must be a list`, redactUrl(url));
    return list.map((c, i) => {
      if (!isObject(c) || typeof c['id'] !== 'string' || typeof c['title'] !== 'string') throw new TaxiiError(`${redactUrl(url)}: collections[${i}] needs an id and a title`, redactUrl(url));
      return { ...c, can_read: c['can_read'] === true, can_write: c['can_write'] === true } as TaxiiCollection;
    });
  }

  /** One page of a collection's objects. */
  async objectsPage(apiRootUrl: string, collectionId: string, query: { addedAfter?: string | undefined; limit?: number | undefined; next?: string | undefined } = {}): Promise<TaxiiObjectsPage> {
    const url = new URL(`${withSlash(apiRootUrl)}collections/${encodeURIComponent(collectionId)}/objects/`);
    if (query.addedAfter !== undefined) url.searchParams.set('added_after', query.addedAfter);
    if (query.limit !== undefined) url.searchParams.set('limit', String(query.limit));
    if (query.next !== undefined) url.searchParams.set('next', query.next);
    const { body, headers } = await this.get(url.toString());
    const shown = redactUrl(url.toString());
    if (!isObject(body)) throw new TaxiiError(`${shown}: expected an envelope (a JSON object)`, shown);
    const objects = body['objects'] ?? [];
    if (!Array.isArray(objects)) throw new TaxiiError(`${shown}: the envelope's "objects" must be a list`, shown);
    const page: TaxiiObjectsPage = { objects, more: body['more'] === true, url: shown };
    if (typeof body['next'] === 'string' && body['next'] !== '') page.next = body['next'];
    const first = headers.get('x-taxii-date-added-first');
    const last = headers.get('x-taxii-date-added-last');
    if (first !== null) page.dateAddedFirst = first;
    if (last !== null) page.dateAddedLast = last;
    return page;
  }

  /**
   * Every page of a collection's objects added after `addedAfter`, following `next` while the
   * server says there is more. A server that pages without `next` is followed by `added_after`
   * set to the page's X-TAXII-Date-Added-Last.
   */
  async *objectPages(apiRootUrl: string, collectionId: string, options: { addedAfter?: string | undefined; limit?: number | undefined } = {}): AsyncGenerator<TaxiiObjectsPage> {
    let addedAfter = options.addedAfter;
    let next: string | undefined;
    const seen = new Set<string>();
    for (;;) {
      const page = await this.objectsPage(apiRootUrl, collectionId, { addedAfter, limit: options.limit, next });
      yield page;
      if (!page.more) return;
      if (page.next !== undefined) {
        if (seen.has(page.next)) throw new TaxiiError(`${page.url}: the server repeated the paging token "${page.next}"; stopping so as not to loop`, page.url);
        seen.add(page.next);
        next = page.next;
      } else if (page.dateAddedLast !== undefined && page.dateAddedLast !== addedAfter && page.objects.length > 0) {
        next = undefined;
        addedAfter = page.dateAddedLast;
      } else {
        throw new TaxiiError(`${page.url}: the server says there is more but gives neither "next" nor X-TAXII-Date-Added-Last to ask for it`, page.url);
      }
    }
  }

  /** GET with the TAXII media type; the parsed body, or TaxiiError. */
  private async get(url: string): Promise<{ body: unknown; headers: Headers }> {
    const target = new URL(url);
    let authorization = this.authorization;
    if (target.username !== '' && authorization === undefined) {
      authorization = `Basic ${Buffer.from(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`).toString('base64')}`;
    }
    target.username = '';
    target.password = '';
    const shown = target.toString();
    const headers: Record<string, string> = { accept: TAXII_MEDIA_TYPE };
    if (authorization !== undefined) headers['authorization'] = authorization;
    let response: Response;
    try {
      response = await fetch(target, { headers, redirect: 'follow', signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const why = err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : (cause?.code ?? cause?.message ?? (err as Error).message);
      throw new TaxiiError(`GET ${shown}: cannot reach the server: ${why}`, shown);
    }
    const text = await response.text();
    let body: unknown;
    let parsed = true;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = false;
    }
    if (!response.ok) {
      let detail = '';
      if (parsed && isObject(body)) {
        const title = typeof body['title'] === 'string' ? body['title'] : '';
        const description = typeof body['description'] === 'string' ? body['description'] : '';
        detail = [title, description].filter((s) => s !== '').join(': ');
      }
      throw new TaxiiError(`GET ${shown}: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${detail ? `: ${detail}` : ''}`, shown, response.status);
    }
    const type = (response.headers.get('content-type') ?? '').toLowerCase().replace(/\s+/g, '');
    const taxii = type.startsWith('application/taxii+json');
    if (!taxii && !type.startsWith('application/json')) {
      throw new TaxiiError(`GET ${shown}: expected ${TAXII_MEDIA_TYPE}, got ${type === '' ? 'no content type' : type}`, shown, response.status);
    }
    const version = /version=([^;]+)/.exec(type)?.[1];
    if (taxii && version !== undefined && version !== '2.1') throw new TaxiiError(`GET ${shown}: the server answers with TAXII ${version}; this client speaks 2.1`, shown, response.status);
    if (!parsed) throw new TaxiiError(`GET ${shown}: the response is not JSON`, shown, response.status);
    return { body, headers: response.headers };
  }
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function checkDiscovery(body: unknown, url: string): TaxiiDiscovery {
  if (!isObject(body) || typeof body['title'] !== 'string' || !Array.isArray(body['api_roots']) || !body['api_roots'].every((r) => typeof r === 'string')) {
    throw new TaxiiError(`${redactUrl(url)}: not a TAXII discovery resource (title and api_roots expected)`, redactUrl(url));
  }
  return body as unknown as TaxiiDiscovery;
}

function checkApiRoot(body: unknown, url: string): TaxiiApiRoot {
  if (!isObject(body) || typeof body['title'] !== 'string' || !Array.isArray(body['versions'])) {
    throw new TaxiiError(`${redactUrl(url)}: not a TAXII API root or discovery resource (title with versions, or api_roots, expected)`, redactUrl(url));
  }
  const versions = body['versions'].map((v) => String(v).toLowerCase().replace(/\s+/g, ''));
  if (!versions.includes(TAXII_MEDIA_TYPE)) throw new TaxiiError(`${redactUrl(url)}: the API root does not offer TAXII 2.1 (versions: ${versions.join(', ')})`, redactUrl(url));
  return body as unknown as TaxiiApiRoot;
}
