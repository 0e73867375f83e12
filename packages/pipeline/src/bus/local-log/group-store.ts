/**
 * Committed consumer-group offsets, one JSON file per group in `<dir>/__groups/`, replaced
 * atomically on every commit. Offsets follow Kafka: the offset of the next record to read.
 * Commits that arrive while a group's file is being written are coalesced into the next write.
 */
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MetronError } from '@metron/core';
import { writeFileAtomic } from './durable-file.js';

export const GROUPS_DIR = '__groups';

interface GroupFile {
  group: string;
  /** topic → partition → offset (decimal string, so that JSON keeps 64-bit values) */
  offsets: Record<string, Record<string, string>>;
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface GroupState {
  offsets: Map<string, Map<number, number>>;
  writing: Promise<void> | null;
  queued: Deferred | null;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export class GroupStore {
  private groups = new Map<string, GroupState>();

  private constructor(
    private readonly dir: string,
    private readonly fsync: boolean,
  ) {}

  /** Loads every group's committed offsets. */
  static async open(busDir: string, fsync: boolean): Promise<GroupStore> {
    const dir = join(busDir, GROUPS_DIR);
    await mkdir(dir, { recursive: true });
    const store = new GroupStore(dir, fsync);
    for (const file of await readdir(dir)) {
      if (!file.endsWith('.json') || file.startsWith('.')) continue;
      const path = join(dir, file);
      try {
        const data = JSON.parse(await readFile(path, 'utf8')) as GroupFile;
        const state = store.state(data.group);
        for (const [topic, partitions] of Object.entries(data.offsets)) {
          const map = new Map<number, number>();
          for (const [partition, offset] of Object.entries(partitions)) map.set(Number(partition), Number(offset));
          state.offsets.set(topic, map);
        }
      } catch (err) {
        throw new MetronError('CONFIG_INVALID', `${path}: unreadable consumer group offsets: ${(err as Error).message}`, {
          file: path,
        }, { cause: err });
      }
    }
    return store;
  }

  private state(group: string): GroupState {
    let state = this.groups.get(group);
    if (!state) {
      state = { offsets: new Map(), writing: null, queued: null };
      this.groups.set(group, state);
    }
    return state;
  }

  /** Committed offset of one partition, if any. */
  get(group: string, topic: string, partition: number): number | undefined {
    return this.groups.get(group)?.offsets.get(topic)?.get(partition);
  }

  /** Committed offsets of a group for one topic, by partition. */
  list(group: string, topic: string): Array<{ partition: number; offset: number }> {
    const partitions = this.groups.get(group)?.offsets.get(topic);
    if (!partitions) return [];
    return [...partitions.entries()].sort((a, b) => a[0] - b[0]).map(([partition, offset]) => ({ partition, offset }));
  }

  /** Records offsets and resolves once they are in the group's file. */
  commit(group: string, entries: Array<{ topic: string; partition: number; offset: number }>): Promise<void> {
    const state = this.state(group);
    for (const { topic, partition, offset } of entries) {
      let partitions = state.offsets.get(topic);
      if (!partitions) {
        partitions = new Map();
        state.offsets.set(topic, partitions);
      }
      partitions.set(partition, offset);
    }
    state.queued ??= deferred();
    const done = state.queued.promise;
    if (!state.writing) this.startWrite(group, state);
    return done;
  }

  private startWrite(group: string, state: GroupState): void {
    const done = state.queued!;
    state.queued = null;
    const data: GroupFile = { group, offsets: {} };
    for (const [topic, partitions] of state.offsets) {
      const out: Record<string, string> = {};
      for (const [partition, offset] of partitions) out[String(partition)] = String(offset);
      data.offsets[topic] = out;
    }
    const path = join(this.dir, `${encodeURIComponent(group)}.json`);
    state.writing = writeFileAtomic(path, `${JSON.stringify(data)}\n`, this.fsync)
      .then(done.resolve, done.reject)
      .finally(() => {
        state.writing = null;
        if (state.queued) this.startWrite(group, state);
      });
  }

  /** Waits for every write in flight. */
  async flush(): Promise<void> {
    for (const state of this.groups.values()) {
      while (state.writing || state.queued) await (state.writing ?? state.queued!.promise);
    }
  }
}
