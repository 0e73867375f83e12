import { createInterface, type Interface } from 'node:readline';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { readFileSync, appendFileSync, existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  compile,
  defaultRegistry,
  fromJson,
  JFloat,
  JInt,
  JLong,
  toJson,
  typeName,
  type FunctionRegistry,
  type StellarValue,
} from '@metron/stellar';
import { errorMessage } from '@metron/core';
import { loadConfigFile } from '@metron/core/node';
import { installStellarModules, tableBackend, unavailableEnrichmentService } from '@metron/pipeline';
import { EnrichmentTables, lmdbStoreExists, openLmdbStore, openRedisStore, redactRedisUrl, type KeyValueStore } from '@metron/storage';
import { parseFlags } from './args.js';
import { resolveConfigDir } from './start.js';

/** A JSON value as the Stellar value of the given Java type (`int`, `long`, `float`, `double`, ...). */
export function typedValue(value: unknown, javaType: string | undefined): StellarValue {
  if (typeof value === 'number' && javaType) {
    switch (javaType.toLowerCase()) {
      case 'int':
      case 'integer':
      case 'short':
      case 'byte':
        return new JInt(value);
      case 'long':
        return new JLong(BigInt(Math.trunc(value)));
      case 'float':
        return new JFloat(value);
      case 'double':
        return value;
    }
  }
  if (typeof value === 'string' && javaType) {
    const t = javaType.toLowerCase();
    if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') {
      const n = Number(value);
      if (t === 'double') return n;
      if (t === 'float') return new JFloat(n);
    }
    if (t === 'long' && /^-?\d+$/.test(value)) return new JLong(BigInt(value));
  }
  return untyped(value);
}

/** Without a declared type, integers are int (long past 32 bits) and decimals double. */
function untyped(value: unknown): StellarValue {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return value;
    return value >= -2147483648 && value <= 2147483647 ? new JInt(value) : new JLong(BigInt(value));
  }
  if (Array.isArray(value)) return value.map(untyped);
  if (value !== null && typeof value === 'object') {
    const m = new Map<StellarValue, StellarValue>();
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) m.set(k, untyped(v));
    return m;
  }
  return fromJson(value);
}

interface BatchRequest {
  expr?: unknown;
  variables?: Record<string, unknown>;
  variable_types?: Record<string, string>;
  mode?: 'run' | 'predicate';
}

/** Evaluates one batch-mode request; the answer is one JSON object. */
export function evaluateRequest(line: string, registry: FunctionRegistry): Record<string, unknown> {
  let req: BatchRequest;
  try {
    req = JSON.parse(line) as BatchRequest;
  } catch (err) {
    return { error: `invalid JSON input: ${errorMessage(err)}` };
  }
  if (typeof req !== 'object' || req === null || typeof req.expr !== 'string') return { error: 'input needs "expr" (a string)' };
  const vars: Record<string, StellarValue> = {};
  for (const [k, v] of Object.entries(req.variables ?? {})) vars[k] = typedValue(v, req.variable_types?.[k]);
  try {
    const compiled = compile(req.expr, { functions: registry });
    const result = req.mode === 'predicate' ? compiled.predicate(vars) : compiled.run(vars);
    return { result: toJson(result), type: typeName(result) };
  } catch (err) {
    return { error: errorMessage(err) };
  }
}

const HELP = `Stellar REPL. Type an expression to evaluate it.
  x := expr          assign a variable
  %functions [text]  list functions (optionally those whose name contains text)
  %vars              list variables
  ?NAME              help for a function
  %help              this text; Ctrl-D or %quit to leave
A line ending in \\ (or with unclosed brackets) continues on the next line.`;

/** The data directory's LMDB environment holding the enrichment and threat-intel tables. */
export const ENRICHMENT_STORE_DIR = 'kv';

/** The modules installed for the REPL, to report and to close. */
export interface ReplModules {
  /** One line per module: what it serves from where. */
  summary: string[];
  close(): Promise<void>;
}

/**
 * Installs the module-backed functions' services: grok, kafka (properties from the config dir's
 * global.json; no broker) and the enrichment tables of the data dir, opened read-only so a running
 * server keeps writing them, or in Redis when the global config says so (`kv.backend`). Without
 * tables there, ENRICHMENT_* fail saying where they looked.
 */
export async function installReplModules(registry: FunctionRegistry, opts: { configDir?: string; dataDir: string }): Promise<ReplModules> {
  const globalFile = join(resolveConfigDir(opts.configDir), 'global.json');
  const global: Readonly<Record<string, unknown>> = existsSync(globalFile) ? await loadConfigFile('global', globalFile) : {};
  const backend = tableBackend(global, globalFile);
  let storePath = join(resolve(opts.dataDir), ENRICHMENT_STORE_DIR);
  let store: KeyValueStore | undefined;
  let missing = `no enrichment tables at ${storePath}: load enrichment data into that data directory, or pass --data-dir`;
  if (backend.backend === 'redis') {
    storePath = `Redis at ${redactRedisUrl(backend.url)}`;
    try {
      store = await openRedisStore({ url: backend.url, readOnly: true, ...(backend.cacheTtlMs !== undefined ? { cacheTtlMs: backend.cacheTtlMs } : {}) });
    } catch (err) {
      missing = errorMessage(err);
    }
  } else if (lmdbStoreExists(storePath)) store = openLmdbStore({ path: storePath, readOnly: true });
  installStellarModules(registry, {
    globalConfig: () => global,
    enrichment: store !== undefined ? new EnrichmentTables(store) : unavailableEnrichmentService(missing),
  });
  return {
    summary: [
      'grok: the common pattern library',
      `kafka: properties from ${existsSync(globalFile) ? globalFile : 'the defaults'} (no broker: KAFKA_PROPS only)`,
      `enrichment: ${store !== undefined ? `tables at ${storePath} (read-only)` : `none (${missing})`}`,
    ],
    close: async () => {
      await store?.close();
    },
  };
}

/** `metron stellar [--json]`: the REPL, or batch mode over JSON lines on stdin. */
export async function runStellar(args: string[]): Promise<number> {
  const { values } = parseFlags(() =>
    parseArgs({
      args,
      options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, 'config-dir': { type: 'string' }, 'data-dir': { type: 'string' } },
      strict: true,
    }),
  );
  if (values.help) {
    process.stdout.write(
      `metron stellar          interactive Stellar REPL\nmetron stellar --json   evaluate JSON lines {"expr","variables","variable_types"?,"mode"?} from stdin\n` +
        `  --config-dir DIR      global.json for KAFKA_PROPS (default: ./config if present, else the built-in configs)\n` +
        `  --data-dir DIR        enrichment tables for ENRICHMENT_GET/ENRICHMENT_EXISTS in DIR/${ENRICHMENT_STORE_DIR} (default ./data)\n`,
    );
    return 0;
  }
  const registry = defaultRegistry();
  const modules = await installReplModules(registry, {
    ...(values['config-dir'] !== undefined ? { configDir: values['config-dir'] } : {}),
    dataDir: values['data-dir'] ?? 'data',
  });
  try {
    if (values.json) {
      const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
      for await (const line of rl) {
        if (line.trim() === '') continue;
        process.stdout.write(JSON.stringify(evaluateRequest(line, registry)) + '\n');
      }
      return 0;
    }
    return await repl(registry, modules.summary);
  } finally {
    await modules.close();
  }
}

function show(v: StellarValue): string {
  if (typeof v === 'string') return v;
  return JSON.stringify(toJson(v));
}

/** Whether brackets and quotes are still open, so the input continues. */
function incomplete(text: string): boolean {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
  }
  return depth > 0 || quote !== null;
}

async function repl(registry: FunctionRegistry, modules: readonly string[]): Promise<number> {
  const vars: Record<string, StellarValue> = {};
  const historyFile = join(homedir(), '.metron_stellar_history');
  let history: string[] = [];
  try {
    history = readFileSync(historyFile, 'utf8').split('\n').filter(Boolean).reverse().slice(0, 500);
  } catch {
    // no history yet
  }
  const names = () => [...registry.list().map((f) => f.name), ...Object.keys(vars)];
  const rl: Interface = createInterface({
    input: process.stdin,
    output: process.stdout,
    prompt: '[Stellar]>>> ',
    history,
    historySize: 500,
    completer: (line: string) => {
      const m = /[A-Za-z_][\w.:]*$/.exec(line);
      const word = m ? m[0] : '';
      const hits = names().filter((n) => n.toLowerCase().startsWith(word.toLowerCase()));
      return [hits, word];
    },
  });
  process.stdout.write(`Stellar REPL: ${registry.list().length} functions. %help for help.\n${modules.map((m) => `  module ${m}\n`).join('')}`);
  rl.prompt();
  let buffer = '';
  for await (const raw of rl) {
    let line = raw;
    if (line.endsWith('\\')) {
      buffer += line.slice(0, -1) + '\n';
      process.stdout.write('... ');
      continue;
    }
    line = buffer + line;
    if (incomplete(line)) {
      buffer = line + '\n';
      process.stdout.write('... ');
      continue;
    }
    buffer = '';
    const input = line.trim();
    if (input) {
      try {
        appendFileSync(historyFile, input.replace(/\n/g, ' ') + '\n', { mode: 0o600 });
      } catch {
        // history is best effort
      }
    }
    if (input === '%quit' || input === '%exit') break;
    try {
      if (input === '') {
        // nothing
      } else if (input === '%help') {
        process.stdout.write(HELP + '\n');
      } else if (input.startsWith('%functions')) {
        const filter = input.slice('%functions'.length).trim().toLowerCase();
        const list = registry.list().filter((f) => !filter || f.name.toLowerCase().includes(filter));
        process.stdout.write(list.map((f) => f.name).join(', ') + '\n');
      } else if (input === '%vars') {
        for (const [k, v] of Object.entries(vars)) process.stdout.write(`${k} = ${show(v)} (${typeName(v)})\n`);
      } else if (input.startsWith('?')) {
        const f = registry.get(input.slice(1).trim());
        if (!f) process.stdout.write(`no function named ${input.slice(1).trim()}\n`);
        else {
          process.stdout.write(`${f.name}\n  ${f.description}\n`);
          for (const p of f.params) process.stdout.write(`  - ${p}\n`);
          process.stdout.write(`  returns: ${f.returns}\n`);
        }
      } else {
        const assign = /^([A-Za-z_][\w.]*)\s*:=\s*([\s\S]+)$/.exec(input);
        const expr = assign ? (assign[2] as string) : input;
        const compiled = compile(expr, { functions: registry });
        const value = compiled.run(vars);
        if (assign) vars[assign[1] as string] = value;
        process.stdout.write(show(value) + '\n');
      }
    } catch (err) {
      const caret = (err as { caret?: () => string }).caret;
      process.stdout.write(`[!] ${errorMessage(err)}\n${typeof caret === 'function' ? caret.call(err) + '\n' : ''}`);
    }
    rl.prompt();
  }
  rl.close();
  return 0;
}
