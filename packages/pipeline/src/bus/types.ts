/**
 * The bus contract. The embedded durable local log satisfies it now; Apache Kafka satisfies it
 * later. Delivery is at-least-once: a consumer commits an offset only after the write that the
 * offset protects (the downstream append, the index write) has completed.
 */

/** A record to append. `key` picks the partition (same key → same partition); no key → round robin. */
export interface ProducerRecord {
  key?: Buffer | string | null;
  value: Buffer | string;
  /** Epoch ms; defaults to the append time. */
  timestamp?: number;
  headers?: Record<string, string>;
}

/** Where an appended record landed. */
export interface RecordMetadata {
  topic: string;
  partition: number;
  offset: bigint;
}

/** A record read back from a topic partition. */
export interface ConsumerRecord {
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: number;
  key: Buffer | null;
  value: Buffer;
  headers: Record<string, string>;
}

export interface TopicConfig {
  partitions: number;
  /** Delete closed segments once the partition is larger than this many bytes. */
  retentionBytes?: number;
  /** Delete closed segments whose newest record is older than this many ms. */
  retentionMs?: number;
  /** Roll to a new segment file when the active one reaches this size. */
  segmentBytes?: number;
  /** Copies of each partition (Kafka; the local log keeps one). */
  replicationFactor?: number;
  /** Keep only the newest record per key (Kafka's `cleanup.policy=compact`, for config topics). */
  compact?: boolean;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface Producer {
  /**
   * Appends records. Resolves once the records are durable under the bus's fsync policy
   * (for `always`, fsynced), so a source may acknowledge its sender after this resolves.
   */
  send(topic: string, records: ProducerRecord[]): Promise<RecordMetadata[]>;
}

export interface ConsumerOptions {
  group: string;
  topics: string[];
  /** Where a group with no committed offset starts: `earliest` (default) or `latest`. */
  fromBeginning?: boolean;
}

export interface Consumer {
  /**
   * Returns up to `maxRecords` records from the assigned partitions, waiting up to `timeoutMs`
   * for at least one to arrive. Returns [] on timeout or after close.
   */
  poll(maxRecords: number, timeoutMs: number): Promise<ConsumerRecord[]>;
  /**
   * Commits, for each partition, the offset of the NEXT record to read (Kafka semantics:
   * last processed offset + 1). Durable when it resolves.
   */
  commit(offsets: Array<TopicPartition & { offset: bigint }>): Promise<void>;
  /** Committed offset (next to read) per partition of the subscribed topics. */
  committed(): Promise<Array<TopicPartition & { offset: bigint }>>;
  /**
   * Records known to wait for this consumer beyond what `poll` has returned, at least (the local
   * log: its partitions' tails; Kafka: the records fetched and not yet polled). A hint for batching.
   */
  behind(): number;
  /** Stops polling; pending polls resolve with []. */
  close(): Promise<void>;
}

export interface Bus {
  /** Creates a topic if it is missing (an existing topic keeps its partition count). */
  createTopic(name: string, config?: Partial<TopicConfig>): Promise<void>;
  listTopics(): Promise<string[]>;
  /** Offsets of each partition: first retained and next to be written. */
  offsets(topic: string): Promise<Array<{ partition: number; earliest: bigint; latest: bigint }>>;
  /** Committed offsets of a group, for lag. */
  groupOffsets(group: string, topic: string): Promise<Array<{ partition: number; offset: bigint }>>;
  producer(): Producer;
  consumer(options: ConsumerOptions): Consumer;
  /** Flushes, fsyncs and closes files. */
  close(): Promise<void>;
}
