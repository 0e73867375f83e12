/** Test support: a recording sink and event counters, and a poll-until helper. */
import type { RecordSink, SourceEvents, SourceLogger } from './types.js';
import { seededRandom } from '@metron/core';
export { seededRandom };

export interface Refusal {
  sensor: string;
  reason: string;
  raw: string;
}

export interface Recorder {
  sink: RecordSink;
  events: SourceEvents;
  logger: SourceLogger;
  /** Records delivered, decoded as UTF-8, in sink order. */
  records: string[];
  /** Sink calls (record counts). */
  batches: number[];
  refusals: Refusal[];
  received: { n: number; bytes: number };
  warnings: string[];
  /** Replaced by tests to slow down or fail the sink; runs before records are accepted. */
  gate: (records: Buffer[]) => Promise<void>;
}

/** A sink that records what it is given once `gate` resolves. */
export function createRecorder(): Recorder {
  const recorder: Recorder = {
    records: [],
    batches: [],
    refusals: [],
    received: { n: 0, bytes: 0 },
    warnings: [],
    gate: async () => {},
    sink: async (_sensor, records) => {
      await recorder.gate(records);
      recorder.batches.push(records.length);
      for (const record of records) recorder.records.push(record.toString('utf8'));
    },
    events: {
      received: (_sensor, n, bytes) => {
        recorder.received.n += n;
        recorder.received.bytes += bytes;
      },
      refused: (sensor, reason, raw) => {
        recorder.refusals.push({ sensor, reason, raw: raw.toString('utf8') });
      },
    },
    logger: {
      info: () => {},
      warn: (message) => {
        recorder.warnings.push(message);
      },
    },
  };
  return recorder;
}

/** Polls `predicate` every 5 ms until it holds; throws after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

