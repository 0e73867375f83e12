/**
 * The configs of the running platform as the REST API edits them: Metron's config directory
 * (`global.json`, `parsers/`, `enrichments/`, `indexing/`, as metron-rest kept them in ZooKeeper).
 *
 * A save is checked by the same schema as at startup (refused with the file, the JSON path and the
 * reason), then applied live (the pipeline compiles it: a Stellar rule that does not compile is
 * refused the same way and nothing changes), then written atomically into the directory. Saves run
 * one at a time. Reads answer the files as written (without the defaults the schema fills in).
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  checkConfigValue,
  ConfigError,
  MetronError,
  reservedIndexReason,
  Topics,
  SENSOR_CONFIG_DIRS,
  throwConfigErrors,
  type ConfigSet,
  type SensorConfigKind,
} from '@metron/core';
import { writeFileAtomic } from '../auth/atomic-file.js';
import { HttpError } from '../errors.js';

/** Sample runs at once (each compiles the configs and opens the tables): more answer 429. */
export const MAX_CONCURRENT_SAMPLES = 2;

/** What changed in a save or delete. */
export type ConfigChange = { kind: 'global' } | { kind: SensorConfigKind; sensor: string; deleted: boolean };

/** Unsaved configs a sample run uses instead of the saved ones. */
export interface SampleOverrides {
  parser?: unknown;
  /** null: run without the sensor's enrichment (parse only). */
  enrichment?: unknown;
  global?: unknown;
}

export interface ConfigStoreOptions {
  /** The config directory saves are written to. */
  dir: string;
  /** The configs as loaded at start (what the pipeline runs). */
  initial: ConfigSet;
  /**
   * Applies a changed set to the running pipeline; throws (a ConfigError naming the file) when the
   * pipeline refuses it, and then nothing may have changed. Absent: saves are written only.
   */
  apply?(next: ConfigSet, change: ConfigChange): Promise<void>;
  /** Runs raw lines of `sensor` through parse, enrichment and triage with `configs` (nothing written). */
  sample?(configs: ConfigSet, sensor: string, lines: string[]): Promise<unknown>;
}

/** Sensor names become topic, index and file names: the loader's alphabet, bounded. */
export const CONFIG_SENSOR_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/;

/** The set's member for a sensor kind. */
const SET_KEY = { parser: 'parsers', enrichment: 'enrichments', indexing: 'indexing' } as const;

function errnoCode(err: unknown): string | undefined {
  return err !== null && typeof err === 'object' && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

function checkSensorName(sensor: string): void {
  if (!CONFIG_SENSOR_NAME.test(sensor)) {
    throw new MetronError('INPUT_INVALID', `invalid sensor name '${sensor}': use letters, digits, '.', '_' and '-' (at most 64; it becomes a topic, index and file name)`);
  }
  const reserved = reservedIndexReason(sensor);
  if (reserved !== null) throw new MetronError('INPUT_INVALID', `invalid sensor name: ${reserved} (the sensor name becomes its index name)`);
}

/** The pipeline's own topics: a sensor reading one of them would take the pipeline's messages. */
const INTERNAL_TOPICS: readonly string[] = Object.values(Topics);

/** Refuses a parser config whose sensor topic is one of the pipeline's own topics. */
function checkSensorTopic(sensor: string, config: { sensorTopic?: string | null | undefined }, file: string): void {
  const topic = config.sensorTopic || sensor;
  if (INTERNAL_TOPICS.includes(topic)) {
    throw new ConfigError(file, config.sensorTopic ? '$.sensorTopic' : '$', `topic "${topic}" is the pipeline's own (${INTERNAL_TOPICS.join(', ')}); choose another sensor name or sensorTopic`);
  }
}

export class ConfigStore {
  private current: ConfigSet;
  private queue: Promise<unknown> = Promise.resolve();
  private samplesRunning = 0;

  constructor(private readonly opts: ConfigStoreOptions) {
    this.current = opts.initial;
  }

  /** The configs in force (parsed, defaults filled in). */
  get configs(): ConfigSet {
    return this.current;
  }

  get canSample(): boolean {
    return this.opts.sample !== undefined;
  }

  /** `parsers/bro.json`: how files are named in answers (never the server's absolute paths). */
  static fileOf(kind: SensorConfigKind, sensor: string): string {
    return `${SENSOR_CONFIG_DIRS[kind]}/${sensor}.json`;
  }

  /** The saved JSON of a sensor's config, or null when it has none. */
  async read(kind: SensorConfigKind, sensor: string): Promise<unknown> {
    checkSensorName(sensor);
    return this.readFileJson(join(this.opts.dir, ConfigStore.fileOf(kind, sensor)), ConfigStore.fileOf(kind, sensor));
  }

  /** Every sensor's saved config of a kind, by sensor name. */
  async list(kind: SensorConfigKind): Promise<Record<string, unknown>> {
    let names: string[];
    try {
      names = await readdir(join(this.opts.dir, SENSOR_CONFIG_DIRS[kind]));
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return {};
      throw err;
    }
    const out: Record<string, unknown> = {};
    for (const name of names.sort()) {
      if (!name.endsWith('.json') || name.startsWith('.')) continue;
      const sensor = name.slice(0, -'.json'.length);
      if (!CONFIG_SENSOR_NAME.test(sensor)) continue;
      const value = await this.read(kind, sensor);
      if (value !== null) out[sensor] = value;
    }
    return out;
  }

  /** The saved global config (`{}` without a file). */
  async readGlobal(): Promise<unknown> {
    return (await this.readFileJson(join(this.opts.dir, 'global.json'), 'global.json')) ?? {};
  }

  /** Checks, applies and writes a sensor's config. Resolves true when it created the file. */
  async save(kind: SensorConfigKind, sensor: string, value: unknown): Promise<boolean> {
    checkSensorName(sensor);
    const file = ConfigStore.fileOf(kind, sensor);
    const checked = checkConfigValue(kind, value, file);
    if (!checked.ok) throwConfigErrors(checked.errors);
    if (kind === 'parser') checkSensorTopic(sensor, checked.config as { sensorTopic?: string | null }, file);
    return this.serial(async () => {
      const created = (await this.read(kind, sensor)) === null;
      const next = this.with(kind, sensor, checked.config);
      await this.commit(next, { kind, sensor, deleted: false }, () => writeFileAtomic(join(this.opts.dir, file), `${JSON.stringify(value, null, 2)}\n`));
      return created;
    });
  }

  /** Removes a sensor's config (applied live). Resolves false when there was none. */
  async remove(kind: SensorConfigKind, sensor: string): Promise<boolean> {
    checkSensorName(sensor);
    return this.serial(async () => {
      if ((await this.read(kind, sensor)) === null) return false;
      const next = this.with(kind, sensor, undefined);
      await this.commit(next, { kind, sensor, deleted: true }, () => rm(join(this.opts.dir, ConfigStore.fileOf(kind, sensor))));
      return true;
    });
  }

  /** Checks, applies and writes the global config. */
  async saveGlobal(value: unknown): Promise<void> {
    const checked = checkConfigValue('global', value, 'global.json');
    if (!checked.ok) throwConfigErrors(checked.errors);
    await this.serial(async () => {
      const next: ConfigSet = { ...this.current, global: checked.config };
      await this.commit(next, { kind: 'global' }, () => writeFileAtomic(join(this.opts.dir, 'global.json'), `${JSON.stringify(value, null, 2)}\n`));
    });
  }

  /**
   * Runs raw lines of `sensor` through the production steps, with unsaved configs in place of the
   * saved ones when given (each checked like a save first).
   */
  async sample(sensor: string, lines: string[], overrides: SampleOverrides = {}): Promise<unknown> {
    if (this.opts.sample === undefined) throw new MetronError('NOT_FOUND', 'this server runs no pipeline to test samples with');
    checkSensorName(sensor);
    let configs = this.current;
    if (overrides.parser !== undefined) configs = this.withChecked(configs, 'parser', sensor, overrides.parser);
    if (overrides.enrichment === null) {
      const enrichments = { ...configs.enrichments };
      delete enrichments[sensor];
      configs = { ...configs, enrichments };
    } else if (overrides.enrichment !== undefined) {
      configs = this.withChecked(configs, 'enrichment', sensor, overrides.enrichment);
    }
    if (overrides.global !== undefined) {
      const checked = checkConfigValue('global', overrides.global, 'global.json');
      if (!checked.ok) throwConfigErrors(checked.errors);
      configs = { ...configs, global: checked.config };
    }
    if (this.samplesRunning >= MAX_CONCURRENT_SAMPLES) {
      throw new HttpError(429, 'RATE_LIMITED', `${MAX_CONCURRENT_SAMPLES} samples are already running; retry in a moment`, { 'retry-after': '1' });
    }
    this.samplesRunning++;
    try {
      return await this.opts.sample(configs, sensor, lines);
    } finally {
      this.samplesRunning--;
    }
  }

  private withChecked(configs: ConfigSet, kind: SensorConfigKind, sensor: string, value: unknown): ConfigSet {
    const checked = checkConfigValue(kind, value, ConfigStore.fileOf(kind, sensor));
    if (!checked.ok) throwConfigErrors(checked.errors);
    const key = SET_KEY[kind];
    return { ...configs, [key]: { ...configs[key], [sensor]: checked.config } };
  }

  /** The current set with one sensor config replaced (or removed when `config` is undefined). */
  private with(kind: SensorConfigKind, sensor: string, config: unknown): ConfigSet {
    const key = SET_KEY[kind];
    const member: Record<string, unknown> = { ...this.current[key] };
    if (config === undefined) delete member[sensor];
    else member[sensor] = config;
    return { ...this.current, [key]: member };
  }

  /** Applies `next` live, then writes; a failed write puts the previous configs back in force. */
  private async commit(next: ConfigSet, change: ConfigChange, write: () => Promise<void>): Promise<void> {
    const previous = this.current;
    await this.opts.apply?.(next, change);
    try {
      await write();
    } catch (err) {
      await this.opts.apply?.(previous, change).catch(() => undefined);
      throw new MetronError('STORAGE_FAILED', 'the config could not be written', undefined, { cause: err });
    }
    this.current = next;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async readFileJson(path: string, file: string): Promise<unknown> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return null;
      throw err;
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw new MetronError('CONFIG_INVALID', `${file}: $: invalid JSON: ${(err as Error).message}`);
    }
  }
}
