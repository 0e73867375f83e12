/**
 * The contract between telemetry sources (syslog UDP/TCP, file tail, ...) and the pipeline.
 * A source frames raw input into records and hands them to a `RecordSink`, which appends them to
 * the sensor's topic in the durable log and resolves only once they are durable.
 */

/** Appends records to the sensor's topic; resolves only when they are durable. */
export type RecordSink = (sensor: string, records: Buffer[]) => Promise<void>;

/** Counters the pipeline's metrics hook into; sources call them, never log per record. */
export interface SourceEvents {
  /** `n` framed records (`bytes` in total) accepted and handed to the sink. */
  received(sensor: string, n: number, bytes: number): void;
  /**
   * Input refused at the source (too large, bad framing, queue full): the pipeline sends it to the
   * error index with the reason and raw bytes (sources truncate nothing beyond their own limits).
   */
  refused(sensor: string, reason: string, raw: Buffer): void;
}

export interface Source {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Bound address for servers. */
  address?(): { host: string; port: number };
}

/** Operational log lines (start/stop, connection closed for bad framing, sink failing): rare, never per record. */
export interface SourceLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

/** What a source is built with besides its config. */
export interface SourceContext {
  sink: RecordSink;
  events: SourceEvents;
  logger?: SourceLogger;
}

/** Fallback logger when the pipeline passes none. */
export const consoleSourceLogger: SourceLogger = {
  info: (message, fields) => console.info(message, fields ?? ''),
  warn: (message, fields) => console.warn(message, fields ?? ''),
};

/** 1 MiB: the default longest record a stream source accepts. */
export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;
