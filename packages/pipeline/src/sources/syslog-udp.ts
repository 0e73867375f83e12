/**
 * Syslog over UDP (RFC 5426): one datagram is one record. UDP has no backpressure, so datagrams
 * are batched into sink calls (up to `batchSize` records or `lingerMs`) and, while the sink is
 * slower than the flood, held in a bounded queue; when it is full, datagrams are refused with the
 * reason 'udp queue full' (counted, never unbounded memory).
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { deliverWithRetry } from './deliver.js';
import { consoleSourceLogger, type Source, type SourceContext, type SourceLogger } from './types.js';

export interface SyslogUdpConfig {
  sensor: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 = ephemeral. */
  port: number;
  /** Longest datagram accepted; default 65535 (the UDP maximum). */
  maxRecordBytes?: number;
  /** Records per sink call; default 500. */
  batchSize?: number;
  /** Longest wait for a batch to fill; default 5 ms. */
  lingerMs?: number;
  /** Queue bound in records (besides the batch in flight); default 10 000. */
  maxQueueRecords?: number;
  /** Queue bound in bytes; default 16 MiB. */
  maxQueueBytes?: number;
  /**
   * Kernel receive buffer (SO_RCVBUF) to absorb bursts while the event loop is busy; default
   * 8 MiB (the kernel caps it at net.core.rmem_max: raise that sysctl for bigger bursts). The OS
   * default (~200 KiB on Linux) holds only a few hundred datagrams.
   */
  recvBufferSize?: number;
}

/** SO_RCVBUF asked for unless configured. */
export const DEFAULT_UDP_RECV_BUFFER = 8 << 20;

const LF = 0x0a;
const CR = 0x0d;

function positiveInteger(value: number | undefined, fallback: number, key: string, sensor: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`syslog_udp[${sensor}].${key} must be a positive integer, got ${v}`);
  return v;
}

/** A syslog UDP listener for one sensor. */
export class SyslogUdpSource implements Source {
  readonly name: string;
  private readonly sensor: string;
  private readonly host: string;
  private readonly port: number;
  private readonly maxRecordBytes: number;
  private readonly batchSize: number;
  private readonly lingerMs: number;
  private readonly maxQueueRecords: number;
  private readonly maxQueueBytes: number;
  private readonly logger: SourceLogger;
  private socket: dgram.Socket | null = null;
  private queue: Buffer[] = [];
  private queueBytes = 0;
  private lingerTimer: NodeJS.Timeout | null = null;
  private pumping: Promise<void> | null = null;
  private readonly stopController = new AbortController();
  private bound: { host: string; port: number } | null = null;

  constructor(
    private readonly config: SyslogUdpConfig,
    private readonly ctx: SourceContext,
  ) {
    if (!config.sensor) throw new Error('syslog_udp: sensor is required');
    this.sensor = config.sensor;
    this.name = `syslog_udp:${config.sensor}`;
    this.host = config.host ?? '127.0.0.1';
    if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535) {
      throw new RangeError(`syslog_udp[${config.sensor}].port must be 0..65535, got ${config.port}`);
    }
    this.port = config.port;
    this.maxRecordBytes = positiveInteger(config.maxRecordBytes, 65535, 'maxRecordBytes', config.sensor);
    this.batchSize = positiveInteger(config.batchSize, 500, 'batchSize', config.sensor);
    this.lingerMs = config.lingerMs ?? 5;
    this.maxQueueRecords = positiveInteger(config.maxQueueRecords, 10_000, 'maxQueueRecords', config.sensor);
    this.maxQueueBytes = positiveInteger(config.maxQueueBytes, 16 * 1024 * 1024, 'maxQueueBytes', config.sensor);
    this.logger = ctx.logger ?? consoleSourceLogger;
  }

  async start(): Promise<void> {
    if (this.socket) throw new Error(`${this.name} already started`);
    const socket = dgram.createSocket({
      type: net.isIPv6(this.host) ? 'udp6' : 'udp4',
      recvBufferSize: this.config.recvBufferSize ?? DEFAULT_UDP_RECV_BUFFER,
    });
    this.socket = socket;
    socket.on('message', (msg) => this.onDatagram(msg));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.port, this.host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.on('error', (error) => this.logger.warn(`${this.name} socket error`, { error: error.message }));
    const addr = socket.address();
    this.bound = { host: addr.address, port: addr.port };
    this.logger.info(`${this.name} listening`, this.bound);
  }

  address(): { host: string; port: number } {
    if (!this.bound) throw new Error(`${this.name} is not started`);
    return this.bound;
  }

  /** Records waiting for the sink (not counting the batch in flight). */
  get queuedRecords(): number {
    return this.queue.length;
  }

  /** Stops listening, then flushes what is queued (one attempt if the sink fails). */
  async stop(): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    this.socket = null;
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    this.stopController.abort();
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = null;
    await this.pumping;
    if (this.queue.length > 0) await this.pump();
  }

  private onDatagram(msg: Buffer): void {
    let record = msg;
    if (record.length > 0 && record[record.length - 1] === LF) {
      const cut = record.length > 1 && record[record.length - 2] === CR ? 2 : 1;
      record = record.subarray(0, record.length - cut);
    }
    if (record.length === 0) {
      this.ctx.events.refused(this.sensor, 'empty datagram', msg);
      return;
    }
    if (record.length > this.maxRecordBytes) {
      this.ctx.events.refused(
        this.sensor,
        `datagram of ${record.length} bytes exceeds maxRecordBytes (${this.maxRecordBytes})`,
        record.subarray(0, this.maxRecordBytes),
      );
      return;
    }
    if (this.queue.length >= this.maxQueueRecords || this.queueBytes + record.length > this.maxQueueBytes) {
      this.ctx.events.refused(this.sensor, 'udp queue full', record);
      return;
    }
    this.queue.push(record);
    this.queueBytes += record.length;
    if (this.pumping) return; // the running pump takes it
    if (this.queue.length >= this.batchSize) {
      this.startPump();
    } else if (!this.lingerTimer) {
      this.lingerTimer = setTimeout(() => this.startPump(), this.lingerMs);
    }
  }

  private startPump(): void {
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = null;
    if (this.pumping) return;
    this.pumping = this.pump().finally(() => {
      this.pumping = null;
    });
  }

  /** One sink call at a time, in arrival order; drains eagerly while the queue holds records. */
  private async pump(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.batchSize);
      let bytes = 0;
      for (const record of batch) bytes += record.length;
      this.queueBytes -= bytes;
      this.ctx.events.received(this.sensor, batch.length, bytes);
      const delivered = await deliverWithRetry(this.ctx.sink, this.sensor, batch, {
        signal: this.stopController.signal,
        logger: this.logger,
        source: this.name,
      });
      if (!delivered) {
        // Stopped while the sink was failing: report rather than drop silently.
        for (const record of batch) this.ctx.events.refused(this.sensor, 'source stopped before the record was durable', record);
      }
    }
  }
}

/** Builds a syslog UDP source (not yet listening: call `start()`). */
export function createSyslogUdpSource(config: SyslogUdpConfig, ctx: SourceContext): SyslogUdpSource {
  return new SyslogUdpSource(config, ctx);
}
