/**
 * One topic partition: an ordered list of segments, the last one active. Appends go through a
 * single writer that coalesces every `append` queued while the previous write was in flight into
 * one write and one fsync (group commit). Readers get the newest batches from an in-memory tail
 * and older ones from the segment files.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { MetronError } from '@metron/core';
import type { ConsumerRecord, ProducerRecord } from '../types.js';
import { decodeConsumerRecord, encodeBatch, type EncodedBatch, type StoredRecord } from './record-codec.js';
import { syncDir } from './durable-file.js';
import { Segment } from './segment.js';

export type FsyncPolicy = 'always' | 'interval' | 'never';

export interface PartitionLogOptions {
  dir: string;
  topic: string;
  partition: number;
  segmentBytes: number;
  indexIntervalBytes: number;
  fsync: FsyncPolicy;
  /** Bytes of newest batches kept in memory for readers that keep up. */
  tailCacheBytes: number;
}

interface PendingAppend {
  records: readonly ProducerRecord[];
  resolve: (firstOffset: number) => void;
  reject: (err: unknown) => void;
}

/** Records coalesced into one write at most; keeps one write's memory and latency bounded. */
const MAX_RECORDS_PER_WRITE = 20_000;

export class PartitionLog {
  private segments: Segment[] = [];
  private pending: PendingAppend[] = [];
  private writing: Promise<void> | null = null;
  private tail: EncodedBatch[] = [];
  private tailBytes = 0;
  private waiters = new Set<() => void>();
  private dirty = false;
  private closed = false;
  private failure: unknown = null;

  private constructor(private readonly options: PartitionLogOptions) {}

  /** Opens (recovering) or creates the partition directory. */
  static async open(options: PartitionLogOptions): Promise<PartitionLog> {
    const log = new PartitionLog(options);
    await mkdir(options.dir, { recursive: true });
    const names = await readdir(options.dir);
    const bases = names
      .filter((name) => /^\d{20}\.log$/.test(name))
      .map((name) => Number(name.slice(0, 20)))
      .sort((a, b) => a - b);
    const baseSet = new Set(bases);
    for (const name of names) {
      // An index without its log is left over from a deletion cut short.
      if (/^\d{20}\.index$/.test(name) && !baseSet.has(Number(name.slice(0, 20)))) {
        await rm(join(options.dir, name), { force: true });
      }
    }
    for (let i = 0; i < bases.length; i++) {
      const writable = i === bases.length - 1;
      log.segments.push(await Segment.open(options.dir, bases[i]!, options.indexIntervalBytes, writable));
    }
    if (log.segments.length === 0) {
      log.segments.push(await Segment.create(options.dir, 0, options.indexIntervalBytes));
      if (options.fsync !== 'never') await syncDir(options.dir);
    }
    return log;
  }

  get topic(): string {
    return this.options.topic;
  }

  get partition(): number {
    return this.options.partition;
  }

  /** First retained offset. */
  get earliestOffset(): number {
    return this.segments[0]!.baseOffset;
  }

  /** Offset the next appended record gets (published records only). */
  get nextOffset(): number {
    return this.active.nextOffset;
  }

  /** Bytes retained on disk. */
  get sizeBytes(): number {
    let total = 0;
    for (const segment of this.segments) total += segment.size;
    return total;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  /** Bytes truncated from torn or corrupt tails when the partition was opened. */
  get recoveredBytes(): number {
    let total = 0;
    for (const segment of this.segments) total += segment.recovery.truncatedBytes;
    return total;
  }

  private get active(): Segment {
    return this.segments[this.segments.length - 1]!;
  }

  /** Appends records; resolves with the first one's offset once they are durable under the fsync policy. */
  append(records: readonly ProducerRecord[]): Promise<number> {
    if (this.closed) return Promise.reject(busClosed());
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<number>((resolve, reject) => {
      this.pending.push({ records, resolve, reject });
      this.writing ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        let take = 0;
        let count = 0;
        while (take < this.pending.length && (take === 0 || count + this.pending[take]!.records.length <= MAX_RECORDS_PER_WRITE)) {
          count += this.pending[take]!.records.length;
          take++;
        }
        const batch = this.pending.splice(0, take);
        try {
          await this.writeBatch(batch);
        } catch (err) {
          for (const item of batch) item.reject(err);
        }
      }
    } finally {
      this.writing = null;
    }
  }

  /**
   * Writes the queued appends with one write (and one fsync), then resolves each with its first
   * offset. Each append is framed on its own, so a record that cannot be framed fails only its send.
   */
  private async writeBatch(batch: PendingAppend[]): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.active.size >= this.options.segmentBytes) await this.roll();
    const segment = this.active;
    const now = Date.now();
    const encoded: EncodedBatch[] = [];
    const accepted: PendingAppend[] = [];
    let nextOffset = segment.nextOffset;
    for (const item of batch) {
      try {
        const frames = encodeBatch(item.records, nextOffset, now);
        encoded.push(frames);
        accepted.push(item);
        nextOffset += frames.count;
      } catch (err) {
        item.reject(new MetronError('INPUT_INVALID', `Records for ${this.options.topic} cannot be framed: ${(err as Error).message}`));
      }
    }
    if (encoded.length === 0) return;
    const data = encoded.length === 1 ? encoded[0]!.buffer : Buffer.concat(encoded.map((frames) => frames.buffer));
    try {
      await segment.write(data);
      if (this.options.fsync === 'always') await segment.sync();
    } catch (err) {
      try {
        await segment.discardUnpublished();
      } catch {
        // The tail cannot be cut back: stop appending rather than write after unknown bytes.
        this.failure = new MetronError('STORAGE_FAILED', `Bus partition ${this.options.dir} failed to write; reopen the bus`, {
          dir: this.options.dir,
        });
      }
      throw new MetronError('STORAGE_FAILED', `Bus append to ${this.options.dir} failed: ${(err as Error).message}`, {
        dir: this.options.dir,
      }, { cause: err });
    }
    for (const frames of encoded) {
      segment.publish(frames);
      this.remember(frames);
    }
    await segment.persistIndex();
    if (this.options.fsync === 'interval') this.dirty = true;
    this.notify();
    for (let i = 0; i < accepted.length; i++) accepted[i]!.resolve(encoded[i]!.firstOffset);
  }

  private async roll(): Promise<void> {
    const previous = this.active;
    await previous.seal(this.options.fsync !== 'never');
    this.segments.push(await Segment.create(this.options.dir, previous.nextOffset, this.options.indexIntervalBytes));
    if (this.options.fsync !== 'never') await syncDir(this.options.dir);
  }

  private remember(batch: EncodedBatch): void {
    this.tail.push(batch);
    this.tailBytes += batch.buffer.length;
    while (this.tail.length > 1 && this.tailBytes > this.options.tailCacheBytes) {
      this.tailBytes -= this.tail.shift()!.buffer.length;
    }
  }

  private notify(): void {
    if (this.waiters.size === 0) return;
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }

  /** Calls `wake` once, at the next published append. Returns a function that cancels it. */
  onAppend(wake: () => void): () => void {
    this.waiters.add(wake);
    return () => this.waiters.delete(wake);
  }

  /** Reads up to `maxRecords` records from `fromOffset` (clamped to the retained range by the caller). */
  async read(fromOffset: number, maxRecords: number, maxBytes: number): Promise<ConsumerRecord[]> {
    if (fromOffset >= this.nextOffset || maxRecords <= 0) return [];
    const first = this.tail[0];
    if (first && fromOffset >= first.firstOffset) return this.readTail(fromOffset, maxRecords, maxBytes);
    const stored = await this.readSegments(fromOffset, maxRecords, maxBytes);
    const { topic, partition } = this.options;
    const out: ConsumerRecord[] = new Array(stored.length);
    for (let i = 0; i < stored.length; i++) {
      const record = stored[i]!;
      out[i] = {
        topic,
        partition,
        offset: BigInt(record.offset),
        timestamp: record.timestamp,
        key: record.key,
        value: record.value,
        headers: record.headers,
      };
    }
    return out;
  }

  private readTail(fromOffset: number, maxRecords: number, maxBytes: number): ConsumerRecord[] {
    const { topic, partition } = this.options;
    const out: ConsumerRecord[] = [];
    let bytes = 0;
    let i = this.tail.length - 1;
    while (i > 0 && this.tail[i]!.firstOffset > fromOffset) i--;
    for (; i < this.tail.length && out.length < maxRecords && bytes < maxBytes; i++) {
      const batch = this.tail[i]!;
      for (let j = Math.max(0, fromOffset - batch.firstOffset); j < batch.count; j++) {
        const start = batch.positions[j]!;
        const end = j + 1 < batch.count ? batch.positions[j + 1]! : batch.buffer.length;
        out.push(decodeConsumerRecord(batch.buffer, start, end - start, topic, partition)!);
        bytes += end - start;
        if (out.length >= maxRecords || bytes >= maxBytes) break;
      }
    }
    return out;
  }

  private async readSegments(fromOffset: number, maxRecords: number, maxBytes: number): Promise<StoredRecord[]> {
    let i = this.findSegment(fromOffset);
    let from = fromOffset;
    while (i < this.segments.length) {
      const segment = this.segments[i]!;
      if (from < segment.nextOffset) {
        segment.acquire();
        try {
          const records = await segment.read(from, maxRecords, maxBytes);
          if (records.length > 0) return records;
        } finally {
          segment.release();
        }
      }
      // A gap (a tail truncated at recovery) or an empty segment: go on with the next one.
      i++;
      const next = this.segments[i];
      if (next) from = Math.max(from, next.baseOffset);
    }
    return [];
  }

  private findSegment(offset: number): number {
    let low = 0;
    let high = this.segments.length - 1;
    let found = 0;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      if (this.segments[mid]!.baseOffset <= offset) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found;
  }

  /** fsyncs if appends landed since the last sync (the `interval` policy's timer). */
  async syncIfDirty(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    await this.active.sync();
  }

  /**
   * Deletes whole closed segments (never the active one): by age, those whose newest record is
   * older than `retentionMs`; by size, the oldest while the rest still hold `retentionBytes`
   * (Kafka's rule). Returns how many were deleted.
   */
  async enforceRetention(retentionBytes: number | undefined, retentionMs: number | undefined, now: number): Promise<number> {
    let deleted = 0;
    if (retentionMs !== undefined) {
      while (this.segments.length > 1 && this.segments[0]!.maxTimestamp < now - retentionMs) {
        await this.segments.shift()!.delete();
        deleted++;
      }
    }
    if (retentionBytes !== undefined) {
      let total = this.sizeBytes;
      while (this.segments.length > 1 && total - this.segments[0]!.size >= retentionBytes) {
        const segment = this.segments.shift()!;
        total -= segment.size;
        await segment.delete();
        deleted++;
      }
    }
    return deleted;
  }

  /** Finishes queued appends, fsyncs and closes every file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.writing) await this.writing;
    await this.active.seal(true);
    for (const segment of this.segments) await segment.close();
    this.tail = [];
    this.notify();
  }
}

function busClosed(): MetronError {
  return new MetronError('BUS_CLOSED', 'The bus is closed');
}
