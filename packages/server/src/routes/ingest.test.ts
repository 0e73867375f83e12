import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { MetronError } from '@metron/core';
import { createServer, type ServerDeps, type ServerOptions } from '../app.js';
import { basic, fakeDeps, tempUserStore } from '../testing.js';
import { splitRecords, splitRecordsCounted } from './ingest.js';

const AUTH = basic('admin', 'admin-password');
const apps: FastifyInstance[] = [];
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
  for (const c of cleanups.splice(0)) await c();
});

async function server(overrides: Partial<ServerDeps> = {}, options: ServerOptions = {}) {
  const t = await tempUserStore();
  cleanups.push(t.cleanup);
  const deps = fakeDeps(t.users, overrides);
  const app = await createServer(deps, options);
  apps.push(app);
  return { app, deps };
}

function ingest(app: FastifyInstance, sensor: string, contentType: string | undefined, payload: string | Buffer) {
  const headers: Record<string, string> = { authorization: AUTH };
  if (contentType !== undefined) headers['content-type'] = contentType;
  return app.inject({ method: 'POST', url: `/api/v1/ingest/${sensor}`, headers, payload });
}

describe('splitRecords', () => {
  it('splits on LF and CRLF, skips empty lines, keeps whitespace-only records and bytes', () => {
    const body = Buffer.from('a\r\n\nb \n  \r\n{"x":1}');
    expect(splitRecords(body, 'lines').map(String)).toEqual(['a', 'b ', '  ', '{"x":1}']);
    expect(splitRecords(Buffer.from('one\n'), 'lines').map(String)).toEqual(['one']);
    expect(splitRecords(Buffer.alloc(0), 'lines')).toEqual([]);
    expect(splitRecords(Buffer.from('{"a":\n1}\n'), 'whole').map(String)).toEqual(['{"a":\n1}\n']);
    expect(splitRecords(Buffer.from(' \n'), 'whole')).toEqual([]);
    expect(splitRecordsCounted(Buffer.from('a\n\n\r\n  \nb\n'), 'lines')).toEqual({ records: [Buffer.from('a'), Buffer.from('  '), Buffer.from('b')], emptyLines: 2 });
  });
});

describe('POST /api/v1/ingest/:sensor', () => {
  it('acknowledges only after the sink resolved', async () => {
    const events: string[] = [];
    let release!: () => void;
    let started!: () => void;
    const sinkStarted = new Promise<void>((resolve) => { started = resolve; });
    const { app } = await server({
      ingest: (_sensor, records) => {
        events.push(`sink-start:${records.length}`);
        started();
        return new Promise<void>((resolve) => {
          release = () => {
            events.push('sink-resolved');
            resolve();
          };
        });
      },
    });
    let answered = false;
    const response = ingest(app, 'bro', 'text/plain', 'l1\nl2\n').then((res) => {
      events.push('response');
      answered = true;
      return res;
    });
    await sinkStarted;
    await new Promise((r) => setTimeout(r, 30));
    expect(answered).toBe(false);
    expect(events).toEqual(['sink-start:2']);
    release();
    const res = await response;
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ accepted: 2 });
    expect(events).toEqual(['sink-start:2', 'sink-resolved', 'response']);
  });

  it('does not acknowledge when the sink fails', async () => {
    const { app } = await server({ ingest: async () => { throw new MetronError('BUS_CLOSED', 'log closed'); } });
    const res = await ingest(app, 'bro', 'text/plain', 'x');
    expect(res.statusCode).toBe(503);
    expect(res.json().accepted).toBeUndefined();
  });

  it('splits NDJSON into raw line records without re-serializing', async () => {
    const { app, deps } = await server();
    const lines = ['{"b":1,  "a":2}', '{"x":"\\u00e9"}', '{ }'];
    const res = await ingest(app, 'bro', 'application/x-ndjson', lines.join('\n') + '\n\n');
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ accepted: 3, emptyLinesSkipped: 1 });
    expect(deps.ingested).toHaveLength(1);
    expect(deps.ingested[0]!.sensor).toBe('bro');
    expect(deps.ingested[0]!.records.map(String)).toEqual(lines);
  });

  it('takes text/plain with a charset, and application/json as one record', async () => {
    const { app, deps } = await server();
    expect((await ingest(app, 'snort', 'text/plain; charset=utf-8', 'a\r\nb')).json()).toEqual({ accepted: 2 });
    const doc = '{\n  "msg": "multi\\nline"\n}';
    expect((await ingest(app, 'squid', 'application/json', doc)).json()).toEqual({ accepted: 1 });
    expect(deps.ingested[1]!.records.map(String)).toEqual([doc]);
  });

  it('keeps invalid UTF-8 bytes as they are', async () => {
    const { app, deps } = await server();
    const bad = Buffer.from([0x66, 0xff, 0xfe, 0xc3, 0x28, 0x0a, 0x80, 0x61]);
    const res = await ingest(app, 'bro', 'text/plain', bad);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ accepted: 2 });
    expect(deps.ingested[0]!.records).toEqual([Buffer.from([0x66, 0xff, 0xfe, 0xc3, 0x28]), Buffer.from([0x80, 0x61])]);
  });

  it('answers 413 with a message above the body limit', async () => {
    const { app, deps } = await server({}, { bodyLimitBytes: 1024 });
    const res = await ingest(app, 'bro', 'text/plain', 'x'.repeat(2000));
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ status: 413, code: 'INPUT_TOO_LARGE', message: 'request body is larger than the limit of 1024 bytes' });
    expect(deps.ingested).toEqual([]);
    expect((await ingest(app, 'bro', 'text/plain', 'x'.repeat(1000))).statusCode).toBe(202);
  });

  it('answers 404 for an unknown sensor, from the list or from the sink', async () => {
    const { app } = await server({
      knownSensors: () => ['bro', 'late'],
      ingest: async (sensor) => {
        if (sensor === 'late') throw new MetronError('NOT_FOUND', "unknown sensor 'late'");
      },
    });
    const res = await ingest(app, 'yaf', 'text/plain', 'x');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ status: 404, code: 'NOT_FOUND', message: "unknown sensor 'yaf'" });
    expect((await ingest(app, 'late', 'text/plain', 'x')).statusCode).toBe(404);
  });

  it('refuses the reserved index names as sensors with 400, even when listed', async () => {
    const { app, deps } = await server({ knownSensors: () => ['bro', 'metaalert', 'audit'] });
    for (const name of ['metaalert', 'audit', 'MetaAlert']) {
      const res = await ingest(app, name, 'text/plain', 'x');
      expect(res.statusCode, name).toBe(400);
      expect(res.json().message).toMatch(new RegExp(`^invalid sensor name: "${name}" is reserved for the`));
    }
    expect(deps.ingested).toEqual([]);
  });

  it('validates the sensor name', async () => {
    const { app } = await server();
    for (const name of ['bad%20name', 'a'.repeat(65), '%2e%2e%2fetc']) {
      const res = await ingest(app, name, 'text/plain', 'x');
      expect(res.statusCode, name).toBe(400);
      expect(res.json().message).toContain('params.sensor: must match pattern');
    }
  });

  it('answers 400 for a body without records and 415 for other content types', async () => {
    const { app } = await server();
    expect((await ingest(app, 'bro', 'text/plain', '\n\n\r\n')).json()).toMatchObject({ status: 400, message: 'request body holds no records' });
    expect((await ingest(app, 'bro', undefined, '')).statusCode).toBe(400);
    const xml = await ingest(app, 'bro', 'application/xml', '<a/>');
    expect(xml.statusCode).toBe(415);
    expect(xml.json().message).toContain('text/plain, application/x-ndjson, application/json');
    const none = await app.inject({ method: 'POST', url: '/api/v1/ingest/bro', headers: { authorization: AUTH }, payload: Buffer.from('abc') });
    expect(none.statusCode).toBe(415);
  });

  it('requires authentication', async () => {
    const { app, deps } = await server();
    const res = await app.inject({ method: 'POST', url: '/api/v1/ingest/bro', headers: { 'content-type': 'text/plain' }, payload: 'x' });
    expect(res.statusCode).toBe(401);
    expect(deps.ingested).toEqual([]);
  });
});
