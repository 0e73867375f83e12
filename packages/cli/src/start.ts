import { existsSync } from 'node:fs';
import { cp, mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { ConfigError, ERROR_SENSOR, errorMessage } from '@metron/core';
import { loadConfigDir } from '@metron/core/node';
import {
  DemoFeeder,
  Pipeline,
  PipelineMetrics,
  PipelineHealth,
  healthPrometheus,
  restoreHealthHistory,
  saveHealthHistory,
  runSample,
  RetentionTask,
  storageSettings,
  tableBackend,
  createSources,
  type Source,
  type SourceConfig,
} from '@metron/pipeline';
import { openDuckDbSearchStore, ParquetArchive, metaAlertSettings, openSearchIndex, redactRedisUrl } from '@metron/storage';
import { ConfigStore, createServer, openUserStore } from '@metron/server';
import { parseArgs } from 'node:util';
import { COMMON_FLAGS, parseFlags, portFlag } from './args.js';
import { DEMO_ASSETS_FILE, loadDemoAssets } from './load/demo-assets.js';
import { createLogger, type Logger } from './log.js';
import { openConfiguredBus } from './worker-bus.js';
import { pipelineSensorsFrom, parseSourcesConfig } from './config.js';
import { Shutdown, untilSignal } from './shutdown.js';

/** The demo configs shipped with the CLI. */
export const BUILTIN_CONFIG_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'config');

export interface EmbeddedOptions {
  configDir?: string;
  dataDir: string;
  port: number;
  host: string;
  demo?: boolean;
  demoRate?: number;
  adminPassword?: string;
  fsync?: 'always' | 'interval' | 'never';
  log?: Logger;
}

export interface EmbeddedHandle {
  url: string;
  pipeline: Pipeline;
  sources: Source[];
  stop(): Promise<void>;
}

/**
 * The web console's built files (packages/console/dist, reached through the workspace link), or
 * undefined when the package is absent. A console that is not built yet is still served: its
 * pages answer 503 saying to run `npm run build`.
 */
export function consoleDistDir(): string | undefined {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('@metron/console/package.json')), 'dist');
  } catch {
    return undefined;
  }
}

function consoleOptions(log: Logger): { consoleDir?: string } {
  const dir = consoleDistDir();
  if (dir === undefined) {
    log.warn('the web console package (@metron/console) is not installed; serving the REST API only');
    return {};
  }
  if (!existsSync(join(dir, 'index.html'))) log.warn(`the web console is not built (${dir}); run \`npm run build\``);
  return { consoleDir: dir };
}

/**
 * The built-in demo configs ship inside the package and stay read-only: the first start copies them
 * to <data-dir>/config, which this and later starts use, so the console can edit and save them.
 */
export async function editableConfigDir(dir: string, dataDir: string): Promise<string> {
  if (dir !== BUILTIN_CONFIG_DIR) return dir;
  const copy = join(dataDir, 'config');
  if (!existsSync(join(copy, 'parsers'))) await cp(dir, copy, { recursive: true });
  return copy;
}

/** Picks the config dir: the flag, else ./config when present, else the built-in demo configs. */
export function resolveConfigDir(flag: string | undefined): string {
  if (flag) return resolve(flag);
  const local = resolve('config');
  if (existsSync(join(local, 'parsers'))) return local;
  return BUILTIN_CONFIG_DIR;
}

/**
 * Local log settings from the global config (this project's keys; Metron had Kafka's):
 * `local.log.retention.hours`, `local.log.retention.bytes` (per partition), `local.log.segment.bytes`.
 */
export function logDefaults(global: Record<string, unknown>, file: string): { retentionMs?: number; retentionBytes?: number; segmentBytes?: number } {
  const read = (key: string): number | undefined => {
    const v = global[key];
    if (v === undefined) return undefined;
    const n = typeof v === 'string' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) throw new ConfigError(file, `$['${key}']`, `expected a positive number, got ${JSON.stringify(v)}`);
    return n;
  };
  const hours = read('local.log.retention.hours');
  const bytes = read('local.log.retention.bytes');
  const segment = read('local.log.segment.bytes');
  return {
    ...(hours !== undefined ? { retentionMs: hours * 3_600_000 } : {}),
    ...(bytes !== undefined ? { retentionBytes: bytes } : {}),
    ...(segment !== undefined ? { segmentBytes: segment } : {}),
  };
}

/** Runs sources, pipeline, index and REST API in one process. */
export async function startEmbedded(opts: EmbeddedOptions): Promise<EmbeddedHandle> {
  const log = opts.log ?? createLogger();
  const dataDir = resolve(opts.dataDir);
  const configDir = await editableConfigDir(resolveConfigDir(opts.configDir), dataDir);
  const configs = await loadConfigDir(configDir);
  const sensors = pipelineSensorsFrom(configs);
  const storage = storageSettings(configs.global ?? {}, join(configDir, 'global.json'));
  if (Object.keys(sensors).length === 0) {
    throw new ConfigError(join(configDir, 'parsers'), '$', 'no sensor parser configs found');
  }
  const sourcesFile = join(configDir, 'sources.json');
  const sourceConfigs: SourceConfig[] = existsSync(sourcesFile)
    ? parseSourcesConfig(await readFile(sourcesFile, 'utf8'), sourcesFile, Object.keys(sensors))
    : [];

  await mkdir(dataDir, { recursive: true });
  log.info(`config ${configDir}; data ${dataDir}`);
  const tables = tableBackend(configs.global ?? {}, join(configDir, 'global.json'));
  log.info(`enrichment and threat-intel tables: ${tables.backend === 'redis' ? `Redis at ${redactRedisUrl(tables.url)}` : `LMDB at ${join(dataDir, 'kv')}`}`);
  // The bus: the local log, or Kafka when the global config's `bus.backend` says so (worker-bus.ts).
  const opened = await openConfiguredBus(configs.global ?? {}, join(configDir, 'global.json'), { dataDir, fsync: opts.fsync ?? 'always', defaults: logDefaults(configs.global ?? {}, join(configDir, 'global.json')) }, log);
  const bus = opened.bus;
  log.info(`bus: ${opened.description}`);
  const cleanup = new Shutdown(log);
  cleanup.add(async () => bus.close());
  try {
    await mkdir(join(dataDir, 'index'), { recursive: true });
    // The search index: the DuckDB file, or OpenSearch when the global config's `index.backend` says so.
    const globalPath = join(configDir, 'global.json');
    const index = await openSearchIndex(configs.global ?? {}, globalPath, {
      openDuckDb: () => openDuckDbSearchStore({ path: join(dataDir, 'index', 'metron.duckdb'), threads: storage.index.threads, ...(storage.index.memoryLimit !== undefined ? { memoryLimit: storage.index.memoryLimit } : {}) }),
      onDropped: (sensor, n) => metrics.add(sensor, 'index_errors', n),
    });
    const store = index.store;
    cleanup.add(async () => index.close());
    log.info(index.backend === 'opensearch'
      ? `search index: ${index.description}`
      : `search index ${join(dataDir, 'index', 'metron.duckdb')} (DuckDB, ${storage.index.threads} thread${storage.index.threads === 1 ? '' : 's'}${storage.index.memoryLimit !== undefined ? `, memory limit ${storage.index.memoryLimit}` : ''})`);
    // The Parquet archive (indexing configs' `hdfs` writer); closing it rolls the open parts.
    const archive = await ParquetArchive.open({ dir: join(dataDir, 'archive'), ...storage.archive, fsync: (opts.fsync ?? 'always') !== 'never', log });
    cleanup.add(async () => archive.close());
    const metrics = new PipelineMetrics();
    metrics.setArchiveProvider(() => archive.stats);
    if (opts.demo) {
      const loaded = await loadDemoAssets(configDir, join(dataDir, 'kv'));
      if (loaded > 0) log.info(`demo asset inventory: ${loaded} assets loaded from ${join(configDir, DEMO_ASSETS_FILE)}`);
    }
    const pipeline = new Pipeline({ bus, ...(opened.partitions !== undefined ? { partitions: opened.partitions } : {}), store, archive, sensors, indexing: { [ERROR_SENSOR]: configs.indexing[ERROR_SENSOR] }, global: configs.global ?? {}, metrics, dataDir, log, kvPath: join(dataDir, 'kv'), configDir });
    await pipeline.start();
    cleanup.add(async () => pipeline.stop());
    const retention = new RetentionTask({ policy: storage.retention, index: store, archive, log });
    await retention.start();
    cleanup.add(async () => retention.stop());
    const health = new PipelineHealth(metrics, () => pipeline.lag(), () => pipeline.knownSensors());
    // The health samples outlive a restart: kept once a minute and at shutdown.
    const healthFile = join(dataDir, 'health-history.json');
    await restoreHealthHistory(health, healthFile, (m) => log.warn(m));
    let saving: Promise<void> | undefined;
    const saveHealth = (): Promise<void> => {
      if (saving === undefined) {
        saving = saveHealthHistory(health, healthFile)
          .catch((err: unknown) => log.warn(`health history not saved: ${errorMessage(err)}`))
          .finally(() => {
            saving = undefined;
          });
      }
      return saving;
    };
    let ticks = 0;
    const sampler = setInterval(() => {
      metrics.sample();
      health.sample();
      if (++ticks % 12 === 0) void saveHealth();
    }, 5000);
    sampler.unref();
    metrics.sample();
    health.sample();
    cleanup.add(async () => {
      await saving;
      health.sample();
      await saveHealth();
    });
    // Configs saved through the REST API are written into the config dir and applied live.
    const configStore = new ConfigStore({
      dir: configDir,
      initial: configs,
      apply: async (next, change) =>
        pipeline.reconfigure(pipelineSensorsFrom(next), change.kind === 'global' ? (next.global ?? {}) : undefined, { [ERROR_SENSOR]: next.indexing[ERROR_SENSOR] }),
      sample: (next, sensor, lines) => runSample({ sensors: pipelineSensorsFrom(next), global: next.global ?? {}, kvPath: join(dataDir, 'kv'), configDir }, sensor, lines),
    });

    const users = await openUserStore(join(dataDir, 'users.json'), {
      ...(opts.adminPassword ? { adminPassword: opts.adminPassword } : {}),
      onGeneratedPassword: (pw: string) => {
        // Printed once, on the first start only; never written to the log.
        process.stdout.write(`\n  First start: user 'admin' created with password: ${pw}\n  (set METRON_ADMIN_PASSWORD before the first start to choose it)\n\n`);
      },
    });
    const app = await createServer(
      {
        searchStore: store,
        alerts: index.alerts(metaAlertSettings(configs.global ?? {}, globalPath)),
        ingest: (sensor, records) => pipeline.ingest(sensor, records),
        knownSensors: () => pipeline.knownSensors(),
        metrics: () => metrics.snapshot(),
        prometheus: async () => `${await metrics.prometheus()}${healthPrometheus(await health.report())}`,
        users,
        configs: configStore,
        pipelineHealth: () => health.report(),
        // Liveness stays UP while a sensor is silent (that is the pipeline's health, not the process's).
        health: async () => ({ status: 'UP', pipeline: await health.report() }),
      },
      consoleOptions(log),
    );
    await app.listen({ port: opts.port, host: opts.host });
    cleanup.add(async () => app.close());
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : opts.port;
    const url = `http://${opts.host}:${port}`;

    const sources = createSources(sourceConfigs, {
      sink: (sensor, records) => pipeline.ingest(sensor, records),
      events: {
        received: () => {},
        refused: (sensor, reason, raw) => {
          pipeline.refuse(sensor, reason, raw).catch((err) => log.error(`could not record a refused ${sensor} record: ${errorMessage(err)}`));
        },
      },
      dataDir,
      logger: {
        info: (m, f) => log.info(f ? `${m} ${JSON.stringify(f)}` : m),
        warn: (m, f) => log.warn(f ? `${m} ${JSON.stringify(f)}` : m),
      },
    });
    for (const s of sources) {
      await s.start();
      cleanup.add(async () => s.stop());
      const a = s.address?.();
      log.info(`source ${s.name} listening${a ? ` on ${a.host}:${a.port}` : ''}`);
    }

    let feeder: DemoFeeder | undefined;
    if (opts.demo) {
      const wanted = { bro: 6, snort: 1, syslog: 3 } as const;
      const available = Object.fromEntries(Object.entries(wanted).filter(([s]) => sensors[s]));
      feeder = new DemoFeeder({ ingest: (s, r) => pipeline.ingest(s, r), sensors: available, rate: opts.demoRate ?? 200, onError: (m) => log.warn(m) });
      feeder.start();
      cleanup.add(async () => feeder?.stop());
      log.info(`demo telemetry: ${opts.demoRate ?? 200} events/s to ${Object.keys(available).join(', ')}`);
    }
    log.info(`Metron is up at ${url} (console at ${url}/, REST under ${url}/api/v1)`);

    return {
      url,
      pipeline,
      sources,
      stop: () => {
        clearInterval(sampler);
        return cleanup.stop();
      },
    };
  } catch (err) {
    await cleanup.abort();
    throw err;
  }
}

/** `metron start`: runs until SIGTERM/SIGINT, then drains and commits. */
export async function runStart(args: string[]): Promise<number> {
  const { values } = parseFlags(() =>
    parseArgs({
      args,
      options: { ...COMMON_FLAGS, demo: { type: 'boolean' }, 'demo-rate': { type: 'string' }, fsync: { type: 'string' } },
      strict: true,
    }),
  );
  const log = createLogger(values.quiet === true);
  const fsync = values.fsync as EmbeddedOptions['fsync'] | undefined;
  if (fsync && !['always', 'interval', 'never'].includes(fsync)) throw new Error(`--fsync must be always, interval or never`);
  const demoRate = values['demo-rate'] !== undefined ? Number(values['demo-rate']) : undefined;
  if (demoRate !== undefined && !(demoRate > 0)) throw new Error('--demo-rate must be a positive number');
  const handle = await startEmbedded({
    ...(typeof values['config-dir'] === 'string' ? { configDir: values['config-dir'] } : {}),
    dataDir: typeof values['data-dir'] === 'string' ? values['data-dir'] : 'data',
    port: portFlag(values.port, 8080),
    host: typeof values.host === 'string' ? values.host : '127.0.0.1',
    demo: values.demo === true,
    ...(demoRate !== undefined ? { demoRate } : {}),
    ...(process.env['METRON_ADMIN_PASSWORD'] ? { adminPassword: process.env['METRON_ADMIN_PASSWORD'] } : {}),
    ...(fsync ? { fsync } : {}),
    log,
  });
  await untilSignal(log, 'draining and shutting down');
  await handle.stop();
  log.info('stopped');
  return 0;
}
