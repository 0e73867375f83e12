/**
 * Configs distributed through a compacted topic, for processes on many hosts (Metron kept them in
 * ZooKeeper). One record per config file, keyed by its path in a config directory without `.json`
 * (`global`, `parsers/bro`, `enrichments/bro`, `indexing/bro`, `profiler`); the value is the
 * file's JSON, an empty value deletes it. Compaction keeps the newest record per key, so a process
 * that reads the topic from the start sees the current config set; it then follows new records
 * and applies them live.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { CONFIG_SCHEMAS, ConfigError, errorMessage, type ConfigKind, type ConfigSet } from '@metron/core';
import type { Bus, Consumer } from '../types.js';

/** Default name of the config topic. */
export const CONFIG_TOPIC = 'metron_configs';

const DIRS: Record<string, ConfigKind> = { parsers: 'parser', enrichments: 'enrichment', indexing: 'indexing' };

/** Records (key → JSON text) that publish a whole config set. */
export function configRecords(set: ConfigSet): Array<{ key: string; value: string }> {
  const out: Array<{ key: string; value: string }> = [{ key: 'global', value: JSON.stringify(set.global ?? {}) }];
  if (set.profiler !== undefined) out.push({ key: 'profiler', value: JSON.stringify(set.profiler) });
  for (const [dir, group] of [['parsers', set.parsers], ['enrichments', set.enrichments], ['indexing', set.indexing]] as const) {
    for (const [sensor, config] of Object.entries(group ?? {})) out.push({ key: `${dir}/${sensor}`, value: JSON.stringify(config) });
  }
  return out;
}

/**
 * Publishes a config set to the topic (created compacted if missing). Keys present in the topic
 * but absent from `set` are deleted when `replace` is true.
 */
export async function publishConfigs(bus: Bus, set: ConfigSet, options: { topic?: string; replace?: boolean; current?: ConfigSet } = {}): Promise<number> {
  const topic = options.topic ?? CONFIG_TOPIC;
  await bus.createTopic(topic, { partitions: 1, compact: true });
  const records = configRecords(set);
  if (options.replace === true && options.current !== undefined) {
    const keep = new Set(records.map((r) => r.key));
    for (const { key } of configRecords(options.current)) if (!keep.has(key)) records.push({ key, value: '' });
  }
  await bus.producer().send(topic, records.map((r) => ({ key: r.key, value: r.value })));
  return records.length;
}

/** Applies one record to a config set; a bad key or config is refused with its key and reason. */
export function applyConfigRecord(set: ConfigSet, key: string, value: string): ConfigSet {
  const next: ConfigSet = { ...set, parsers: { ...set.parsers }, enrichments: { ...set.enrichments }, indexing: { ...set.indexing } };
  const file = `${CONFIG_TOPIC}:${key}`;
  let kind: ConfigKind;
  let sensor: string | undefined;
  if (key === 'global' || key === 'profiler') kind = key;
  else {
    const [dir, name, ...rest] = key.split('/');
    const k = dir === undefined ? undefined : DIRS[dir];
    if (k === undefined || name === undefined || name === '' || rest.length > 0) throw new ConfigError(file, '$', 'key must be global, profiler, parsers/<sensor>, enrichments/<sensor> or indexing/<sensor>');
    kind = k;
    sensor = name;
  }
  if (value === '') {
    if (kind === 'global') next.global = {};
    else if (kind === 'profiler') delete next.profiler;
    else delete (kind === 'parser' ? next.parsers : kind === 'enrichment' ? next.enrichments : next.indexing)[sensor as string];
    return next;
  }
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch (err) {
    throw new ConfigError(file, '$', `not JSON: ${errorMessage(err)}`);
  }
  const parsed = CONFIG_SCHEMAS[kind].safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(file, `$${issue?.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('') ?? ''}`, issue?.message ?? 'invalid');
  }
  const config = parsed.data as never;
  if (kind === 'global') next.global = config;
  else if (kind === 'profiler') next.profiler = config;
  else if (kind === 'parser') next.parsers[sensor as string] = config;
  else if (kind === 'enrichment') next.enrichments[sensor as string] = config;
  else next.indexing[sensor as string] = config;
  return next;
}

export interface ConfigWatcherOptions {
  bus: Bus;
  topic?: string;
  /** Called with the whole new set after each batch of changes (not for the initial load). */
  onChange(set: ConfigSet, changedKeys: string[]): Promise<void> | void;
  /** A refused record (bad JSON or schema): the previous config stays. */
  onInvalid(err: unknown, key: string): void;
}

/**
 * Reads the config topic to its end (the current set), then follows it. Each process reads the
 * whole topic with a group of its own and never commits: every process must see every config.
 */
export class ConfigWatcher {
  private consumer: Consumer | undefined;
  private set: ConfigSet = { global: {}, parsers: {}, enrichments: {}, indexing: {} };
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly topic: string;

  constructor(private readonly opts: ConfigWatcherOptions) {
    this.topic = opts.topic ?? CONFIG_TOPIC;
  }

  get current(): ConfigSet {
    return this.set;
  }

  /** Loads the current set: every record up to the topic's end at the time of the call. */
  async load(timeoutMs = 60_000): Promise<ConfigSet> {
    const { bus } = this.opts;
    await bus.createTopic(this.topic, { partitions: 1, compact: true });
    this.consumer = bus.consumer({ group: `metron_config_${hostname()}_${process.pid}_${randomUUID().slice(0, 8)}`, topics: [this.topic], fromBeginning: true });
    const ends = await bus.offsets(this.topic);
    const end = ends.reduce((n, p) => n + Number(p.latest - p.earliest), 0);
    const endOffsets = new Map(ends.map((p) => [p.partition, p.latest]));
    const reached = new Map<number, bigint>();
    const deadline = Date.now() + timeoutMs;
    const done = (): boolean => [...endOffsets].every(([p, latest]) => latest === 0n || (reached.get(p) ?? -1n) >= latest - 1n);
    while (end > 0 && !done()) {
      if (Date.now() > deadline) throw new Error(`config topic ${this.topic}: not read to its end within ${timeoutMs} ms`);
      for (const r of await this.consumer.poll(1000, 500)) {
        this.take(r.key?.toString() ?? '', r.value.toString());
        reached.set(r.partition, r.offset);
      }
    }
    return this.set;
  }

  private take(key: string, value: string): boolean {
    try {
      this.set = applyConfigRecord(this.set, key, value);
      return true;
    } catch (err) {
      this.opts.onInvalid(err, key);
      return false;
    }
  }

  /** Follows the topic, calling `onChange` with the new set after each batch of changes. */
  start(): void {
    if (this.running || this.consumer === undefined) return;
    this.running = true;
    const consumer = this.consumer;
    this.loop = (async () => {
      while (this.running) {
        let records;
        try {
          records = await consumer.poll(1000, 500);
        } catch (err) {
          this.opts.onInvalid(err, '(poll)');
          await new Promise((r) => setTimeout(r, 1000));
          continue;
        }
        const changed: string[] = [];
        const before = this.set;
        for (const r of records) {
          const key = r.key?.toString() ?? '';
          if (this.take(key, r.value.toString())) changed.push(key);
        }
        if (changed.length > 0 && this.running) {
          try {
            await this.opts.onChange(this.set, changed);
          } catch (err) {
            // Refused as a whole (e.g. a Stellar rule that does not compile): the old set stays.
            this.set = before;
            this.opts.onInvalid(err, changed.join(','));
          }
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.consumer?.close();
    await this.loop;
  }
}
