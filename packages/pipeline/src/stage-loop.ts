import type { Consumer, ConsumerRecord, TopicPartition } from './bus/types.js';

export interface StageLoopOptions {
  name: string;
  consumer: Consumer;
  /** Processes one batch. Must complete every downstream write before it resolves. */
  handle(records: ConsumerRecord[]): Promise<void>;
  maxBatch?: number;
  /** How long a poll waits for records (default 200 ms); a function is asked before each poll. */
  pollTimeoutMs?: number | (() => number);
  /**
   * After a partial batch, keep collecting for up to this long before handling it: fewer, larger
   * writes when traffic is light (Metron's indexing `batchTimeout`). Default 0.
   */
  lingerMs?: number;
  /** Called when `handle` throws: the batch is retried after a backoff, never skipped. */
  onError?(err: unknown, attempt: number): void;
  /**
   * For a stage that holds records across batches (indexing writers with `batchSize`): per
   * partition, the offset of the first record handled but not yet durable. Commits stop there.
   */
  held?(): Map<string, bigint>;
  /**
   * Called after every batch and every empty poll (`idle` true), so held records can be flushed
   * on time.
   */
  flushDue?(idle: boolean): Promise<void>;
  /** Waits for writes `handle` or `flushDue` left running (held records); called when the loop stops, before its last commit. */
  settle?(): Promise<void>;
}

/** Key of a topic partition in `held()` maps. */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/** Notes `offset` for partition `key` in a `held()`-style map, which keeps the lowest offset per partition. */
export function holdLowest(held: Map<string, bigint>, key: string, offset: bigint): void {
  const known = held.get(key);
  if (known === undefined || offset < known) held.set(key, offset);
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
  /** Per partition, the offset after the last handled record (what a commit may reach). */
  private readonly handledUpTo = new Map<string, TopicPartition & { offset: bigint }>();
  /** Per partition, the last offset scheduled for commit. */
  private readonly scheduled = new Map<string, bigint>();
  private readonly maxBatch: number;
  private readonly pollTimeoutMs: () => number;

  constructor(private readonly opts: StageLoopOptions) {
    this.maxBatch = opts.maxBatch ?? 2000;
    const timeout = opts.pollTimeoutMs ?? 200;
    this.pollTimeoutMs = typeof timeout === 'function' ? timeout : () => timeout;
  }

  get name(): string {
    return this.opts.name;
  }

  /** Records known to wait for the stage beyond what it has polled (its consumer's behind()). */
  behind(): number {
    return this.opts.consumer.behind();
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
    if (this.opts.settle !== undefined) {
      await this.opts.settle();
      this.commitHandled();
    }
    await this.committing;
    await this.opts.consumer.close();
  }

  private async run(): Promise<void> {
    while (this.running) {
      const records = await this.opts.consumer.poll(this.maxBatch, this.pollTimeoutMs());
      if (records.length === 0) {
        this.idle = true;
        if (this.opts.flushDue !== undefined && !(await this.retry(() => this.opts.flushDue!(true)))) return;
        this.commitHandled();
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
      if (!(await this.retry(() => this.opts.handle(records)))) return;
      if (this.opts.held === undefined) {
        this.scheduleCommit(nextOffsets(records));
        continue;
      }
      for (const o of nextOffsets(records)) this.handledUpTo.set(partitionKey(o.topic, o.partition), o);
      if (this.opts.flushDue !== undefined && !(await this.retry(() => this.opts.flushDue!(false)))) return;
      this.commitHandled();
    }
  }

  /**
   * Runs `task` until it succeeds, with capped backoff and jitter: a batch is retried, never
   * skipped. A stop request gives up (false), leaving the batch uncommitted: retrying until
   * success would block shutdown.
   */
  private async retry(task: () => Promise<void>): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await task();
        return true;
      } catch (err) {
        this.opts.onError?.(err, attempt);
        if (!this.running) return false;
        const delay = Math.min(5000, 50 * 2 ** Math.min(attempt, 7)) * (0.5 + Math.random() / 2);
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  /** Commits, per partition, up to the first held record, or everything handled if none is held. */
  private commitHandled(): void {
    if (this.opts.held === undefined) return;
    const held = this.opts.held();
    const ready: Array<TopicPartition & { offset: bigint }> = [];
    for (const [key, upTo] of this.handledUpTo) {
      const first = held.get(key);
      const offset = first !== undefined && first < upTo.offset ? first : upTo.offset;
      if (offset > (this.scheduled.get(key) ?? -1n)) {
        this.scheduled.set(key, offset);
        ready.push({ topic: upTo.topic, partition: upTo.partition, offset });
      }
    }
    if (ready.length > 0) this.scheduleCommit(ready);
  }

  /**
   * Commits in the background so the next batch need not wait for the offsets file's fsync. The
   * offsets are those of batches whose output is already durable, so at-least-once holds; a
   * commit still in flight at a crash only means a little more re-delivery.
   */
  private scheduleCommit(offsets: Array<TopicPartition & { offset: bigint }>): void {
    for (const o of offsets) this.pendingCommit.set(partitionKey(o.topic, o.partition), o);
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
  // Records of a batch come in runs of one partition: look the entry up once per run.
  let cur: (TopicPartition & { offset: bigint }) | undefined;
  for (const r of records) {
    if (cur === undefined || cur.partition !== r.partition || cur.topic !== r.topic) {
      const k = partitionKey(r.topic, r.partition);
      cur = next.get(k);
      if (cur === undefined) {
        cur = { topic: r.topic, partition: r.partition, offset: r.offset + 1n };
        next.set(k, cur);
      }
    }
    if (r.offset >= cur.offset) cur.offset = r.offset + 1n;
  }
  return [...next.values()];
}
