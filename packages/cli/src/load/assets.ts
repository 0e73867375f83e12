/**
 * `metron load assets|identities`: the asset inventory and user identities that the `asset` and
 * `identity` enrichment adapters read, into the embedded LMDB store (<data-dir>/kv) or Redis.
 *
 * - assets: CSV (header row), NDJSON or a JSON array of assets keyed by `ip` and/or `hostname`,
 *   with owner, criticality, os, tags and any other columns. Each load replaces the inventory
 *   (an asset missing from the new input is gone); readers switch to the new inventory at once.
 *   An input that cannot be read, or whose every asset is bad, replaces nothing.
 * - identities: records of ip, user, timestamp[, end], merged into the identity history of each
 *   address (the same record loaded twice is stored once).
 *
 * A bad record is reported as `file:line: reason` on stderr and skipped; the summary goes to
 * stderr and one JSON object to stdout. Exit code: 0 all loaded, 1 some records failed (the rest
 * is loaded) or the store failed, 2 usage error.
 */
import { constants, createReadStream, existsSync } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { errorMessage, MetronError } from '@metron/core';
import { loadConfigFile } from '@metron/core/node';
import {
  assetFromFields,
  identityFromFields,
  IdentityStore,
  parseDurationMs,
  streamRecords,
  replaceInventory,
  DEFAULT_RETENTION_MS,
  type AssetRecord,
  type InputRecord,
  type IdentityAssignment,
  type RecordFormat,
} from '@metron/enrichment';
import type { KeyValueStore } from '@metron/storage';
import { parseFlags } from '../args.js';
import { resolveConfigDir } from '../start.js';
import { ENRICHMENT_STORE_DIR } from '../stellar.js';
import { configuredTarget, type LoadIo } from './load.js';
import { textOf } from './threat-intel.js';

const USAGE = `metron load assets -i FILE[,FILE...] [options]
metron load identities -i FILE[,FILE...] [options]

  assets      replaces the asset inventory: CSV with a header row, NDJSON or a JSON array; each
              asset has "ip" and/or "hostname", and optionally owner, criticality, os, tags
              (a list, or a cell of tags separated by , ; or |) and any other columns (kept as text)
  identities  adds user identities over time: ip, user, timestamp (epoch ms or ISO 8601) and
              optionally end; kept per address for --retention after its newest record
Options:
  -i, --input PATHS     files, comma-separated; - for stdin
  --format F            csv, json or ndjson (default: by the file's extension, else its first character)
  --retention DURATION  identities: how long history is kept (default 30d)
  -q, --quiet           no summary on stderr (bad records are still shown)
  --backend lmdb|redis  where the tables live (default: the config's kv.backend, else lmdb)
  --data-dir DIR        LMDB: the store is DIR/${ENRICHMENT_STORE_DIR} (default ./data)
  --redis-url URL       Redis: the server (default the config's kv.redis.url, else $METRON_REDIS_URL,
                        else redis://127.0.0.1:6379)
  --config-dir DIR      whose global.json kv.backend / kv.redis.url say where the pipeline reads,
                        when no --backend, --data-dir or --redis-url is given (default ./config if
                        present, else the built-in configs)
Exit code: 0 all records loaded; 1 some records failed (the rest is loaded); 2 usage error.
`;

const OPTIONS = {
  input: { type: 'string', short: 'i' },
  format: { type: 'string' },
  retention: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  backend: { type: 'string' },
  'data-dir': { type: 'string' },
  'redis-url': { type: 'string' },
  'config-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Bad records shown one by one; past this, only counted. */
const SHOWN_FAILURES = 20;

interface Input {
  name: string;
  /** The input's text in pieces, read once. */
  pieces(): AsyncIterable<string>;
}

/** The inputs named by --input; each file must be there and readable now (it is read later, in pieces). */
async function readInputs(list: string, stdin: Readable): Promise<Input[]> {
  const names = list.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (names.length === 0) throw new MetronError('INPUT_INVALID', '--input names no file');
  const inputs: Input[] = [];
  for (const name of names) {
    if (name === '-') {
      inputs.push({ name: '(stdin)', pieces: () => textOf(stdin) });
      continue;
    }
    try {
      await access(name, constants.R_OK);
      if (!(await stat(name)).isFile()) throw new Error('not a file');
    } catch (err) {
      throw new MetronError('INPUT_INVALID', `--input: cannot read ${name}: ${errorMessage(err)}`);
    }
    inputs.push({ name, pieces: () => textOf(createReadStream(name, { highWaterMark: 1 << 20 })) });
  }
  return inputs;
}

/**
 * Reads every record of the inputs through `convert`, one at a time; bad ones are reported and
 * counted. An input that cannot be read as a whole is reported and marks `state.unreadable` (the
 * records before the point where that was found out have been given).
 */
async function* convertAll<T>(inputs: Input[], format: RecordFormat | undefined, convert: (fields: Readonly<Record<string, unknown>>) => T, io: LoadIo, counts: { records: number; failed: number }, state: { unreadable: boolean }): AsyncGenerator<T & { where: string }> {
  const fail = (where: string, reason: string) => {
    counts.failed++;
    if (counts.failed <= SHOWN_FAILURES) io.stderr.write(`metron load: ${where}: ${reason}\n`);
  };
  for (const input of inputs) {
    const records = streamRecords(input.pieces(), format, input.name);
    for (;;) {
      let next: IteratorResult<InputRecord>;
      try {
        next = await records.next();
      } catch (err) {
        io.stderr.write(`metron load: ${input.name}: ${errorMessage(err)}\n`);
        state.unreadable = true;
        break;
      }
      if (next.done === true) break;
      const record = next.value;
      counts.records++;
      const where = `${input.name}:${record.line}`;
      if (record.error !== undefined) {
        fail(where, record.error);
        continue;
      }
      let converted: T;
      try {
        converted = convert(record.fields);
      } catch (err) {
        fail(where, errorMessage(err));
        continue;
      }
      yield { ...converted, where };
    }
  }
  if (counts.failed > SHOWN_FAILURES) io.stderr.write(`metron load: ${counts.failed - SHOWN_FAILURES} more bad records not shown\n`);
}

/** Identities are recorded in groups of this many records, so an input of any size loads in bounded memory. */
const IDENTITY_GROUP = 50_000;

/** Entry point of `metron load assets` and `metron load identities`. Returns the exit code. */
export async function runLoadAssets(kind: 'assets' | 'identities', args: string[], io: LoadIo): Promise<number> {
  let values;
  let target;
  let inputs: Input[];
  let retentionMs = DEFAULT_RETENTION_MS;
  let format: RecordFormat | undefined;
  try {
    ({ values } = parseFlags(() => parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false })));
    if (values.help) {
      io.stdout.write(USAGE);
      return 0;
    }
    if (values.input === undefined || values.input.trim() === '') throw new MetronError('INPUT_INVALID', '--input (-i) is required');
    if (values.format !== undefined) {
      if (values.format !== 'csv' && values.format !== 'json' && values.format !== 'ndjson') throw new MetronError('INPUT_INVALID', `--format must be csv, json or ndjson, got '${values.format}'`);
      format = values.format;
    }
    if (values.retention !== undefined) {
      if (kind !== 'identities') throw new MetronError('INPUT_INVALID', '--retention goes with identities');
      const parsed = parseDurationMs(values.retention);
      if (parsed === undefined || !/[a-z]\s*$/.test(values.retention)) throw new MetronError('INPUT_INVALID', `--retention must be a duration such as 12h, 30d or 2w, got '${values.retention}'`);
      retentionMs = parsed;
    }
    // where the pipeline reads: the config's kv.backend, unless a flag says otherwise
    const globalFile = join(resolveConfigDir(values['config-dir']), 'global.json');
    const global: Readonly<Record<string, unknown>> = existsSync(globalFile) ? await loadConfigFile('global', globalFile) : {};
    const configured = configuredTarget({ backend: values.backend, dataDir: values['data-dir'], redisUrl: values['redis-url'] }, global, globalFile);
    for (const note of configured.notes) io.stderr.write(`metron load ${kind}: note: ${note}\n`);
    const chosen = configured.target;
    target = { backend: chosen.backend, where: `${chosen.backend === 'lmdb' ? 'LMDB' : 'Redis'} at ${chosen.where}`, open: chosen.open };
    inputs = await readInputs(values.input, io.stdin);
  } catch (err) {
    io.stderr.write(`metron load ${kind}: ${errorMessage(err)}\n`);
    if (err instanceof MetronError && err.code === 'INPUT_INVALID') io.stderr.write(`\n${USAGE}`);
    return 2;
  }
  const counts = { records: 0, failed: 0 };
  const started = Date.now();
  let store: KeyValueStore | undefined;
  try {
    if (kind === 'assets') {
      const state = { unreadable: false };
      const assets: Array<AssetRecord & { where: string }> = [];
      for await (const asset of convertAll<AssetRecord>(inputs, format, assetFromFields, io, counts, state)) assets.push(asset);
      if (state.unreadable || (assets.length === 0 && counts.failed > 0)) {
        io.stderr.write('metron load assets: nothing replaced: the inventory in service stays as it was\n');
        return 1;
      }
      // a later asset wins an address or name that an earlier one had: say so
      const seen = new Map<string, string>();
      let duplicates = 0;
      for (const asset of assets) {
        for (const key of [asset.ip, asset.network, asset.hostname]) {
          if (key === undefined) continue;
          const earlier = seen.get(key);
          if (earlier !== undefined && ++duplicates <= SHOWN_FAILURES) io.stderr.write(`metron load: ${asset.where}: ${key} is also at ${earlier}; this later record wins\n`);
          seen.set(key, asset.where);
        }
      }
      store = await target.open();
      const result = await replaceInventory(store, assets.map(({ where: _where, ...asset }) => asset as AssetRecord), { source: inputs.map((i) => i.name).join(',') });
      const elapsedMs = Date.now() - started;
      if (!values.quiet) {
        io.stderr.write(
          `metron load assets: ${assets.length} assets in service (${target.where}, generation ${result.generation}) from ${counts.records} records: ` +
            `${counts.failed} failed, ${duplicates} duplicate keys; ${result.removedKeys} keys of the previous inventory removed; ${(elapsedMs / 1000).toFixed(1)} s\n`,
        );
      }
      io.stdout.write(`${JSON.stringify({ kind, backend: target.backend, records: counts.records, loaded: assets.length, failed: counts.failed, duplicates, generation: result.generation, removed_keys: result.removedKeys, elapsed_ms: elapsedMs })}\n`);
    } else {
      // Recorded group by group as the inputs are read: identities only add to the history, so a
      // group recorded before an unreadable part is found stays (and is said).
      store = await target.open();
      const identityStore = new IdentityStore(store, { retentionMs, cacheSize: 0 });
      const state = { unreadable: false };
      const addressSeen = new Set<string>();
      let loaded = 0;
      let expired = 0;
      let group = new Map<string, IdentityAssignment[]>();
      let grouped = 0;
      const record = async () => {
        if (grouped === 0) return;
        await identityStore.record(group);
        group = new Map();
        grouped = 0;
      };
      for await (const { ip, assignment } of convertAll(inputs, format, identityFromFields, io, counts, state)) {
        const list = group.get(ip);
        if (list === undefined) group.set(ip, [assignment]);
        else list.push(assignment);
        addressSeen.add(ip);
        loaded++;
        if ((assignment.until ?? assignment.since) + retentionMs <= Date.now()) expired++;
        if (++grouped >= IDENTITY_GROUP) await record();
      }
      await record();
      if (state.unreadable && loaded === 0) {
        io.stderr.write('metron load identities: nothing loaded\n');
        return 1;
      }
      if (state.unreadable) io.stderr.write(`metron load identities: ${loaded} identities were loaded before an input turned out unreadable\n`);
      const addresses = addressSeen.size;
      const elapsedMs = Date.now() - started;
      if (!values.quiet) {
        io.stderr.write(
          `metron load identities: ${loaded} identities for ${addresses} addresses (${target.where}) from ${counts.records} records: ${counts.failed} failed, ` +
            `${expired} already older than the retention (${values.retention ?? '30d'}); ${(elapsedMs / 1000).toFixed(1)} s\n`,
        );
      }
      io.stdout.write(`${JSON.stringify({ kind, backend: target.backend, records: counts.records, loaded, failed: counts.failed, addresses, expired, elapsed_ms: elapsedMs })}\n`);
      if (state.unreadable) return 1;
    }
    return counts.failed > 0 ? 1 : 0;
  } catch (err) {
    io.stderr.write(`metron load ${kind}: ${errorMessage(err)}\n`);
    return 1;
  } finally {
    await store?.close();
  }
}
