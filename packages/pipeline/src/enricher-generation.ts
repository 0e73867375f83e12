/**
 * One generation of compiled enrichers, for live config reloads: a reload puts a new generation in
 * place and retires the old one, which closes its table store (an LMDB handle, a Redis connection)
 * once the batches still running on it have ended.
 */
import type { SensorEnrichers } from './enrich-core.js';

export class EnricherGeneration {
  private inflight = 0;
  private retired = false;

  constructor(readonly enrichers: Promise<SensorEnrichers>) {
    // Until someone awaits it, a failure must not be an unhandled rejection.
    enrichers.catch(() => undefined);
  }

  /** Runs `fn` on these enrichers; the generation stays open until it settles. */
  async use<T>(fn: (enrichers: SensorEnrichers) => T | Promise<T>): Promise<T> {
    this.inflight++;
    try {
      return await fn(await this.enrichers);
    } finally {
      this.inflight--;
      this.closeIfDone();
    }
  }

  /** No new batches will use this generation: close it once the running ones end. */
  retire(): void {
    this.retired = true;
    this.closeIfDone();
  }

  /** Closes now, whatever runs (shutdown). */
  async close(): Promise<void> {
    this.retired = true;
    await this.enrichers.then((e) => e.close(), () => undefined);
  }

  private closeIfDone(): void {
    if (this.retired && this.inflight === 0) void this.enrichers.then((e) => e.close(), () => undefined);
  }
}
