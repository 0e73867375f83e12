/** Worker-thread entry: parses and enriches batches for the pipeline (see parse-pool.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import type { ParserRunnerConfig } from '@metron/parsers';
import { buildParsers, parseBatch, type ParseBatchInput } from './parse-core.js';
import { buildEnrichers, enrichBatch, type EnrichBatchInput, type EnrichSetup } from './enrich-core.js';
import { EnricherGeneration } from './enricher-generation.js';
import { parseEnrichBatch } from './parse-enrich.js';

const data = workerData as { configs: Record<string, ParserRunnerConfig>; global: Record<string, unknown>; enrich?: EnrichSetup };
const parsers = buildParsers(data.configs, data.global);
let enrichSetup: EnrichSetup = data.enrich ?? { configs: {}, global: data.global };
let enrichers: EnricherGeneration | undefined;

/** A live reload: the parsers of `changed` sensors rebuilt, the enrichers replaced (see ParsePool.reconfigure). */
interface Reload {
  id: number;
  kind: 'reload';
  configs: Record<string, ParserRunnerConfig>;
  global: Record<string, unknown>;
  enrich: EnrichSetup;
  changed: string[];
}

type Task =
  | { id: number; kind?: 'parse'; input: ParseBatchInput }
  | { id: number; kind: 'parse-enrich'; input: ParseBatchInput }
  | { id: number; kind: 'enrich'; input: EnrichBatchInput }
  | Reload;

function reply(id: number, out: { messages: Uint8Array }): void {
  const transfer: ArrayBuffer[] = [];
  if (out.messages.byteLength > 0) transfer.push(out.messages.buffer as ArrayBuffer);
  parentPort?.postMessage({ id, out }, transfer);
}

function fail(id: number, err: unknown): void {
  parentPort?.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
}

/** Switches at once (tasks after this message use the new configs); resolves when the new enrichers are ready. */
async function reload(msg: Reload): Promise<void> {
  const rebuilt = buildParsers(Object.fromEntries(msg.changed.map((s) => [s, msg.configs[s] as ParserRunnerConfig])), msg.global);
  for (const sensor of [...parsers.keys()]) if (!Object.hasOwn(msg.configs, sensor)) parsers.delete(sensor);
  for (const [sensor, parser] of rebuilt) parsers.set(sensor, parser);
  const next = new EnricherGeneration(buildEnrichers(msg.enrich));
  enrichers?.retire();
  enrichers = next;
  enrichSetup = msg.enrich;
  await next.enrichers;
}

parentPort?.on('message', (msg: Task) => {
  if (msg.kind === 'reload') {
    reload(msg).then(() => parentPort?.postMessage({ id: msg.id, out: { reloaded: true } }), (err: unknown) => fail(msg.id, err));
    return;
  }
  if (msg.kind === 'parse-enrich') {
    enrichers ??= new EnricherGeneration(buildEnrichers(enrichSetup));
    enrichers.use((e) => parseEnrichBatch(parsers, e, msg.input)).then((out) => reply(msg.id, out), (err: unknown) => fail(msg.id, err));
    return;
  }
  if (msg.kind === 'enrich') {
    enrichers ??= new EnricherGeneration(buildEnrichers(enrichSetup));
    enrichers.use((e) => enrichBatch(e, msg.input)).then((out) => reply(msg.id, out), (err: unknown) => fail(msg.id, err));
    return;
  }
  try {
    reply(msg.id, parseBatch(parsers, msg.input));
  } catch (err) {
    fail(msg.id, err);
  }
});
