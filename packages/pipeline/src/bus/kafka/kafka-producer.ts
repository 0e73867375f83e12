/**
 * The Kafka bus producer. Sends wait for all in-sync replicas (acks=all) and use Kafka's
 * idempotent producer, so a retried request never duplicates a record: the guid of a raw record
 * is derived from its offset, and a duplicate would get a new one.
 *
 * Concurrent `send` calls are queued and coalesced into one produce request at a time: the
 * idempotent producer's sequence numbers must go out in order, and one large request is cheaper
 * than many small ones. Keys pick partitions with murmur2 as Kafka's Java client does, so Metron
 * sensors producing with Java clients and this bus agree; a keyless send goes whole to one
 * partition, the next keyless send to the next partition (Kafka's sticky partitioning).
 */
import { Producer as KafkaProducer, ProduceAcks, type MessageToProduce } from '@platformatic/kafka';
import { MetronError, errorMessage } from '@metron/core';
import type { Producer, ProducerRecord, RecordMetadata } from '../types.js';
import { partitionForKey } from '../local-log/murmur2.js';
import type { KafkaBus } from './kafka-bus.js';

interface Pending {
  topic: string;
  records: ProducerRecord[];
  resolve(meta: RecordMetadata[]): void;
  reject(err: unknown): void;
}

/** Records coalesced into one produce request at most. */
const MAX_COALESCED_RECORDS = 20_000;

function isBytes(v: unknown): v is Buffer | string {
  return typeof v === 'string' || Buffer.isBuffer(v) || v instanceof Uint8Array;
}

function recordProblem(record: ProducerRecord): string | null {
  if (record === null || typeof record !== 'object') return 'not an object';
  if (!isBytes(record.value)) return 'value must be a string or Buffer';
  if (record.key !== null && record.key !== undefined && !isBytes(record.key)) return 'key must be a string, Buffer or null';
  if (record.timestamp !== undefined && !Number.isSafeInteger(record.timestamp)) return 'timestamp must be integer epoch ms';
  if (record.headers !== undefined) {
    if (record.headers === null || typeof record.headers !== 'object') return 'headers must be an object';
    for (const [name, value] of Object.entries(record.headers)) if (typeof value !== 'string') return `header ${name} must be a string`;
  }
  return null;
}

function toBuffer(v: Buffer | string): Buffer {
  return typeof v === 'string' ? Buffer.from(v) : Buffer.isBuffer(v) ? v : Buffer.from(v);
}

export class KafkaBusProducer implements Producer {
  private readonly client: KafkaProducer;
  private queue: Pending[] = [];
  private running: Promise<void> | undefined;
  private readonly sticky = new Map<string, number>();
  private closed = false;
  /** Sends accepted and not yet settled; close waits for them. */
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(private readonly bus: KafkaBus) {
    this.client = new KafkaProducer({ ...bus.clientOptions('producer'), acks: ProduceAcks.ALL, idempotent: true, autocreateTopics: false });
  }

  async send(topic: string, records: ProducerRecord[]): Promise<RecordMetadata[]> {
    if (this.closed || this.bus.isClosed) throw new MetronError('BUS_CLOSED', 'the Kafka bus is closed');
    if (!Array.isArray(records)) throw new MetronError('INPUT_INVALID', `Records sent to ${topic} must be an array`);
    for (let i = 0; i < records.length; i++) {
      const problem = recordProblem(records[i] as ProducerRecord);
      if (problem) throw new MetronError('INPUT_INVALID', `Record ${i} sent to ${topic}: ${problem}`, { topic, index: i });
    }
    if (records.length === 0) return [];
    const sent = this.enqueue(topic, records);
    this.inflight.add(sent);
    void sent.catch(() => undefined).finally(() => this.inflight.delete(sent));
    return sent;
  }

  private async enqueue(topic: string, records: ProducerRecord[]): Promise<RecordMetadata[]> {
    await this.bus.ensureTopics([topic]);
    return new Promise((resolve, reject) => {
      this.queue.push({ topic, records, resolve, reject });
      this.running ??= this.drain();
    });
  }

  /** Sends queued batches one produce request at a time, in arrival order. */
  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch: Pending[] = [];
      let count = 0;
      while (this.queue.length > 0 && (batch.length === 0 || count + (this.queue[0] as Pending).records.length <= MAX_COALESCED_RECORDS)) {
        const next = this.queue.shift() as Pending;
        batch.push(next);
        count += next.records.length;
      }
      await this.produce(batch);
    }
    this.running = undefined;
  }

  private async produce(batch: Pending[]): Promise<void> {
    const messages: MessageToProduce[] = [];
    const placed: Array<Array<{ partition: number; index: number }>> = [];
    // Per partition, how many records of this request precede: offset = base offset + index.
    const perPartition = new Map<string, number>();
    for (const pending of batch) {
      const partitions = this.bus.partitionsOf(pending.topic);
      const stickyPartition = (this.sticky.get(pending.topic) ?? -1) + 1;
      let usedSticky = false;
      const places: Array<{ partition: number; index: number }> = [];
      for (const record of pending.records) {
        let partition: number;
        if (record.key !== null && record.key !== undefined) partition = partitionForKey(record.key, partitions);
        else {
          partition = stickyPartition % partitions;
          usedSticky = true;
        }
        const k = `${pending.topic}\u0000${partition}`;
        const index = perPartition.get(k) ?? 0;
        perPartition.set(k, index + 1);
        places.push({ partition, index });
        const message: MessageToProduce = { topic: pending.topic, partition, value: toBuffer(record.value), timestamp: BigInt(record.timestamp ?? Date.now()) };
        if (record.key !== null && record.key !== undefined) message.key = toBuffer(record.key);
        if (record.headers !== undefined) {
          message.headers = new Map(Object.entries(record.headers).map(([name, value]) => [Buffer.from(name), Buffer.from(value)]));
        }
        messages.push(message);
      }
      if (usedSticky) this.sticky.set(pending.topic, stickyPartition % partitions);
      placed.push(places);
    }
    try {
      const result = await this.client.send({ messages });
      const base = new Map<string, bigint>();
      for (const o of result.offsets ?? []) base.set(`${o.topic}\u0000${o.partition}`, o.offset);
      batch.forEach((pending, i) => {
        const places = placed[i] as Array<{ partition: number; index: number }>;
        const meta: RecordMetadata[] = [];
        for (const { partition, index } of places) {
          const first = base.get(`${pending.topic}\u0000${partition}`);
          if (first === undefined) {
            pending.reject(new MetronError('STORAGE_FAILED', `Kafka acknowledged no offset for ${pending.topic}/${partition}`));
            return;
          }
          meta.push({ topic: pending.topic, partition, offset: first + BigInt(index) });
        }
        pending.resolve(meta);
      });
    } catch (err) {
      const failure = new MetronError('STORAGE_FAILED', `Kafka send failed: ${errorMessage(err)}`, undefined, { cause: err });
      for (const pending of batch) pending.reject(failure);
    }
  }

  /** Waits for queued sends, then closes the connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.inflight]);
    await this.running;
    await this.client.close().catch(() => undefined);
  }
}
