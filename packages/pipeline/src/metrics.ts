/**
 * Pipeline counters, per sensor. Every raw record that enters a sensor ends in exactly one
 * terminal counter: `refused` (at the source), `invalid` or `errors` (parse stage), `filtered`,
 * `skipped` (header lines),
 * or `parsed` (it produced messages). Every message a parser emits ends in `indexed`,
 * `not_indexed` (its sensor's search writer is disabled), `index_errors`, or `forwarded` (sent on to another sensor's parser, where it is received). `accounting()` checks both balances, so tests and operators can see a leak.
 */

export const COUNTERS = [
  'received',
  'received_bytes',
  'refused',
  'parsed',
  'messages',
  'invalid',
  'errors',
  'filtered',
  'skipped',
  'enriched',
  'enrich_errors',
  'alerts',
  'indexed',
  'index_errors',
  'not_indexed',
  'archived',
  'forwarded',
] as const;
export type CounterName = (typeof COUNTERS)[number];

/** Help text for each Prometheus metric. */
const HELP: Record<CounterName, string> = {
  received: 'Raw records received by sources',
  received_bytes: 'Raw bytes received by sources',
  refused: 'Raw records refused at the source (oversize, bad framing); sent to the error index',
  parsed: 'Raw records parsed into at least one message',
  messages: 'Messages emitted by parsers',
  invalid: 'Raw records a parser judged invalid; sent to the error index',
  errors: 'Raw records whose parsing failed; sent to the error index',
  filtered: 'Raw records dropped by a configured filter',
  skipped: 'Raw records that carry no event by design (Zeek header lines, CSV comments)',
  enriched: 'Messages passed through the enrichment stage',
  enrich_errors: 'Messages the enrichment stage could not pass on (a failing triage rule); sent to the error index',
  alerts: 'Messages marked as alerts (is_alert) by threat intel or triage',
  indexed: 'Messages written to the search index',
  index_errors: 'Messages the index writer could not write; sent to the error index',
  not_indexed: "Messages not written to the search index because the sensor's indexing config disables its search writer",
  archived: 'Messages written to the Parquet archive (spooled durably; in Parquet files once their part rolls)',
  forwarded: "Messages sent on to another sensor's parser (parser chaining)",
};

export type SensorCounters = Record<CounterName, number>;

function zero(): SensorCounters {
  return Object.fromEntries(COUNTERS.map((c) => [c, 0])) as SensorCounters;
}

export interface LagReading {
  sensor: string;
  stage: string;
  topic: string;
  group: string;
  lag: number;
  /** Sum of the partitions' end offsets, and of the offsets the group has committed (or the earliest kept). */
  end?: number;
  committed?: number;
}

/** What the Parquet archive reports (the fields of ParquetArchive's stats the metrics show). */
export interface ArchiveMetrics {
  files: number;
  rows: number;
  bytes: number;
  rolls: number;
  failedRolls: number;
}

/** The archive's counters as Prometheus metrics: name, help, field. */
const ARCHIVE_METRICS: Array<[string, string, keyof ArchiveMetrics]> = [
  ['metron_archive_files_total', 'Parquet archive files written', 'files'],
  ['metron_archive_rows_total', 'Rows in the Parquet archive files written', 'rows'],
  ['metron_archive_bytes_total', 'Bytes of the Parquet archive files written', 'bytes'],
  ['metron_archive_rolls_total', 'Archive parts rolled into Parquet', 'rolls'],
  ['metron_archive_roll_failures_total', 'Archive rolls that failed (the spool is kept and retried at the next start)', 'failedRolls'],
];

/** Per-sensor counters plus rates computed over a sliding window. */
export class PipelineMetrics {
  private readonly counters = new Map<string, SensorCounters>();
  private readonly startedAt = Date.now();
  private lagProvider: (() => Promise<LagReading[]>) | undefined;
  private archiveProvider: (() => ArchiveMetrics) | undefined;
  private readonly samples: Array<{ at: number; totals: Map<string, SensorCounters> }> = [];

  /** Adds `n` to a sensor's counter. Cheap: call it per batch on the hot path. */
  add(sensor: string, counter: CounterName, n = 1): void {
    if (n === 0) return;
    let c = this.counters.get(sensor);
    if (!c) {
      c = zero();
      this.counters.set(sensor, c);
    }
    c[counter] += n;
  }

  get(sensor: string, counter: CounterName): number {
    return this.counters.get(sensor)?.[counter] ?? 0;
  }

  sensors(): string[] {
    return [...this.counters.keys()].sort();
  }

  snapshotCounters(): Record<string, SensorCounters> {
    const out: Record<string, SensorCounters> = {};
    for (const s of this.sensors()) out[s] = { ...(this.counters.get(s) as SensorCounters) };
    return out;
  }

  setLagProvider(provider: () => Promise<LagReading[]>): void {
    this.lagProvider = provider;
  }

  /** Where the Parquet archive's counters are read (ParquetArchive.stats); without it, metrics show no archive. */
  setArchiveProvider(provider: () => ArchiveMetrics): void {
    this.archiveProvider = provider;
  }

  /** The archive's counters since start, or undefined without an archive. */
  archive(): ArchiveMetrics | undefined {
    const stats = this.archiveProvider?.();
    if (stats === undefined) return undefined;
    return { files: stats.files, rows: stats.rows, bytes: stats.bytes, rolls: stats.rolls, failedRolls: stats.failedRolls };
  }

  /** Records a sample for rate computation; the runtime calls it every few seconds. */
  sample(now = Date.now()): void {
    const totals = new Map<string, SensorCounters>();
    for (const [s, c] of this.counters) totals.set(s, { ...c });
    this.samples.push({ at: now, totals });
    while (this.samples.length > 0 && now - (this.samples[0] as { at: number }).at > 60_000) this.samples.shift();
  }

  /** Per-second rates over the sampled window (up to one minute). */
  rates(): Record<string, Partial<Record<CounterName, number>>> {
    const out: Record<string, Partial<Record<CounterName, number>>> = {};
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.at === first.at) return out;
    const secs = (last.at - first.at) / 1000;
    for (const [sensor, c] of last.totals) {
      const before = first.totals.get(sensor) ?? zero();
      const r: Partial<Record<CounterName, number>> = {};
      for (const name of ['received', 'parsed', 'indexed', 'invalid', 'errors'] as const) {
        r[name] = Math.round(((c[name] - before[name]) / secs) * 100) / 100;
      }
      out[sensor] = r;
    }
    return out;
  }

  /**
   * Balance check: for each sensor, records received = refused + invalid + errors + filtered + skipped +
   * parsed + in flight; messages = indexed + not_indexed + index_errors + forwarded + in flight.
   */
  accounting(): Record<string, { recordsInFlight: number; messagesInFlight: number }> {
    const out: Record<string, { recordsInFlight: number; messagesInFlight: number }> = {};
    for (const [sensor, c] of this.counters) {
      out[sensor] = {
        recordsInFlight: c.received - c.refused - c.invalid - c.errors - c.filtered - c.skipped - c.parsed,
        messagesInFlight: c.messages - c.indexed - c.not_indexed - c.index_errors - c.forwarded - c.enrich_errors,
      };
    }
    return out;
  }

  async lag(): Promise<LagReading[]> {
    return this.lagProvider ? this.lagProvider() : [];
  }

  /** JSON snapshot for `GET /api/v1/metrics`. */
  async snapshot(): Promise<Record<string, unknown>> {
    return {
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      sensors: this.snapshotCounters(),
      rates: this.rates(),
      accounting: this.accounting(),
      lag: await this.lag(),
      ...(this.archiveProvider !== undefined && { archive: this.archive() }),
    };
  }

  /** Prometheus text exposition format 0.0.4. */
  async prometheus(): Promise<string> {
    const lines: string[] = [];
    for (const name of COUNTERS) {
      const metric = `metron_${name}_total`;
      lines.push(`# HELP ${metric} ${HELP[name]}`, `# TYPE ${metric} counter`);
      for (const sensor of this.sensors()) {
        lines.push(`${metric}{sensor="${escapeLabel(sensor)}"} ${this.get(sensor, name)}`);
      }
    }
    const lag = await this.lag();
    lines.push('# HELP metron_consumer_lag Records not yet processed by a stage', '# TYPE metron_consumer_lag gauge');
    for (const l of lag) {
      lines.push(
        `metron_consumer_lag{sensor="${escapeLabel(l.sensor)}",stage="${escapeLabel(l.stage)}",topic="${escapeLabel(l.topic)}",group="${escapeLabel(l.group)}"} ${l.lag}`,
      );
    }
    const archive = this.archive();
    if (archive !== undefined) {
      for (const [metric, help, field] of ARCHIVE_METRICS) lines.push(`# HELP ${metric} ${help}`, `# TYPE ${metric} counter`, `${metric} ${archive[field]}`);
    }
    lines.push('# HELP metron_uptime_seconds Seconds since start', '# TYPE metron_uptime_seconds gauge');
    lines.push(`metron_uptime_seconds ${Math.round((Date.now() - this.startedAt) / 1000)}`);
    return lines.join('\n') + '\n';
  }
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
