import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ParserRunnerConfig } from '@metron/parsers';
import { buildParsers, parseBatch, type ParseBatchInput, type ParseBatchOutput, type SensorParsers } from './parse-core.js';
import { buildEnrichers, enrichBatch, type EnrichBatchInput, type EnrichBatchOutput, type EnrichSetup } from './enrich-core.js';
import { EnricherGeneration } from './enricher-generation.js';
import { parseEnrichBatch, type ParseEnrichOutput } from './parse-enrich.js';

/** A worker that dies within this long of its start counts as failing to start (see spawn). */
const QUICK_EXIT_MS = 1000;
/** Longest wait before starting again a worker that keeps failing to start. */
const MAX_RESPAWN_DELAY_MS = 5000;

/** A worker slot: its worker, tasks in flight, and why it is down while a restart waits. */
interface WorkerSlot {
  worker: Worker;
  busy: number;
  /** Set while a worker that failed to start waits to be started again: tasks fail at once with it. */
  down: Error | undefined;
  /** Workers of this slot in a row that died within QUICK_EXIT_MS of their start. */
  quickExits: number;
}

/**
 * Runs the parse step on worker threads so parsing uses other cores while the main thread moves
 * records through the log and the index. With `workers: 0` it parses inline.
 */
export class ParsePool {
  private readonly workers: WorkerSlot[] = [];
  private readonly respawns = new Set<NodeJS.Timeout>();
  private readonly inline: SensorParsers | undefined;
  private workerCount = 0;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- parse or enrich output, by task
  private readonly pending = new Map<number, { resolve(out: any): void; reject(err: Error): void; worker: Worker }>();
  /**
   * The enrichers compiled on this thread: used inline (no workers), and built in any case so a bad
   * enrichment config or a missing GeoIP database fails at start, with its path, on the main thread.
   * A live reload (reconfigure) replaces the generation.
   */
  private enrichers: EnricherGeneration;
  private nextId = 1;
  private closed = false;
  private replaced = 0;
  /** What a worker starts with: the configs as last set (the constructor's, then each reconfigure's). */
  private workerData: { configs: Record<string, ParserRunnerConfig>; global: Record<string, unknown>; enrich: EnrichSetup | undefined } | undefined;
  /**
   * Each sensor parses on one worker: a sensor's batches go one at a time anyway, and stateful
   * parsers (Zeek TSV headers set the layout of the lines after them) keep their state.
   */
  private readonly sensorWorker = new Map<string, number>();

  /** Node options of the workers (absent: the process's). */
  private readonly execArgv: string[] | undefined;

  constructor(configs: Record<string, ParserRunnerConfig>, workers: number, global: Record<string, unknown> = {}, enrich?: EnrichSetup, options: { execArgv?: string[] } = {}) {
    this.execArgv = options.execArgv;
    // Build inline once in any case: it checks every config here, on the main thread, so a bad
    // config fails at start with its path rather than inside a worker.
    const parsers = buildParsers(configs, global);
    this.enrichers = new EnricherGeneration(buildEnrichers(enrich ?? { configs: {}, global }));
    if (workers <= 0) {
      this.inline = parsers;
      return;
    }
    this.workerData = { configs, global, enrich };
    for (let i = 0; i < workers; i++) {
      const slot: WorkerSlot = { worker: undefined as unknown as Worker, busy: 0, down: undefined, quickExits: 0 };
      this.workers.push(slot);
      slot.worker = this.spawn(slot);
    }
    this.workerCount = workers;
    Object.keys(configs).sort().forEach((sensor, i) => this.sensorWorker.set(sensor, i % workers));
  }

  get size(): number {
    return this.workers.length;
  }

  /** Workers started in place of ones that died (an out-of-memory abort, a crash). */
  get replacedWorkers(): number {
    return this.replaced;
  }

  /**
   * Starts a worker with the current configs. One that dies fails its pending tasks (their
   * callers retry them) and is replaced, so later tasks have a worker to go to. One that dies
   * within a second of its start (it cannot start: a Node option workers refuse, a broken
   * install) is started again after a wait that doubles up to 5 s, and meanwhile tasks fail at
   * once with its error, instead of starting workers in a loop at full speed.
   */
  private spawn(slot: WorkerSlot): Worker {
    // A larger young generation: parse batches make many short-lived strings.
    const worker = new Worker(workerEntry(), {
      workerData: this.workerData,
      resourceLimits: { maxYoungGenerationSizeMb: 64 },
      ...(this.execArgv !== undefined ? { execArgv: this.execArgv } : {}),
    });
    const startedAt = Date.now();
    let failure: Error | undefined;
    worker.unref();
    worker.on('message', (msg: { id: number; out?: ParseBatchOutput; error?: string }) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      const slot = this.workers.find((w) => w.worker === p.worker);
      if (slot) slot.busy--;
      if (msg.out) p.resolve(msg.out);
      else p.reject(new Error(msg.error ?? 'parse worker failed'));
    });
    worker.on('error', (err) => {
      failure = err;
      this.failWorker(worker, err);
    });
    worker.on('exit', (code) => {
      if (this.closed) return;
      const error = new Error(`parse worker exited with code ${code}${failure !== undefined ? `: ${failure.message}` : ''}`);
      this.failWorker(worker, error);
      if (slot.worker !== worker) return;
      slot.busy = 0;
      this.replaced++;
      slot.quickExits = Date.now() - startedAt < QUICK_EXIT_MS ? slot.quickExits + 1 : 0;
      if (slot.quickExits === 0) {
        slot.worker = this.spawn(slot);
        return;
      }
      slot.down = error;
      const timer = setTimeout(() => {
        this.respawns.delete(timer);
        if (this.closed) return;
        slot.down = undefined;
        slot.worker = this.spawn(slot);
      }, Math.min(MAX_RESPAWN_DELAY_MS, 100 * 2 ** (slot.quickExits - 1)));
      timer.unref();
      this.respawns.add(timer);
    });
    return worker;
  }

  /** Hands a task to a slot's worker; fails at once while the slot waits to start a worker again. */
  private post<T>(slot: WorkerSlot, message: { id: number } & Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<T> {
    if (slot.down !== undefined) return Promise.reject(slot.down);
    slot.busy++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(message.id, { resolve, reject, worker: slot.worker });
      slot.worker.postMessage(message, transfer);
    });
  }

  /** Resolves once the enrichment configs are compiled; rejects with the config's error. */
  async ready(): Promise<void> {
    await this.enrichers.enrichers;
  }

  /** Whether `sensor` has an enrichment config (others pass the enrich stage unchanged). */
  async enriches(sensor: string): Promise<boolean> {
    return (await this.enrichers.enrichers).has(sensor);
  }

  /** Enriches a batch; on the least busy worker, or inline without workers. */
  async enrich(input: EnrichBatchInput): Promise<EnrichBatchOutput> {
    if (this.inline) return this.enrichers.use((e) => enrichBatch(e, input));
    if (this.closed) throw new Error('parse pool is closed');
    const slot = this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    return this.post(slot, { id: this.nextId++, kind: 'enrich', input }, [input.values.buffer as ArrayBuffer]);
  }

  async parse(input: ParseBatchInput): Promise<ParseBatchOutput> {
    if (this.inline) return parseBatch(this.inline, input);
    return this.onSensorWorker('parse', input);
  }

  /**
   * Parses a batch and enriches its messages (when the sensor has an enrichment config) in one
   * task, on the sensor's worker: the parse output goes to enrichment as it is (parse-enrich.ts).
   */
  async parseEnrich(input: ParseBatchInput): Promise<ParseEnrichOutput> {
    if (this.inline) {
      const parsers = this.inline;
      return this.enrichers.use((e) => parseEnrichBatch(parsers, e, input));
    }
    return this.onSensorWorker('parse-enrich', input);
  }

  /** Runs a task on the worker the sensor parses on (its raw values are transferred, not copied). */
  private onSensorWorker<T>(kind: 'parse' | 'parse-enrich', input: ParseBatchInput): Promise<T> {
    if (this.closed) return Promise.reject(new Error('parse pool is closed'));
    const pinned = this.sensorWorker.get(input.sensor);
    const slot = pinned !== undefined ? this.workers[pinned]! : this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    return this.post<T>(slot, { id: this.nextId++, kind, input }, [input.values.buffer as ArrayBuffer]);
  }

  /**
   * Replaces the parser and enrichment configs live (a config saved in the console). Everything is
   * compiled on this thread first: a bad config throws (a ConfigError naming its file) and nothing
   * changes. Then every worker rebuilds the parsers of the `changed` sensors (all when absent) and
   * its enrichers; batches handed to a worker before finish with the old configs, later ones use
   * the new. Resolves once every worker has switched.
   */
  async reconfigure(configs: Record<string, ParserRunnerConfig>, global: Record<string, unknown>, enrich: EnrichSetup, changed?: readonly string[]): Promise<void> {
    if (this.closed) throw new Error('parse pool is closed');
    const rebuild = changed === undefined ? Object.keys(configs) : changed.filter((s) => Object.hasOwn(configs, s));
    const parsers = buildParsers(Object.fromEntries(rebuild.map((s) => [s, configs[s] as ParserRunnerConfig])), global);
    const next = new EnricherGeneration(buildEnrichers(enrich));
    try {
      await next.enrichers;
    } catch (err) {
      await next.close();
      throw err;
    }
    const previous = this.enrichers;
    this.enrichers = next;
    previous.retire();
    this.workerData = { configs, global, enrich };
    if (this.inline) {
      for (const sensor of [...this.inline.keys()]) if (!Object.hasOwn(configs, sensor)) this.inline.delete(sensor);
      for (const [sensor, parser] of parsers) this.inline.set(sensor, parser);
      return;
    }
    // new sensors parse on the worker with the fewest sensors; removed ones are forgotten
    for (const sensor of [...this.sensorWorker.keys()]) if (!Object.hasOwn(configs, sensor)) this.sensorWorker.delete(sensor);
    for (const sensor of Object.keys(configs).sort()) {
      if (this.sensorWorker.has(sensor)) continue;
      const load = new Array<number>(this.workerCount).fill(0);
      for (const w of this.sensorWorker.values()) load[w] = (load[w] ?? 0) + 1;
      this.sensorWorker.set(sensor, load.indexOf(Math.min(...load)));
    }
    // a slot waiting to start a worker again starts it with the new configs
    await Promise.all(this.workers.filter((slot) => slot.down === undefined).map((slot) =>
      this.post<void>(slot, { id: this.nextId++, kind: 'reload', configs, global, enrich, changed: rebuild })));
  }

  private failWorker(worker: Worker, err: Error): void {
    for (const [id, p] of this.pending) {
      if (p.worker === worker) {
        this.pending.delete(id);
        p.reject(err);
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.respawns) clearTimeout(timer);
    this.respawns.clear();
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
    // the enrichers of this thread hold the table store (a Redis connection keeps a process alive)
    await this.enrichers.close();
  }
}

/**
 * The compiled worker module. Under the test runner this file runs from TypeScript sources, so
 * the worker (plain Node) uses the built copy in dist/.
 */
function workerEntry(): URL {
  const beside = new URL('./parse-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside;
  const built = new URL('../dist/parse-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return built;
  throw new Error('parse worker module not found: run `npm run build`');
}
