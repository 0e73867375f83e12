/** The TAXII 2.1 client against the local spec-following test server (a real HTTP server on 127.0.0.1). */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TAXII_MEDIA_TYPE, TaxiiClient, TaxiiError, redactUrl } from './taxii-client.js';
import { startTestTaxiiServer, type TestTaxiiServer } from './test-support/taxii-server.js';

let server: TestTaxiiServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const obj = (n: number) => ({ type: 'indicator', spec_version: '2.1', id: `indicator--${n}`, pattern: `[ipv4-addr:value = '192.0.2.${n}']`, pattern_type: 'stix' });
const auth = { user: 'analyst', password: 's3cret:with:colons' };

async function rejection(promise: Promise<unknown>): Promise<TaxiiError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof TaxiiError) return err;
    throw err;
  }
  throw new Error('no error');
}

describe('TaxiiClient', () => {
  it('discovers the default API root, lists collections and pages through objects with next', async () => {
    server = await startTestTaxiiServer({ collections: [{ id: 'c1', title: 'Indicators' }, { id: 'c2', title: 'Closed', can_read: false }], users: { analyst: auth.password }, maxPageSize: 2 });
    server.add('c1', [obj(1), obj(2), obj(3), obj(4), obj(5)]);
    const client = new TaxiiClient({ auth });
    const root = await client.resolveApiRoot(server.discoveryUrl);
    expect(root).toEqual({
      url: server.apiRootUrl,
      apiRoot: { title: 'Test API root', versions: [TAXII_MEDIA_TYPE], max_content_length: 10_485_760 },
      discovery: { title: 'Test TAXII server', description: 'for tests', api_roots: [server.apiRootUrl], default: server.apiRootUrl },
    });
    expect(await client.resolveApiRoot(server.apiRootUrl.slice(0, -1))).toMatchObject({ url: server.apiRootUrl, apiRoot: { title: 'Test API root' } });
    // the server's bare address: discovery at /taxii2/
    expect(await client.resolveApiRoot(server.discoveryUrl.replace('/taxii2/', ''))).toMatchObject({ url: server.apiRootUrl, discovery: { title: 'Test TAXII server' } });
    expect((await rejection(client.resolveApiRoot(server.discoveryUrl.replace('/taxii2/', '/elsewhere/')))).status).toBe(404);
    expect(await client.collections(root.url)).toEqual([
      { id: 'c1', title: 'Indicators', can_read: true, can_write: false, media_types: [TAXII_MEDIA_TYPE] },
      { id: 'c2', title: 'Closed', can_read: false, can_write: false, media_types: [TAXII_MEDIA_TYPE] },
    ]);
    const pages = [];
    for await (const page of client.objectPages(root.url, 'c1', { limit: 10 })) pages.push(page);
    expect(pages.map((p) => [p.objects.map((o) => (o as { id: string }).id), p.more, p.dateAddedFirst, p.dateAddedLast])).toEqual([
      [['indicator--1', 'indicator--2'], true, '2024-05-01T00:00:00.001Z', '2024-05-01T00:00:00.002Z'],
      [['indicator--3', 'indicator--4'], true, '2024-05-01T00:00:00.003Z', '2024-05-01T00:00:00.004Z'],
      [['indicator--5'], false, '2024-05-01T00:00:00.005Z', '2024-05-01T00:00:00.005Z'],
    ]);
    const objectRequests = server.requests.filter((r) => r.path.endsWith('/objects/'));
    expect(objectRequests.map((r) => r.query)).toEqual([{ limit: '10' }, { limit: '10', next: expect.any(String) }, { limit: '10', next: expect.any(String) }]);
    expect(server.requests.every((r) => r.user === 'analyst')).toBe(true);

    // added_after: only what was added since
    const after = [];
    for await (const page of client.objectPages(root.url, 'c1', { addedAfter: '2024-05-01T00:00:00.004Z' })) after.push(...page.objects);
    expect(after).toEqual([obj(5)]);
    const empty = [];
    for await (const page of client.objectPages(root.url, 'c1', { addedAfter: '2024-05-01T00:00:00.005Z' })) empty.push(page);
    expect(empty).toEqual([{ objects: [], more: false, url: `${root.url}collections/c1/objects/?added_after=2024-05-01T00%3A00%3A00.005Z` }]);
  });

  it('pages by X-TAXII-Date-Added-Last when the server gives no next', async () => {
    server = await startTestTaxiiServer({ collections: [{ id: 'c1', title: 'A' }], maxPageSize: 2, withoutNext: true });
    server.add('c1', [obj(1), obj(2), obj(3)]);
    const ids = [];
    for await (const page of new TaxiiClient().objectPages(server.apiRootUrl, 'c1')) ids.push(...page.objects.map((o) => (o as { id: string }).id));
    expect(ids).toEqual(['indicator--1', 'indicator--2', 'indicator--3']);
    expect(server.requests.filter((r) => r.path.endsWith('/objects/')).map((r) => r.query)).toEqual([{}, { added_after: '2024-05-01T00:00:00.002Z' }]);
  });

  it('reports HTTP errors with the status and the TAXII error message, never the credentials', async () => {
    server = await startTestTaxiiServer({ collections: [{ id: 'c1', title: 'A' }, { id: 'c2', title: 'Closed', can_read: false }], users: { analyst: auth.password } });
    const unauthorized = await rejection(new TaxiiClient({ auth: { user: 'analyst', password: 'wrong' } }).collections(server.apiRootUrl));
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.message).toBe(`GET ${server.apiRootUrl}collections/: HTTP 401 Unauthorized: Unauthorized: valid credentials are required`);
    const client = new TaxiiClient({ auth });
    expect((await rejection(client.objectsPage(server.apiRootUrl, 'c2'))).message).toBe(`GET ${server.apiRootUrl}collections/c2/objects/: HTTP 403 Forbidden: Forbidden: collection c2 cannot be read`);
    expect((await rejection(client.objectsPage(server.apiRootUrl, 'nope'))).status).toBe(404);
    // credentials in the URL are used, and not shown
    const inUrl = server.apiRootUrl.replace('http://', 'http://analyst:wrong@');
    const err = await rejection(new TaxiiClient().collections(inUrl));
    expect(err.status).toBe(401);
    expect(err.message).not.toContain('wrong');
    expect(redactUrl('https://u:p@example.org/x')).toBe('https://example.org/x');
    const ok = await new TaxiiClient().collections(server.apiRootUrl.replace('http://', `http://analyst:${encodeURIComponent(auth.password)}@`));
    expect(ok.map((c) => c.id)).toEqual(['c1', 'c2']);
    expect(() => new TaxiiClient({ auth: { user: 'a', token: 't' } })).toThrow(/not both/);
  });

  it('asks which API root when there are several and no default', async () => {
    server = await startTestTaxiiServer({ collections: [], twoApiRoots: true });
    const err = await rejection(new TaxiiClient().resolveApiRoot(server.discoveryUrl));
    expect(err.message).toBe(`${server.discoveryUrl}: the server has 2 API roots and no default; pass one as the URL: ${server.apiRootUrl}, ${server.apiRootUrl.replace('api1', 'api2')}`);
  });

  it('refuses what is not TAXII 2.1, and unreachable servers', async () => {
    const answers: Array<[string, string]> = [
      ['text/html', '<html>login</html>'],
      ['application/taxii+json;version=2.0', '{"title":"x","versions":[]}'],
      ['application/taxii+json;version=2.1', '{"title":"x","versions":["application/taxii+json;version=2.0"]}'],
      ['application/taxii+json;version=2.1', '{"hello":1}'],
      ['application/taxii+json;version=2.1', 'not json'],
    ];
    let answer = 0;
    const plain = createServer((_req, res) => {
      const [type, body] = answers[answer++]!;
      res.writeHead(200, { 'content-type': type });
      res.end(body);
    });
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(plain.address() as AddressInfo).port}/root/`;
    try {
      const client = new TaxiiClient();
      expect((await rejection(client.resolveApiRoot(url))).message).toBe(`GET ${url}: expected application/taxii+json;version=2.1, got text/html`);
      expect((await rejection(client.resolveApiRoot(url))).message).toBe(`GET ${url}: the server answers with TAXII 2.0; this client speaks 2.1`);
      expect((await rejection(client.resolveApiRoot(url))).message).toBe(`${url}: the API root does not offer TAXII 2.1 (versions: application/taxii+json;version=2.0)`);
      expect((await rejection(client.resolveApiRoot(url))).message).toBe(`${url}: not a TAXII API root or discovery resource (title with versions, or api_roots, expected)`);
      expect((await rejection(client.resolveApiRoot(url))).message).toBe(`GET ${url}: the response is not JSON`);
    } finally {
      await new Promise((r) => plain.close(r));
    }
    // a port nothing listens on
    const gone = createServer();
    await new Promise<void>((r) => gone.listen(0, '127.0.0.1', r));
    const goneUrl = `http://127.0.0.1:${(gone.address() as AddressInfo).port}/taxii2/`;
    await new Promise((r) => gone.close(r));
    const closed = await rejection(new TaxiiClient().resolveApiRoot(goneUrl));
    expect(closed.message).toBe(`GET ${goneUrl}: cannot reach the server: ECONNREFUSED`);
    expect(closed.status).toBeUndefined();
  });
});
