import { describe, expect, it } from 'vitest';
import { parseQuery } from '../query/parser.js';
import { TableCatalog } from './catalog.js';
import { likePattern, quoteIdent, renderWhere, SqlParams } from './sql.js';

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
      sql: '(("guid" = $1) OR ("port" = $2) OR ("a""b" = $1) OR '
        + `(json_extract_string("tags", '$') = $1 OR list_contains(json_extract_string("tags", '$[*]'), $1)))`,
      values: ['80', 80n],
    });
  });

  it('escapes LIKE wildcards in literals', () => {
    expect(likePattern([{ literal: '50%_\\' }, { any: '*' }, { any: '?' }])).toBe('50\\%\\_\\\\%_');
    expect(render('guid:a*')).toEqual({ sql: `("guid" LIKE $1 ESCAPE '\\')`, values: ['a%'] });
  });

  it('quotes identifiers by doubling quotes', () => {
    expect(quoteIdent('x"; DROP TABLE t; --')).toBe('"x""; DROP TABLE t; --"');
  });
});
