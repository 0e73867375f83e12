/**
 * A consumer of the local log: reads its assigned partitions from its positions, waits on append
 * notifications (no polling loop) and commits to the group store.
 */
import { MetronError } from '@metron/core';
import type { Consumer, ConsumerOptions, ConsumerRecord, TopicPartition } from '../types.js';
import type { GroupCoordinator, GroupMember } from './group-coordinator.js';
import type { GroupStore } from './group-store.js';
import type { PartitionLog } from './partition-log.js';

/** Bytes read from one partition per poll at most. */
const MAX_READ_BYTES = 4 * 1024 * 1024;

/** What a consumer needs from the bus. */
export interface ConsumerHost {
  readonly closed: boolean;
  readonly groupStore: GroupStore;
  readonly coordinator: GroupCoordinator;
  partitionsOf(topic: string): readonly PartitionLog[] | undefined;
}

interface Wakeup {
  wait(ms: number): Promise<void>;
  cancel(): void;
}

export class LocalLogConsumer implements Consumer, GroupMember {
  readonly group: string;
  readonly topics: readonly string[];
  private readonly fromBeginning: boolean;
  private assignment: PartitionLog[] = [];
  private positions = new Map<PartitionLog, number>();
  private cursor = 0;
  private closed = false;
  private wakers = new Set<() => void>();
  private polls: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly host: ConsumerHost,
    options: ConsumerOptions,
  ) {
    if (typeof options.group !== 'string' || options.group === '') {
      throw new MetronError('INPUT_INVALID', 'A consumer needs a non-empty group name');
    }
    if (!Array.isArray(options.topics) || options.topics.length === 0) {
      throw new MetronError('INPUT_INVALID', `Consumer group ${options.group} needs at least one topic`);
    }
    this.group = options.group;
    this.topics = [...new Set(options.topics)];
    this.fromBeginning = options.fromBeginning ?? true;
  }

  /** Partitions currently assigned to this consumer. */
  assignedPartitions(): TopicPartition[] {
    return this.assignment.map((log) => ({ topic: log.topic, partition: log.partition }));
  }

  assign(partitions: PartitionLog[]): void {
    const positions = new Map<PartitionLog, number>();
    for (const log of partitions) positions.set(log, this.positions.get(log) ?? this.startingOffset(log));
    this.positions = positions;
    this.assignment = partitions;
    this.wake();
  }

  private startingOffset(log: PartitionLog): number {
    const committed = this.host.groupStore.get(this.group, log.topic, log.partition);
    if (committed !== undefined) return committed;
    return this.fromBeginning ? log.earliestOffset : log.nextOffset;
  }

  behind(): number {
    let n = 0;
    for (const log of this.assignment) {
      const position = this.positions.get(log);
      if (position !== undefined && position < log.nextOffset) n += log.nextOffset - Math.max(position, log.earliestOffset);
    }
    return n;
  }

  poll(maxRecords: number, timeoutMs: number): Promise<ConsumerRecord[]> {
    // Polls of one consumer run one after the other, as positions are per consumer.
    const result = this.polls.then(() => this.pollNow(maxRecords, timeoutMs));
    this.polls = result.catch(() => undefined);
    return result;
  }

  private async pollNow(maxRecords: number, timeoutMs: number): Promise<ConsumerRecord[]> {
    const deadline = Date.now() + Math.max(0, timeoutMs);
    const max = Math.max(1, Math.floor(maxRecords));
    for (;;) {
      if (this.isClosed()) return [];
      // Armed before reading, so an append that lands during the read still wakes the wait.
      const wakeup = this.armWakeup();
      let records: ConsumerRecord[];
      try {
        records = await this.fetch(max);
      } catch (err) {
        wakeup.cancel();
        if (this.isClosed()) return [];
        throw err;
      }
      const remaining = deadline - Date.now();
      if (records.length > 0 || remaining <= 0 || this.isClosed()) {
        wakeup.cancel();
        return this.isClosed() ? [] : records;
      }
      await wakeup.wait(remaining);
    }
  }

  private isClosed(): boolean {
    return this.closed || this.host.closed;
  }

  private async fetch(max: number): Promise<ConsumerRecord[]> {
    const partitions = this.assignment;
    const count = partitions.length;
    const out: ConsumerRecord[] = [];
    if (count === 0) return out;
    const start = this.cursor++ % count; // rotate so every partition gets its turn first
    for (let k = 0; k < count && out.length < max; k++) {
      const log = partitions[(start + k) % count]!;
      let position = this.positions.get(log);
      if (position === undefined) continue;
      // Retention may have deleted what the position points at (or recovery cut it): Kafka's reset.
      const earliest = log.earliestOffset;
      const latest = log.nextOffset;
      if (position < earliest) position = earliest;
      else if (position > latest) position = latest;
      this.positions.set(log, position);
      if (position >= latest) continue;
      const records = await log.read(position, max - out.length, MAX_READ_BYTES);
      if (records.length === 0) continue;
      if (this.positions.has(log)) this.positions.set(log, Number(records[records.length - 1]!.offset) + 1);
      for (const record of records) out.push(record);
    }
    return out;
  }

  private armWakeup(): Wakeup {
    let fired = false;
    let resolve: (() => void) | null = null;
    let timer: NodeJS.Timeout | undefined;
    const unsubscribes: Array<() => void> = [];
    const fire = (): void => {
      if (fired) return;
      fired = true;
      for (const unsubscribe of unsubscribes) unsubscribe();
      if (timer) clearTimeout(timer);
      this.wakers.delete(fire);
      resolve?.();
    };
    for (const log of this.assignment) unsubscribes.push(log.onAppend(fire));
    this.wakers.add(fire);
    return {
      cancel: fire,
      wait: (ms) =>
        fired
          ? Promise.resolve()
          : new Promise<void>((res) => {
              resolve = res;
              timer = setTimeout(fire, ms);
            }),
    };
  }

  /** Ends any wait in progress (new assignment, close). */
  private wake(): void {
    for (const fire of [...this.wakers]) fire();
  }

  async commit(offsets: Array<TopicPartition & { offset: bigint }>): Promise<void> {
    if (this.isClosed()) throw new MetronError('BUS_CLOSED', `Consumer of group ${this.group} is closed`);
    const entries: Array<{ topic: string; partition: number; offset: number }> = [];
    for (const { topic, partition, offset } of offsets) {
      if (typeof offset !== 'bigint' || offset < 0n) {
        throw new MetronError('INPUT_INVALID', `Commit of ${topic}/${partition}: offset must be a non-negative bigint`);
      }
      // Kafka refuses commits for partitions the member lost in a rebalance; here they are
      // dropped: the new owner re-reads from the group's committed offset (at-least-once).
      if (!this.assignment.some((log) => log.topic === topic && log.partition === partition)) continue;
      entries.push({ topic, partition, offset: Number(offset) });
    }
    if (entries.length > 0) await this.host.groupStore.commit(this.group, entries);
  }

  async committed(): Promise<Array<TopicPartition & { offset: bigint }>> {
    if (this.isClosed()) throw new MetronError('BUS_CLOSED', `Consumer of group ${this.group} is closed`);
    const out: Array<TopicPartition & { offset: bigint }> = [];
    for (const topic of this.topics) {
      for (const { partition, offset } of this.host.groupStore.list(this.group, topic)) {
        out.push({ topic, partition, offset: BigInt(offset) });
      }
    }
    return out;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.host.coordinator.leave(this);
    this.wake();
  }
}
