/**
 * A member of a Kafka consumer group behind the bus's pull interface (`poll`/`commit`). The
 * client's fetch stream fills a bounded buffer; when the stage falls behind (a slow writer) the
 * buffer reaches `maxBufferedRecords`, fetching pauses, and resumes once the stage has taken half.
 * Nothing is committed automatically: the stage commits after the write the offsets protect.
 *
 * On a rebalance, records buffered for partitions this member lost are dropped (their new owner
 * reads them from the group's committed offset), and a partition kept across the rebalance is not
 * delivered twice from the buffer.
 */
import type { Consumer as KafkaConsumer, GroupAssignment, Message, MessagesStream } from '@platformatic/kafka';
import { kafkaLibrary } from './client-library.js';
import { MetronError, errorMessage } from '@metron/core';
import type { Consumer, ConsumerOptions, ConsumerRecord, TopicPartition } from '../types.js';
import type { KafkaBus } from './kafka-bus.js';

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export class KafkaBusConsumer implements Consumer {
  private client: KafkaConsumer | undefined;
  private stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
  private starting: Promise<void> | undefined;
  private buffer: ConsumerRecord[] = [];
  private head = 0;
  private paused = false;
  private closed = false;
  private waiter: (() => void) | undefined;
  /** Per partition, the offset after the last record handed to the stage. */
  private readonly delivered = new Map<string, bigint>();
  private assigned: Set<string> | undefined;
  /**
   * Per partition, when last asked (see behind()): its end (the next offset to be written) and
   * where this member starts on it when nothing of it was fetched (the group's committed offset,
   * else the earliest or the end, as the consumer starts).
   */
  private readonly ends = new Map<string, { end: bigint; start: bigint }>();
  private endsAskedAt = 0;
  private endsAsking = false;
  /** When the last (re)start attempt failed or the stream broke: the next waits a backoff. */
  private failedAt = 0;
  private failures = 0;

  constructor(
    private readonly bus: KafkaBus,
    private readonly options: ConsumerOptions,
    private readonly onClose: () => void,
  ) {}

  /** Partitions currently assigned to this member (after its last join). */
  assignment(): TopicPartition[] {
    return [...(this.assigned ?? [])].map((k) => {
      const [topic, partition] = k.split('\u0000') as [string, string];
      return { topic, partition: Number(partition) };
    });
  }

  private async start(): Promise<void> {
    await this.bus.ensureTopics(this.options.topics);
    const o = this.bus.options;
    const client = new (kafkaLibrary().Consumer)({
      ...this.bus.clientOptions(`consumer-${this.options.group}`),
      groupId: this.options.group,
      autocommit: false,
      sessionTimeout: o.sessionTimeoutMs,
      heartbeatInterval: o.heartbeatIntervalMs,
      rebalanceTimeout: o.rebalanceTimeoutMs,
      maxWaitTime: o.fetchMaxWaitMs,
      minBytes: o.fetchMinBytes,
      maxBytes: o.fetchMaxBytes,
    });
    this.client = client;
    client.on('consumer:group:join', (payload: { assignments?: GroupAssignment[] }) => this.onAssignment(payload.assignments ?? []));
    const stream = await client.consume({
      topics: this.options.topics,
      mode: 'committed',
      fallbackMode: this.options.fromBeginning === false ? 'latest' : 'earliest',
      autocommit: false,
      highWaterMark: 1024,
    });
    this.stream = stream;
    if (client.assignments !== null) this.onAssignment(client.assignments);
    stream.on('data', (message: Message<Buffer, Buffer, Buffer, Buffer>) => this.onMessage(message));
    const lost = (why: string): void => {
      if (this.closed || this.stream !== stream) return;
      this.restartLater(why);
      void stream.close().catch(() => undefined);
      void client.close(true, () => undefined);
    };
    stream.on('error', (err: unknown) => lost(errorMessage(err)));
    stream.on('close', () => lost('the fetch stream closed'));
  }

  /**
   * The fetch stream broke (a broker restart, a network cut): forget the client and join again on
   * the next poll, after a backoff. Records already buffered stay deliverable; the group resumes
   * the other partitions from their committed offsets.
   */
  private restartLater(why: string): void {
    this.stream = undefined;
    this.client = undefined;
    this.starting = undefined;
    this.failedAt = Date.now();
    this.failures++;
    this.bus.warn(`Kafka consumer of group ${this.options.group} lost its stream (${why}); rejoining`);
    this.wake();
  }

  private onAssignment(assignments: GroupAssignment[]): void {
    const now = new Set<string>();
    for (const a of assignments) for (const p of a.partitions) now.add(key(a.topic, p));
    this.assigned = now;
    const kept = this.buffer.slice(this.head).filter((r) => now.has(key(r.topic, r.partition)));
    this.buffer = kept;
    this.head = 0;
    for (const k of [...this.delivered.keys()]) if (!now.has(k)) this.delivered.delete(k);
    this.maybeResume();
  }

  private onMessage(message: Message<Buffer, Buffer, Buffer, Buffer>): void {
    const k = key(message.topic, message.partition);
    // A fetch sent before a rebalance may answer after it: records of a partition this member
    // no longer owns are its new owner's to read.
    if (this.assigned !== undefined && !this.assigned.has(k)) return;
    // A partition re-fetched from its committed offset after a rebalance: skip what was handed out.
    const after = this.delivered.get(k);
    if (after !== undefined && message.offset < after) return;
    const headers: Record<string, string> = {};
    for (const [name, value] of message.headers) headers[name.toString()] = value.toString();
    this.buffer.push({
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
      timestamp: Number(message.timestamp),
      key: message.key === null || message.key === undefined ? null : message.key,
      value: message.value ?? Buffer.alloc(0),
      headers,
    });
    this.delivered.set(k, message.offset + 1n);
    if (!this.paused && this.buffer.length - this.head >= this.bus.options.maxBufferedRecords) {
      this.paused = true;
      this.stream?.pause();
    }
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  private maybeResume(): void {
    if (this.paused && this.buffer.length - this.head <= this.bus.options.maxBufferedRecords / 2) {
      this.paused = false;
      this.stream?.resume();
    }
  }

  /** Records waiting in this member's buffer (bounded by `maxBufferedRecords`). */
  get buffered(): number {
    return this.buffer.length - this.head;
  }

  /** Whether fetching is paused because the stage is behind. */
  get isPaused(): boolean {
    return this.paused;
  }

  /**
   * Joins the group and starts fetching, once. A failed attempt is reported and retried by a later
   * poll after a capped backoff: a stage loop never dies of a broker that is away for a while.
   */
  private async ensureStarted(): Promise<boolean> {
    if (this.stream !== undefined) return true;
    const backoff = this.failures === 0 ? 0 : Math.min(5000, 250 * 2 ** Math.min(this.failures, 5));
    if (Date.now() - this.failedAt < backoff) return false;
    this.starting ??= this.start();
    try {
      await this.starting;
      this.failures = 0;
      return true;
    } catch (err) {
      this.starting = undefined;
      if (this.closed) return false;
      const client = this.client;
      this.client = undefined;
      void client?.close(true, () => undefined);
      this.failedAt = Date.now();
      this.failures++;
      this.bus.warn(`Kafka consumer of group ${this.options.group} could not join (attempt ${this.failures}): ${errorMessage(err)}`);
      return false;
    }
  }

  /**
   * The records fetched and not yet polled, plus, per assigned partition, those from the last
   * fetched (or where it starts) to the partition's end as last asked of the broker (at most once
   * a second, in the background: the first call after a quiet while counts the buffer only).
   */
  behind(): number {
    this.askEnds();
    let n = this.buffered;
    if (this.assigned === undefined) return n;
    for (const k of this.assigned) {
      const known = this.ends.get(k);
      if (known === undefined) continue;
      const at = this.delivered.get(k) ?? known.start;
      if (known.end > at) n += Number(known.end - at);
    }
    return n;
  }

  private askEnds(): void {
    if (this.endsAsking || this.closed || Date.now() - this.endsAskedAt < 1000) return;
    this.endsAsking = true;
    this.endsAskedAt = Date.now();
    void (async () => {
      try {
        for (const topic of this.options.topics) {
          const committed = new Map((await this.bus.groupOffsets(this.options.group, topic)).map((c) => [c.partition, c.offset]));
          for (const p of await this.bus.offsets(topic)) {
            const start = committed.get(p.partition) ?? (this.options.fromBeginning === false ? p.latest : p.earliest);
            this.ends.set(key(topic, p.partition), { end: p.latest, start });
          }
        }
      } catch {
        // a hint only: the next call asks again
      } finally {
        this.endsAsking = false;
      }
    })();
  }

  async poll(maxRecords: number, timeoutMs: number): Promise<ConsumerRecord[]> {
    if (this.closed) return [];
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && this.buffered === 0) {
      if (this.stream === undefined && !(await this.ensureStarted()) && this.buffered === 0) {
        // Not joined (broker away): wait out the poll, then the next poll tries again.
        await new Promise((r) => setTimeout(r, Math.max(0, Math.min(deadline - Date.now(), 250))));
        if (Date.now() >= deadline) return [];
        continue;
      }
      if (this.closed) return [];
      const left = deadline - Date.now();
      if (left <= 0) return [];
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          if (this.waiter === resolve) this.waiter = undefined;
          resolve();
        }, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    if (this.closed) return [];
    const end = Math.min(this.buffer.length, this.head + Math.max(1, maxRecords));
    const out = this.buffer.slice(this.head, end);
    this.head = end;
    if (this.head > 4096 && this.head * 2 > this.buffer.length) {
      this.buffer = this.buffer.slice(this.head);
      this.head = 0;
    }
    this.maybeResume();
    // Topic ids seed guids: make sure the bus knows those of every topic read.
    const unknown = [...new Set(out.map((r) => r.topic))].filter((t) => {
      try {
        this.bus.topicEpoch(t);
        return false;
      } catch {
        return true;
      }
    });
    if (unknown.length > 0) await this.bus.describe(unknown, true);
    return out;
  }

  async commit(offsets: Array<TopicPartition & { offset: bigint }>): Promise<void> {
    if (this.closed || this.bus.isClosed) throw new MetronError('BUS_CLOSED', `Consumer of group ${this.options.group} is closed`);
    for (const { topic, partition, offset } of offsets) {
      if (typeof offset !== 'bigint' || offset < 0n) throw new MetronError('INPUT_INVALID', `Commit of ${topic}/${partition}: offset must be a non-negative bigint`);
    }
    if (offsets.length === 0) return;
    const client = this.client;
    if (client === undefined) throw new MetronError('STORAGE_FAILED', `Kafka consumer of group ${this.options.group} is not joined; the offsets are committed after it rejoins`);
    try {
      await client.commit({ offsets: offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset, leaderEpoch: -1 })) });
    } catch (err) {
      throw new MetronError('STORAGE_FAILED', `Kafka commit of group ${this.options.group} failed: ${errorMessage(err)}`, undefined, { cause: err });
    }
  }

  async committed(): Promise<Array<TopicPartition & { offset: bigint }>> {
    if (this.closed || this.bus.isClosed) throw new MetronError('BUS_CLOSED', `Consumer of group ${this.options.group} is closed`);
    const out: Array<TopicPartition & { offset: bigint }> = [];
    for (const topic of this.options.topics) {
      for (const { partition, offset } of await this.bus.groupOffsets(this.options.group, topic)) out.push({ topic, partition, offset });
    }
    return out;
  }

  /** Leaves the group (its partitions go to the other members at once) and closes. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wake();
    this.onClose();
    try {
      await this.starting;
    } catch {
      // it never joined
    }
    const stream = this.stream;
    this.stream = undefined;
    await stream?.close().catch(() => undefined);
    await this.client?.close().catch(() => undefined);
  }
}
