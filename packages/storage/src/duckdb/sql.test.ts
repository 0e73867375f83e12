import { describe, expect, it } from 'vitest';
import { parseQuery } from '../query/parser.js';
import { TableCatalog } from './catalog.js';
import { MetronError } from '@metron/core';
import { likePattern, MAX_COLUMN_REFERENCES, quoteIdent, renderWhere, SqlParams } from './sql.js';

function table(): TableCatalog {
  const catalog = new TableCatalog('bro_index');
  catalog.add({ field: 'guid', column: 'guid', type: 'VARCHAR' });
  catalog.add({ field: 'port', column: 'port', type: 'BIGINT' });
  catalog.add({ field: 'a"b', column: 'a"b', type: 'VARCHAR' });
  catalog.add({ field: 'tags', column: 'tags', type: 'JSON' });
  return catalog;
}

function render(query: string) {
  const params = new SqlParams();
  const sql = renderWhere(parseQuery(query), table(), params);
  return { sql, values: params.values };
}

describe('renderWhere', () => {
  it('binds values and quotes catalog columns', () => {
    expect(render(`a\\"b:"' OR 1=1 --"`)).toEqual({ sql: '("a""b" = $1)', values: ["' OR 1=1 --"] });
    expect(render('port:80 AND NOT guid:x')).toEqual({
      sql: '(("port" = $1) AND (NOT COALESCE(("guid" = $2), FALSE)))',
      values: [80n, 'x'],
    });
  });

  it('renders unknown fields and impossible values as FALSE, without SQL from the query', () => {
    expect(render('nope:1 OR port:abc OR port:1.5')).toEqual({ sql: '(FALSE OR FALSE OR FALSE)', values: [] });
    expect(render('x\\;DROP:*')).toEqual({ sql: 'FALSE', values: [] });
    expect(render('port:*')).toEqual({ sql: '("port" IS NOT NULL)', values: [] });
  });

  it('searches bare terms in every column that can hold the value, sharing parameters', () => {
    expect(render('80')).toEqual({
      sql: `((json_extract_string("tags", '$') = $1 OR list_contains(json_extract_string("tags", '$[*]'), $1)) OR `
        + 'list_contains(["guid", "a""b"], $1) OR ("port" = $2))',
      values: ['80', 80n],
    });
  });

  it('escapes LIKE wildcards in literals', () => {
    expect(likePattern([{ literal: '50%_\\' }, { any: '*' }, { any: '?' }])).toBe('50\\%\\_\\\\%_');
    expect(render('guid:a*')).toEqual({ sql: `("guid" LIKE $1 ESCAPE '\\')`, values: ['a%'] });
    expect(render('a*')).toEqual({
      sql: `(len(list_filter(["guid", "a""b", json_extract_string("tags", '$')], lambda x: x LIKE $1 ESCAPE '\\')) > 0)`, values: ['a%'],
    });
  });

  it('renders a negated existence test as a bare IS NULL (pushed into the scan), TRUE for a missing field', () => {
    expect(render('port:80 AND NOT _exists_:tags')).toEqual({ sql: '(("port" = $1) AND ("tags" IS NULL))', values: [80n] });
    expect(render('-guid:*')).toEqual({ sql: '("guid" IS NULL)', values: [] });
    expect(render('NOT _exists_:nope')).toEqual({ sql: 'TRUE', values: [] });
    expect(render('NOT NOT _exists_:tags')).toEqual({ sql: '(NOT COALESCE(("tags" IS NULL), FALSE))', values: [] });
  });

  it('refuses a query that expands to too many column tests, before DuckDB has to plan it', () => {
    const wide = new TableCatalog('wide_index');
    for (let i = 0; i < 300; i++) wide.add({ field: `f${i}`, column: `f${i}`, type: 'VARCHAR' });
    const bare = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`).join(' OR ');
    expect(() => renderWhere(parseQuery(bare(33)), wide, new SqlParams())).not.toThrow();
    let error: unknown;
    try {
      renderWhere(parseQuery(bare(34)), wide, new SqlParams());
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(MetronError);
    expect((error as MetronError).code).toBe('QUERY_INVALID');
    expect((error as MetronError).message).toContain(`over ${MAX_COLUMN_REFERENCES} column tests`);
    expect(() => renderWhere(parseQuery('x*y OR '.repeat(40) + 'z'), wide, new SqlParams())).toThrow(/too many columns/);
    // Named fields count one each: the clause limit keeps them far below.
    expect(() => renderWhere(parseQuery(Array.from({ length: 1024 }, (_, i) => `f${i % 300}:v`).join(' OR ')), wide, new SqlParams())).not.toThrow();
  });

  it('quotes identifiers by doubling quotes', () => {
    expect(quoteIdent('x"; DROP TABLE t; --')).toBe('"x""; DROP TABLE t; --"');
  });
});
