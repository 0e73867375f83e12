/**
 * What a started process undoes when it stops (`metron start`, `metron worker`, `metron server`):
 * steps run newest first, so each part closes before what it was built on; a failing step is
 * logged and the rest still run.
 */
import { errorMessage } from '@metron/core';

export class Shutdown {
  private readonly steps: Array<() => Promise<void>> = [];
  private stopped: Promise<void> | undefined;

  constructor(private readonly log: { error(message: string): void }) {}

  /** Adds a step, run before the steps added earlier. */
  add(step: () => Promise<unknown> | unknown): void {
    this.steps.unshift(async () => {
      await step();
    });
  }

  /** Runs the steps once; later calls answer the same promise. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      for (const step of this.steps) {
        try {
          await step();
        } catch (err) {
          this.log.error(`shutdown: ${errorMessage(err)}`);
        }
      }
    })();
    return this.stopped;
  }

  /** Undoes a start that failed part-way, quietly: the start's own error is the one reported. */
  async abort(): Promise<void> {
    for (const step of this.steps) await step().catch(() => undefined);
  }
}

/** Resolves on the first SIGTERM or SIGINT, with the signal's name (logged with `what`, when given). */
export function untilSignal(log?: { info(message: string): void }, what?: string): Promise<string> {
  return new Promise((resolve) => {
    const on = (sig: string) => {
      if (log !== undefined && what !== undefined) log.info(`${sig}: ${what}`);
      resolve(sig);
    };
    process.once('SIGTERM', () => on('SIGTERM'));
    process.once('SIGINT', () => on('SIGINT'));
  });
}
