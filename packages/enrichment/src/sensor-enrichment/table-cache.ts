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

/** Misses kept across batches at most, per (table, column family, type); past it the set starts over. */
const MAX_REMEMBERED_MISSES = 200_000;

/** What is remembered of one (table, column family, type). */
interface Scope {
  /** Rows read in this batch (JSON text, or EXISTS), by indicator; undefined entries are misses. */
  readonly rows: Map<string, string | undefined>;
  /** Misses kept across batches (with a change mark). */
  readonly misses: Set<string>;
}

export class BatchTableCache implements EnrichmentTableReader {
  private active = false;
  /** table → column family → type → what is remembered (nested maps: no key strings built per read). */
  private readonly scopes = new Map<string, Map<string, Map<string, Scope>>>();
  private readonly allScopes: Scope[] = [];
  private mark: number | undefined = undefined;
  private lastTable = '';
  private lastColumnFamily = '';
  private lastType = '';
  private lastScope: Scope | undefined;

  constructor(private readonly tables: EnrichmentTableReader) {}

  /** Starts answering from memory; keeps the remembered misses only if the store's change mark is unchanged. */
  beginBatch(): void {
    const mark = this.tables.changeMark?.();
    const keepMisses = mark !== undefined && mark === this.mark;
    for (const scope of this.allScopes) {
      scope.rows.clear();
      if (!keepMisses) scope.misses.clear();
    }
    this.mark = mark;
    this.active = true;
  }

  /** Back to reading every time (the batch's rows are let go). */
  endBatch(): void {
    this.active = false;
    for (const scope of this.allScopes) scope.rows.clear();
  }

  getText(table: string, columnFamily: string, type: string, indicator: string): string | undefined {
    if (!this.active) return this.tables.getText(table, columnFamily, type, indicator);
    const scope = this.scope(table, columnFamily, type);
    if (scope.misses.has(indicator)) return undefined;
    const held = scope.rows.get(indicator);
    if (held !== undefined && held !== EXISTS) return held;
    if (held === undefined && scope.rows.has(indicator)) return undefined;
    const text = this.tables.getText(table, columnFamily, type, indicator);
    this.remember(scope, indicator, text);
    return text;
  }

  exists(table: string, columnFamily: string, type: string, indicator: string): boolean {
    if (!this.active) return this.tables.exists(table, columnFamily, type, indicator);
    const scope = this.scope(table, columnFamily, type);
    if (scope.misses.has(indicator)) return false;
    const held = scope.rows.get(indicator);
    if (held !== undefined) return true;
    if (scope.rows.has(indicator)) return false;
    const found = this.tables.exists(table, columnFamily, type, indicator);
    // exists() needs no text: a marker stands for the row in this batch
    if (found) scope.rows.set(indicator, EXISTS);
    else this.remember(scope, indicator, undefined);
    return found;
  }

  private scope(table: string, columnFamily: string, type: string): Scope {
    // most reads repeat the last (table, column family, type): the config's own strings
    if (table === this.lastTable && columnFamily === this.lastColumnFamily && type === this.lastType && this.lastScope !== undefined) return this.lastScope;
    let families = this.scopes.get(table);
    if (families === undefined) this.scopes.set(table, (families = new Map()));
    let types = families.get(columnFamily);
    if (types === undefined) families.set(columnFamily, (types = new Map()));
    let scope = types.get(type);
    if (scope === undefined) {
      scope = { rows: new Map(), misses: new Set() };
      types.set(type, scope);
      this.allScopes.push(scope);
    }
    this.lastTable = table;
    this.lastColumnFamily = columnFamily;
    this.lastType = type;
    this.lastScope = scope;
    return scope;
  }

  private remember(scope: Scope, indicator: string, text: string | undefined): void {
    if (text !== undefined) {
      scope.rows.set(indicator, text);
      return;
    }
    if (this.mark === undefined) {
      scope.rows.set(indicator, undefined); // no change mark: a miss holds for this batch only
      return;
    }
    if (scope.misses.size >= MAX_REMEMBERED_MISSES) scope.misses.clear();
    scope.misses.add(indicator);
  }
}

/** Stands for "the row exists" in a batch's rows when exists() read it (getText then reads the text). */
const EXISTS = '\u0000exists';
