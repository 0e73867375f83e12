import { setTimeout as sleep } from 'node:timers/promises';
import type { RecordSink, SourceLogger } from './types.js';

export interface DeliverOptions {
  /** Aborted when the source stops: no further retries (one attempt is always made). */
  signal: AbortSignal;
  logger: SourceLogger;
  /** Source name for the log line. */
  source: string;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * Hands records to the sink, retrying with capped exponential backoff and jitter until the sink
 * resolves or the source stops. While this is pending the caller holds back its input (socket
 * paused, queue bounded, file position not advanced), so a failing log slows senders instead of
 * growing memory. Returns false when the source stopped before the records were durable.
 */
export async function deliverWithRetry(
  sink: RecordSink,
  sensor: string,
  records: Buffer[],
  options: DeliverOptions,
): Promise<boolean> {
  let backoff = options.initialBackoffMs ?? 50;
  const maxBackoff = options.maxBackoffMs ?? 5_000;
  for (let attempt = 1; ; attempt++) {
    try {
      await sink(sensor, records);
      if (attempt > 1) options.logger.info('source sink recovered', { source: options.source, sensor, attempts: attempt });
      return true;
    } catch (error) {
      if (options.signal.aborted) return false;
      if (attempt === 1) {
        options.logger.warn('source sink failed; retrying with backoff', {
          source: options.source,
          sensor,
          error: error instanceof Error ? error.message : String(error),
        });
      }
      try {
        await sleep(backoff / 2 + Math.random() * (backoff / 2), undefined, { signal: options.signal });
      } catch {
        return false; // aborted while waiting
      }
      backoff = Math.min(maxBackoff, backoff * 2);
    }
  }
}
