/** Worker-thread entry: parses and enriches batches for the pipeline (see parse-pool.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import type { ParserRunnerConfig } from '@metron/parsers';
import { buildParsers, parseBatch, type ParseBatchInput } from './parse-core.js';
import { buildEnrichers, enrichBatch, type EnrichBatchInput, type EnrichSetup, type SensorEnrichers } from './enrich-core.js';

const data = workerData as { configs: Record<string, ParserRunnerConfig>; global: Record<string, unknown>; enrich?: EnrichSetup };
const parsers = buildParsers(data.configs, data.global);
let enrichers: Promise<SensorEnrichers> | undefined;

type Task = { id: number; kind?: 'parse'; input: ParseBatchInput } | { id: number; kind: 'enrich'; input: EnrichBatchInput };

function reply(id: number, out: { messages: Uint8Array }): void {
  const transfer: ArrayBuffer[] = [];
  if (out.messages.byteLength > 0) transfer.push(out.messages.buffer as ArrayBuffer);
  parentPort?.postMessage({ id, out }, transfer);
}

parentPort?.on('message', (msg: Task) => {
  if (msg.kind === 'enrich') {
    enrichers ??= buildEnrichers(data.enrich ?? { configs: {}, global: data.global });
    enrichers.then((e) => enrichBatch(e, msg.input)).then(
      (out) => reply(msg.id, out),
      (err: unknown) => parentPort?.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) }),
    );
    return;
  }
  try {
    reply(msg.id, parseBatch(parsers, msg.input));
  } catch (err) {
    parentPort?.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
  }
});
