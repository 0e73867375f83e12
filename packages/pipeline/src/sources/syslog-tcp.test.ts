import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSyslogTcpSource, type SyslogTcpConfig, type SyslogTcpSource } from './syslog-tcp.js';
import { createRecorder, seededRandom, waitFor, type Recorder } from './testing.js';

const sources: SyslogTcpSource[] = [];
const clients: net.Socket[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await Promise.all(sources.splice(0).map((s) => s.stop()));
});

async function startSource(rec: Recorder, config: Partial<SyslogTcpConfig> = {}): Promise<SyslogTcpSource> {
  const source = createSyslogTcpSource({ sensor: 'fw', port: 0, ...config }, rec);
  sources.push(source);
  await source.start();
  return source;
}

async function connect(source: SyslogTcpSource): Promise<net.Socket> {
  const { host, port } = source.address();
  const socket = net.createConnection({ host, port, noDelay: true });
  clients.push(socket);
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return socket;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const octet = (msg: string): string => `${Buffer.byteLength(msg)} ${msg}`;

describe('syslog TCP source', () => {
  it('binds to 127.0.0.1 on an ephemeral port', async () => {
    const source = await startSource(createRecorder());
    expect(source.address().host).toBe('127.0.0.1');
    expect(source.address().port).toBeGreaterThan(0);
  });

  it('delivers octet-counted and LF-framed records mixed on one connection, split at arbitrary boundaries', async () => {
    const rec = createRecorder();
    const source = await startSource(rec);
    const client = await connect(source);
    const messages = Array.from({ length: 60 }, (_, i) => `<13>1 2024-01-01T00:00:00Z host app ${i} - - msg ${i} ${'é'.repeat(i % 7)}`);
    const stream = Buffer.from(
      messages.map((m, i) => (i % 3 === 0 ? octet(m) : i % 3 === 1 ? `${m}\n` : `${m}\r\n`)).join(''),
    );
    const random = seededRandom(3);
    for (let pos = 0; pos < stream.length; ) {
      const size = 1 + Math.floor(random() * 40);
      client.write(stream.subarray(pos, pos + size));
      pos += size;
      if (random() < 0.3) await pause(1); // let reads land mid-frame
    }
    await waitFor(() => rec.records.length >= messages.length, 5_000, 'records');
    expect(rec.records).toEqual(messages);
    expect(rec.received.n).toBe(messages.length);
    expect(rec.refusals).toEqual([]);
  });

  it('refuses an oversize frame and still delivers the next frames on the same connection', async () => {
    const rec = createRecorder();
    const source = await startSource(rec, { maxRecordBytes: 64 });
    const client = await connect(source);
    client.write(`<1>before\n${octet('X'.repeat(200))}<2>after octet\n<3>${'Y'.repeat(300)}\n`);
    await pause(5);
    client.write('<4>after lf\n');
    await waitFor(() => rec.records.length >= 3, 5_000, 'records');
    expect(rec.records).toEqual(['<1>before', '<2>after octet', '<4>after lf']);
    expect(rec.refusals).toEqual([
      { sensor: 'fw', reason: 'octet-counted frame of 200 bytes exceeds maxRecordBytes (64); skipped', raw: 'X'.repeat(64) },
      { sensor: 'fw', reason: expect.stringMatching(/maxRecordBytes \(64 bytes\)/), raw: `<3>${'Y'.repeat(61)}` },
    ]);
    expect(client.destroyed).toBe(false);
    expect(source.connectionCount).toBe(1);
  });

  it('refuses a bad octet count, closes the connection, logs once, and keeps earlier records', async () => {
    const rec = createRecorder();
    const source = await startSource(rec);
    const client = await connect(source);
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.write('<1>good\n99999999999 x\n<2>ignored\n');
    await closed;
    await waitFor(() => source.connectionCount === 0, 5_000, 'connection cleanup');
    expect(rec.records).toEqual(['<1>good']);
    expect(rec.refusals).toEqual([{ sensor: 'fw', reason: 'invalid octet count: more than 10 digits', raw: '99999999999 x\n<2>ignored\n' }]);
    expect(rec.warnings).toEqual(['syslog_tcp:fw closing connection: framing lost']);
    // The listener still serves new connections.
    const again = await connect(source);
    again.write('<3>fresh\n');
    await waitFor(() => rec.records.length === 2, 5_000, 'fresh record');
    expect(rec.records[1]).toBe('<3>fresh');
  });

  it('delivers an unterminated last line when the sender closes', async () => {
    const rec = createRecorder();
    const source = await startSource(rec);
    const client = await connect(source);
    client.end('<1>a\n<2>no newline');
    await waitFor(() => rec.records.length >= 2, 5_000, 'records');
    expect(rec.records).toEqual(['<1>a', '<2>no newline']);
  });

  it('pauses the socket while the sink is slow, keeping buffered bytes bounded', async () => {
    const rec = createRecorder();
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    rec.gate = () => released;
    const source = await startSource(rec, { maxRecordBytes: 4096 });
    const client = await connect(source);
    const line = (i: number) => `<13>record ${String(i).padStart(8, '0')} ${'p'.repeat(80)}`;
    const count = 160_000; // ~16 MB: more than loopback socket buffers absorb
    const payload = Buffer.from(Array.from({ length: count }, (_, i) => `${line(i)}\n`).join(''));
    client.write(payload);

    try {
      await pause(300);
      let maxBuffered = 0;
      for (let i = 0; i < 10; i++) {
        maxBuffered = Math.max(maxBuffered, source.bufferedBytes());
        await pause(10);
      }
      // One read's batch (<= 64 KiB) + the stream's high-water mark + a partial record.
      expect(maxBuffered).toBeGreaterThan(0);
      expect(maxBuffered).toBeLessThan(512 * 1024);
      expect(client.writableLength).toBeGreaterThan(0); // the sender feels the backpressure
      expect(rec.records.length).toBe(0);
    } finally {
      release();
    }
    await waitFor(() => rec.records.length >= count, 20_000, 'all records');
    expect(rec.records.length).toBe(count);
    for (let i = 0; i < count; i += 9_973) expect(rec.records[i]).toBe(line(i));
    expect(rec.records[count - 1]).toBe(line(count - 1));
    expect(rec.records.every((r, i) => r === line(i))).toBe(true);
  });

  it('closes connections beyond maxConnections', async () => {
    const rec = createRecorder();
    const source = await startSource(rec, { maxConnections: 1 });
    const first = await connect(source);
    await waitFor(() => source.connectionCount === 1, 5_000, 'first connection');
    const second = await connect(source);
    await new Promise<void>((resolve) => (second.destroyed ? resolve() : second.once('close', () => resolve())));
    expect(source.rejectedConnections).toBe(1);
    expect(rec.warnings).toEqual(['syslog_tcp:fw refusing connections: maxConnections reached']);
    first.write('<1>still served\n');
    await waitFor(() => rec.records.length === 1, 5_000, 'record');
    expect(rec.records).toEqual(['<1>still served']);
  });

  it('retries a failing sink while holding the connection back', async () => {
    const rec = createRecorder();
    let failures = 2;
    rec.gate = async () => {
      if (failures-- > 0) throw new Error('log unavailable');
    };
    const source = await startSource(rec);
    const client = await connect(source);
    client.write('<1>a\n<2>b\n');
    await waitFor(() => rec.records.length === 2, 5_000, 'records');
    expect(rec.records).toEqual(['<1>a', '<2>b']);
    expect(rec.warnings).toEqual(['source sink failed; retrying with backoff']);
  });

  it('fails fast on bad config', () => {
    const rec = createRecorder();
    expect(() => createSyslogTcpSource({ sensor: 'fw', port: 70000 }, rec)).toThrow(/syslog_tcp\[fw\]\.port/);
    expect(() => createSyslogTcpSource({ sensor: 'fw', port: 0, maxConnections: 0 }, rec)).toThrow(/maxConnections/);
  });
});
