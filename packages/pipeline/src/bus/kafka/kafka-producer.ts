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
import type { Producer as KafkaProducer, MessageToProduce } from '@platformatic/kafka';
import { kafkaLibrary } from './client-library.js';
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

/** Records coalesced from queued sends at most. */
const MAX_COALESCED_RECORDS = 20_000;
/** Bytes of one produce request at most (the broker's default message.max.bytes is 1 MiB). */
const MAX_REQUEST_BYTES = 900 * 1024;

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
  private readonly headerCache = new Map<string, Buffer>();
  private closed = false;
  /** Sends accepted and not yet settled; close waits for them. */
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(private readonly bus: KafkaBus) {
    this.client = new (kafkaLibrary().Producer)({ ...bus.clientOptions('producer'), acks: kafkaLibrary().ProduceAcks.ALL, idempotent: true, autocreateTopics: false });
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

  /**
   * Header names and values repeat on every record (`sensor: bro`): their bytes are made once.
   * Bounded, so unusual header values cannot grow it without limit.
   */
  private headerBytes(text: string): Buffer {
    let bytes = this.headerCache.get(text);
    if (bytes === undefined) {
      bytes = Buffer.from(text);
      if (this.headerCache.size >= 1024) this.headerCache.clear();
      this.headerCache.set(text, bytes);
    }
    return bytes;
  }

  private async produce(batch: Pending[]): Promise<void> {
    // Every record with its place: which send, which partition, and (once sent) its offset.
    const places: Array<Array<{ partition: number; offset?: bigint }>> = [];
    const items: Array<{ send: number; record: number; message: MessageToProduce; bytes: number }> = [];
    batch.forEach((pending, send) => {
      const partitions = this.bus.partitionsOf(pending.topic);
      const stickyPartition = (this.sticky.get(pending.topic) ?? -1) + 1;
      let usedSticky = false;
      const sendPlaces: Array<{ partition: number; offset?: bigint }> = [];
      pending.records.forEach((record, i) => {
        let partition: number;
        if (record.key !== null && record.key !== undefined) partition = partitionForKey(record.key, partitions);
        else {
          partition = stickyPartition % partitions;
          usedSticky = true;
        }
        sendPlaces.push({ partition });
        const value = toBuffer(record.value);
        const message: MessageToProduce = { topic: pending.topic, partition, value, timestamp: BigInt(record.timestamp ?? Date.now()) };
        let bytes = value.length + 32;
        if (record.key !== null && record.key !== undefined) {
          message.key = toBuffer(record.key);
          bytes += message.key.length;
        }
        if (record.headers !== undefined) {
          const headers = new Map<Buffer, Buffer>();
          for (const name in record.headers) {
            const k = this.headerBytes(name);
            const v = this.headerBytes(record.headers[name] as string);
            headers.set(k, v);
            bytes += k.length + v.length + 4;
          }
          message.headers = headers;
        }
        items.push({ send, record: i, message, bytes });
      });
      if (usedSticky) this.sticky.set(pending.topic, stickyPartition % partitions);
      places.push(sendPlaces);
    });
    // Requests stay under the broker's message.max.bytes (1 MiB by default): a record batch per
    // partition must fit, so the whole request is capped. Sent one after another, in order.
    const failed = new Set<number>();
    let failure: unknown;
    for (let from = 0; from < items.length; ) {
      let to = from;
      let bytes = 0;
      while (to < items.length && (to === from || bytes + (items[to] as { bytes: number }).bytes <= MAX_REQUEST_BYTES)) bytes += (items[to++] as { bytes: number }).bytes;
      const chunk = items.slice(from, to);
      from = to;
      if (failure !== undefined) {
        for (const item of chunk) failed.add(item.send);
        continue;
      }
      try {
        const result = await this.client.send({ messages: chunk.map((item) => item.message) });
        const next = new Map<string, bigint>();
        for (const o of result.offsets ?? []) next.set(`${o.topic}\u0000${o.partition}`, o.offset);
        // Within a request, a partition's records are one batch in request order.
        for (const item of chunk) {
          const place = (places[item.send] as Array<{ partition: number; offset?: bigint }>)[item.record] as { partition: number; offset?: bigint };
          const k = `${item.message.topic}\u0000${place.partition}`;
          const offset = next.get(k);
          if (offset === undefined) {
            failed.add(item.send);
            failure ??= new Error(`Kafka acknowledged no offset for ${item.message.topic}/${place.partition}`);
            continue;
          }
          place.offset = offset;
          next.set(k, offset + 1n);
        }
      } catch (err) {
        failure = err;
        for (const item of chunk) failed.add(item.send);
      }
    }
    batch.forEach((pending, send) => {
      if (failed.has(send)) {
        pending.reject(new MetronError('STORAGE_FAILED', `Kafka send to ${pending.topic} failed: ${errorMessage(failure)}`, undefined, { cause: failure }));
        return;
      }
      pending.resolve((places[send] as Array<{ partition: number; offset?: bigint }>).map((p) => ({ topic: pending.topic, partition: p.partition, offset: p.offset as bigint })));
    });
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
