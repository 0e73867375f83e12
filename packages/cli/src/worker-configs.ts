/**
 * `metron config push|pull`: the config directory to and from the compacted config topic that
 * scale-out workers read (see worker.ts). A push validates the whole directory first (a bad file
 * is refused with its path and reason, nothing is published).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MetronError } from '@metron/core';
import { loadConfigDir } from '@metron/core/node';
import { CONFIG_TOPIC, ConfigWatcher, configRecords, kafkaOptionsFromGlobal, openKafkaBus, publishConfigs } from '@metron/pipeline';
import { parseFlags } from './args.js';
import { createLogger } from './log.js';
import { bootstrapKafka } from './worker.js';

export const CONFIG_USAGE = `Usage: metron config <push|pull> --config-dir DIR [--brokers H:P,...] [--replace]

  push   validate DIR (global.json, parsers/, enrichments/, indexing/) and publish every file to the
         compacted Kafka topic ${CONFIG_TOPIC}; running workers apply the changes live.
         --replace also deletes configs that are in the topic but not in DIR.
  pull   write the configs of the topic into DIR.
`;

export async function runConfig(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if (action !== 'push' && action !== 'pull') {
    process.stdout.write(CONFIG_USAGE);
    return action === '--help' || action === '-h' ? 0 : 2;
  }
  const { values } = parseFlags(() =>
    parseArgs({ args: rest, options: { brokers: { type: 'string' }, 'config-dir': { type: 'string' }, replace: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' } }, strict: true }),
  );
  const log = createLogger(values.quiet === true);
  if (values['config-dir'] === undefined) throw new MetronError('INPUT_INVALID', '--config-dir is required');
  const dir = resolve(values['config-dir']);
  const { brokers, kafka } = await bootstrapKafka(values.brokers, action === 'push' ? dir : undefined);
  const set = action === 'push' ? await loadConfigDir(dir) : undefined;
  const bus = await openKafkaBus(kafkaOptionsFromGlobal({ ...kafka, 'kafka.brokers': brokers.join(',') }));
  try {
    const watcher = new ConfigWatcher({ bus, onChange: () => undefined, onInvalid: (err, key) => log.warn(`topic record ${key} skipped: ${(err as Error).message}`) });
    const current = await watcher.load();
    await watcher.stop();
    if (set !== undefined) {
      const n = await publishConfigs(bus, set, { replace: values.replace === true, current });
      log.info(`published ${n} config records from ${dir} to ${CONFIG_TOPIC}`);
      return 0;
    }
    const records = configRecords(current);
    for (const { key, value } of records) {
      const file = join(dir, `${key}.json`);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, JSON.stringify(JSON.parse(value), null, 2) + '\n');
    }
    log.info(`wrote ${records.length} config files from ${CONFIG_TOPIC} into ${dir}`);
    return 0;
  } finally {
    await bus.close();
  }
}
