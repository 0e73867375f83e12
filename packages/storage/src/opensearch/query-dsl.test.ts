import { describe, expect, it } from 'vitest';
import { parseQuery } from '../query/parser.js';
import { resolveDates } from '../query/dates.js';
import { CORPUS_CASES, CORPUS_NOW } from '../query/test-corpus.js';
import type { MetronFieldType } from '../types.js';
import { renderQueryDsl, wildcardPattern } from './query-dsl.js';

const fields: Record<string, MetronFieldType> = {
  guid: 'keyword', timestamp: 'date', ip_src_addr: 'ip', ip_dst_port: 'long', 'threat.triage.score': 'double',
  is_alert: 'boolean', protocol: 'keyword', tags: 'other', original_string: 'keyword',
};
const render = (query: string) => renderQueryDsl(resolveDates(parseQuery(query), CORPUS_NOW), fields);
const NONE = { match_none: {} };

describe('renderQueryDsl', () => {
  it('renders field terms by the field type, and impossible values or unknown fields as match_none', () => {
    expect(render('ip_src_addr:10.0.0.1')).toEqual({ term: { ip_src_addr: { value: '10.0.0.1' } } });
    expect(render('ip_dst_port:80')).toEqual({ term: { ip_dst_port: { value: 80 } } });
    expect(render('ip_dst_port:8.5')).toEqual(NONE);
    expect(render('ip_dst_port:abc')).toEqual(NONE);
    expect(render('threat.triage.score:2.5')).toEqual({ term: { 'threat.triage.score': { value: 2.5 } } });
    expect(render('is_alert:TRUE')).toEqual({ term: { is_alert: { value: true } } });
    expect(render('is_alert:maybe')).toEqual(NONE);
    expect(render('nope:1')).toEqual(NONE);
    expect(render('timestamp:"2023-11-14T00:00:00Z"')).toEqual({ term: { timestamp: { value: CORPUS_NOW - 86_400_000 } } });
    expect(render(`protocol:"a \\"b\\" ' OR 1=1"`)).toEqual({ term: { protocol: { value: `a "b" ' OR 1=1` } } });
  });

  it('renders a bare term over every field that can hold it, plus contains on original_string', () => {
    expect(render('80')).toEqual({
      bool: {
        minimum_should_match: 1,
        should: [
          // not ip_src_addr: '80' is no address, and OpenSearch would fail the request on it
          { term: { guid: { value: '80' } } }, { term: { timestamp: { value: 80 } } },
          { term: { ip_dst_port: { value: 80 } } }, { term: { 'threat.triage.score': { value: 80 } } },
          { term: { protocol: { value: '80' } } }, { term: { tags: { value: '80' } } }, { term: { original_string: { value: '80' } } },
          { wildcard: { original_string: { value: '*80*', case_insensitive: true } } },
        ],
      },
    });
    expect(renderQueryDsl(parseQuery('x*y?'), { port: 'long' })).toEqual(NONE);
  });

  it('renders CIDR blocks and addresses on ip fields as terms, ranges on them by address, other values as match_none', () => {
    expect(render('ip_src_addr:10.0.0.0/8')).toEqual({ term: { ip_src_addr: { value: '10.0.0.0/8' } } });
    expect(render('ip_src_addr:"2001:db8::/32"')).toEqual({ term: { ip_src_addr: { value: '2001:db8::/32' } } });
    expect(render('ip_src_addr:"2001:db8::1"')).toEqual({ term: { ip_src_addr: { value: '2001:db8::1' } } });
    expect(render('ip_src_addr:10.0.0.0/33')).toEqual(NONE);
    expect(render('ip_src_addr:"::ffff:10.0.0.0/104"')).toEqual(NONE);
    expect(render('ip_src_addr:abc')).toEqual(NONE);
    expect(render('protocol:10.0.0.0/8')).toEqual({ term: { protocol: { value: '10.0.0.0/8' } } });
    expect(render('ip_src_addr:[10.0.0.1 TO 10.0.0.255]')).toEqual({ range: { ip_src_addr: { gte: '10.0.0.1', lte: '10.0.0.255' } } });
    expect(render('ip_src_addr:{:: TO 10.0.0.1]')).toEqual({ range: { ip_src_addr: { gt: '::', lte: '10.0.0.1' } } });
    expect(render('ip_src_addr:[10.0.0.1 TO x]')).toEqual(NONE);
    expect(render('10.0.0.0/8')).toEqual({
      bool: {
        minimum_should_match: 1,
        should: [
          { term: { guid: { value: '10.0.0.0/8' } } }, { term: { ip_src_addr: { value: '10.0.0.0/8' } } },
          { term: { protocol: { value: '10.0.0.0/8' } } }, { term: { tags: { value: '10.0.0.0/8' } } },
          { term: { original_string: { value: '10.0.0.0/8' } } },
          { wildcard: { original_string: { value: '*10.0.0.0/8*', case_insensitive: true } } },
        ],
      },
    });
  });

  it('renders wildcards with their own escaping, on text fields only', () => {
    expect(wildcardPattern([{ literal: 'a*b?c\\' }, { any: '*' }, { any: '?' }])).toBe('a\\*b\\?c\\\\*?');
    expect(render('protocol:ht*')).toEqual({ wildcard: { protocol: { value: 'ht*' } } });
    expect(render('ip_dst_port:8*')).toEqual(NONE);
    expect(render('protocol:*')).toEqual({ exists: { field: 'protocol' } });
  });

  it('renders ranges by type, with dates as epoch ms', () => {
    expect(render('ip_dst_port:[22 TO 80}')).toEqual({ range: { ip_dst_port: { gte: 22, lt: 80 } } });
    expect(render('ip_dst_port:>=1024')).toEqual({ range: { ip_dst_port: { gte: 1024 } } });
    expect(render('protocol:{a TO m]')).toEqual({ range: { protocol: { gt: 'a', lte: 'm' } } });
    expect(render('ip_dst_port:[a TO 5]')).toEqual(NONE);
    expect(render('ip_dst_port:[* TO *]')).toEqual({ exists: { field: 'ip_dst_port' } });
    expect(render('is_alert:[false TO true]')).toEqual(NONE);
    expect(render('timestamp:[now-24h TO now]')).toEqual({
      range: { timestamp: { gte: CORPUS_NOW - 86_400_000, lte: CORPUS_NOW, format: 'epoch_millis' } },
    });
  });

  it('renders boolean structure; NOT is a must_not that keeps documents without the field', () => {
    expect(render('+protocol:ssh -is_alert:true guid:x')).toEqual({
      bool: { filter: [{ term: { protocol: { value: 'ssh' } } }, { bool: { must_not: [{ term: { is_alert: { value: true } } }] } }] },
    });
    expect(render('protocol:(ssh OR dns)')).toEqual({
      bool: { should: [{ term: { protocol: { value: 'ssh' } } }, { term: { protocol: { value: 'dns' } } }], minimum_should_match: 1 },
    });
    expect(render('_exists_:tags')).toEqual({ exists: { field: 'tags' } });
    expect(render('_exists_:nope')).toEqual(NONE);
    expect(render('*:*')).toEqual({ match_all: {} });
  });

  it('refuses a query that expands to too many field clauses, as the DuckDB renderer does', () => {
    const wide = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`f${i}`, 'keyword' as const]));
    const bare = (n: number) => parseQuery(Array.from({ length: n }, (_, i) => `t${i}`).join(' OR '));
    expect(() => renderQueryDsl(bare(33), wide)).not.toThrow();
    expect(() => renderQueryDsl(bare(34), wide)).toThrow(/over 10000 field clauses/);
  });

  it('renders every corpus query to plain JSON without the query text spliced into strings', () => {
    for (const { query } of CORPUS_CASES) {
      const dsl = render(query);
      expect(JSON.parse(JSON.stringify(dsl))).toEqual(dsl);
      expect(JSON.stringify(dsl)).not.toContain('query_string');
    }
  });
});
