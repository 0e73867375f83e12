import { errorMessage } from '@metron/core';
import { TelemetryGenerator, type DemoSensor } from './generator.js';

export interface DemoFeederOptions {
  /** Appends raw records to a sensor's topic (resolves when durable). */
  ingest(sensor: string, records: Buffer[]): Promise<void>;
  /** Sensors to feed, with their share of the events. */
  sensors: Partial<Record<DemoSensor, number>>;
  /** Total events per second. */
  rate: number;
  seed?: number;
  onError?(message: string): void;
}

/** Feeds the demo sensors at a steady rate, in small batches every 100 ms. */
export class DemoFeeder {
  private timer: NodeJS.Timeout | undefined;
  private readonly gen: TelemetryGenerator;
  private carry = 0;
  private busy = false;

  constructor(private readonly opts: DemoFeederOptions) {
    this.gen = new TelemetryGenerator(opts.seed ?? 7);
  }

  start(): void {
    const entries = Object.entries(this.opts.sensors) as Array<[DemoSensor, number]>;
    const total = entries.reduce((a, [, w]) => a + w, 0) || 1;
    this.timer = setInterval(() => {
      if (this.busy) return; // the log is slower than the feed: skip a tick rather than pile up
      this.carry += this.opts.rate / 10;
      const n = Math.floor(this.carry);
      this.carry -= n;
      if (n === 0) return;
      this.busy = true;
      const jobs = entries.map(([sensor, w]) => {
        const count = Math.max(0, Math.round((n * w) / total));
        const records = Array.from({ length: count }, () => Buffer.from(this.gen.next(sensor)));
        return count > 0 ? this.opts.ingest(sensor, records) : Promise.resolve();
      });
      Promise.all(jobs)
        .catch((err) => this.opts.onError?.(`demo feed: ${errorMessage(err)}`))
        .finally(() => {
          this.busy = false;
        });
    }, 100);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
