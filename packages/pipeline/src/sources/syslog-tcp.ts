/**
 * Syslog over TCP, RFC 6587: octet counting and non-transparent framing on the same listener,
 * auto-detected per frame (see syslog-frame-decoder.ts).
 *
 * Backpressure: the records decoded from one read go to the sink in one call, and the socket is
 * paused until that call resolves, so a slow log slows the sender through TCP flow control.
 * Per connection, memory stays bounded by the stream's read buffer, one read's batch and the
 * decoder's partial frame (at most about maxRecordBytes).
 */
import net from 'node:net';
import { deliverWithRetry } from './deliver.js';
import { SyslogFrameDecoder, type FrameEvent } from './syslog-frame-decoder.js';
import {
  consoleSourceLogger,
  DEFAULT_MAX_RECORD_BYTES,
  type Source,
  type SourceContext,
  type SourceLogger,
} from './types.js';

export interface SyslogTcpConfig {
  sensor: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 = ephemeral. */
  port: number;
  /** Longest record accepted; default 1 MiB. */
  maxRecordBytes?: number;
  /** Connections beyond this are closed at once; default 1000. */
  maxConnections?: number;
  /** Idle connections are closed after this many ms; default 0 (never). */
  idleTimeoutMs?: number;
}

interface Connection {
  socket: net.Socket;
  decoder: SyslogFrameDecoder;
  /** Sink calls not yet resolved; the socket stays paused while > 0. */
  inFlight: number;
  inFlightBytes: number;
  /** Sink calls chained so records reach the sink in arrival order. */
  chain: Promise<void>;
  closing: boolean;
}

/** A syslog TCP listener for one sensor. */
export class SyslogTcpSource implements Source {
  readonly name: string;
  private readonly sensor: string;
  private readonly host: string;
  private readonly port: number;
  private readonly maxRecordBytes: number;
  private readonly maxConnections: number;
  private readonly logger: SourceLogger;
  private server: net.Server | null = null;
  private readonly connections = new Set<Connection>();
  private readonly stopController = new AbortController();
  private bound: { host: string; port: number } | null = null;
  private refusingConnections = false;
  /** Connections closed because `maxConnections` was reached. */
  rejectedConnections = 0;

  constructor(
    private readonly config: SyslogTcpConfig,
    private readonly ctx: SourceContext,
  ) {
    if (!config.sensor) throw new Error('syslog_tcp: sensor is required');
    this.sensor = config.sensor;
    this.name = `syslog_tcp:${config.sensor}`;
    this.host = config.host ?? '127.0.0.1';
    if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535) {
      throw new RangeError(`syslog_tcp[${config.sensor}].port must be 0..65535, got ${config.port}`);
    }
    this.port = config.port;
    this.maxRecordBytes = config.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    if (!Number.isInteger(this.maxRecordBytes) || this.maxRecordBytes < 1) {
      throw new RangeError(`syslog_tcp[${config.sensor}].maxRecordBytes must be a positive integer, got ${this.maxRecordBytes}`);
    }
    this.maxConnections = config.maxConnections ?? 1000;
    if (!Number.isInteger(this.maxConnections) || this.maxConnections < 1) {
      throw new RangeError(`syslog_tcp[${config.sensor}].maxConnections must be a positive integer, got ${this.maxConnections}`);
    }
    this.logger = ctx.logger ?? consoleSourceLogger;
  }

  async start(): Promise<void> {
    if (this.server) throw new Error(`${this.name} already started`);
    const server = net.createServer((socket) => this.onConnection(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (error) => this.logger.warn(`${this.name} server error`, { error: error.message }));
    const addr = server.address() as net.AddressInfo;
    this.bound = { host: addr.address, port: addr.port };
    this.logger.info(`${this.name} listening`, this.bound);
  }

  address(): { host: string; port: number } {
    if (!this.bound) throw new Error(`${this.name} is not started`);
    return this.bound;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Bytes held in memory for all connections: stream buffers, partial frames, batches at the sink. */
  bufferedBytes(): number {
    let total = 0;
    for (const c of this.connections) total += c.socket.readableLength + c.decoder.pendingBytes + c.inFlightBytes;
    return total;
  }

  /** Stops accepting, closes connections, and waits for sink calls in flight. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    this.stopController.abort();
    const chains: Promise<void>[] = [];
    for (const c of this.connections) {
      c.closing = true;
      c.socket.destroy();
      chains.push(c.chain);
    }
    await Promise.all(chains);
    await closed;
  }

  private onConnection(socket: net.Socket): void {
    if (this.connections.size >= this.maxConnections || this.stopController.signal.aborted) {
      this.rejectedConnections++;
      if (!this.refusingConnections) {
        this.refusingConnections = true;
        this.logger.warn(`${this.name} refusing connections: maxConnections reached`, { maxConnections: this.maxConnections });
      }
      socket.destroy();
      return;
    }
    if (this.refusingConnections) {
      this.refusingConnections = false;
      this.logger.info(`${this.name} accepting connections again`, { rejectedConnections: this.rejectedConnections });
    }
    const conn: Connection = {
      socket,
      decoder: new SyslogFrameDecoder(this.maxRecordBytes),
      inFlight: 0,
      inFlightBytes: 0,
      chain: Promise.resolve(),
      closing: false,
    };
    this.connections.add(conn);
    if (this.config.idleTimeoutMs) {
      socket.setTimeout(this.config.idleTimeoutMs, () => socket.destroy());
    }
    socket.on('data', (chunk: Buffer) => this.handle(conn, conn.decoder.push(chunk)));
    socket.on('end', () => {
      this.handle(conn, conn.decoder.end());
      void conn.chain.then(() => socket.end());
    });
    socket.on('error', () => {
      // Peer resets are routine; 'close' follows and cleans up.
    });
    socket.on('close', () => {
      conn.closing = true;
      void conn.chain.then(() => this.connections.delete(conn));
    });
  }

  private handle(conn: Connection, events: FrameEvent[]): void {
    const records: Buffer[] = [];
    let bytes = 0;
    let fatal: Extract<FrameEvent, { kind: 'fatal' }> | null = null;
    for (const event of events) {
      if (event.kind === 'record') {
        records.push(event.data);
        bytes += event.data.length;
      } else if (event.kind === 'refused') {
        this.ctx.events.refused(this.sensor, event.reason, event.raw);
      } else {
        fatal = event;
      }
    }
    if (records.length > 0) this.deliver(conn, records, bytes);
    if (fatal) {
      // Records framed before the bad header still go to the sink (deliver() chained them first).
      this.ctx.events.refused(this.sensor, fatal.reason, fatal.raw);
      this.logger.warn(`${this.name} closing connection: framing lost`, {
        reason: fatal.reason,
        remote: `${conn.socket.remoteAddress}:${conn.socket.remotePort}`,
      });
      conn.closing = true;
      conn.socket.pause();
      void conn.chain.then(() => conn.socket.destroy());
    }
  }

  private deliver(conn: Connection, records: Buffer[], bytes: number): void {
    conn.inFlight++;
    conn.inFlightBytes += bytes;
    conn.socket.pause();
    this.ctx.events.received(this.sensor, records.length, bytes);
    conn.chain = conn.chain.then(async () => {
      const delivered = await deliverWithRetry(this.ctx.sink, this.sensor, records, {
        signal: this.stopController.signal,
        logger: this.logger,
        source: this.name,
      });
      if (!delivered) {
        for (const record of records) this.ctx.events.refused(this.sensor, 'source stopped before the record was durable', record);
      }
      conn.inFlight--;
      conn.inFlightBytes -= bytes;
      if (conn.inFlight === 0 && !conn.closing && !conn.socket.destroyed) conn.socket.resume();
    });
  }
}

/** Builds a syslog TCP source (not yet listening: call `start()`). */
export function createSyslogTcpSource(config: SyslogTcpConfig, ctx: SourceContext): SyslogTcpSource {
  return new SyslogTcpSource(config, ctx);
}
