/**
 * Fewer table reads while a batch is enriched, with answers the same as reading every time:
 * - within a batch, a (table, column family, type, indicator) read once is answered from memory
 *   (the batch sees the tables as they were when it read them first, as if it ran a little sooner);
 * - across batches, misses are remembered while the store's change mark stays the same (no write
 *   since). Only misses: a row that exists may expire by the clock, a missing row appears only by a
 *   write. Most lookups of threat intel miss, so most are answered without the store.
 * Outside beginBatch/endBatch every read goes to the tables.
 */
import type { EnrichmentTableReader } from './types.js';

/** Misses kept across batches at most; past it the set starts over. */
const MAX_REMEMBERED_MISSES = 200_000;

const SEPARATOR = '\u0000';

export class BatchTableCache implements EnrichmentTableReader {
  private active = false;
  /** Rows read in this batch (JSON text), by lookup key; undefined entries are misses. */
  private readonly batchRows = new Map<string, string | undefined>();
  private readonly misses = new Set<string>();
  private mark: unknown = undefined;

  constructor(private readonly tables: EnrichmentTableReader) {}

  /** Starts answering from memory; keeps the remembered misses only if the store's change mark is unchanged. */
  beginBatch(): void {
    this.batchRows.clear();
    const mark = this.tables.changeMark?.();
    if (mark === undefined || mark !== this.mark) this.misses.clear();
    this.mark = mark;
    this.active = true;
  }

  /** Back to reading every time (the batch's rows are let go). */
  endBatch(): void {
    this.active = false;
    this.batchRows.clear();
  }

  getText(table: string, columnFamily: string, type: string, indicator: string): string | undefined {
    if (!this.active) return this.tables.getText(table, columnFamily, type, indicator);
    const key = table + SEPARATOR + columnFamily + SEPARATOR + type + SEPARATOR + indicator;
    if (this.misses.has(key)) return undefined;
    const held = this.batchRows.get(key);
    if (held !== undefined && held !== EXISTS) return held;
    if (held === undefined && this.batchRows.has(key)) return undefined;
    const text = this.tables.getText(table, columnFamily, type, indicator);
    this.remember(key, text);
    return text;
  }

  exists(table: string, columnFamily: string, type: string, indicator: string): boolean {
    if (!this.active) return this.tables.exists(table, columnFamily, type, indicator);
    const key = table + SEPARATOR + columnFamily + SEPARATOR + type + SEPARATOR + indicator;
    if (this.misses.has(key)) return false;
    const held = this.batchRows.get(key);
    if (held !== undefined) return true;
    if (this.batchRows.has(key)) return false;
    const found = this.tables.exists(table, columnFamily, type, indicator);
    // exists() needs no text: a marker stands for the row in this batch
    if (found) this.batchRows.set(key, EXISTS);
    else this.remember(key, undefined);
    return found;
  }

  private remember(key: string, text: string | undefined): void {
    if (text !== undefined) {
      this.batchRows.set(key, text);
      return;
    }
    if (this.mark === undefined) {
      this.batchRows.set(key, undefined); // no change mark: a miss holds for this batch only
      return;
    }
    if (this.misses.size >= MAX_REMEMBERED_MISSES) this.misses.clear();
    this.misses.add(key);
  }
}

/** Stands for "the row exists" in the batch map when exists() read it (getText then reads the text). */
const EXISTS = '\u0000exists';
