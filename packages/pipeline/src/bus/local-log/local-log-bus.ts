/**
 * The embedded durable local log: the Bus contract over segment files in one data directory.
 *
 *   <dir>/.lock                                  pid of the owning process
 *   <dir>/__topics/<topic>.json                  partition count, config, epoch
 *   <dir>/__groups/<group>.json                  committed offsets (replaced atomically)
 *   <dir>/<topic>-<partition>/<base>.log|.index  segments (base offset, 20 digits)
 *
 * Kafka semantics: offsets are per partition, a commit names the next offset to read, delivery is
 * at-least-once.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MetronError } from '@metron/core';
import type { Bus, Consumer, ConsumerOptions, Producer, TopicConfig } from '../types.js';
import { LocalLogConsumer, type ConsumerHost } from './consumer.js';
import { lockDir, type DirLock } from './dir-lock.js';
import { GroupCoordinator } from './group-coordinator.js';
import { GroupStore } from './group-store.js';
import { resolveOptions, type LocalLogOptions, type ResolvedLocalLogOptions } from './options.js';
import { PartitionLog } from './partition-log.js';
import { LocalLogProducer, type ProducerHost } from './producer.js';
import {
  checkTopicName,
  loadTopicMetadata,
  newTopicMetadata,
  resolveTopicConfig,
  saveTopicMetadata,
  type TopicMetadata,
} from './topic-metadata.js';

interface Topic {
  metadata: TopicMetadata;
  partitions: PartitionLog[];
}

export class LocalLogBus implements Bus, ConsumerHost, ProducerHost {
  private isClosed = false;
  readonly groupStore: GroupStore;
  readonly coordinator: GroupCoordinator;
  private topics = new Map<string, Topic>();
  private creating = new Map<string, Promise<Topic>>();
  private timers: NodeJS.Timeout[] = [];
  private background = new Set<Promise<unknown>>();
  private closing: Promise<void> | null = null;
  /** Failed background fsyncs and retention runs (retried at the next tick). */
  backgroundFailures = 0;

  private constructor(
    private readonly options: ResolvedLocalLogOptions,
    private readonly lock: DirLock,
    groupStore: GroupStore,
  ) {
    this.groupStore = groupStore;
    this.coordinator = new GroupCoordinator((topic) => this.partitionsOf(topic));
  }

  /** True once `close` was called. */
  get closed(): boolean {
    return this.isClosed;
  }

  /** Opens (recovering torn tails) or creates the log in `options.dir`. */
  static async open(options: LocalLogOptions): Promise<LocalLogBus> {
    const resolved = resolveOptions(options);
    await mkdir(resolved.dir, { recursive: true });
    const lock = await lockDir(resolved.dir);
    try {
      const groupStore = await GroupStore.open(resolved.dir, resolved.fsync !== 'never');
      const bus = new LocalLogBus(resolved, lock, groupStore);
      for (const metadata of await loadTopicMetadata(resolved.dir)) {
        bus.topics.set(metadata.name, await bus.openTopic(metadata));
      }
      bus.startTimers();
      return bus;
    } catch (err) {
      await lock.release();
      throw err;
    }
  }

  private openTopic(metadata: TopicMetadata): Promise<Topic> {
    const { name, config } = metadata;
    const partitions = Array.from({ length: config.partitions }, (_, partition) =>
      PartitionLog.open({
        dir: join(this.options.dir, `${name}-${partition}`),
        topic: name,
        partition,
        segmentBytes: config.segmentBytes,
        indexIntervalBytes: this.options.indexIntervalBytes,
        fsync: this.options.fsync,
        tailCacheBytes: this.options.tailCacheBytes,
      }),
    );
    return Promise.all(partitions).then((logs) => ({ metadata, partitions: logs }));
  }

  private startTimers(): void {
    if (this.options.fsync === 'interval') {
      this.every(this.options.fsyncIntervalMs, () => this.syncAll());
    }
    this.every(this.options.retentionCheckMs, () => this.enforceRetention());
  }

  private every(ms: number, task: () => Promise<unknown>): void {
    let running = false;
    const timer = setInterval(() => {
      if (running || this.isClosed) return;
      running = true;
      const run = task()
        .catch(() => {
          this.backgroundFailures++;
        })
        .finally(() => {
          running = false;
          this.background.delete(run);
        });
      this.background.add(run);
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }

  private async syncAll(): Promise<void> {
    for (const topic of this.topics.values()) {
      for (const log of topic.partitions) await log.syncIfDirty();
    }
  }

  private assertOpen(): void {
    if (this.isClosed) throw new MetronError('BUS_CLOSED', `The bus in ${this.options.dir} is closed`);
  }

  partitionsOf(topic: string): readonly PartitionLog[] | undefined {
    return this.topics.get(topic)?.partitions;
  }

  /** Existing topic, or a new one with `config` over the bus defaults. */
  private ensureTopic(name: string, config?: Partial<TopicConfig>): Promise<Topic> {
    const existing = this.topics.get(name);
    if (existing) return Promise.resolve(existing);
    const inFlight = this.creating.get(name);
    if (inFlight) return inFlight;
    checkTopicName(name);
    const resolved = resolveTopicConfig(config, this.options.defaults, `topic ${name}`);
    const creation = (async () => {
      // Metadata first: after a crash the partitions are recreated from it, keeping the epoch.
      const metadata = newTopicMetadata(name, resolved);
      await saveTopicMetadata(this.options.dir, metadata, this.options.fsync !== 'never');
      const topic = await this.openTopic(metadata);
      this.topics.set(name, topic);
      this.coordinator.rebalanceAll();
      return topic;
    })().finally(() => this.creating.delete(name));
    this.creating.set(name, creation);
    return creation;
  }

  async createTopic(name: string, config?: Partial<TopicConfig>): Promise<void> {
    this.assertOpen();
    await this.ensureTopic(name, config);
  }

  async partitionsForSend(topic: string): Promise<readonly PartitionLog[]> {
    this.assertOpen();
    return (await this.ensureTopic(topic)).partitions;
  }

  async listTopics(): Promise<string[]> {
    this.assertOpen();
    return [...this.topics.keys()].sort();
  }

  /** The topic's epoch: a random id fixed when the topic was created (input to deterministic guids). */
  topicEpoch(topic: string): string {
    this.assertOpen();
    const found = this.topics.get(topic);
    if (!found) throw new MetronError('NOT_FOUND', `Topic ${topic} does not exist`, { topic });
    return found.metadata.epoch;
  }

  /** The topic's resolved config, or undefined for an unknown topic. */
  topicConfig(topic: string): TopicConfig | undefined {
    const found = this.topics.get(topic);
    return found ? { ...found.metadata.config } : undefined;
  }

  async offsets(topic: string): Promise<Array<{ partition: number; earliest: bigint; latest: bigint }>> {
    this.assertOpen();
    return (this.topics.get(topic)?.partitions ?? []).map((log) => ({
      partition: log.partition,
      earliest: BigInt(log.earliestOffset),
      latest: BigInt(log.nextOffset),
    }));
  }

  async groupOffsets(group: string, topic: string): Promise<Array<{ partition: number; offset: bigint }>> {
    this.assertOpen();
    return this.groupStore.list(group, topic).map(({ partition, offset }) => ({ partition, offset: BigInt(offset) }));
  }

  producer(): Producer {
    this.assertOpen();
    return new LocalLogProducer(this);
  }

  consumer(options: ConsumerOptions): Consumer {
    this.assertOpen();
    const consumer = new LocalLogConsumer(this, options);
    this.coordinator.join(consumer);
    return consumer;
  }

  /** Applies retention to every topic now (it also runs every `retentionCheckMs`); returns segments deleted. */
  async enforceRetention(): Promise<number> {
    this.assertOpen();
    let deleted = 0;
    const now = Date.now();
    for (const { metadata, partitions } of this.topics.values()) {
      const { retentionBytes, retentionMs } = metadata.config;
      if (retentionBytes === undefined && retentionMs === undefined) continue;
      for (const log of partitions) deleted += await log.enforceRetention(retentionBytes, retentionMs, now);
    }
    return deleted;
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.isClosed = true;
    for (const timer of this.timers) clearInterval(timer);
    for (const member of this.coordinator.members()) await (member as LocalLogConsumer).close();
    await Promise.allSettled([...this.creating.values(), ...this.background]);
    try {
      const closes = [...this.topics.values()].flatMap((topic) => topic.partitions.map((log) => log.close()));
      const results = await Promise.allSettled(closes);
      await this.groupStore.flush();
      const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failed) throw failed.reason;
    } finally {
      await this.lock.release();
    }
  }
}

/** Opens the embedded durable local log in `options.dir`. */
export function openLocalLog(options: LocalLogOptions): Promise<LocalLogBus> {
  return LocalLogBus.open(options);
}
