/**
 * Reading a Metron config directory, laid out as Metron's ZooKeeper tree (and as
 * `zk_load_configs.sh -m PULL` writes it):
 *
 *   <dir>/global.json
 *   <dir>/parsers/<sensor>.json
 *   <dir>/enrichments/<sensor>.json
 *   <dir>/indexing/<sensor>.json
 *   <dir>/profiler.json
 *
 * Every part is optional. Files not ending in `.json` and hidden files are ignored. The only
 * module of config/ that touches the file system.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, MetronError } from '../errors.js';
import { ConfigErrorList } from './config-errors.js';
import {
  SENSOR_CONFIG_DIRS,
  SINGLE_CONFIG_FILES,
  type ConfigKind,
  type ConfigOfKind,
  type ConfigSet,
  type SensorConfigKind,
} from './kinds.js';
import { checkConfig, parseConfig } from './parse.js';
import { reservedIndexReason } from './reserved.js';

/** Sensor names become topic and index names: Kafka's topic alphabet. */
const SENSOR_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

function errnoCode(err: unknown): string | undefined {
  return err !== null && typeof err === 'object' && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

/** Read one config file of `kind`. Throws CONFIG_NOT_FOUND if absent, else like parseConfig. */
export async function loadConfigFile<K extends ConfigKind>(kind: K, path: string): Promise<ConfigOfKind<K>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT') throw new MetronError('CONFIG_NOT_FOUND', `config file not found: ${path}`, { file: path });
    throw new ConfigError(path, '$', `cannot read the file (${code ?? 'I/O error'})`);
  }
  return parseConfig(kind, text, path);
}

type FileResult<K extends ConfigKind> = { ok: true; config: ConfigOfKind<K> } | { ok: false; errors: ConfigError[] };

async function checkFile<K extends ConfigKind>(kind: K, path: string): Promise<FileResult<K>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = errnoCode(err);
    const reason = code === 'EISDIR' ? 'expected a file, found a directory' : `cannot read the file (${code ?? 'I/O error'})`;
    return { ok: false, errors: [new ConfigError(path, '$', reason)] };
  }
  return checkConfig(kind, text, path);
}

/** `<sensor>.json` files of a sensor config sub-directory, sorted; [] when it does not exist. */
async function sensorFiles(dir: string, errors: ConfigError[]): Promise<{ sensor: string; path: string }[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT') return [];
    errors.push(new ConfigError(dir, '$', code === 'ENOTDIR' ? 'expected a directory, found a file' : `cannot read the directory (${code ?? 'I/O error'})`));
    return [];
  }
  const out: { sensor: string; path: string }[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.') || !entry.name.endsWith('.json') || entry.isDirectory()) continue;
    const sensor = entry.name.slice(0, -'.json'.length);
    const path = join(dir, entry.name);
    if (!SENSOR_NAME.test(sensor)) {
      errors.push(new ConfigError(path, '$', `invalid sensor name "${sensor}": use letters, digits, '.', '_' and '-' (it becomes a topic and index name)`));
      continue;
    }
    const reserved = reservedIndexReason(sensor);
    if (reserved !== null) {
      errors.push(new ConfigError(path, '$', `invalid sensor name: ${reserved} (the sensor name becomes its index name)`));
      continue;
    }
    out.push({ sensor, path });
  }
  return out.sort((a, b) => (a.sensor < b.sensor ? -1 : a.sensor > b.sensor ? 1 : 0));
}

async function loadSensorConfigs<K extends SensorConfigKind>(
  dir: string,
  kind: K,
  errors: ConfigError[],
): Promise<Record<string, ConfigOfKind<K>>> {
  // Null prototype: sensor names are keys, and none may reach Object.prototype.
  const configs = Object.create(null) as Record<string, ConfigOfKind<K>>;
  const files = await sensorFiles(join(dir, SENSOR_CONFIG_DIRS[kind]), errors);
  const results = await Promise.all(files.map(({ path }) => checkFile(kind, path)));
  files.forEach(({ sensor }, i) => {
    const result = results[i];
    if (!result) return;
    if (result.ok) configs[sensor] = result.config;
    else errors.push(...result.errors);
  });
  return configs;
}

async function loadOptionalFile<K extends ConfigKind>(path: string, kind: K, errors: ConfigError[]): Promise<ConfigOfKind<K> | undefined> {
  try {
    await stat(path);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
  }
  const result = await checkFile(kind, path);
  if (result.ok) return result.config;
  errors.push(...result.errors);
  return undefined;
}

/**
 * Load every config of a Metron config directory. Every file is checked before anything is
 * refused: when any fails, one ConfigErrorList names each failing file, path and reason.
 * A missing directory is CONFIG_NOT_FOUND.
 */
export async function loadConfigDir(dir: string): Promise<ConfigSet> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(dir)).isDirectory();
  } catch {
    isDirectory = false;
  }
  if (!isDirectory) throw new MetronError('CONFIG_NOT_FOUND', `config directory not found: ${dir}`, { dir });

  const errors: ConfigError[] = [];
  const [global, profiler, parsers, enrichments, indexing] = await Promise.all([
    loadOptionalFile(join(dir, SINGLE_CONFIG_FILES.global), 'global', errors),
    loadOptionalFile(join(dir, SINGLE_CONFIG_FILES.profiler), 'profiler', errors),
    loadSensorConfigs(dir, 'parser', errors),
    loadSensorConfigs(dir, 'enrichment', errors),
    loadSensorConfigs(dir, 'indexing', errors),
  ]);
  if (errors.length > 0) {
    // Promise.all interleaves the pushes; list the problems by file name, each file's in order.
    const byFile = [...errors].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    throw new ConfigErrorList(byFile, { dir });
  }
  const set: ConfigSet = { global: global ?? {}, parsers, enrichments, indexing };
  if (profiler) set.profiler = profiler;
  return set;
}

