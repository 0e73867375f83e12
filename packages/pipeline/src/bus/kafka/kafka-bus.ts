/**
 * The bus on Apache Kafka (client: @platformatic/kafka, Kafka protocol 3.5–4.1). Same contract as
 * the embedded local log (types.ts): topics, keys → partitions (murmur2, as Kafka's Java client),
 * consumer groups, offsets committed by the stage after the write they protect (at-least-once).
 * A topic's epoch, which seeds record guids, is its Kafka topic id: a deleted and re-created topic
 * restarts its offsets under a new id, so guids never collide.
 */
import type { Admin } from '@platformatic/kafka';
import { MetronError, errorMessage } from '@metron/core';
import type { Bus, Consumer, ConsumerOptions, Producer, TopicConfig } from '../types.js';
import { kafkaLibrary, loadKafkaLibrary } from './client-library.js';
import { KafkaBusConsumer } from './kafka-consumer.js';
import { KafkaBusProducer } from './kafka-producer.js';
import { resolveKafkaOptions, type KafkaBusOptions, type ResolvedKafkaBusOptions } from './options.js';

/** Kafka's legal topic names (letters, digits, `.`, `_`, `-`; at most 249 characters). */
const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

/** Throws INPUT_INVALID unless `name` is a legal Kafka topic name. */
export function checkTopicName(name: string): void {
  if (typeof name !== 'string' || !TOPIC_NAME.test(name) || name === '.' || name === '..') {
    throw new MetronError('INPUT_INVALID', `Topic name ${JSON.stringify(name)} is not valid: use 1-249 letters, digits, '.', '_' or '-'`);
  }
}

function hasProtocolError(err: unknown, id: string): boolean {
  const e = err as { findBy?: (property: string, value: unknown) => unknown; apiId?: string } | null;
  if (e === null || typeof e !== 'object') return false;
  if (e.apiId === id) return true;
  return typeof e.findBy === 'function' && e.findBy('apiId', id) !== null;
}

/** Topic configs in Kafka's names. */
function kafkaTopicConfigs(config: Partial<TopicConfig>): Array<{ name: string; value: string }> {
  const out: Array<{ name: string; value: string }> = [];
  if (config.retentionBytes !== undefined) out.push({ name: 'retention.bytes', value: String(config.retentionBytes) });
  if (config.retentionMs !== undefined) out.push({ name: 'retention.ms', value: String(config.retentionMs) });
  if (config.segmentBytes !== undefined) out.push({ name: 'segment.bytes', value: String(config.segmentBytes) });
  if (config.compact === true) out.push({ name: 'cleanup.policy', value: 'compact' });
  return out;
}

/** The options a bus takes after it is open (applySettings): those read when a consumer or topic is made. */
export const LATE_KAFKA_SETTINGS = ['defaultPartitions', 'replicationFactor', 'sessionTimeoutMs', 'heartbeatIntervalMs', 'rebalanceTimeoutMs', 'maxBufferedRecords', 'fetchMaxWaitMs', 'fetchMinBytes', 'fetchMaxBytes'] as const;

export class KafkaBus implements Bus {
  options: ResolvedKafkaBusOptions;
  private readonly admin: Admin;
  /** Topic id and partition count of each topic seen. */
  private readonly topics = new Map<string, { id: string; partitions: number }>();
  private readonly creating = new Map<string, Promise<void>>();
  private readonly consumers = new Set<KafkaBusConsumer>();
  private readonly producers = new Set<KafkaBusProducer>();
  private closed = false;
  private clients = 0;

  constructor(options: KafkaBusOptions) {
    this.options = resolveKafkaOptions(options);
    this.admin = new (kafkaLibrary().Admin)(this.clientOptions('admin'));
  }

  /**
   * Takes the consumer and topic settings of `next` (validated options, as kafkaOptionsFromGlobal
   * gives them) for the consumers and topics made from now on; the connection settings (brokers,
   * client id, timeouts) stay. Returns the settings that changed.
   */
  applySettings(next: ResolvedKafkaBusOptions): string[] {
    const changed: string[] = [];
    const options = { ...this.options };
    for (const key of LATE_KAFKA_SETTINGS) {
      if (options[key] === next[key]) continue;
      options[key] = next[key];
      changed.push(key);
    }
    this.options = options;
    return changed;
  }

  /** Connection options of one client of this bus; each gets its own id for the broker's logs. */
  clientOptions(role: string): { clientId: string; bootstrapBrokers: string[]; timeout: number; retries: number; retryDelay: number; metadataMaxAge: number } {
    return {
      clientId: `${this.options.clientId}-${role}-${process.pid}-${++this.clients}`,
      bootstrapBrokers: this.options.brokers,
      timeout: this.options.requestTimeoutMs,
      retries: 10,
      retryDelay: 250,
      metadataMaxAge: 30_000,
    };
  }

  /** Reports a recovered failure (a consumer rejoining after a broker restart). */
  warn(message: string): void {
    this.options.onWarning?.(message);
  }

  assertOpen(): void {
    if (this.closed) throw new MetronError('BUS_CLOSED', 'the Kafka bus is closed');
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Creates a topic if it is missing (an existing topic keeps its partitions and configs). */
  async createTopic(name: string, config: Partial<TopicConfig> = {}): Promise<void> {
    this.assertOpen();
    checkTopicName(name);
    const partitions = config.partitions ?? this.options.defaultPartitions;
    const replicas = config.replicationFactor ?? this.options.replicationFactor;
    if (!Number.isSafeInteger(partitions) || partitions < 1) throw new MetronError('INPUT_INVALID', `Topic ${name}: partitions must be a positive integer`);
    if (!Number.isSafeInteger(replicas) || replicas < 1) throw new MetronError('INPUT_INVALID', `Topic ${name}: replicationFactor must be a positive integer`);
    try {
      await this.admin.createTopics({ topics: [name], partitions, replicas, configs: kafkaTopicConfigs(config) });
    } catch (err) {
      if (!hasProtocolError(err, 'TOPIC_ALREADY_EXISTS')) {
        throw new MetronError('STORAGE_FAILED', `Kafka could not create topic ${name}: ${errorMessage(err)}`, undefined, { cause: err });
      }
    }
    await this.describe([name], true);
  }

  /** Makes sure the topics exist (created with the defaults when missing and allowed). */
  async ensureTopics(names: string[]): Promise<void> {
    const missing = names.filter((n) => !this.topics.has(n));
    if (missing.length === 0) return;
    for (const n of missing) checkTopicName(n);
    const known = await this.existingTopics();
    for (const name of missing) {
      if (known.has(name)) continue;
      if (!this.options.autoCreateTopics) throw new MetronError('NOT_FOUND', `Kafka topic ${name} does not exist and kafka auto-creation is off`);
      let pending = this.creating.get(name);
      if (pending === undefined) {
        pending = this.createTopic(name).finally(() => this.creating.delete(name));
        this.creating.set(name, pending);
      }
      await pending;
    }
    await this.describe(missing.filter((n) => !this.topics.has(n)));
  }

  private async existingTopics(): Promise<Set<string>> {
    return new Set(await this.retrying('topic list', [], () => this.admin.listTopics({ includeInternals: false })));
  }

  /** Reads topic ids and partition counts into the cache (waiting out a just-created topic). */
  async describe(names: string[], force = false): Promise<void> {
    if (names.length === 0) return;
    const deadline = Date.now() + this.options.requestTimeoutMs;
    for (;;) {
      try {
        const metadata = await this.admin.metadata({ topics: names, forceUpdate: force });
        let complete = true;
        for (const name of names) {
          const t = metadata.topics.get(name);
          if (t === undefined || t.partitionsCount === 0 || t.partitions.some((p) => p === undefined || p.leader < 0)) {
            complete = false;
            continue;
          }
          this.topics.set(name, { id: t.id, partitions: t.partitionsCount });
        }
        if (complete) return;
      } catch (err) {
        if (Date.now() > deadline) throw new MetronError('STORAGE_FAILED', `Kafka metadata of ${names.join(', ')}: ${errorMessage(err)}`, undefined, { cause: err });
      }
      if (Date.now() > deadline) throw new MetronError('STORAGE_FAILED', `Kafka topics ${names.join(', ')} have no leader after ${this.options.requestTimeoutMs} ms`);
      force = true;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Partition count of a topic known to the cache. */
  partitionsOf(topic: string): number {
    const t = this.topics.get(topic);
    if (t === undefined) throw new MetronError('NOT_FOUND', `Kafka topic ${topic} is not known to this bus yet`);
    return t.partitions;
  }

  /** The topic's Kafka topic id (it seeds record guids; see guid.ts). */
  topicEpoch(topic: string): string {
    const t = this.topics.get(topic);
    if (t === undefined) throw new MetronError('NOT_FOUND', `Kafka topic ${topic} is not known to this bus yet`);
    return t.id;
  }

  async listTopics(): Promise<string[]> {
    this.assertOpen();
    return [...(await this.existingTopics())].filter((t) => !t.startsWith('__')).sort();
  }

  async offsets(topic: string): Promise<Array<{ partition: number; earliest: bigint; latest: bigint }>> {
    this.assertOpen();
    if (!(await this.existingTopics()).has(topic)) return [];
    await this.describe([topic]);
    const partitions = Array.from({ length: this.partitionsOf(topic) }, (_, i) => i);
    const read = async (timestamp: bigint): Promise<Map<number, bigint>> => {
      const listed = await this.retrying(`offsets of ${topic}`, [topic], () =>
        this.admin.listOffsets({ topics: [{ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp })) }] }),
      );
      return new Map((listed[0]?.partitions ?? []).map((p) => [p.partitionIndex, p.offset]));
    };
    // Kafka's ListOffsets: timestamp -2 is the earliest retained offset, -1 the next to be written.
    const [earliest, latest] = await Promise.all([read(-2n), read(-1n)]);
    return partitions.map((partition) => ({ partition, earliest: earliest.get(partition) ?? 0n, latest: latest.get(partition) ?? 0n }));
  }

  async groupOffsets(group: string, topic: string): Promise<Array<{ partition: number; offset: bigint }>> {
    this.assertOpen();
    const result = await this.retrying(`offsets of group ${group}`, [topic], () => this.admin.listConsumerGroupOffsets({ groups: [{ groupId: group, topics: null }] }));
    const out: Array<{ partition: number; offset: bigint }> = [];
    for (const g of result) {
      for (const t of g.topics) {
        if (t.name !== topic) continue;
        for (const p of t.partitions) if (p.committedOffset >= 0n) out.push({ partition: p.partitionIndex, offset: p.committedOffset });
      }
    }
    return out.sort((a, b) => a.partition - b.partition);
  }

  /**
   * Runs an admin request, retrying for up to the request timeout: right after a broker restart
   * or a leader change the cached metadata points at the wrong node for a moment.
   */
  private async retrying<T>(what: string, topics: string[], op: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.options.requestTimeoutMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await op();
      } catch (err) {
        if (this.closed) throw new MetronError('BUS_CLOSED', 'the Kafka bus is closed');
        if (Date.now() > deadline) throw new MetronError('STORAGE_FAILED', `Kafka ${what}: ${errorMessage(err)}`, undefined, { cause: err });
        await new Promise((r) => setTimeout(r, Math.min(1000, 100 * attempt)));
        await this.admin.metadata({ topics, forceUpdate: true }).catch(() => undefined);
      }
    }
  }

  producer(): Producer {
    this.assertOpen();
    const producer = new KafkaBusProducer(this);
    this.producers.add(producer);
    return producer;
  }

  consumer(options: ConsumerOptions): Consumer {
    this.assertOpen();
    if (typeof options.group !== 'string' || options.group === '') throw new MetronError('INPUT_INVALID', 'A consumer needs a non-empty group name');
    if (!Array.isArray(options.topics) || options.topics.length === 0) throw new MetronError('INPUT_INVALID', `Consumer group ${options.group} needs at least one topic`);
    for (const t of options.topics) checkTopicName(t);
    const consumer = new KafkaBusConsumer(this, options, () => this.consumers.delete(consumer));
    this.consumers.add(consumer);
    return consumer;
  }

  /** Lets in-flight sends finish, leaves the consumer groups and closes every connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Consumers stop first (pending polls resolve with [] at once); accepted sends still complete.
    const consumers = [...this.consumers].map((c) => c.close());
    await Promise.allSettled([...this.producers].map((p) => p.close()));
    await Promise.allSettled(consumers);
    await this.admin.close().catch(() => undefined);
  }
}

/** Opens a Kafka bus; the brokers must answer (refused with STORAGE_FAILED otherwise). */
export async function openKafkaBus(options: KafkaBusOptions): Promise<KafkaBus> {
  await loadKafkaLibrary();
  const bus = new KafkaBus(options);
  try {
    await bus.listTopics();
  } catch (err) {
    await bus.close();
    throw new MetronError('STORAGE_FAILED', `Kafka brokers ${options.brokers.join(',')} do not answer: ${errorMessage(err)}`, undefined, { cause: err });
  }
  return bus;
}
