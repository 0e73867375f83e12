import type { Consumer, ConsumerRecord, TopicPartition } from './bus/types.js';

export interface StageLoopOptions {
  name: string;
  consumer: Consumer;
  /** Processes one batch. Must complete every downstream write before it resolves. */
  handle(records: ConsumerRecord[]): Promise<void>;
  maxBatch?: number;
  pollTimeoutMs?: number;
  /**
   * After a partial batch, keep collecting for up to this long before handling it: fewer, larger
   * writes when traffic is light (Metron's indexing `batchTimeout`). Default 0.
   */
  lingerMs?: number;
  /** Called when `handle` throws: the batch is retried after a backoff, never skipped. */
  onError?(err: unknown, attempt: number): void;
}

/**
 * Runs a consume → process → commit loop. Offsets are committed only after `handle` resolved, so
 * a crash re-delivers the uncommitted batch (at-least-once); downstream idempotence (guid) absorbs
 * the duplicates.
 */
export class StageLoop {
  private running = false;
  private loop: Promise<void> | undefined;
  private idle = true;
  /** Offsets handled but not yet committed, merged per partition (the newest wins). */
  private pendingCommit = new Map<string, TopicPartition & { offset: bigint }>();
  private committing: Promise<void> | undefined;
  private readonly maxBatch: number;
  private readonly pollTimeoutMs: number;

  constructor(private readonly opts: StageLoopOptions) {
    this.maxBatch = opts.maxBatch ?? 2000;
    this.pollTimeoutMs = opts.pollTimeoutMs ?? 200;
  }

  get name(): string {
    return this.opts.name;
  }

  /** True when the last poll returned nothing (the stage has caught up). */
  get caughtUp(): boolean {
    return this.idle;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Finishes the batch in hand, commits it, and stops. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await this.committing;
    await this.opts.consumer.close();
  }

  private async run(): Promise<void> {
    while (this.running) {
      const records = await this.opts.consumer.poll(this.maxBatch, this.pollTimeoutMs);
      if (records.length === 0) {
        this.idle = true;
        continue;
      }
      const linger = this.opts.lingerMs ?? 0;
      if (linger > 0 && records.length < this.maxBatch) {
        const until = Date.now() + linger;
        while (this.running && records.length < this.maxBatch) {
          const left = until - Date.now();
          if (left <= 0) break;
          const more = await this.opts.consumer.poll(this.maxBatch - records.length, left);
          if (more.length === 0) break;
          for (const r of more) records.push(r);
        }
      }
      this.idle = false;
      for (let attempt = 1; ; attempt++) {
        try {
          await this.opts.handle(records);
          break;
        } catch (err) {
          this.opts.onError?.(err, attempt);
          // Retry the same batch with capped backoff and jitter; a stop request still retries
          // until success would block shutdown, so give up the batch uncommitted on stop.
          if (!this.running) return;
          const delay = Math.min(5000, 50 * 2 ** Math.min(attempt, 7)) * (0.5 + Math.random() / 2);
          await new Promise((r) => setTimeout(r, delay));
        }
      }
      this.scheduleCommit(nextOffsets(records));
    }
  }

  /**
   * Commits in the background so the next batch need not wait for the offsets file's fsync. The
   * offsets are those of batches whose output is already durable, so at-least-once holds; a
   * commit still in flight at a crash only means a little more re-delivery.
   */
  private scheduleCommit(offsets: Array<TopicPartition & { offset: bigint }>): void {
    for (const o of offsets) this.pendingCommit.set(`${o.topic}\u0000${o.partition}`, o);
    this.committing ??= this.flushCommits();
  }

  private async flushCommits(): Promise<void> {
    while (this.pendingCommit.size > 0) {
      const batch = [...this.pendingCommit.values()];
      this.pendingCommit = new Map();
      try {
        await this.opts.consumer.commit(batch);
      } catch (err) {
        this.opts.onError?.(err, 0);
      }
    }
    this.committing = undefined;
  }
}

/** Offset to commit per partition: the highest processed offset + 1. */
export function nextOffsets(records: ConsumerRecord[]): Array<TopicPartition & { offset: bigint }> {
  const next = new Map<string, TopicPartition & { offset: bigint }>();
  for (const r of records) {
    const k = `${r.topic}\u0000${r.partition}`;
    const cur = next.get(k);
    if (!cur || r.offset + 1n > cur.offset) next.set(k, { topic: r.topic, partition: r.partition, offset: r.offset + 1n });
  }
  return [...next.values()];
}
