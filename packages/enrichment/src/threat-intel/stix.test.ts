import { describe, expect, it } from 'vitest';
import { DEFAULT_INDICATOR_TYPES, formatIPv6, hashAlgorithmName, normalizeDomain, normalizeHash, normalizeIp, parseIndicatorTypes, settleRows } from './indicator.js';
import { readStixDocument, StixIndicatorMapper } from './stix.js';

const IDENTITY = { type: 'identity', spec_version: '2.1', id: 'identity--5b2ad7b4-1f5c-4a6e-9f39-3c4a1ed3c0a1', name: 'ACME CERT', identity_class: 'organization' };

const indicator = (n: number, pattern: string, extra: Record<string, unknown> = {}) => ({
  type: 'indicator',
  spec_version: '2.1',
  id: `indicator--00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  created: '2024-03-01T10:00:00.000Z',
  modified: '2024-03-01T10:00:00.000Z',
  pattern,
  pattern_type: 'stix',
  valid_from: '2024-03-01T10:00:00Z',
  ...extra,
});

const mapper = () => new StixIndicatorMapper({ types: DEFAULT_INDICATOR_TYPES });
const located = (objects: unknown[]) => objects.map((object, i) => ({ object, where: `b.json: objects[${i}]` }));

describe('STIX indicators to table rows', () => {
  it('writes one row per observable with every metadata field', () => {
    const c2 = indicator(1, "[ipv4-addr:value = '198.51.100.7/32'] OR [domain-name:value = 'Evil.Example.']", {
      name: 'C2 of campaign X',
      indicator_types: ['malicious-activity', 'attribution'],
      labels: ['apt', 'c2'],
      valid_until: '2030-01-01T00:00:00Z',
      confidence: 85,
      created_by_ref: IDENTITY.id,
    });
    const chunk = new StixIndicatorMapper({ types: DEFAULT_INDICATOR_TYPES, feed: 'collection A' }).map(located([IDENTITY, c2]));
    const meta = {
      'source-type': 'STIX',
      stix_id: c2.id,
      name: 'C2 of campaign X',
      pattern: c2.pattern,
      indicator_types: 'malicious-activity,attribution',
      labels: 'apt,c2',
      valid_from: '2024-03-01T10:00:00Z',
      valid_until: '2030-01-01T00:00:00Z',
      confidence: 85,
      created: '2024-03-01T10:00:00.000Z',
      modified: '2024-03-01T10:00:00.000Z',
      source: 'ACME CERT',
      feed: 'collection A',
    };
    const expiresAt = Date.parse('2030-01-01T00:00:00Z');
    expect(chunk).toEqual({
      rows: [
        { type: 'malicious_ip', indicator: '198.51.100.7', expiresAt, value: { ...meta, 'indicator-type': 'malicious_ip', observable: 'ipv4-addr:value' } },
        { type: 'malicious_domain', indicator: 'evil.example', expiresAt, value: { ...meta, 'indicator-type': 'malicious_domain', observable: 'domain-name:value' } },
      ],
      issues: [],
      objects: 2,
      indicators: 1,
      revoked: 0,
      other: 1,
      superseded: 0,
    });
  });

  it('loads IPv6, URL, e-mail and hashes, and each = of AND/OR and each member of IN', () => {
    const chunk = mapper().map(
      located([
        indicator(
          2,
          "[file:hashes.MD5 = 'D41D8CD98F00B204E9800998ECF8427E' AND file:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709' OR file:hashes.'SHA-256' = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']",
        ),
        indicator(3, "[ipv6-addr:value IN ('2001:DB8:0:0:0:0:0:1', '2001:db8::ff00:42:8329/128')] AND [url:value = 'http://evil.example/a?b=c'] FOLLOWEDBY [email-addr:value = 'Boss@evil.example']"),
        indicator(4, "[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '203.0.113.5']"),
      ]),
    );
    expect(chunk.rows.map((r) => [r.type, r.indicator, r.value['observable'], r.value['hash_type']])).toEqual([
      ['malicious_hash', 'd41d8cd98f00b204e9800998ecf8427e', 'file:hashes.MD5', 'MD5'],
      ['malicious_hash', 'da39a3ee5e6b4b0d3255bfef95601890afd80709', "file:hashes.'SHA-1'", 'SHA-1'],
      ['malicious_hash', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', "file:hashes.'SHA-256'", 'SHA-256'],
      ['malicious_ip', '2001:db8::1', 'ipv6-addr:value', undefined],
      ['malicious_ip', '2001:db8::ff00:42:8329', 'ipv6-addr:value', undefined],
      ['malicious_url', 'http://evil.example/a?b=c', 'url:value', undefined],
      ['malicious_email', 'Boss@evil.example', 'email-addr:value', undefined],
      ['malicious_ip', '203.0.113.5', 'network-traffic:dst_ref.value', undefined],
    ]);
    expect(chunk.issues).toEqual([
      { kind: 'unsupported', where: 'b.json: objects[2]', reason: 'network-traffic:dst_ref.type: no table type for this object path (loaded: ipv4-addr, ipv6-addr, domain-name, url, email-addr values, file and artifact hashes, network-traffic src_ref/dst_ref values)' },
    ]);
  });

  it('reports unsupported operators, negations, CIDR ranges, other paths and pattern languages; fails bad patterns and values', () => {
    const objects = [
      indicator(5, "[ipv4-addr:value = '10.0.0.0/8' OR ipv4-addr:value ISSUBSET '10.0.0.0/8' OR url:value MATCHES '^http' OR domain-name:value LIKE '%.ru' OR ipv4-addr:value != '1.1.1.1' OR ipv4-addr:value NOT = '1.1.1.2' OR process:name = 'x.exe' OR ipv4-addr:value = '192.0.2.1']"),
      indicator(6, 'alert tcp any any -> any 80', { pattern_type: 'snort' }),
      indicator(7, "[ipv4-addr:value = '192.0.2.1'"),
      indicator(8, "[ipv4-addr:value = '300.1.1.1' OR file:hashes.MD5 = 'abc' OR file:hashes.SSDEEP = '3:a:b' OR ipv4-addr:value = 5 OR domain-name:value = 'bad domain']"),
      indicator(9, "[ipv4-addr:value = '192.0.2.9']", { valid_until: 'next tuesday' }),
      { type: 'indicator', id: 'nope', pattern: "[ipv4-addr:value = '192.0.2.1']" },
      indicator(10, 'x', { pattern: undefined }),
      'a string',
      { id: 'no type' },
      { type: 'malware', id: 'malware--1', name: 'x' },
    ];
    const chunk = mapper().map(located(objects));
    expect(chunk.rows.map((r) => r.indicator)).toEqual(['192.0.2.1']);
    const at = (i: number) => `b.json: objects[${i}]`;
    expect(chunk.issues).toEqual([
      { kind: 'failed', where: at(5), reason: 'an indicator needs an "id" (indicator--<uuid>)' },
      { kind: 'failed', where: at(7), reason: 'not a STIX object: an object with a "type" is expected' },
      { kind: 'failed', where: at(8), reason: 'not a STIX object: an object with a "type" is expected' },
      { kind: 'unsupported', where: at(0), reason: 'ipv4-addr:value: CIDR range 10.0.0.0/8: the tables hold single addresses (exact-match lookups); only /32 blocks are loaded, as their address' },
      { kind: 'unsupported', where: at(0), reason: "operator ISSUBSET in 'ipv4-addr:value ISSUBSET ...' the tables answer exact matches (=, IN) only" },
      { kind: 'unsupported', where: at(0), reason: "operator MATCHES in 'url:value MATCHES ...' the tables answer exact matches (=, IN) only" },
      { kind: 'unsupported', where: at(0), reason: "operator LIKE in 'domain-name:value LIKE ...' the tables answer exact matches (=, IN) only" },
      { kind: 'unsupported', where: at(0), reason: "'ipv4-addr:value !=' names what is absent, not an indicator" },
      { kind: 'unsupported', where: at(0), reason: "'ipv4-addr:value NOT =' names what is absent, not an indicator" },
      { kind: 'unsupported', where: at(0), reason: expect.stringMatching(/^process:name: no table type for this object path/) },
      { kind: 'unsupported', where: at(1), reason: "pattern_type 'snort': only STIX patterns name observables" },
      { kind: 'failed', where: at(2), reason: "invalid STIX pattern: expected ']' to close the observation expression, found the end of the pattern at offset 30:\n[ipv4-addr:value = '192.0.2.1'\n                              ^" },
      { kind: 'failed', where: at(3), reason: "ipv4-addr:value: not an IPv4 address: '300.1.1.1'" },
      { kind: 'failed', where: at(3), reason: "file:hashes.MD5: not a MD5 hash (32 hex digits): 'abc'" },
      { kind: 'unsupported', where: at(3), reason: expect.stringMatching(/^file:hashes\.SSDEEP: hash algorithm 'SSDEEP' is not an exact-match algorithm \(loaded: MD5, SHA-1,/) },
      { kind: 'failed', where: at(3), reason: 'ipv4-addr:value: compared with a int, expected a string' },
      { kind: 'failed', where: at(3), reason: "domain-name:value: not a domain name: 'bad domain'" },
      { kind: 'failed', where: at(4), reason: 'valid_until is not a timestamp: "next tuesday"' },
      { kind: 'failed', where: at(6), reason: 'an indicator needs a "pattern" (a string)' },
    ]);
    expect(chunk).toMatchObject({ objects: 10, indicators: 6, other: 1, revoked: 0 });
  });

  it('keeps the latest version of an indicator; a revoked one removes its rows, unless another live indicator names the value', () => {
    const v1 = indicator(11, "[ipv4-addr:value = '192.0.2.11' OR ipv4-addr:value = '192.0.2.12']", { modified: '2024-03-01T10:00:00.000Z' });
    const v2 = { ...v1, modified: '2024-03-02T10:00:00.000Z', revoked: true };
    const other = indicator(12, "[ipv4-addr:value = '192.0.2.12']");
    const chunk = mapper().map(located([v2, other, v1]));
    expect(chunk.rows.map((r) => [r.indicator, r.remove ?? false, r.value['stix_id']])).toEqual([
      ['192.0.2.11', true, v1.id],
      ['192.0.2.12', false, other.id],
    ]);
    expect(chunk).toMatchObject({ indicators: 2, revoked: 1, superseded: 1 });
  });

  it('renames table types per kind', () => {
    const types = parseIndicatorTypes('ipv4=address:IPV_4_ADDR, domain=domain:FQDN,hash=bad_hash');
    expect(types).toEqual({ ...DEFAULT_INDICATOR_TYPES, ipv4: 'address:IPV_4_ADDR', domain: 'domain:FQDN', hash: 'bad_hash' });
    expect(parseIndicatorTypes('ip=ti_ip')).toMatchObject({ ipv4: 'ti_ip', ipv6: 'ti_ip' });
    expect(() => parseIndicatorTypes('mac=x')).toThrow(/'mac=x': the kind must be one of ip, ipv4, ipv6, domain, url, email, hash/);
    expect(() => parseIndicatorTypes('url=')).toThrow(/give a type name/);
    const chunk = new StixIndicatorMapper({ types }).map(located([indicator(13, "[ipv4-addr:value = '192.0.2.13' AND domain-name:value = 'a.example']")]));
    expect(chunk.rows.map((r) => [r.type, r.value['indicator-type']])).toEqual([
      ['address:IPV_4_ADDR', 'address:IPV_4_ADDR'],
      ['domain:FQDN', 'domain:FQDN'],
    ]);
  });
});

describe('readStixDocument', () => {
  it('reads bundles, envelopes, lists and single objects, locating each object', () => {
    const obj = { type: 'indicator', id: 'indicator--1' };
    expect(readStixDocument(JSON.stringify({ type: 'bundle', id: 'bundle--1', objects: [obj, {}] }), 'f.json')).toEqual({
      objects: [
        { object: obj, where: 'f.json: objects[0] (indicator--1)' },
        { object: {}, where: 'f.json: objects[1]' },
      ],
      issues: [],
    });
    expect(readStixDocument(JSON.stringify({ more: false, objects: [obj] }), 'e.json').objects).toEqual([{ object: obj, where: 'e.json: objects[0] (indicator--1)' }]);
    expect(readStixDocument(JSON.stringify([obj]), 'l.json').objects).toHaveLength(1);
    expect(readStixDocument(JSON.stringify(obj), 'o.json').objects).toEqual([{ object: obj, where: 'o.json (indicator--1)' }]);
    expect(readStixDocument('{"more": false}', 'empty.json')).toEqual({ objects: [], issues: [] });
  });

  it('fails bad JSON with its line and column, and documents that are not STIX', () => {
    const bad = readStixDocument('{\n  "type": "bundle",\n  "objects": [}\n', 'bad.json');
    expect(bad.objects).toEqual([]);
    expect(bad.issues).toEqual([{ kind: 'failed', where: 'bad.json:3:15', reason: expect.stringMatching(/^invalid JSON: /) }]);
    expect(readStixDocument('42', 'n.json').issues).toEqual([{ kind: 'failed', where: 'n.json', reason: 'not a STIX document: expected a bundle, an object with "type", or a list of objects' }]);
    expect(readStixDocument('{"type":"bundle","objects":{}}', 'o.json').issues[0]?.reason).toBe('a bundle\'s "objects" must be a list');
  });
});

describe('indicator normal forms', () => {
  it('normalizes addresses, CIDR blocks of one address, domains and hashes', () => {
    expect(normalizeIp('198.51.100.1')).toEqual({ ok: true, kind: 'ipv4', indicator: '198.51.100.1' });
    expect(normalizeIp(' 198.51.100.1/32 ')).toEqual({ ok: true, kind: 'ipv4', indicator: '198.51.100.1' });
    expect(normalizeIp('198.51.100.0/33')).toMatchObject({ ok: false, problem: 'invalid' });
    expect(normalizeIp('198.051.100.1')).toMatchObject({ ok: false, problem: 'invalid' });
    expect(normalizeIp('2001:0DB8:0000:0000:0001:0000:0000:0001/128')).toEqual({ ok: true, kind: 'ipv6', indicator: '2001:db8::1:0:0:1' });
    expect(normalizeIp('2001:db8::/32')).toMatchObject({ ok: false, problem: 'unsupported' });
    expect(normalizeIp('1.2.3.4', 6)).toMatchObject({ ok: false, problem: 'invalid', reason: "not an IPv6 address: '1.2.3.4'" });
    expect(formatIPv6(new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1]))).toBe('::ffff:192.0.2.1');
    expect(formatIPv6(new Uint8Array(16))).toBe('::');
    expect(formatIPv6(new Uint8Array([0x20, 1, 0xd, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]))).toBe('2001:db8:0:1:1:1:1:1');
    expect(normalizeDomain('WWW.Example.COM.')).toEqual({ ok: true, kind: 'domain', indicator: 'www.example.com' });
    expect(normalizeDomain('-bad.example')).toMatchObject({ ok: false, problem: 'invalid' });
    expect(normalizeDomain('10.0.0.1')).toMatchObject({ ok: false, problem: 'invalid' });
    expect(normalizeHash('sha256', 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855')).toEqual({ ok: true, kind: 'hash', indicator: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' });
    expect(['md5', 'SHA1', 'sha-256', 'SHA3-256', 'sha3256', 'sha512', 'tlsh'].map(hashAlgorithmName)).toEqual(['MD5', 'SHA-1', 'SHA-256', 'SHA3-256', 'SHA3-256', 'SHA-512', undefined]);
  });

  it('settles rows sharing a key: a live row beats a removal, else the later row wins', () => {
    const row = (indicator: string, n: number, remove?: boolean) => ({ type: 't', indicator, value: { n }, ...(remove ? { remove } : {}) });
    expect(settleRows([row('a', 1), row('a', 2, true), row('b', 3, true), row('b', 4), row('c', 5), row('c', 6)])).toEqual([row('a', 1), row('b', 4), row('c', 6)]);
  });
});
