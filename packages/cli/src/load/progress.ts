/**
 * The loader's progress on stderr. On a terminal: a bar redrawn in place (with the percentage and
 * the time left when the amount of work is known, a sweeping block when it is not) and the counts.
 * Elsewhere (a pipe, a log file): a plain line per interval, so logs stay readable. The clock is an
 * option, so tests see the same output on every run.
 */
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

/** What one showing of the progress says. */
export interface ProgressView {
  /** What `done` counts: lines, objects, attributes. */
  unit: string;
  done: number;
  loaded: number;
  failed: number;
  /** Shown when given (flatfile filters). */
  filtered?: number;
  /** Share of the work done (0..1), when the amount of work is known (input bytes, events in a manifest). */
  fraction?: number;
}

export interface ProgressOptions {
  /** Least time between two showings, in ms; default 100 on a terminal, 5000 elsewhere. */
  intervalMs?: number;
  /** The clock (epoch ms). */
  now?: () => number;
  /** Width of the bar in characters (default 24). */
  barWidth?: number;
}

type ProgressOut = Writable & { isTTY?: boolean; columns?: number };

export class Progress {
  private readonly now: () => number;
  private readonly startedAt: number;
  private readonly intervalMs: number;
  private readonly barWidth: number;
  private lastShownAt: number;
  private shownInPlace = false;
  private frames = 0;

  constructor(
    private readonly out: ProgressOut,
    private readonly quiet: boolean,
    options: ProgressOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
    this.lastShownAt = this.startedAt;
    this.intervalMs = options.intervalMs ?? (out.isTTY === true ? 100 : 5000);
    this.barWidth = options.barWidth ?? 24;
  }

  /** Shows the view when the interval has passed since the last showing. */
  update(view: ProgressView): void {
    if (this.quiet) return;
    const now = this.now();
    if (now - this.lastShownAt < this.intervalMs) return;
    this.lastShownAt = now;
    const elapsed = now - this.startedAt;
    const counts =
      `${view.done} ${view.unit}, ${view.loaded} rows loaded, ${view.filtered === undefined ? '' : `${view.filtered} filtered, `}${view.failed} failed, ` +
      `${rate(view.done, elapsed)} ${view.unit}/s`;
    const fraction = view.fraction === undefined ? undefined : Math.min(1, Math.max(0, view.fraction));
    if (this.out.isTTY === true) {
      const left = fraction !== undefined && fraction > 0 && fraction < 1 ? `, ${formatDuration((elapsed * (1 - fraction)) / fraction)} left` : '';
      const percent = fraction === undefined ? '' : ` ${String(Math.floor(fraction * 100)).padStart(3)}%`;
      let line = `${this.bar(fraction)}${percent} ${counts}${left}`;
      if (this.out.columns !== undefined && this.out.columns > 0 && line.length > this.out.columns - 1) line = line.slice(0, Math.max(0, this.out.columns - 1));
      this.out.write(`\r${line}\u001b[K`);
      this.shownInPlace = true;
    } else {
      this.out.write(`metron load: ${fraction === undefined ? '' : `${Math.floor(fraction * 100)}%, `}${counts}\n`);
    }
  }

  /** `[█████░░░░░]` filled to the fraction; with no fraction, a block sweeping back and forth. */
  private bar(fraction: number | undefined): string {
    const width = this.barWidth;
    if (fraction !== undefined) {
      const filled = Math.round(fraction * width);
      return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]`;
    }
    const block = 3;
    const span = width - block;
    const step = this.frames++ % (2 * span);
    const at = step <= span ? step : 2 * span - step;
    return `[${' '.repeat(at)}${'█'.repeat(block)}${' '.repeat(width - block - at)}]`;
  }

  /** Ends the in-place line (before other output or the summary). */
  breakLine(): void {
    if (this.shownInPlace) this.out.write('\n');
    this.shownInPlace = false;
  }

  elapsedMs(): number {
    return this.now() - this.startedAt;
  }
}

/** Events per second, rounded. */
export function rate(count: number, ms: number): number {
  return ms <= 0 ? count : Math.round((count * 1000) / ms);
}

/** 42s, 3m05s, 2h07m. */
export function formatDuration(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
