import { describe, expect, it } from 'vitest';
import { MetronError } from '@metron/core';
import { parseQuery } from './parser.js';
import type { QueryNode } from './ast.js';

const term = (field: string | null, value: string, phrase = false): QueryNode => ({ kind: 'term', field, value, phrase });

function invalid(query: string): MetronError {
  try {
    parseQuery(query);
  } catch (err) {
    expect(err).toBeInstanceOf(MetronError);
    expect((err as MetronError).code).toBe('QUERY_INVALID');
    return err as MetronError;
  }
  throw new Error(`expected ${query} to be invalid`);
}

describe('parseQuery', () => {
  it('reads match-all forms', () => {
    expect(parseQuery('*')).toEqual({ kind: 'match_all' });
    expect(parseQuery('*:*')).toEqual({ kind: 'match_all' });
    expect(parseQuery('   ')).toEqual({ kind: 'match_all' });
  });

  it('reads field:value, phrases and escapes', () => {
    expect(parseQuery('ip_src_addr:10.0.0.1')).toEqual(term('ip_src_addr', '10.0.0.1'));
    expect(parseQuery('ip_src_addr:10\\.0\\.0\\.1')).toEqual(term('ip_src_addr', '10.0.0.1'));
    expect(parseQuery('enrichments.geo.ip_dst_addr.country:US')).toEqual(term('enrichments.geo.ip_dst_addr.country', 'US'));
    expect(parseQuery('msg:"hello \\"big\\" world"')).toEqual(term('msg', 'hello "big" world', true));
    expect(parseQuery('a\\:b:c\\ d')).toEqual(term('a:b', 'c d'));
    expect(parseQuery('date:2020-01-01')).toEqual(term('date', '2020-01-01'));
    expect(parseQuery('uri:\\/index.html')).toEqual(term('uri', '/index.html'));
    expect(parseQuery('"bare phrase"')).toEqual(term(null, 'bare phrase', true));
  });

  it('reads exists and wildcards', () => {
    expect(parseQuery('is_alert:*')).toEqual({ kind: 'exists', field: 'is_alert' });
    expect(parseQuery('_exists_:is_alert')).toEqual({ kind: 'exists', field: 'is_alert' });
    expect(parseQuery('ip_src_addr:192.168.*')).toEqual({
      kind: 'wildcard', field: 'ip_src_addr', parts: [{ literal: '192.168.' }, { any: '*' }],
    });
    expect(parseQuery('host:a?c\\*')).toEqual({
      kind: 'wildcard', field: 'host', parts: [{ literal: 'a' }, { any: '?' }, { literal: 'c*' }],
    });
    expect(parseQuery('x:\\*')).toEqual(term('x', '*'));
  });

  it('gives NOT > AND > OR precedence, with implicit OR', () => {
    expect(parseQuery('a b')).toEqual({ kind: 'or', children: [term(null, 'a'), term(null, 'b')] });
    expect(parseQuery('a OR b AND c')).toEqual({
      kind: 'or', children: [term(null, 'a'), { kind: 'and', children: [term(null, 'b'), term(null, 'c')] }],
    });
    expect(parseQuery('a && b || !c')).toEqual({
      kind: 'or',
      children: [{ kind: 'and', children: [term(null, 'a'), term(null, 'b')] }, { kind: 'not', child: term(null, 'c') }],
    });
    expect(parseQuery('(a OR b) AND c')).toEqual({
      kind: 'and', children: [{ kind: 'or', children: [term(null, 'a'), term(null, 'b')] }, term(null, 'c')],
    });
    expect(parseQuery('a AND b AND c')).toEqual({ kind: 'and', children: [term(null, 'a'), term(null, 'b'), term(null, 'c')] });
    expect(parseQuery('and or')).toEqual({ kind: 'or', children: [term(null, 'and'), term(null, 'or')] });
  });

  it('reads a juxtaposed NOT as an exclusion, as Lucene does', () => {
    expect(parseQuery('error NOT warning')).toEqual({
      kind: 'and', children: [term(null, 'error'), { kind: 'not', child: term(null, 'warning') }],
    });
    expect(parseQuery('NOT a b')).toEqual({
      kind: 'and', children: [term(null, 'b'), { kind: 'not', child: term(null, 'a') }],
    });
    expect(parseQuery('NOT a OR b')).toEqual({
      kind: 'or', children: [{ kind: 'not', child: term(null, 'a') }, term(null, 'b')],
    });
    expect(parseQuery('NOT a')).toEqual({ kind: 'not', child: term(null, 'a') });
  });

  it('applies a field to a group', () => {
    expect(parseQuery('protocol:(tcp OR udp) AND x:1')).toEqual({
      kind: 'and',
      children: [{ kind: 'or', children: [term('protocol', 'tcp'), term('protocol', 'udp')] }, term('x', '1')],
    });
    expect(parseQuery('f:(a other:b)')).toEqual({ kind: 'or', children: [term('f', 'a'), term('other', 'b')] });
  });

  it('reads ranges with inclusive, exclusive, mixed and open ends', () => {
    const range = (field: string, lower: [string, boolean] | null, upper: [string, boolean] | null): QueryNode => ({
      kind: 'range', field,
      lower: lower && { value: lower[0], inclusive: lower[1] },
      upper: upper && { value: upper[0], inclusive: upper[1] },
    });
    expect(parseQuery('port:[1 TO 1024]')).toEqual(range('port', ['1', true], ['1024', true]));
    expect(parseQuery('port:{1 TO 1024}')).toEqual(range('port', ['1', false], ['1024', false]));
    expect(parseQuery('port:[1 TO 1024}')).toEqual(range('port', ['1', true], ['1024', false]));
    expect(parseQuery('port:{1 TO *]')).toEqual(range('port', ['1', false], null));
    expect(parseQuery('port:[* TO *]')).toEqual(range('port', null, null));
    expect(parseQuery('timestamp:["2023-11-14 10:00" TO now]')).toEqual(range('timestamp', ['2023-11-14 10:00', true], ['now', true]));
    expect(parseQuery('host:[a\\]b TO "z z"]')).toEqual(range('host', ['a]b', true], ['z z', true]));
    expect(parseQuery('port:>=1024')).toEqual(range('port', ['1024', true], null));
    expect(parseQuery('port:>1024')).toEqual(range('port', ['1024', false], null));
    expect(parseQuery('port:<=10')).toEqual(range('port', null, ['10', true]));
    expect(parseQuery('delta:<-5')).toEqual(range('delta', null, ['-5', false]));
    expect(parseQuery('port:(>=10 OR 5)')).toEqual({ kind: 'or', children: [range('port', ['10', true], null), term('port', '5')] });
    expect(parseQuery('delta:-5')).toEqual(term('delta', '-5'));
  });

  it('reads + and - as Lucene clause modifiers', () => {
    expect(parseQuery('+a b')).toEqual(term(null, 'a'));
    expect(parseQuery('+a +b c')).toEqual({ kind: 'and', children: [term(null, 'a'), term(null, 'b')] });
    expect(parseQuery('a -b')).toEqual({ kind: 'and', children: [term(null, 'a'), { kind: 'not', child: term(null, 'b') }] });
    expect(parseQuery('-b')).toEqual({ kind: 'not', child: term(null, 'b') });
    expect(parseQuery('+a -b c')).toEqual({ kind: 'and', children: [term(null, 'a'), { kind: 'not', child: term(null, 'b') }] });
    expect(parseQuery('a AND -b')).toEqual({ kind: 'and', children: [term(null, 'a'), { kind: 'not', child: term(null, 'b') }] });
    expect(parseQuery('a-b')).toEqual(term(null, 'a-b'));
    expect(parseQuery('date:2020-01-01')).toEqual(term('date', '2020-01-01'));
    expect(parseQuery('f:(+x -y)')).toEqual({ kind: 'and', children: [term('f', 'x'), { kind: 'not', child: term('f', 'y') }] });
    expect(parseQuery('-(a OR b) c')).toEqual({
      kind: 'and', children: [term(null, 'c'), { kind: 'not', child: { kind: 'or', children: [term(null, 'a'), term(null, 'b')] } }],
    });
  });

  it('refuses invalid queries with the position', () => {
    expect(invalid('a AND').details).toMatchObject({ position: 5 });
    expect(invalid('(a OR b').details).toMatchObject({ position: 0 });
    expect(invalid('a)').details).toMatchObject({ position: 1 });
    expect(invalid('"open').details).toMatchObject({ position: 0 });
    expect(invalid('f:').details).toMatchObject({ position: 1 });
    expect(invalid('a\\').details).toMatchObject({ position: 1 });
    expect(invalid('()').details).toMatchObject({ position: 1 });
    expect(invalid('OR a').details).toMatchObject({ position: 0 });
    expect(invalid('a:b:c').details).toMatchObject({ position: 3 });
    const error = invalid('port:[1 TO 5');
    expect(error.message).toContain("missing ']' or '}'");
    expect(error.message).toContain('\nport:[1 TO 5\n     ^');
    expect(invalid('port:[1 5]').message).toContain('missing TO');
    expect(invalid('port:[1 TO ]').details).toMatchObject({ position: 11 });
    expect(invalid('[1 TO 5]').message).toContain('a range needs a field');
    expect(invalid('>=5').message).toContain('a range needs a field');
    expect(invalid('port:>= 5').message).toContain("expected a value right after '>='");
    expect(invalid('-').details).toMatchObject({ position: 1 });
    expect(invalid('a +-b').details).toMatchObject({ position: 3 });
    expect(invalid('a~2').details).toMatchObject({ position: 1 });
    expect(invalid('a^2').details).toMatchObject({ position: 1 });
    expect(invalid('uri:/x/').details).toMatchObject({ position: 4 });
  });

  it('enforces length and depth limits', () => {
    expect(invalid('('.repeat(100) + 'a' + ')'.repeat(100)).message).toContain('nesting deeper than 64');
    expect(invalid('!'.repeat(100) + 'a').message).toContain('nesting deeper than 64');
    expect(() => parseQuery('a'.repeat(20), { maxLength: 10 })).toThrow(/longer than 10/);
    expect(() => parseQuery(Array.from({ length: 1025 }, (_, i) => `f:${i}`).join(' '))).toThrow(/more than 1024 clauses/);
    expect(() => parseQuery('a b c', { maxClauses: 2 })).toThrow(/more than 2 clauses/);
    expect(parseQuery(Array.from({ length: 1024 }, (_, i) => `f:${i}`).join(' ')).kind).toBe('or');
  });
});
