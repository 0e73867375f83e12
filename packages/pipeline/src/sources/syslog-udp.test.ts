import { spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { createSyslogUdpSource, type SyslogUdpConfig, type SyslogUdpSource } from './syslog-udp.js';
import { createRecorder, waitFor, type Recorder } from './testing.js';

const sources: SyslogUdpSource[] = [];
const clients: dgram.Socket[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(sources.splice(0).map((s) => s.stop()));
});

async function startSource(rec: Recorder, config: Partial<SyslogUdpConfig> = {}): Promise<SyslogUdpSource> {
  const source = createSyslogUdpSource({ sensor: 'dns', port: 0, ...config }, rec);
  sources.push(source);
  await source.start();
  return source;
}

function client(): dgram.Socket {
  const socket = dgram.createSocket('udp4');
  clients.push(socket);
  return socket;
}

async function send(socket: dgram.Socket, source: SyslogUdpSource, message: string | Buffer): Promise<void> {
  const { host, port } = source.address();
  await new Promise<void>((resolve, reject) => socket.send(message, port, host, (error) => (error ? reject(error) : resolve())));
}

describe('syslog UDP source', () => {
  it('delivers one record per datagram, in order, batched', async () => {
    const rec = createRecorder();
    const source = await startSource(rec);
    expect(source.address().host).toBe('127.0.0.1');
    const socket = client();
    const messages = Array.from({ length: 300 }, (_, i) => `<13>Jan  1 00:00:00 host named[1]: query ${i}`);
    // Paced in bursts: sender and receiver share one event loop here, and a burst beyond the
    // kernel receive buffer (about 256 small datagrams by default) is dropped by the kernel.
    for (let i = 0; i < messages.length; i++) {
      await send(socket, source, `${messages[i]}\n`);
      if (i % 50 === 49) await waitFor(() => rec.received.n + source.queuedRecords >= i + 1, 5_000, 'burst');
    }
    await waitFor(() => rec.records.length >= messages.length, 5_000, 'records');
    expect(rec.records).toEqual(messages);
    expect(rec.received).toEqual({ n: 300, bytes: messages.reduce((sum, m) => sum + Buffer.byteLength(m), 0) });
    expect(rec.batches.length).toBeLessThan(messages.length); // batched, not one call per datagram
    expect(Math.max(...rec.batches)).toBeLessThanOrEqual(500);
  });

  it('holds a burst far beyond the OS default receive buffer while the event loop is blocked', async () => {
    const rec = createRecorder();
    const source = await startSource(rec);
    const { host, port } = source.address();
    const n = 2000;
    // Another process sends while this one is blocked in spawnSync: nothing is read until it
    // ends, so every datagram must wait in the kernel's buffer (the OS default holds ~300 of them).
    const sender = `const s = require('node:dgram').createSocket('udp4'); let i = 0;
      const next = () => { if (i === ${n}) return s.close(); s.send('<13>Jan  1 00:00:00 host app: burst ' + i++, ${port}, '${host}', next); }; next();`;
    const result = spawnSync(process.execPath, ['-e', sender], { encoding: 'utf8', timeout: 20_000 });
    expect(result.status, result.stderr).toBe(0);
    await waitFor(() => rec.records.length >= n, 5_000, 'records').catch(() => undefined);
    expect(rec.records.length).toBe(n);
    expect(rec.records[n - 1]).toBe(`<13>Jan  1 00:00:00 host app: burst ${n - 1}`);
  });

  it('strips exactly one trailing newline, refuses empty and oversize datagrams', async () => {
    const rec = createRecorder();
    const source = await startSource(rec, { maxRecordBytes: 16 });
    const socket = client();
    await send(socket, source, 'a\n\n');
    await send(socket, source, 'b\r\n');
    await send(socket, source, '');
    await send(socket, source, '\n');
    await send(socket, source, 'x'.repeat(40));
    await send(socket, source, 'c');
    await waitFor(() => rec.records.length >= 3 && rec.refusals.length >= 3, 5_000, 'records');
    expect(rec.records).toEqual(['a\n', 'b', 'c']);
    expect(rec.refusals).toEqual([
      { sensor: 'dns', reason: 'empty datagram', raw: '' },
      { sensor: 'dns', reason: 'empty datagram', raw: '\n' },
      { sensor: 'dns', reason: 'datagram of 40 bytes exceeds maxRecordBytes (16)', raw: 'x'.repeat(16) },
    ]);
  });

  it("drops with reason 'udp queue full' when the sink is slower than the flood", async () => {
    const rec = createRecorder();
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    rec.gate = () => released;
    const source = await startSource(rec, { batchSize: 5, maxQueueRecords: 10, lingerMs: 1 });
    const socket = client();
    const messages = Array.from({ length: 50 }, (_, i) => `m${i}`);
    try {
      for (const m of messages) await send(socket, source, m);
      // received = handed to the (stuck) sink; the rest is queued or refused.
      await waitFor(() => rec.received.n + source.queuedRecords + rec.refusals.length === 50, 5_000, 'all datagrams accounted');
      expect(source.queuedRecords).toBe(10);
    } finally {
      release();
    }
    await waitFor(() => rec.records.length === rec.received.n && source.queuedRecords === 0, 5_000, 'drain');
    // Accepted ones are the first datagrams, in order; the rest were refused, nothing vanished.
    const accepted = rec.records.length;
    expect(accepted).toBeGreaterThanOrEqual(11);
    expect(accepted).toBeLessThanOrEqual(15);
    expect(rec.records).toEqual(messages.slice(0, accepted));
    expect(rec.refusals).toEqual(messages.slice(accepted).map((raw) => ({ sensor: 'dns', reason: 'udp queue full', raw })));
  });

  it('flushes the queue on stop', async () => {
    const rec = createRecorder();
    const source = await startSource(rec, { lingerMs: 10_000, batchSize: 1000 });
    const socket = client();
    await send(socket, source, 'one');
    await send(socket, source, 'two');
    await waitFor(() => source.queuedRecords === 2, 5_000, 'queued');
    await source.stop();
    expect(rec.records).toEqual(['one', 'two']);
  });
});
