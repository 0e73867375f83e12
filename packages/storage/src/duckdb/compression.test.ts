import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { openDuckDbSearchStore } from './store.js';

describe('DuckDB store: column compression', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'metron-compression-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('stores address fields with dictionary compression and leaves other strings to DuckDB', async () => {
    const file = join(dir, 'index.duckdb');
    const store = await openDuckDbSearchStore({ path: file });
    const messages = Array.from({ length: 5000 }, (_, i) => ({
      guid: `g${i}`, timestamp: i, ip_src_addr: `10.1.${i % 256}.${(i * 7) % 251}`, ip_dst_addr: `10.2.${i % 200}.${i % 97}`,
      original_string: `event ${i} with some text ${i * 31}`,
    }));
    await store.write('bro', messages);
    await store.close();
    const instance = await DuckDBInstance.create(file);
    try {
      const connection = await instance.connect();
      const rows = (await connection.runAndReadAll(
        `SELECT column_name, string_agg(DISTINCT compression, ',' ORDER BY compression) FROM pragma_storage_info('bro_index') WHERE segment_type = 'VARCHAR' GROUP BY 1 ORDER BY 1`,
      )).getRows().map(([column, methods]) => [String(column), String(methods)]);
      expect(Object.fromEntries(rows)).toMatchObject({ ip_src_addr: 'Dictionary', ip_dst_addr: 'Dictionary' });
      expect(Object.fromEntries(rows).original_string).not.toBe('Dictionary');
      connection.closeSync();
    } finally {
      instance.closeSync();
    }
    const reopened = await openDuckDbSearchStore({ path: file });
    expect((await reopened.search({ query: 'ip_src_addr:10.1.3.21', size: 10 })).results.map((r) => r.id)).toEqual(['g3']);
    await reopened.close();
  });
});
