/**
 * File tail: reads lines appended to a file (LF or CRLF), follows rotation and truncation, and
 * remembers its position so a restart resumes without loss (duplicates possible, never loss).
 *
 * Invariants:
 * - The position file (identity dev+inode, offset) is written only after the sink resolved for
 *   every line before that offset, atomically (temp file, fsync, rename).
 * - Rotation (the path now names another inode): the old file is read to EOF once more, its
 *   unterminated last line is delivered as a record, then the new file is read from its start.
 *   If the source was down during a rotation, the old file is looked up by inode in the same
 *   directory and finished first.
 * - Truncation (size < position): an unterminated line held is delivered, then reading restarts at 0.
 * - One pump runs at a time; fs.watch on the directory wakes it, a `pollMs` timer backs it up.
 */
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { deliverWithRetry } from './deliver.js';
import { createLineSplitState, splitLines, takePartialLine, type LineSplitState } from './split-lines.js';
import {
  consoleSourceLogger,
  DEFAULT_MAX_RECORD_BYTES,
  type Source,
  type SourceContext,
  type SourceLogger,
} from './types.js';

export interface FileTailConfig {
  sensor: string;
  /** The file to follow. */
  path: string;
  /** Where the position (inode + offset) is kept between runs. */
  positionFile: string;
  /** Where to start in a file found at first start with no saved position; default 'beginning'. */
  startAt?: 'beginning' | 'end';
  /** Poll interval backing up fs.watch; default 250 ms. */
  pollMs?: number;
  /** Longest line accepted; default 1 MiB. */
  maxRecordBytes?: number;
  /** Deliver an unterminated last line once the file has not grown for this long; default never. */
  partialLineFlushMs?: number;
  /** Bytes per read; default 64 KiB. */
  readChunkBytes?: number;
  /** Lines per sink call; default 1000. */
  maxBatchRecords?: number;
}

/** Saved position (JSON in `positionFile`). dev/ino as decimal strings: they can exceed 2^53. */
export interface TailPosition {
  path: string;
  dev: string;
  ino: string;
  offset: number;
}

interface Identity {
  dev: bigint;
  ino: bigint;
}

interface TailedFile {
  handle: FileHandle;
  identity: Identity;
  /** Next byte to read. */
  readOffset: number;
  /** Every line before this offset is durable (what the position file says). */
  committedOffset: number;
  split: LineSplitState;
  /** When the file last grew (for partialLineFlushMs). */
  lastGrowthAt: number;
}

function sameFile(a: Identity, b: Identity): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

async function statIdentity(file: string): Promise<(Identity & { size: bigint }) | null> {
  try {
    const s = await stat(file, { bigint: true });
    return { dev: s.dev, ino: s.ino, size: s.size };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** A file tail source for one sensor. */
export class FileTailSource implements Source {
  readonly name: string;
  private readonly sensor: string;
  private readonly filePath: string;
  private readonly positionFile: string;
  private readonly startAt: 'beginning' | 'end';
  private readonly pollMs: number;
  private readonly maxRecordBytes: number;
  private readonly readChunkBytes: number;
  private readonly maxBatchRecords: number;
  private readonly logger: SourceLogger;
  private current: TailedFile | null = null;
  private watcher: FSWatcher | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private pumping: Promise<void> | null = null;
  private rerun = false;
  private started = false;
  private stopController = new AbortController();
  /** startAt applies only to the file found at first start with no saved position. */
  private firstOpen = true;
  private lastError: string | null = null;

  constructor(
    private readonly config: FileTailConfig,
    private readonly ctx: SourceContext,
  ) {
    const where = `file_tail[${config.sensor}]`;
    if (!config.sensor) throw new Error('file_tail: sensor is required');
    if (!config.path) throw new Error(`${where}.path is required`);
    if (!config.positionFile) throw new Error(`${where}.positionFile is required`);
    this.sensor = config.sensor;
    this.name = `file_tail:${config.sensor}`;
    this.filePath = path.resolve(config.path);
    this.positionFile = path.resolve(config.positionFile);
    this.startAt = config.startAt ?? 'beginning';
    if (this.startAt !== 'beginning' && this.startAt !== 'end') {
      throw new Error(`${where}.startAt must be 'beginning' or 'end', got ${String(config.startAt)}`);
    }
    const positive = (value: number | undefined, fallback: number, key: string): number => {
      const v = value ?? fallback;
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`${where}.${key} must be a positive integer, got ${v}`);
      return v;
    };
    this.pollMs = positive(config.pollMs, 250, 'pollMs');
    this.maxRecordBytes = positive(config.maxRecordBytes, DEFAULT_MAX_RECORD_BYTES, 'maxRecordBytes');
    this.readChunkBytes = positive(config.readChunkBytes, 64 * 1024, 'readChunkBytes');
    this.maxBatchRecords = positive(config.maxBatchRecords, 1000, 'maxBatchRecords');
    if (config.partialLineFlushMs !== undefined) positive(config.partialLineFlushMs, 1, 'partialLineFlushMs');
    this.logger = ctx.logger ?? consoleSourceLogger;
  }

  async start(): Promise<void> {
    if (this.started) throw new Error(`${this.name} already started`);
    this.started = true;
    this.stopController = new AbortController();
    await mkdir(path.dirname(this.positionFile), { recursive: true });
    try {
      this.watcher = watch(path.dirname(this.filePath), (_event, filename) => {
        if (!filename || filename === path.basename(this.filePath)) this.trigger();
      });
      this.watcher.on('error', () => {
        this.watcher?.close();
        this.watcher = null; // the poll timer carries on
      });
    } catch {
      this.watcher = null; // directory missing or watch unsupported: poll only
    }
    this.pollTimer = setInterval(() => this.trigger(), this.pollMs);
    this.trigger();
  }

  /** Stops watching, waits for the pump in progress (its sink call included), closes the file. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.stopController.abort();
    this.watcher?.close();
    this.watcher = null;
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
    await this.pumping;
    await this.current?.handle.close();
    this.current = null;
  }

  /** Resolves when the pump in progress (if any) is done; for tests and orderly shutdown. */
  async idle(): Promise<void> {
    while (this.pumping) await this.pumping;
  }

  /** Wakes the pump (fs.watch, poll timer). */
  trigger(): void {
    if (!this.started) return;
    if (this.pumping) {
      this.rerun = true;
      return;
    }
    this.pumping = (async () => {
      do {
        this.rerun = false;
        try {
          await this.pumpOnce();
          if (this.lastError) this.logger.info(`${this.name} recovered`);
          this.lastError = null;
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          if (message !== this.lastError) this.logger.warn(`${this.name} read failed`, { path: this.filePath, error: message });
          this.lastError = message;
        }
      } while (this.rerun && this.started);
    })().finally(() => {
      this.pumping = null;
    });
  }

  private async pumpOnce(): Promise<void> {
    if (!this.current) {
      this.current = await this.openInitial();
      if (!this.current) return;
    }
    for (;;) {
      if (!(await this.readToEof(this.current))) return;
      const now = await statIdentity(this.filePath);
      if (!now) return; // renamed away or deleted, not recreated yet: keep the old file open
      if (sameFile(now, this.current.identity)) {
        await this.maybeFlushIdlePartial(this.current);
        return;
      }
      // Rotated. The writer may have appended after our last read: drain the old file once more.
      const old = this.current;
      if (!(await this.readToEof(old))) return;
      if (!(await this.flushPartial(old))) return;
      const next = await this.openFile(this.filePath, 0);
      if (!next) return;
      await old.handle.close();
      this.current = next;
      await this.savePosition(next);
      if (!this.started) return;
    }
  }

  /** First open: resume from the saved position, else apply startAt. */
  private async openInitial(): Promise<TailedFile | null> {
    const saved = await this.loadPosition();
    const firstOpen = this.firstOpen;
    this.firstOpen = false;
    const now = await statIdentity(this.filePath);
    if (saved) {
      const savedIdentity = { dev: BigInt(saved.dev), ino: BigInt(saved.ino) };
      if (now && sameFile(now, savedIdentity)) return this.openFile(this.filePath, saved.offset);
      // Rotated while we were down: finish the old file if it is still beside the new one.
      const old = await this.findByIdentity(savedIdentity);
      if (old) {
        this.logger.info(`${this.name} resuming rotated file`, { file: old, offset: saved.offset });
        return this.openFile(old, saved.offset, savedIdentity);
      }
      return now ? this.openFile(this.filePath, 0) : null; // a file we have never seen: all of it
    }
    if (!now) return null;
    const startOffset = firstOpen && this.startAt === 'end' ? Number(now.size) : 0;
    const file = await this.openFile(this.filePath, startOffset);
    if (file && startOffset > 0) await this.savePosition(file);
    return file;
  }

  private async openFile(file: string, offset: number, expected?: Identity): Promise<TailedFile | null> {
    let handle: FileHandle;
    try {
      handle = await open(file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    const s = await handle.stat({ bigint: true });
    const identity = { dev: s.dev, ino: s.ino };
    if (expected && !sameFile(identity, expected)) {
      await handle.close();
      return null;
    }
    return {
      handle,
      identity,
      readOffset: offset,
      committedOffset: offset,
      split: createLineSplitState({ maxRecordBytes: this.maxRecordBytes }),
      lastGrowthAt: Date.now(),
    };
  }

  private async findByIdentity(identity: Identity): Promise<string | null> {
    const dir = path.dirname(this.filePath);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return null;
    }
    for (const name of names) {
      const candidate = path.join(dir, name);
      const s = await statIdentity(candidate).catch(() => null);
      if (s && sameFile(s, identity)) return candidate;
    }
    return null;
  }

  /**
   * Reads from readOffset to the current end of file, delivering complete lines batch by batch
   * and committing the position after each batch. Returns false if the sink did not take a batch
   * (the position is then rewound to the last commit, to be read again on the next pump).
   */
  private async readToEof(file: TailedFile): Promise<boolean> {
    for (;;) {
      const size = Number((await file.handle.stat()).size);
      if (size < file.readOffset) {
        this.logger.info(`${this.name} file truncated; reading from the start`, { path: this.filePath, size, position: file.readOffset });
        if (!(await this.flushPartial(file))) return false;
        file.readOffset = 0;
        file.committedOffset = 0;
        await this.savePosition(file);
      }
      if (file.readOffset >= size) return true;

      // A batch is cut at maxBatchRecords lines (possibly mid-chunk) or when a pass has read
      // enough bytes; its position is the end of its last line.
      let records: Buffer[] = [];
      let bytes = 0;
      let commitAt = file.committedOffset;
      const flush = async (): Promise<boolean> => {
        if (records.length > 0 && !(await this.deliver(file, records, bytes))) return false;
        records = [];
        bytes = 0;
        if (commitAt !== file.committedOffset) {
          file.committedOffset = commitAt;
          await this.savePosition(file);
        }
        return true;
      };
      let passBytes = 0;
      while (file.readOffset < size && passBytes < 4 * this.readChunkBytes) {
        const length = Math.min(this.readChunkBytes, size - file.readOffset);
        // A fresh buffer per read: records are views into it.
        const buf = Buffer.allocUnsafe(length);
        const chunkStart = file.readOffset;
        const { bytesRead } = await file.handle.read(buf, 0, length, chunkStart);
        if (bytesRead === 0) break;
        file.readOffset += bytesRead;
        passBytes += bytesRead;
        file.lastGrowthAt = Date.now();
        for (const event of splitLines(buf.subarray(0, bytesRead), file.split).events) {
          if (event.kind === 'oversize') {
            this.ctx.events.refused(this.sensor, event.reason, event.head);
            continue;
          }
          if (event.data.length > 0) {
            records.push(event.data);
            bytes += event.data.length;
          }
          commitAt = chunkStart + event.end;
          if (records.length >= this.maxBatchRecords && !(await flush())) return false;
        }
      }
      commitAt = file.readOffset - file.split.lineBytes; // also past skipped (empty, over-long) lines
      if (!(await flush())) return false;
      if (!this.started) return false;
    }
  }

  private async maybeFlushIdlePartial(file: TailedFile): Promise<void> {
    const flushMs = this.config.partialLineFlushMs;
    if (flushMs === undefined || file.split.lineBytes === 0) return;
    if (Date.now() - file.lastGrowthAt < flushMs) return;
    await this.flushPartial(file);
  }

  /** Delivers the unterminated line held (if any) as a record and commits past it. */
  private async flushPartial(file: TailedFile): Promise<boolean> {
    if (file.split.lineBytes === 0) return true;
    const partial = takePartialLine(file.split);
    if (partial && partial.length > 0 && !(await this.deliver(file, [partial], partial.length))) return false;
    file.committedOffset = file.readOffset;
    await this.savePosition(file);
    return true;
  }

  private async deliver(file: TailedFile, records: Buffer[], bytes: number): Promise<boolean> {
    this.ctx.events.received(this.sensor, records.length, bytes);
    const delivered = await deliverWithRetry(this.ctx.sink, this.sensor, records, {
      signal: this.stopController.signal,
      logger: this.logger,
      source: this.name,
    });
    if (!delivered) {
      // Not durable: read these lines again next time (the position was not advanced past them).
      file.readOffset = file.committedOffset;
      file.split = createLineSplitState({ maxRecordBytes: this.maxRecordBytes });
    }
    return delivered;
  }

  private async loadPosition(): Promise<TailPosition | null> {
    let text: string;
    try {
      text = await readFile(this.positionFile, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    try {
      const parsed = JSON.parse(text) as Partial<TailPosition>;
      if (typeof parsed.dev === 'string' && typeof parsed.ino === 'string' && Number.isSafeInteger(parsed.offset) && parsed.offset! >= 0) {
        return { path: String(parsed.path ?? ''), dev: parsed.dev, ino: parsed.ino, offset: parsed.offset! };
      }
    } catch {
      // fall through
    }
    throw new Error(`${this.name}: position file ${this.positionFile} is unreadable; fix or delete it`);
  }

  private async savePosition(file: TailedFile): Promise<void> {
    const position: TailPosition = {
      path: this.filePath,
      dev: file.identity.dev.toString(),
      ino: file.identity.ino.toString(),
      offset: file.committedOffset,
    };
    const temp = `${this.positionFile}.tmp`;
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(JSON.stringify(position));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, this.positionFile);
  }
}

/** Builds a file tail source (not yet reading: call `start()`). */
export function createFileTailSource(config: FileTailConfig, ctx: SourceContext): FileTailSource {
  return new FileTailSource(config, ctx);
}
