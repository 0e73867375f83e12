import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runParse } from './parse.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'metron-parse-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function parse(config: Record<string, unknown>, input: string, flags: string[] = []) {
  const file = join(dir, 'tenant.json');
  await writeFile(file, JSON.stringify(config));
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const code = await runParse(['--config-file', file, ...flags], { stdin: Readable.from([Buffer.from(input)]), stdout, stderr });
  const lines = (chunks: Buffer[]) =>
    Buffer.concat(chunks)
      .toString('utf8')
      .split('\n')
      .filter((l) => l !== '');
  return { code, out: lines(out).map((l) => JSON.parse(l) as Record<string, unknown>), err: lines(err) };
}

describe('metron parse --metadata', () => {
  const metadata = '{"topic": "tenant", "customer_id": "acme"}';

  it('gives every record the metadata; the sensor config decides whether it is read and merged', async () => {
    const merged = await parse({ parserClassName: 'JSONMap', readMetadata: true, mergeMetadata: true }, '{"a": 1, "timestamp": 5}\n{"a": 2, "timestamp": 6}\n', ['--metadata', metadata]);
    expect(merged.code).toBe(0);
    expect(merged.err).toEqual([]);
    expect(merged.out).toEqual([
      { a: 1, timestamp: 5, 'metron.metadata.topic': 'tenant', 'metron.metadata.customer_id': 'acme', 'source.type': 'tenant', guid: expect.any(String), original_string: '{"a": 1, "timestamp": 5}' },
      { a: 2, timestamp: 6, 'metron.metadata.topic': 'tenant', 'metron.metadata.customer_id': 'acme', 'source.type': 'tenant', guid: expect.any(String), original_string: '{"a": 2, "timestamp": 6}' },
    ]);
    const ignored = await parse({ parserClassName: 'JSONMap' }, '{"a": 1, "timestamp": 5}\n', ['--metadata', metadata]);
    expect(ignored.out).toEqual([{ a: 1, timestamp: 5, 'source.type': 'tenant', guid: expect.any(String), original_string: '{"a": 1, "timestamp": 5}' }]);
  });

  it('reads enveloped records, and failed records show their metadata', async () => {
    const config = { parserClassName: 'JSONMap', rawMessageStrategy: 'ENVELOPE', rawMessageStrategyConfig: { messageField: 'payload', metadataPrefix: 'm' } };
    const r = await parse(config, '{"payload": "{\\"a\\": 1, \\"timestamp\\": 5}", "host": "h1"}\n{"payload": "{", "host": "h2"}\n', ['--metadata', metadata]);
    expect(r.code).toBe(1);
    expect(r.out).toEqual([
      { a: 1, timestamp: 5, 'm.topic': 'tenant', 'm.customer_id': 'acme', 'm.host': 'h1', 'source.type': 'tenant', guid: expect.any(String), original_string: '{"a": 1, "timestamp": 5}' },
    ]);
    expect(r.err).toHaveLength(1);
    expect(JSON.parse(r.err[0]!)).toEqual({
      raw: '{"payload": "{", "host": "h2"}',
      raw_base64: Buffer.from('{"payload": "{", "host": "h2"}').toString('base64'),
      reason: expect.stringMatching(/^JSONMap parser: invalid JSON/),
      error_type: 'PARSER_ERROR',
      metadata: { 'm.topic': 'tenant', 'm.customer_id': 'acme', 'm.host': 'h2' },
    });
  });

  it('refuses metadata that is not a JSON object (exit 2)', async () => {
    for (const bad of ['[1]', 'nope', 'null']) {
      const r = await parse({ parserClassName: 'JSONMap' }, '{}\n', ['--metadata', bad]);
      expect(r.code).toBe(2);
      expect(r.err[0]).toMatch(/^metron parse: --metadata must be a JSON object/);
    }
  });
});
