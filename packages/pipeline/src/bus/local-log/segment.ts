/**
 * One segment of a partition: `<base offset, 20 digits>.log` (frames, see record-codec.ts) and
 * `<base offset>.index` (sparse offset index, see offset-index.ts).
 *
 * Only the partition's writer appends, one batch at a time: `write` puts the bytes at the end,
 * `publish` makes them visible to readers once they are as durable as the fsync policy asks.
 * Readers read positionally from a shared handle, never past the published size.
 */
import { open, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { MetronError } from '@metron/core';
import { INDEX_ENTRY_BYTES, OffsetIndex } from './offset-index.js';
import {
  FRAME_CORRUPT,
  FRAME_INCOMPLETE,
  MAX_FRAME_BYTES,
  decodeFrame,
  frameOffset,
  frameSize,
  frameTimestamp,
  type EncodedBatch,
  type StoredRecord,
} from './record-codec.js';

const SCAN_CHUNK_BYTES = 1024 * 1024;
const MIN_READ_BYTES = 64 * 1024;
const MAX_READ_BYTES = 1024 * 1024;

/** File name stem of a segment: its base offset, zero-padded to 20 digits like Kafka's. */
export function segmentName(baseOffset: number): string {
  return String(baseOffset).padStart(20, '0');
}

/** What recovery found and repaired when a segment was opened. */
export interface SegmentRecovery {
  truncatedBytes: number;
  indexRebuilt: boolean;
}

export class Segment {
  readonly logPath: string;
  readonly indexPath: string;
  /** Bytes of complete, published frames. */
  size = 0;
  /** Offset after the last published frame. */
  nextOffset: number;
  /** Newest record timestamp seen (for closed segments opened from disk: among the last frames). */
  maxTimestamp = -Infinity;
  recovery: SegmentRecovery = { truncatedBytes: 0, indexRebuilt: false };

  private logHandle: FileHandle | null = null;
  private logOpening: Promise<FileHandle> | null = null;
  private indexHandle: FileHandle | null = null;
  private persistedIndexEntries = 0;
  private lastIndexedPosition = -1;
  private readers = 0;
  private deleted = false;
  private finalized: Promise<void> | null = null;

  private constructor(
    dir: string,
    readonly baseOffset: number,
    private index: OffsetIndex,
    private readonly indexIntervalBytes: number,
  ) {
    this.logPath = join(dir, `${segmentName(baseOffset)}.log`);
    this.indexPath = join(dir, `${segmentName(baseOffset)}.index`);
    this.nextOffset = baseOffset;
  }

  /** Creates an empty segment (files truncated if present) ready for appends. */
  static async create(dir: string, baseOffset: number, indexIntervalBytes: number): Promise<Segment> {
    const segment = new Segment(dir, baseOffset, new OffsetIndex(baseOffset), indexIntervalBytes);
    segment.logHandle = await open(segment.logPath, 'w+');
    segment.indexHandle = await open(segment.indexPath, 'w+');
    return segment;
  }

  /**
   * Opens an existing segment and recovers it: index entries past the end or not pointing at a
   * valid frame are dropped, frames after the last good index entry are checked (length, CRC,
   * consecutive offsets), and a torn or corrupt tail is truncated away.
   */
  static async open(dir: string, baseOffset: number, indexIntervalBytes: number, writable: boolean): Promise<Segment> {
    const segment = new Segment(dir, baseOffset, new OffsetIndex(baseOffset), indexIntervalBytes);
    const handle = await open(segment.logPath, 'r+');
    segment.logHandle = handle;
    const fileSize = (await handle.stat()).size;
    let indexData: Buffer = Buffer.alloc(0);
    try {
      indexData = await readWhole(segment.indexPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const index = OffsetIndex.fromBuffer(baseOffset, indexData, fileSize);
    // Walk back from the last index entry until one points at a valid frame with its offset.
    let scanFrom = { offset: baseOffset, position: 0 };
    while (index.length > 0) {
      const entry = index.entry(index.length - 1);
      if (await segment.frameIsAt(entry.position, entry.offset, fileSize)) {
        scanFrom = entry;
        break;
      }
      index.truncate(index.length - 1);
    }
    segment.index = index;
    segment.lastIndexedPosition = index.length > 0 ? scanFrom.position : -1;
    const validEnd = await segment.scan(scanFrom.position, scanFrom.offset, fileSize);
    if (validEnd < fileSize) {
      segment.recovery.truncatedBytes = fileSize - validEnd;
      await handle.truncate(validEnd);
      await handle.sync();
    }
    segment.size = validEnd;
    const indexBytes = index.toBuffer();
    if (!indexBytes.equals(indexData)) {
      segment.recovery.indexRebuilt = true;
      const indexHandle = await open(segment.indexPath, 'w');
      try {
        await indexHandle.write(indexBytes, 0, indexBytes.length, 0);
        await indexHandle.sync();
      } finally {
        await indexHandle.close();
      }
    }
    segment.persistedIndexEntries = index.length;
    if (writable) {
      segment.indexHandle = await open(segment.indexPath, 'r+').catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return open(segment.indexPath, 'w+');
        throw err;
      });
    } else {
      // Closed segments keep no handle until a reader needs one.
      await handle.close();
      segment.logHandle = null;
    }
    return segment;
  }

  private async frameIsAt(position: number, offset: number, fileSize: number): Promise<boolean> {
    const handle = this.logHandle!;
    const head = Buffer.alloc(4);
    if (position + 4 > fileSize) return false;
    await handle.read(head, 0, 4, position);
    const length = head.readUInt32BE(0);
    if (position + 4 + length > fileSize || length > MAX_FRAME_BYTES) return false;
    const frame = Buffer.allocUnsafe(length + 4);
    await handle.read(frame, 0, frame.length, position);
    return frameSize(frame, 0, frame.length) === frame.length && frameOffset(frame, 0) === offset;
  }

  /** Checks frames from `position` (holding `offset`) to the end; returns where valid data ends. */
  private async scan(position: number, offset: number, fileSize: number): Promise<number> {
    const handle = this.logHandle!;
    let chunkBytes = SCAN_CHUNK_BYTES;
    let expected = offset;
    while (position < fileSize) {
      const length = Math.min(chunkBytes, fileSize - position);
      const chunk = Buffer.allocUnsafe(length);
      const { bytesRead } = await handle.read(chunk, 0, length, position);
      let p = 0;
      while (p < bytesRead) {
        const size = frameSize(chunk, p, bytesRead);
        if (size === FRAME_INCOMPLETE) break; // may continue in the next chunk
        if (size === FRAME_CORRUPT || frameOffset(chunk, p) !== expected || decodeFrame(chunk, p, size) === null) {
          return position + p;
        }
        this.noteFrame(position + p, expected, frameTimestamp(chunk, p));
        expected++;
        p += size;
      }
      if (p === 0) {
        // A frame that does not fit the chunk: torn if the file ends first, else read it whole.
        if (position + bytesRead >= fileSize || bytesRead < 4) return position;
        const needed = chunk.readUInt32BE(0) + 4;
        if (position + needed > fileSize) return position;
        chunkBytes = needed;
        continue;
      }
      position += p;
    }
    return position;
  }

  private noteFrame(position: number, offset: number, timestamp: number): void {
    if (this.lastIndexedPosition < 0 || position - this.lastIndexedPosition >= this.indexIntervalBytes) {
      this.index.add(offset, position);
      this.lastIndexedPosition = position;
    }
    if (timestamp > this.maxTimestamp) this.maxTimestamp = timestamp;
    this.nextOffset = offset + 1;
  }

  /** Writes a batch at the end of the segment; readers do not see it until `publish`. */
  async write(data: Buffer): Promise<void> {
    const handle = await this.handle();
    let written = 0;
    while (written < data.length) {
      const { bytesWritten } = await handle.write(data, written, data.length - written, this.size + written);
      written += bytesWritten;
    }
  }

  /** Undoes a failed `write`. */
  async discardUnpublished(): Promise<void> {
    const handle = await this.handle();
    await handle.truncate(this.size);
  }

  /** Makes a written batch visible and indexes it in memory (`persistIndex` writes the index file). */
  publish(batch: EncodedBatch): void {
    for (let i = 0; i < batch.count; i++) {
      const position = this.size + batch.positions[i]!;
      if (this.lastIndexedPosition < 0 || position - this.lastIndexedPosition >= this.indexIntervalBytes) {
        this.index.add(batch.firstOffset + i, position);
        this.lastIndexedPosition = position;
      }
    }
    if (batch.maxTimestamp > this.maxTimestamp) this.maxTimestamp = batch.maxTimestamp;
    this.size += batch.buffer.length;
    this.nextOffset = batch.firstOffset + batch.count;
  }

  /** Appends new index entries to the index file (not fsynced: the index is rebuilt if lost). */
  async persistIndex(): Promise<void> {
    if (!this.indexHandle || this.persistedIndexEntries === this.index.length) return;
    const data = this.index.toBuffer(this.persistedIndexEntries);
    await this.indexHandle.write(data, 0, data.length, this.persistedIndexEntries * INDEX_ENTRY_BYTES);
    this.persistedIndexEntries = this.index.length;
  }

  /** fsyncs the log data (fdatasync: the size is metadata needed to read it back, so it is included). */
  async sync(): Promise<void> {
    if (this.logHandle) await this.logHandle.datasync();
  }

  /** Ends appends: fsyncs log and index and closes the index handle. */
  async seal(fsync: boolean): Promise<void> {
    await this.persistIndex();
    if (fsync) await this.sync();
    if (this.indexHandle) {
      if (fsync) await this.indexHandle.sync();
      await this.indexHandle.close();
      this.indexHandle = null;
    }
  }

  /**
   * Reads up to `maxRecords` records from `fromOffset` on (at most about `maxBytes`), from the
   * nearest index entry, with positional reads. Callers bracket it with acquire/release.
   */
  async read(fromOffset: number, maxRecords: number, maxBytes: number): Promise<StoredRecord[]> {
    const out: StoredRecord[] = [];
    const limit = this.size;
    if (fromOffset >= this.nextOffset) return out;
    const handle = await this.handle();
    let position = this.index.floor(fromOffset);
    let bytes = 0;
    let chunkBytes = Math.min(MAX_READ_BYTES, Math.max(MIN_READ_BYTES, Math.min(maxBytes, maxRecords * 1024)));
    while (position < limit && out.length < maxRecords && bytes < maxBytes) {
      const length = Math.min(chunkBytes, limit - position);
      const chunk = Buffer.allocUnsafe(length);
      const { bytesRead } = await handle.read(chunk, 0, length, position);
      let p = 0;
      while (p < bytesRead && out.length < maxRecords && bytes < maxBytes) {
        const size = frameSize(chunk, p, bytesRead);
        if (size === FRAME_INCOMPLETE) break;
        const record = size > 0 ? decodeFrame(chunk, p, size) : null;
        if (record === null) {
          throw new MetronError('STORAGE_FAILED', `Corrupt record in bus segment ${this.logPath} at byte ${position + p}`, {
            file: this.logPath,
            position: position + p,
          });
        }
        if (record.offset >= fromOffset) {
          out.push(record);
          bytes += size;
        }
        p += size;
      }
      if (p === 0) {
        if (bytesRead < 4) break;
        chunkBytes = chunk.readUInt32BE(0) + 4; // one frame larger than the chunk
        continue;
      }
      position += p;
    }
    return out;
  }

  private async handle(): Promise<FileHandle> {
    if (this.logHandle) return this.logHandle;
    this.logOpening ??= open(this.logPath, 'r');
    try {
      this.logHandle = await this.logOpening;
    } finally {
      this.logOpening = null;
    }
    return this.logHandle;
  }

  /** A reader starts: the files stay until it releases, even if retention deletes the segment. */
  acquire(): void {
    this.readers++;
  }

  release(): void {
    this.readers--;
    if (this.deleted && this.readers === 0) void this.finalize();
  }

  /** Deletes the segment's files once no reader uses them. */
  delete(): Promise<void> {
    this.deleted = true;
    if (this.readers === 0) return this.finalize();
    return Promise.resolve();
  }

  private finalize(): Promise<void> {
    this.finalized ??= (async () => {
      await this.close();
      await rm(this.logPath, { force: true });
      await rm(this.indexPath, { force: true });
    })();
    return this.finalized;
  }

  /** Closes the file handles. */
  async close(): Promise<void> {
    const log = this.logHandle;
    const index = this.indexHandle;
    this.logHandle = null;
    this.indexHandle = null;
    await log?.close();
    await index?.close();
  }
}

async function readWhole(path: string): Promise<Buffer> {
  const size = (await stat(path)).size;
  const handle = await open(path, 'r');
  try {
    const data = Buffer.allocUnsafe(size);
    let read = 0;
    while (read < size) {
      const { bytesRead } = await handle.read(data, read, size - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return data.subarray(0, read);
  } finally {
    await handle.close();
  }
}
