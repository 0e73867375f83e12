/**
 * Pipeline health per sensor and stage, from the pipeline's counters and the log's offsets:
 * rates over the last minute, invalid / error counts with the error-index query that lists them,
 * lag per stage (end offset vs committed offset of each consumer group), and a warning when a
 * sensor goes silent or drops far below its usual rate.
 *
 * The rule (options below, defaults in brackets): a sensor's usual rate is its average rate of
 * received records over the baseline window [60 min] before the recent window [5 min]. Once at
 * least `minBaselineMinutes` [15] of baseline history exist and the usual rate is above zero, the
 * sensor is `silent` when it received nothing in the recent window, and `low` when its rate over
 * the recent window is below `lowRatio` [10 %] of the usual rate. Without enough history it is
 * `warming_up`; a sensor that never received anything is `idle`. Either warning makes the
 * overall status `WARNING`.
 *
 * The samples outlive a restart (`history`, `restore`; `metron start` keeps them in
 * `<data-dir>/health-history.json`, one a minute): the counters of the new run are added to the
 * last ones kept, so a restarted process judges its sensors once its recent window has filled
 * (~5 min) instead of after the whole minimum baseline. The time it was down counts as silence in
 * the baseline, which makes the usual rate lower, never a false warning.
 */
import { ERROR_SENSOR } from '@metron/core';
import { COUNTERS, type CounterName, type LagReading, type PipelineMetrics } from './metrics.js';

export interface HealthRules {
  /** Length of the recent window a sensor is judged on, in minutes (default 5). */
  recentMinutes: number;
  /** Length of the baseline window before it, in minutes (default 60). */
  baselineMinutes: number;
  /** Baseline history needed before a sensor can be judged, in minutes (default 15). */
  minBaselineMinutes: number;
  /** A recent rate below this fraction of the usual rate is `low` (default 0.1). */
  lowRatio: number;
}

export const DEFAULT_HEALTH_RULES: HealthRules = { recentMinutes: 5, baselineMinutes: 60, minBaselineMinutes: 15, lowRatio: 0.1 };

export type SensorHealthState = 'ok' | 'silent' | 'low' | 'warming_up' | 'idle';

/** Per-second rates over the last minute. */
export type StageRates = Record<'received' | 'parsed' | 'messages' | 'enriched' | 'alerts' | 'indexed' | 'invalid' | 'errors' | 'enrich_errors' | 'index_errors' | 'refused', number>;

export interface SensorHealth {
  sensor: string;
  state: SensorHealthState;
  /** Why the state is not `ok`, in words. */
  reason?: string;
  /** Rates over the last minute, events per second. */
  rates: StageRates;
  /** Received records per second over the recent window. */
  recentRate: number;
  /** Received records per second over the baseline window (null while warming up). */
  usualRate: number | null;
  /** Counters since start. */
  totals: Record<CounterName, number>;
  /** Records not yet parsed (the sensor's parse group on its topic). */
  lag: number;
  /** The search request listing this sensor's error records (`POST /api/v1/search/search`). */
  errorSearch: { indices: string[]; query: string };
}

export interface StageHealth extends LagReading {
  /** Sum of the partitions' end offsets and of the group's committed offsets. */
  end: number;
  committed: number;
}

export interface HealthReport {
  status: 'OK' | 'WARNING';
  /** Epoch ms of the report. */
  at: number;
  rules: HealthRules;
  sensors: SensorHealth[];
  stages: StageHealth[];
}

type Totals = Map<string, Record<CounterName, number>>;

/** The samples of a PipelineHealth as kept across restarts (see the file comment). */
export interface HealthHistory {
  version: 1;
  samples: Array<{ at: number; totals: Record<string, Partial<Record<CounterName, number>>> }>;
}

const MINUTE = 60_000;
const RATE_COUNTERS = ['received', 'parsed', 'messages', 'enriched', 'alerts', 'indexed', 'invalid', 'errors', 'enrich_errors', 'index_errors', 'refused'] as const;

/** Counter totals sampled over time (at most one sample per `minIntervalMs`), and the report built from them. */
export class PipelineHealth {
  private samples: Array<{ at: number; totals: Totals }> = [];
  /** The counters of the runs before this one (restore), added to this run's in every sample. */
  private base: Totals = new Map();
  readonly rules: HealthRules;

  constructor(
    private readonly metrics: PipelineMetrics,
    private readonly lag: () => Promise<Array<LagReading & { end?: number; committed?: number }>>,
    private readonly sensors: () => string[],
    rules: Partial<HealthRules> = {},
    private readonly minIntervalMs = 5_000,
  ) {
    this.rules = { ...DEFAULT_HEALTH_RULES, ...rules };
  }

  /** Takes a sample of every sensor's counters; call it every few seconds (extra calls are ignored). */
  sample(now = Date.now()): void {
    const last = this.samples[this.samples.length - 1];
    if (last !== undefined && now - last.at < this.minIntervalMs) return;
    const totals: Totals = new Map(Object.entries(this.metrics.snapshotCounters()));
    for (const [sensor, before] of this.base) totals.set(sensor, added(before, totals.get(sensor)));
    this.samples.push({ at: now, totals });
    while (this.samples.length > 2 && now - (this.samples[0] as { at: number }).at > this.keepMs) this.samples.shift();
  }

  /** How long samples are kept: the baseline and recent windows, and a minute. */
  private get keepMs(): number {
    return (this.rules.recentMinutes + this.rules.baselineMinutes + 1) * MINUTE;
  }

  /** The samples to keep across a restart: the first of each minute, and the newest. */
  history(): HealthHistory {
    const samples: HealthHistory['samples'] = [];
    let minute = Number.NaN;
    this.samples.forEach((s, i) => {
      const m = Math.floor(s.at / MINUTE);
      if (m === minute && i < this.samples.length - 1) return;
      minute = m;
      samples.push({ at: s.at, totals: Object.fromEntries(s.totals) });
    });
    return { version: 1, samples };
  }

  /**
   * Takes the samples of an earlier run (history()) in before this run's, and counts this run's on
   * top of their newest totals. Refuses (returns why, changes nothing) what is not such a history.
   */
  restore(history: unknown, now = Date.now()): string | undefined {
    const why = historyProblem(history);
    if (why !== undefined) return why;
    const firstOwn = this.samples[0]?.at ?? now;
    const restored = (history as HealthHistory).samples
      .filter((s) => s.at < firstOwn && now - s.at <= this.keepMs)
      .sort((a, b) => a.at - b.at)
      .map((s) => ({ at: s.at, totals: new Map(Object.entries(s.totals).map(([sensor, t]) => [sensor, added(t, undefined)])) as Totals }));
    const last = restored[restored.length - 1];
    if (last === undefined) return undefined;
    this.base = last.totals;
    for (const s of this.samples) for (const [sensor, before] of this.base) s.totals.set(sensor, added(before, s.totals.get(sensor)));
    this.samples = [...restored, ...this.samples];
    return undefined;
  }

  /** The oldest sample taken at or after `at` (the newest one when none is). */
  private sampleAt(at: number): { at: number; totals: Totals } | undefined {
    for (const s of this.samples) if (s.at >= at) return s;
    return this.samples[this.samples.length - 1];
  }

  /** The health of every sensor and stage now (takes a sample first). */
  async report(now = Date.now()): Promise<HealthReport> {
    this.sample(now);
    const latest = this.samples[this.samples.length - 1] as { at: number; totals: Totals };
    const current = this.metrics.snapshotCounters();
    const lag = await this.lag();
    const minuteAgo = this.sampleAt(now - MINUTE);
    const recentStart = now - this.rules.recentMinutes * MINUTE;
    const recent = this.sampleAt(recentStart);
    const first = this.samples[0];
    const names = [...new Set([...this.sensors(), ...this.metrics.sensors().filter((s) => s !== ERROR_SENSOR && s !== 'unknown')])].sort();
    const sensors: SensorHealth[] = names.map((sensor) => {
      const totals = current[sensor] ?? zero();
      const count = (s: { totals: Totals } | undefined, c: CounterName): number => s?.totals.get(sensor)?.[c] ?? 0;
      const rates = {} as StageRates;
      const minuteSecs = minuteAgo === undefined ? 0 : (latest.at - minuteAgo.at) / 1000;
      for (const c of RATE_COUNTERS) rates[c] = minuteSecs > 0 ? round((count(latest, c) - count(minuteAgo, c)) / minuteSecs) : 0;
      const recentSecs = recent === undefined ? 0 : (latest.at - recent.at) / 1000;
      const recentCount = count(latest, 'received') - count(recent, 'received');
      const recentRate = recentSecs > 0 ? round(recentCount / recentSecs) : 0;
      // baseline: from the oldest sample still inside the baseline window to the recent window's start
      const baselineFrom = first !== undefined && recent !== undefined ? this.sampleAt(Math.max(first.at, recentStart - this.rules.baselineMinutes * MINUTE)) : undefined;
      const baselineMs = baselineFrom !== undefined && recent !== undefined ? recent.at - baselineFrom.at : 0;
      const judged = baselineMs >= this.rules.minBaselineMinutes * MINUTE && latest.at - (recent?.at ?? latest.at) >= (this.rules.recentMinutes * MINUTE) * 0.9;
      const usualRate = judged ? round((count(recent, 'received') - count(baselineFrom, 'received')) / (baselineMs / 1000)) : null;
      let state: SensorHealthState;
      let reason: string | undefined;
      // this run's counters now (the latest sample may be seconds old) and the runs' before it
      if (totals.received + (this.base.get(sensor)?.received ?? 0) === 0) {
        state = 'idle';
        reason = 'no record received since start (nor in the history kept from before it)';
      } else if (usualRate === null) {
        state = 'warming_up';
        reason = `less than ${this.rules.minBaselineMinutes} min of history to judge the rate against`;
      } else if (usualRate > 0 && recentCount === 0) {
        state = 'silent';
        reason = `nothing received for ${this.rules.recentMinutes} min (usually ${usualRate}/s)`;
      } else if (usualRate > 0 && recentRate < usualRate * this.rules.lowRatio) {
        state = 'low';
        reason = `${recentRate}/s over the last ${this.rules.recentMinutes} min, below ${Math.round(this.rules.lowRatio * 100)}% of the usual ${usualRate}/s`;
      } else {
        state = 'ok';
      }
      const parseLag = lag.filter((l) => l.stage === 'parse' && l.sensor === sensor).reduce((n, l) => n + l.lag, 0);
      return {
        sensor,
        state,
        ...(reason !== undefined ? { reason } : {}),
        rates,
        recentRate,
        usualRate,
        totals,
        lag: parseLag,
        errorSearch: { indices: [ERROR_SENSOR], query: `failed_sensor_type:${quoteTerm(sensor)}` },
      };
    });
    const stages: StageHealth[] = lag.map((l) => ({ ...l, end: l.end ?? 0, committed: l.committed ?? 0 }));
    const warning = sensors.some((s) => s.state === 'silent' || s.state === 'low');
    return { status: warning ? 'WARNING' : 'OK', at: now, rules: this.rules, sensors, stages };
  }
}

/**
 * The report as Prometheus text (format 0.0.4), for alerting outside the console:
 * `metron_sensor_health{sensor,state}` is 1 for the sensor's state and 0 for the others,
 * `metron_sensor_recent_rate` and `metron_sensor_usual_rate` are received records per second.
 */
export function healthPrometheus(report: HealthReport): string {
  const states: SensorHealthState[] = ['ok', 'silent', 'low', 'warming_up', 'idle'];
  const label = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  const lines = [
    '# HELP metron_sensor_health 1 for the state a sensor is in (ok, silent, low, warming_up, idle), 0 for the others',
    '# TYPE metron_sensor_health gauge',
  ];
  for (const s of report.sensors) for (const state of states) lines.push(`metron_sensor_health{sensor="${label(s.sensor)}",state="${state}"} ${s.state === state ? 1 : 0}`);
  lines.push('# HELP metron_sensor_recent_rate Records received per second over the recent window', '# TYPE metron_sensor_recent_rate gauge');
  for (const s of report.sensors) lines.push(`metron_sensor_recent_rate{sensor="${label(s.sensor)}"} ${s.recentRate}`);
  lines.push('# HELP metron_sensor_usual_rate Records received per second over the baseline window (absent while warming up)', '# TYPE metron_sensor_usual_rate gauge');
  for (const s of report.sensors) if (s.usualRate !== null) lines.push(`metron_sensor_usual_rate{sensor="${label(s.sensor)}"} ${s.usualRate}`);
  return lines.join('\n') + '\n';
}

/** Counters `a` plus `b` (either may lack some). */
function added(a: Partial<Record<CounterName, number>>, b: Partial<Record<CounterName, number>> | undefined): Record<CounterName, number> {
  const out = zero();
  for (const c of COUNTERS) out[c] = (a[c] ?? 0) + (b?.[c] ?? 0);
  return out;
}

/** Why a value is not a HealthHistory, or undefined when it is one. */
function historyProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return 'not an object';
  const h = value as Partial<HealthHistory>;
  if (h.version !== 1) return `unknown version ${JSON.stringify(h.version)}`;
  if (!Array.isArray(h.samples)) return '$.samples is not a list';
  for (const [i, s] of h.samples.entries()) {
    if (s === null || typeof s !== 'object' || typeof s.at !== 'number' || !Number.isFinite(s.at)) return `$.samples[${i}].at is not a time`;
    if (s.totals === null || typeof s.totals !== 'object' || Array.isArray(s.totals)) return `$.samples[${i}].totals is not an object`;
    for (const [sensor, t] of Object.entries(s.totals)) {
      if (t === null || typeof t !== 'object' || Array.isArray(t)) return `$.samples[${i}].totals.${sensor} is not an object`;
      for (const [c, n] of Object.entries(t)) if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) return `$.samples[${i}].totals.${sensor}.${c} is not a count`;
    }
  }
  return undefined;
}

function zero(): Record<CounterName, number> {
  return Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Record<CounterName, number>;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/** A Lucene term for a sensor name: quoted (sensor names may hold '.' and '-'). */
function quoteTerm(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}
