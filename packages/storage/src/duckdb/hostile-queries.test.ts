// Property tests: generated hostile queries (quotes, SQL fragments, odd field names, deep nesting,
// unicode, every operator) either fail with QUERY_INVALID or render to SQL in which no
// user-provided text appears: values are bound parameters, and the only identifiers are quoted
// catalog column names. Then the same queries run on a real store without any SQL error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetronError } from '@metron/core';
import { parseQuery } from '../query/parser.js';
import { resolveDates } from '../query/dates.js';
import { CORPUS_DOCUMENTS, CORPUS_NOW } from '../query/test-corpus.js';
import { TableCatalog } from './catalog.js';
import { renderWhere, SqlParams } from './sql.js';
import { countStatement, facetStatement, rowsStatement } from './search.js';
import { groupStatement } from './aggregate.js';
import { openDuckDbSearchStore, type DuckDbSearchStore } from './store.js';

/** Deterministic PRNG (mulberry32) so a failure reproduces from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values every generated literal is built from: each carries the marker `zq`, which no SQL the renderer writes contains. */
const HOSTILE_VALUES = [
  "zq' OR '1'='1", 'zq"; DROP TABLE bro_index; --', 'zq\\', "zq')) UNION SELECT * FROM duckdb_settings() --", 'zq$1', 'zq%_',
  'zq\u0000nul', 'zq\u202eevil', 'zq𝔘𝔫𝔦𝔠𝔬𝔡𝔢', 'zq😀', 'zq\ud800', "zq'||(SELECT 1)||'", 'zq/*', 'zq*/', 'zq;', 'zq\nline',
  'zqCOPY bro_index TO \'/tmp/x\'', 'zq' + 'x'.repeat(300),
];
const HOSTILE_FIELDS = [
  'zq"field', "zq'f", 'zq; DROP TABLE x', 'zq f', 'zq\u0000', 'zq.a.b', 'zq(', 'zq*', 'zq\\:', 'zq😀',
];
const CATALOG_FIELDS = ['ip_src_addr', 'ip_dst_port', 'protocol', 'threat.triage.score', 'is_alert', 'tags', 'timestamp', 'original_string', 'source:type'];

/** Lucene escaping of a term (every special character and whitespace gets a backslash). */
function escapeTerm(text: string): string {
  return text.replace(/[\s+\-!(){}[\]^"~*?:\\/&|<>]/g, (c) => `\\${c}`);
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** A random query over hostile and real fields and values, `depth` levels deep at most. */
function generate(random: () => number, depth: number): string {
  const value = () => {
    const v = pick(random, HOSTILE_VALUES);
    const form = random();
    if (form < 0.4) return escapeTerm(v);
    if (form < 0.7) return `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`;
    if (form < 0.85) return `${escapeTerm(v)}*`;
    return `${escapeTerm(v.slice(0, 4))}?${escapeTerm(v.slice(4))}`;
  };
  const field = () => escapeTerm(random() < 0.5 ? pick(random, HOSTILE_FIELDS) : pick(random, CATALOG_FIELDS));
  const leaf = (): string => {
    const r = random();
    if (r < 0.35) return `${field()}:${value()}`;
    if (r < 0.45) return value();
    if (r < 0.6) return `${field()}:${random() < 0.5 ? '[' : '{'}${value()} TO ${random() < 0.2 ? '*' : value()}${random() < 0.5 ? ']' : '}'}`;
    if (r < 0.7) return `${field()}:${pick(random, ['>', '>=', '<', '<='])}${value()}`;
    if (r < 0.8) return `_exists_:${field()}`;
    if (r < 0.9) return `${field()}:(${value()} OR ${value()})`;
    return `${field()}:*`;
  };
  if (depth <= 0 || random() < 0.3) return leaf();
  const n = 1 + Math.floor(random() * 3);
  const parts = Array.from({ length: n }, () => generate(random, depth - 1));
  const op = pick(random, [' AND ', ' OR ', ' ', ' && ', ' || ', ' AND NOT ', ' -', ' +']);
  const joined = parts.join(op);
  return random() < 0.5 ? `(${joined})` : random() < 0.5 ? `NOT (${joined})` : joined;
}

/** Fails when the SQL holds anything but catalog identifiers, parameters and the renderer's own text. */
function assertNoUserText(sql: string, columns: Set<string>, query: string): void {
  expect(sql.includes('zq'), `user text in SQL for ${JSON.stringify(query)}:\n${sql}`).toBe(false);
  // Every quoted identifier is a catalog column, a table, or one of the renderer's aliases.
  for (const match of sql.matchAll(/"((?:[^"]|"")*)"/g)) {
    const name = match[1]!.replaceAll('""', '"');
    expect(columns.has(name), `identifier ${JSON.stringify(name)} in SQL for ${JSON.stringify(query)}`).toBe(true);
  }
  // The only string literals are the renderer's constants.
  const withoutIdents = sql.replace(/"((?:[^"]|"")*)"/g, '');
  for (const match of withoutIdents.matchAll(/'((?:[^']|'')*)'/g)) {
    expect(["$", "$[*]", "\\", 'ARRAY'], `literal ${match[0]} in SQL for ${JSON.stringify(query)}`).toContain(match[1]);
  }
}

describe('hostile queries', () => {
  let store: DuckDbSearchStore;
  const tables: TableCatalog[] = [];
  const known = new Set<string>(['idx', 'id', 'total', 'n', 'v', 'sc', 'score', 'gid', 'b']);

  beforeAll(async () => {
    store = await openDuckDbSearchStore({ path: ':memory:', clock: () => CORPUS_NOW });
    for (const sensor of ['bro', 'snort']) {
      await store.write(sensor, CORPUS_DOCUMENTS.filter((d) => d.sensor === sensor).map((d) => d.message));
      const catalog = new TableCatalog(`${sensor}_index`);
      for (const info of store.fields(sensor)) {
        catalog.add(info);
        known.add(info.column);
      }
      known.add(catalog.table);
      tables.push(catalog);
    }
    for (let i = 0; i < 40; i++) known.add(`c${i}`).add(`s${i}`).add(`g${i}`);
  });
  afterAll(async () => {
    await store.close();
  });

  it('render to SQL with bound values and catalog identifiers only (1,000 generated queries)', () => {
    let rendered = 0;
    for (let seed = 1; seed <= 1000; seed++) {
      const query = generate(rng(seed), 4);
      let ast;
      try {
        ast = resolveDates(parseQuery(query), CORPUS_NOW);
      } catch (err) {
        expect(err, `seed ${seed}: ${query}`).toBeInstanceOf(MetronError);
        expect((err as MetronError).code).toBe('QUERY_INVALID');
        continue;
      }
      rendered++;
      for (const table of tables) {
        const params = new SqlParams();
        assertNoUserText(renderWhere(ast, table, params), known, query);
      }
      const fields = [...HOSTILE_FIELDS, ...CATALOG_FIELDS];
      assertNoUserText(countStatement(tables, ast).sql, known, query);
      assertNoUserText(rowsStatement(tables, ast, fields, [{ field: pick(rng(seed), fields), descending: true }], 0, 10).sql, known, query);
      assertNoUserText(facetStatement(tables, ast, 'protocol', 10)!.sql, known, query);
      assertNoUserText(groupStatement(tables, ast, fields.map((field) => ({ field, byCount: false, descending: true })).slice(0, 4), 'zq"score').sql, known, query);
    }
    // The generator must exercise the renderer, not only the parser's refusals.
    expect(rendered).toBeGreaterThan(500);
  });

  it('run on a real store without SQL errors: a result or QUERY_INVALID', async () => {
    for (let seed = 1; seed <= 300; seed++) {
      const query = generate(rng(seed * 7919), 3);
      const outcome = await store.search({ query, size: 5, facetFields: ['protocol', HOSTILE_FIELDS[seed % HOSTILE_FIELDS.length]!] }).then(
        (response) => ({ ok: response.total >= 0 }),
        (err: unknown) => ({ error: err }),
      );
      if ('error' in outcome) {
        expect(outcome.error, `seed ${seed}: ${query}`).toBeInstanceOf(MetronError);
        expect((outcome.error as MetronError).code, `seed ${seed}: ${query}: ${(outcome.error as Error).message}`).toBe('QUERY_INVALID');
      }
    }
    // Tables and data are intact.
    expect((await store.search({ query: '*', size: 0 })).total).toBe(CORPUS_DOCUMENTS.length);
  });

  it('parse random syntax soup to an AST or QUERY_INVALID, never another error', () => {
    const alphabet = ['a', 'b', ':', '(', ')', '[', ']', '{', '}', ' ', '"', '\\', '*', '?', '+', '-', '!', '&&', '||', 'AND', 'OR', 'NOT', 'TO', '>', '<=', '=', '~', '^', '/', '_exists_', '\u3000', '😀', "'"];
    for (let seed = 1; seed <= 5000; seed++) {
      const random = rng(seed);
      const query = Array.from({ length: Math.floor(random() * 30) }, () => pick(random, alphabet)).join('');
      try {
        parseQuery(query);
      } catch (err) {
        expect(err, JSON.stringify(query)).toBeInstanceOf(MetronError);
        expect((err as MetronError).code).toBe('QUERY_INVALID');
      }
    }
  });

  it('refuse deep nesting, many clauses and huge queries with QUERY_INVALID before any work', () => {
    const cases = [
      '('.repeat(100_000) + 'a' + ')'.repeat(100_000),
      'NOT '.repeat(10_000) + 'a',
      '-('.repeat(5_000) + 'a' + ')'.repeat(5_000),
      Array.from({ length: 5_000 }, (_, i) => `f:${i}`).join(' OR '),
      'a'.repeat(200_000),
    ];
    for (const query of cases) {
      let error: unknown;
      try {
        parseQuery(query);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(MetronError);
      expect((error as MetronError).code).toBe('QUERY_INVALID');
      expect((error as MetronError).message.length).toBeLessThan(1000);
    }
  });
});
