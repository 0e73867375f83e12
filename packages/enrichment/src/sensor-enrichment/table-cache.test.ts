/**
 * BatchTableCache over real LMDB tables: reads remembered within a batch, misses across batches
 * until a write commits (also a write through another handle of the store, as `metron load` in
 * another process makes), nothing remembered outside a batch, expiring rows still expire.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnrichmentTables, openLmdbStore, type KeyValueStore } from '@metron/storage';
import { BatchTableCache } from './table-cache.js';
import type { EnrichmentTableReader } from './types.js';

let dir: string;
let writer: KeyValueStore;
let reader: KeyValueStore;
let clock: number;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'metron-table-cache-'));
  clock = 1_000_000;
  writer = openLmdbStore({ path: join(dir, 'kv'), now: () => clock });
  await new EnrichmentTables(writer).load('threatintel', 't', [{ type: 'malicious_ip', indicator: '1.2.3.4', value: { source: 'feed' } }]);
  reader = openLmdbStore({ path: join(dir, 'kv'), readOnly: true, now: () => clock });
});

afterEach(async () => {
  await reader.close();
  await writer.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The tables, counting the reads that reach the store. */
function counted(tables: EnrichmentTableReader): { reader: EnrichmentTableReader; reads: () => number } {
  let reads = 0;
  return {
    reader: {
      getText: (...a) => {
        reads++;
        return tables.getText(...a);
      },
      exists: (...a) => {
        reads++;
        return tables.exists(...a);
      },
      ...(tables.changeMark ? { changeMark: () => tables.changeMark!() } : {}),
    },
    reads: () => reads,
  };
}

describe('BatchTableCache', () => {
  it('reads the store once per lookup within a batch, hits and misses alike', () => {
    const { reader: tables, reads } = counted(new EnrichmentTables(reader));
    const cache = new BatchTableCache(tables);
    cache.beginBatch();
    for (let i = 0; i < 3; i++) {
      expect(cache.exists('threatintel', 't', 'malicious_ip', '1.2.3.4')).toBe(true);
      expect(cache.exists('threatintel', 't', 'malicious_ip', '5.6.7.8')).toBe(false);
      expect(cache.getText('threatintel', 't', 'malicious_ip', '1.2.3.4')).toBe('{"source":"feed"}');
    }
    cache.endBatch();
    // exists() then getText() of the same row: the text is read once more
    expect(reads()).toBe(3);
  });

  it('keeps misses across batches until a write commits, also one through another handle', async () => {
    const { reader: tables, reads } = counted(new EnrichmentTables(reader));
    const cache = new BatchTableCache(tables);
    cache.beginBatch();
    expect(cache.exists('threatintel', 't', 'malicious_ip', '5.6.7.8')).toBe(false);
    cache.endBatch();
    cache.beginBatch();
    expect(cache.exists('threatintel', 't', 'malicious_ip', '5.6.7.8')).toBe(false);
    cache.endBatch();
    expect(reads()).toBe(1);

    await new EnrichmentTables(writer).load('threatintel', 't', [{ type: 'malicious_ip', indicator: '5.6.7.8', value: {} }]);
    cache.beginBatch();
    expect(cache.exists('threatintel', 't', 'malicious_ip', '5.6.7.8')).toBe(true);
    cache.endBatch();
    expect(reads()).toBe(2);
  });

  it('keeps no hit across batches: an expiring row expires', async () => {
    await new EnrichmentTables(writer).load('threatintel', 't', [{ type: 'malicious_ip', indicator: '9.9.9.9', value: {}, expiresAt: clock + 1000 }]);
    const cache = new BatchTableCache(new EnrichmentTables(reader));
    cache.beginBatch();
    expect(cache.exists('threatintel', 't', 'malicious_ip', '9.9.9.9')).toBe(true);
    cache.endBatch();
    clock += 1000;
    cache.beginBatch();
    expect(cache.exists('threatintel', 't', 'malicious_ip', '9.9.9.9')).toBe(false);
    cache.endBatch();
  });

  it('remembers misses for one batch only when the store gives no change mark', async () => {
    const plain = new EnrichmentTables(reader);
    const { reader: tables, reads } = counted({ getText: (...a) => plain.getText(...a), exists: (...a) => plain.exists(...a) });
    const cache = new BatchTableCache(tables);
    for (let batch = 0; batch < 2; batch++) {
      cache.beginBatch();
      expect(cache.exists('threatintel', 't', 'malicious_ip', '5.6.7.8')).toBe(false);
      expect(cache.getText('threatintel', 't', 'malicious_ip', '5.6.7.8')).toBeUndefined();
      cache.endBatch();
    }
    expect(reads()).toBe(2);
  });

  it('reads the store every time outside a batch', async () => {
    const { reader: tables, reads } = counted(new EnrichmentTables(reader));
    const cache = new BatchTableCache(tables);
    expect(cache.exists('threatintel', 't', 'malicious_ip', '5.6.7.8')).toBe(false);
    await new EnrichmentTables(writer).load('threatintel', 't', [{ type: 'malicious_ip', indicator: '5.6.7.8', value: {} }]);
    // a handle's reads see another handle's commit from its next timer turn (LMDB read snapshot)
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(cache.exists('threatintel', 't', 'malicious_ip', '5.6.7.8')).toBe(true);
    expect(reads()).toBe(2);
  });

  it('gives LMDB change marks that move with commits', async () => {
    const before = reader.changeMark?.();
    expect(typeof before).toBe('number');
    await writer.put('threatintel', 'k', 'v');
    expect(reader.changeMark?.()).toBeGreaterThan(before!);
  });
});
