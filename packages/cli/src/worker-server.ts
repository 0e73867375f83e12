/**
 * `metron server`: the REST API and the console of a scale-out deployment. It runs no pipeline
 * stage: ingest requests go to the sensors' Kafka topics (resolved once Kafka acknowledged them),
 * search and alerts read the shared OpenSearch index the index workers write, configs come from
 * the config topic (changes pushed there show up live), and the health reports each stage group's
 * lag. Run one or more behind a load balancer; each is stateless apart from its users file.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, ERROR_SENSOR, MetronError, Topics, errorMessage, type ConfigSet } from '@metron/core';
import { ConfigWatcher, type KafkaBus } from '@metron/pipeline';
import { indexBackend, metaAlertSettings, openAlertStoreOn, openOpenSearchStoreFromConfig } from '@metron/storage';
import { createServer, openUserStore } from '@metron/server';
import { COMMON_FLAGS, parseFlags, portFlag } from './args.js';
import { untilSignal } from './shutdown.js';
import { createLogger, type Logger } from './log.js';
import { consoleDistDir } from './start.js';
import { bootstrapKafka, openScaleOutBase } from './worker.js';

export const SERVER_USAGE = `Usage: metron server [--brokers H:P,...] [--config-dir DIR] [--data-dir DIR] [--port N] [--host H]

REST API and console of a scale-out deployment: ingest to the Kafka sensor topics, search and
alerts on OpenSearch (the global config in the config topic must say index.backend: opensearch),
lag of every stage group in /api/v1/health and /metrics. Users live in <data-dir>/users.json.
`;

export interface ScaleOutServerOptions {
  brokers: string[];
  kafka?: Record<string, unknown>;
  dataDir: string;
  port: number;
  host: string;
  adminPassword?: string;
  log?: Logger;
}

export interface ScaleOutServerHandle {
  url: string;
  bus: KafkaBus;
  stop(): Promise<void>;
}

interface GroupLag {
  group: string;
  topic: string;
  lag: number;
}

/** The stage groups and their topics for the current configs. */
function stageGroups(set: ConfigSet): Array<{ group: string; topic: string }> {
  const out = Object.entries(set.parsers).map(([sensor, parser]) => ({
    group: `metron_parse_${sensor}`,
    topic: ((parser as { sensorTopic?: string | null }).sensorTopic || sensor) as string,
  }));
  out.push({ group: 'metron_enrich', topic: Topics.ENRICHMENTS }, { group: 'metron_index', topic: Topics.INDEXING }, { group: 'metron_index', topic: Topics.ERROR });
  return out;
}

/** Starts the scale-out server (see the file comment). */
export async function startScaleOutServer(opts: ScaleOutServerOptions): Promise<ScaleOutServerHandle> {
  const { log, dataDir, kafka, bus, cleanup } = await openScaleOutBase(opts);
  try {
    const watcher = new ConfigWatcher({
      bus,
      onInvalid: (err, key) => log.error(`config ${key} refused: ${errorMessage(err)}`),
      onChange: (_set, keys) => log.info(`config topic changed: ${keys.join(', ')}`),
    });
    const initial = await watcher.load();
    watcher.start();
    cleanup.add(async () => watcher.stop());
    const global = (initial.global ?? {}) as Record<string, unknown>;
    const source = 'config topic: global';
    if (indexBackend(global, source) !== 'opensearch') {
      throw new ConfigError(source, '$["index.backend"]', 'metron server reads the index the index workers share: set "index.backend": "opensearch" (a DuckDB index belongs to its one index worker)');
    }
    const store = openOpenSearchStoreFromConfig(global, source);
    cleanup.add(async () => store.close());
    await store.ensureTemplate();
    const producer = bus.producer();
    const sensorTopic = (sensor: string): string | undefined => {
      const parser = watcher.current.parsers[sensor] as { sensorTopic?: string | null } | undefined;
      return parser === undefined ? undefined : parser.sensorTopic || sensor;
    };
    let lag: GroupLag[] = [];
    let lagError: string | undefined;
    const sampleLag = async (): Promise<void> => {
      try {
        const next: GroupLag[] = [];
        for (const { group, topic } of stageGroups(watcher.current)) {
          const ends = await bus.offsets(topic);
          const committed = new Map((await bus.groupOffsets(group, topic)).map((o) => [o.partition, o.offset]));
          next.push({ group, topic, lag: ends.reduce((n, p) => n + Number(p.latest - (committed.get(p.partition) ?? p.earliest)), 0) });
        }
        lag = next;
        lagError = undefined;
      } catch (err) {
        lagError = errorMessage(err);
      }
    };
    await sampleLag();
    const sampler = setInterval(() => void sampleLag(), 5000);
    sampler.unref();
    cleanup.add(async () => clearInterval(sampler));
    const users = await openUserStore(join(dataDir, 'users.json'), {
      ...(opts.adminPassword ? { adminPassword: opts.adminPassword } : {}),
      onGeneratedPassword: (pw: string) => {
        process.stdout.write(`\n  First start: user 'admin' created with password: ${pw}\n  (set METRON_ADMIN_PASSWORD before the first start to choose it)\n\n`);
      },
    });
    const consoleDir = consoleDistDir();
    const app = await createServer(
      {
        searchStore: store,
        alerts: openAlertStoreOn(store.alertBackend(), metaAlertSettings(global, source)),
        ingest: async (sensor, records) => {
          const topic = sensorTopic(sensor);
          if (topic === undefined) throw new MetronError('NOT_FOUND', `unknown sensor '${sensor}'`);
          await producer.send(topic, records.map((value) => ({ value })));
        },
        knownSensors: () => Object.keys(watcher.current.parsers).filter((s) => s !== ERROR_SENSOR).sort(),
        metrics: () => ({ kafka: { brokers: kafka.brokers, lag, ...(lagError !== undefined ? { error: lagError } : {}) } }),
        prometheus: () =>
          '# HELP metron_kafka_consumer_lag Records of the topic not yet committed by the stage group.\n# TYPE metron_kafka_consumer_lag gauge\n' +
          lag.map((l) => `metron_kafka_consumer_lag{group="${l.group}",topic="${l.topic}"} ${l.lag}`).join('\n') +
          '\n',
        users,
        health: () => ({ status: lagError === undefined ? 'UP' : 'DOWN', kafka: lagError ?? 'UP', lag }),
      },
      consoleDir !== undefined ? { consoleDir } : {},
    );
    await app.listen({ port: opts.port, host: opts.host });
    cleanup.add(async () => app.close());
    const address = app.server.address();
    const url = `http://${opts.host}:${typeof address === 'object' && address ? address.port : opts.port}`;
    log.info(`Metron server is up at ${url} (Kafka ${kafka.brokers.join(',')}, OpenSearch ${store.urls.join(', ')})`);
    return {
      url,
      bus,
      stop: () => cleanup.stop(),
    };
  } catch (err) {
    await cleanup.abort();
    throw err;
  }
}

/** `metron server`: runs until SIGTERM/SIGINT. */
export async function runServer(args: string[]): Promise<number> {
  const { values } = parseFlags(() =>
    parseArgs({
      args,
      options: { ...COMMON_FLAGS, brokers: { type: 'string' } },
      strict: true,
    }),
  );
  if (values.help === true) {
    process.stdout.write(SERVER_USAGE);
    return 0;
  }
  const log = createLogger(values.quiet === true);
  const { brokers, kafka } = await bootstrapKafka(values.brokers, values['config-dir']);
  const handle = await startScaleOutServer({
    brokers,
    kafka,
    dataDir: values['data-dir'] ?? 'data',
    port: portFlag(values.port, 8080),
    host: values.host ?? '127.0.0.1',
    ...(process.env['METRON_ADMIN_PASSWORD'] ? { adminPassword: process.env['METRON_ADMIN_PASSWORD'] } : {}),
    log,
  });
  await untilSignal();
  await handle.stop();
  return 0;
}
