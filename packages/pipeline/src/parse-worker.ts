/** Worker-thread entry: parses batches for the pipeline's parse stage (see parse-pool.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import type { ParserRunnerConfig } from '@metron/parsers';
import { buildParsers, parseBatch, type ParseBatchInput } from './parse-core.js';

const data = workerData as { configs: Record<string, ParserRunnerConfig>; global: Record<string, unknown> };
const parsers = buildParsers(data.configs, data.global);

parentPort?.on('message', (msg: { id: number; input: ParseBatchInput }) => {
  try {
    const out = parseBatch(parsers, msg.input);
    const transfer: ArrayBuffer[] = [];
    if (out.messages.byteLength > 0) transfer.push(out.messages.buffer as ArrayBuffer);
    parentPort?.postMessage({ id: msg.id, out }, transfer);
  } catch (err) {
    parentPort?.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
  }
});
