/** The loader's progress line on stderr: rewritten in place on a terminal, a line per interval otherwise. */
import type { Writable } from 'node:stream';

export interface LoadCounts {
  lines: number;
  loaded: number;
  filtered: number;
  skipped: number;
  failed: number;
  /** Rows whose expiry had already passed: written as removals. */
  expired: number;
}

export function emptyCounts(): LoadCounts {
  return { lines: 0, loaded: 0, filtered: 0, skipped: 0, failed: 0, expired: 0 };
}

export class Progress {
  private readonly startedAt = Date.now();
  private lastShownAt = this.startedAt;
  private shownInPlace = false;

  constructor(
    private readonly out: Writable & { isTTY?: boolean },
    private readonly quiet: boolean,
    private readonly intervalMs = 1000,
  ) {}

  /** Shows the counts when the interval has passed since the last showing. */
  update(counts: LoadCounts): void {
    if (this.quiet) return;
    const now = Date.now();
    if (now - this.lastShownAt < this.intervalMs) return;
    this.lastShownAt = now;
    const line = `metron load: ${counts.lines} lines, ${counts.loaded} rows loaded, ${counts.filtered} filtered, ${counts.failed} failed, ${rate(counts.lines, now - this.startedAt)} lines/s`;
    if (this.out.isTTY) {
      this.out.write(`\r${line}\u001b[K`);
      this.shownInPlace = true;
    } else {
      this.out.write(`${line}\n`);
    }
  }

  /** Ends the in-place line (before other output or the summary). */
  breakLine(): void {
    if (this.shownInPlace) this.out.write('\n');
    this.shownInPlace = false;
  }

  elapsedMs(): number {
    return Date.now() - this.startedAt;
  }
}

/** Events per second, rounded. */
export function rate(count: number, ms: number): number {
  return ms <= 0 ? count : Math.round((count * 1000) / ms);
}
