/**
 * `metron worker parse|enrich|index`: one stage of the pipeline as its own process, for
 * scale-out deployments on Apache Kafka. Workers of a stage form one Kafka consumer group
 * (`metron_parse_<sensor>`, `metron_enrich`, `metron_index`): start more on any host and Kafka
 * spreads the partitions over them; a worker that dies hands its partitions to the others, which
 * resume from the committed offsets (at-least-once; the index absorbs duplicates by guid).
 *
 * Configs come from the compacted config topic (`metron config push`), and changes there are
 * applied live.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, ERROR_SENSOR, MetronError, errorMessage, type ConfigSet } from '@metron/core';
import { loadConfigFile } from '@metron/core/node';
import {
  ConfigWatcher,
  KafkaBus,
  Pipeline,
  PipelineMetrics,
  kafkaOptionsFromGlobal,
  openKafkaBus,
  storageSettings,
  type PipelineStage,
} from '@metron/pipeline';
import { indexBackend, openDuckDbSearchStore, openOpenSearchStoreFromConfig, ParquetArchive, type SearchStore } from '@metron/storage';
import { parseFlags } from './args.js';
import { pipelineSensorsFrom } from './config.js';
import { createLogger, type Logger } from './log.js';
import { Shutdown, untilSignal } from './shutdown.js';

const STAGES: readonly PipelineStage[] = ['parse', 'enrich', 'index'];

export const WORKER_USAGE = `Usage: metron worker <parse|enrich|index> [options]

Runs one pipeline stage as a member of its Kafka consumer group. Start as many as the topic
partitions allow, on any host; configs come from the config topic (metron config push).

Options:
  --brokers H:P[,H:P]  Kafka bootstrap brokers (default: $METRON_KAFKA_BROKERS, else kafka.brokers
                       of <config-dir>/global.json)
  --config-dir DIR     where global.json is read for kafka.* settings when --brokers is absent
  --sensors A,B        parse: only these sensors (default: every sensor in the config topic)
  --data-dir DIR       index: where the DuckDB index and the Parquet archive live; parse/enrich:
                       the LMDB enrichment tables (<data-dir>/kv) and quarantined raw records
  --parse-threads N    parse/enrich: worker threads (default: one per core beyond the first)
  -q, --quiet          warnings and errors only
`;

export interface WorkerOptions {
  stage: PipelineStage;
  brokers: string[];
  /** Global config keys for the bus (kafka.partitions, kafka.replicationFactor, ...). */
  kafka?: Record<string, unknown>;
  sensors?: string[];
  dataDir: string;
  parseThreads?: number;
  log?: Logger;
}

export interface WorkerHandle {
  pipeline: Pipeline;
  bus: KafkaBus;
  stop(): Promise<void>;
}

function globalFile(set: ConfigSet): Record<string, unknown> {
  return (set.global ?? {}) as Record<string, unknown>;
}

/**
 * Test-only: a file holding the milliseconds every index write of an index worker waits before it
 * starts, re-read before each write so a test can stall the writer and release it again. The
 * slow-writer fault test uses it to make the writer fall behind the topic on purpose
 * (backpressure: the consumer must pause, memory must stay bounded). Not a setting: never set it
 * in a deployment.
 */
export const TEST_WRITE_DELAY_ENV = 'METRON_TEST_INDEX_WRITE_DELAY_FILE';

/** The test-only write delay now: the number in the file, 0 when the file is absent or empty. */
function testWriteDelayMs(file: string): number {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8').trim();
  } catch {
    return 0;
  }
  const ms = raw === '' ? 0 : Number(raw);
  if (!Number.isInteger(ms) || ms < 0 || ms > 60_000) throw new MetronError('INPUT_INVALID', `${TEST_WRITE_DELAY_ENV} (${file}) must hold a whole number of milliseconds from 0 to 60000, got ${JSON.stringify(raw)}`);
  return ms;
}

/** Wraps the store's write paths (`write`, and `writeJson` when it has one) so each first waits the delay in `file`. */
function slowedForTests(store: SearchStore, file: string): SearchStore {
  // Re-reads the file while waiting: a test that releases the writer does not wait out the stall.
  const wait = async () => {
    const started = Date.now();
    while (Date.now() - started < testWriteDelayMs(file)) await new Promise((r) => setTimeout(r, 50));
  };
  const slowed = store as SearchStore & { writeJson?(sensor: string, lines: Buffer[]): Promise<void> };
  const write = store.write.bind(store);
  slowed.write = async (sensor, messages) => {
    await wait();
    return write(sensor, messages);
  };
  const writeJson = slowed.writeJson?.bind(store);
  if (writeJson !== undefined) {
    slowed.writeJson = async (sensor, lines) => {
      await wait();
      return writeJson(sensor, lines);
    };
  }
  return slowed;
}

/** What a scale-out process (worker or server) starts from: its data dir, its Kafka bus, and the steps that undo them. */
export interface ScaleOutBase {
  log: Logger;
  dataDir: string;
  kafka: ReturnType<typeof kafkaOptionsFromGlobal>;
  bus: KafkaBus;
  cleanup: Shutdown;
}

/** Creates the data dir and opens the Kafka bus of a worker or `metron server`; closing the bus is the first cleanup step. */
export async function openScaleOutBase(opts: { brokers: string[]; kafka?: Record<string, unknown>; dataDir: string; log?: Logger }): Promise<ScaleOutBase> {
  const log = opts.log ?? createLogger();
  const dataDir = resolve(opts.dataDir);
  await mkdir(dataDir, { recursive: true });
  const kafka = kafkaOptionsFromGlobal({ ...(opts.kafka ?? {}), 'kafka.brokers': opts.brokers.join(',') });
  const bus = await openKafkaBus({ ...kafka, onWarning: (m) => log.warn(m) });
  const cleanup = new Shutdown(log);
  cleanup.add(async () => bus.close());
  return { log, dataDir, kafka, bus, cleanup };
}

/** Starts a worker: joins its stage's consumer group with the configs of the config topic. */
export async function startWorker(opts: WorkerOptions): Promise<WorkerHandle> {
  const { log, dataDir, kafka, bus, cleanup } = await openScaleOutBase(opts);
  try {
    // Set once the pipeline runs; config changes before that are in the loaded set already.
    const ref: { pipeline?: Pipeline } = {};
    const watcher = new ConfigWatcher({
      bus,
      onInvalid: (err, key) => log.error(`config ${key} refused: ${errorMessage(err)}`),
      onChange: async (set, keys) => {
        log.info(`config topic changed: ${keys.join(', ')}`);
        await ref.pipeline?.reconfigure(pipelineSensorsFrom(set), keys.includes('global') ? globalFile(set) : undefined);
      },
    });
    const configs = await watcher.load();
    cleanup.add(async () => watcher.stop());
    applyTopicKafkaSettings(bus, globalFile(configs), opts.kafka ?? {}, opts.brokers, log);
    const sensors = pipelineSensorsFrom(configs);
    if (Object.keys(sensors).length === 0) {
      throw new MetronError('CONFIG_NOT_FOUND', 'the config topic holds no sensor parser configs; publish them first with `metron config push --config-dir DIR`');
    }
    for (const s of opts.sensors ?? []) {
      if (!sensors[s]) throw new MetronError('NOT_FOUND', `--sensors: no parser config for sensor '${s}' in the config topic (known: ${Object.keys(sensors).sort().join(', ')})`);
    }
    const global = globalFile(configs);
    let store: SearchStore | undefined;
    let archive;
    if (opts.stage === 'index') {
      const storage = storageSettings(global, 'config topic: global');
      if (indexBackend(global, 'config topic: global') === 'opensearch') {
        // Shared by every index worker: the document id is the guid, so a re-delivered batch
        // overwrites the same documents.
        const opensearch = openOpenSearchStoreFromConfig(global, 'config topic: global');
        await opensearch.ensureTemplate();
        store = opensearch;
        log.info(`index worker writes OpenSearch at ${opensearch.urls.join(', ')}`);
      } else {
        // One process owns a DuckDB file: run a single index worker per data dir.
        await mkdir(join(dataDir, 'index'), { recursive: true });
        store = await openDuckDbSearchStore({ path: join(dataDir, 'index', 'metron.duckdb'), threads: storage.index.threads, ...(storage.index.memoryLimit !== undefined ? { memoryLimit: storage.index.memoryLimit } : {}) });
      }
      const delayFile = process.env[TEST_WRITE_DELAY_ENV];
      if (delayFile !== undefined && delayFile !== '') {
        log.warn(`${TEST_WRITE_DELAY_ENV}=${delayFile}: every index write first waits the milliseconds in that file (test-only slow writer)`);
        store = slowedForTests(store, delayFile);
      }
      const opened = store;
      cleanup.add(async () => opened.close());
      archive = await ParquetArchive.open({ dir: join(dataDir, 'archive'), ...storage.archive, fsync: true, log });
      const openedArchive = archive;
      cleanup.add(async () => openedArchive.close());
    }
    const running = new Pipeline({
      bus,
      ...(store !== undefined ? { store } : {}),
      ...(archive !== undefined ? { archive } : {}),
      stages: [opts.stage],
      ...(opts.sensors !== undefined ? { parseSensors: opts.sensors } : {}),
      sensors,
      indexing: { [ERROR_SENSOR]: configs.indexing[ERROR_SENSOR] },
      global,
      metrics: new PipelineMetrics(),
      dataDir,
      log,
      partitions: kafka.defaultPartitions,
      parseWorkers: opts.stage === 'index' ? 0 : (opts.parseThreads ?? 1),
      kvPath: join(dataDir, 'kv'),
    });
    await running.start();
    ref.pipeline = running;
    // A worker shares its groups: waiting for the whole group to drain could take forever.
    cleanup.add(async () => running.stop(2000));
    watcher.start();
    log.info(`worker ${opts.stage}${opts.sensors ? ` (${opts.sensors.join(', ')})` : ''} joined Kafka at ${kafka.brokers.join(',')}`);
    return {
      pipeline: running,
      bus,
      stop: () => cleanup.stop(),
    };
  } catch (err) {
    await cleanup.abort();
    throw err;
  }
}

/**
 * The `kafka.*` consumer and topic settings of the config topic's global config (what `metron
 * config push` published for every worker), for the consumers this worker makes; a setting of the
 * worker's own config dir wins. Read once at start: a change pushed later applies at the next start.
 */
export function applyTopicKafkaSettings(bus: KafkaBus, topicGlobal: Record<string, unknown>, local: Record<string, unknown>, brokers: string[], log: Logger): void {
  const fromTopic = Object.fromEntries(Object.entries(topicGlobal).filter(([k]) => k.startsWith('kafka.') && k !== 'kafka.brokers' && !(k in local)));
  if (Object.keys(fromTopic).length === 0) return;
  const next = kafkaOptionsFromGlobal({ ...fromTopic, ...local, 'kafka.brokers': brokers.join(',') }, 'config topic: global');
  const changed = bus.applySettings(next);
  if (changed.length > 0) log.info(`Kafka settings from the config topic: ${changed.map((k) => `${k}=${String(next[k as keyof typeof next])}`).join(', ')}`);
}

/** Bootstrap brokers: the flag, else $METRON_KAFKA_BROKERS, else kafka.brokers of the config dir's global.json. */
export async function bootstrapKafka(flag: string | undefined, configDir: string | undefined): Promise<{ brokers: string[]; kafka: Record<string, unknown> }> {
  let kafka: Record<string, unknown> = {};
  if (configDir !== undefined) {
    const file = join(resolve(configDir), 'global.json');
    if (existsSync(file)) {
      const global = (await loadConfigFile('global', file)) as Record<string, unknown>;
      kafka = Object.fromEntries(Object.entries(global).filter(([k]) => k.startsWith('kafka.')));
    }
  }
  const raw = flag ?? process.env['METRON_KAFKA_BROKERS'] ?? (typeof kafka['kafka.brokers'] === 'string' ? kafka['kafka.brokers'] : undefined);
  if (raw === undefined || raw.trim() === '') {
    throw new ConfigError(configDir !== undefined ? join(configDir, 'global.json') : '--brokers', '$["kafka.brokers"]', 'no Kafka brokers: pass --brokers, set METRON_KAFKA_BROKERS or kafka.brokers in global.json');
  }
  return { brokers: raw.split(',').map((b) => b.trim()).filter((b) => b !== ''), kafka };
}

/** `metron worker <stage>`: runs until SIGTERM/SIGINT, then drains its batch, commits and leaves the group. */
export async function runWorker(args: string[]): Promise<number> {
  const [stage, ...rest] = args;
  if (stage === undefined || stage === '--help' || stage === '-h' || stage === 'help') {
    process.stdout.write(WORKER_USAGE);
    return stage === undefined ? 2 : 0;
  }
  if (!STAGES.includes(stage as PipelineStage)) {
    process.stderr.write(`metron worker: unknown stage '${stage}' (parse, enrich or index)\n\n${WORKER_USAGE}`);
    return 2;
  }
  const { values } = parseFlags(() =>
    parseArgs({
      args: rest,
      options: {
        brokers: { type: 'string' },
        'config-dir': { type: 'string' },
        'data-dir': { type: 'string' },
        sensors: { type: 'string' },
        'parse-threads': { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
      },
      strict: true,
    }),
  );
  const log = createLogger(values.quiet === true);
  const { brokers, kafka } = await bootstrapKafka(values.brokers, values['config-dir']);
  const sensors = values.sensors?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (sensors !== undefined && stage !== 'parse') throw new MetronError('INPUT_INVALID', '--sensors applies to the parse stage only');
  const threads = values['parse-threads'] !== undefined ? Number(values['parse-threads']) : undefined;
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 0 && threads <= 64)) throw new MetronError('INPUT_INVALID', '--parse-threads must be a whole number from 0 to 64');
  const handle = await startWorker({
    stage: stage as PipelineStage,
    brokers,
    kafka,
    ...(sensors !== undefined ? { sensors } : {}),
    dataDir: values['data-dir'] ?? 'data',
    ...(threads !== undefined ? { parseThreads: threads } : {}),
    log,
  });
  await untilSignal(log, 'finishing the batch in hand, committing and leaving the group');
  await handle.stop();
  log.info('stopped');
  return 0;
}
