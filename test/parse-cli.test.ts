import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readLines } from '../packages/cli/src/parse.js';
import { runCli } from './helpers.js';

const BRO = '/work/shared/conformance/metron/parsers/bro';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const parse = (args: string[], input: string | Buffer) => runCli(['parse', ...args], input);

const jsonLines = (text: string) => text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('metron parse', () => {
  it('parses the bro conformance records with their parser config: one message per line, exit 0', async () => {
    const raw = readFileSync(join(BRO, 'raw.txt'));
    const lines = raw.toString('utf8').split('\n').filter((l) => l.trim() !== '');
    const r = await parse(['--config-file', join(BRO, 'parser_config.json'), '--sensor', 'bro'], raw);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const messages = jsonLines(r.stdout);
    expect(messages).toHaveLength(lines.length);
    expect(messages).toHaveLength(31);
    for (const m of messages) {
      expect(m['source.type']).toBe('bro');
      expect(m['guid']).toMatch(UUID);
      expect(typeof m['timestamp']).toBe('number');
    }
    expect(new Set(messages.map((m) => m['guid'])).size).toBe(31);
  });

  it('reports a bad line on stderr as a JSON line with its reason, and exits 1', async () => {
    const good = readFileSync(join(BRO, 'raw.txt'), 'utf8').split('\n').filter((l) => l.trim() !== '').slice(0, 3);
    const input = `${good[0]}\r\n${good[1]}\nthis is not bro\n\n${good[2]}`;
    const r = await parse(['--config-file', join(BRO, 'parser_config.json'), '--sensor', 'bro'], input);
    expect(r.code).toBe(1);
    expect(jsonLines(r.stdout)).toHaveLength(3);
    const errors = jsonLines(r.stderr);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      raw: 'this is not bro',
      raw_base64: Buffer.from('this is not bro').toString('base64'),
      error_type: 'PARSER_ERROR',
    });
    expect(errors[0]!['reason']).toMatch(/^Bro parser: /);
  });

  it('runs transformations, the Stellar filter and global field validations from a config directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'metron-parse-'));
    mkdirSync(join(dir, 'parsers'));
    writeFileSync(
      join(dir, 'parsers', 'web.json'),
      JSON.stringify({
        parserClassName: 'JSONMap',
        filterClassName: 'STELLAR',
        parserConfig: { 'filter.query': "action != 'noise'" },
        fieldTransformations: [
          { transformation: 'IP_PROTOCOL', input: 'protocol' },
          { transformation: 'STELLAR', output: ['host'], config: { host: 'TO_LOWER(host)' } },
        ],
      }),
    );
    writeFileSync(join(dir, 'global.json'), JSON.stringify({ fieldValidations: [{ input: 'ip_src_addr', validation: 'IP' }] }));
    const input = [
      '{"timestamp": 1, "protocol": 6, "host": "A.COM", "ip_src_addr": "10.0.0.1", "action": "ok"}',
      '{"timestamp": 2, "action": "noise"}',
      '{"timestamp": 3, "ip_src_addr": "not-an-ip"}',
    ].join('\n');
    const r = await parse(['--sensor', 'web', '--config-dir', dir], input);
    expect(r.code).toBe(1);
    expect(jsonLines(r.stdout)).toMatchObject([{ protocol: 'TCP', host: 'a.com', 'source.type': 'web', timestamp: 1 }]);
    expect(jsonLines(r.stderr)).toMatchObject([
      { raw: '{"timestamp": 3, "ip_src_addr": "not-an-ip"}', error_type: 'PARSER_INVALID', reason: expect.stringMatching(/field validation IP of ip_src_addr/) },
    ]);
  });

  it('exits 2 with the message on usage and config errors', async () => {
    const usage = await parse(['--sensor', 'bro'], '');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/give exactly one of --config-file and --config-dir/);

    const dir = mkdtempSync(join(tmpdir(), 'metron-parse-'));
    const file = join(dir, 'web.json');
    writeFileSync(file, JSON.stringify({ parserClassName: 'JSONMap', fieldTransformations: [{ transformation: 'STELLAR', config: { x: '1 +' } }] }));
    const bad = await parse(['--config-file', file], '{"a": 1}\n');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${file}: $.fieldTransformations[0].config.x: invalid Stellar expression`);
    expect(bad.stdout).toBe('');

    const missing = await parse(['--sensor', 'nope', '--config-dir', dir], '');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/config directory|no parser config for sensor "nope"/);
  });
});

describe('readLines', () => {
  const collect = async (chunks: (string | Buffer)[], max = 10) => {
    const out: { text: string; tooLong?: number }[] = [];
    for await (const line of readLines(Readable.from(chunks), max)) {
      out.push(line.tooLongLength === undefined ? { text: line.bytes.toString() } : { text: line.bytes.toString(), tooLong: line.tooLongLength });
    }
    return out;
  };

  it('splits at LF across chunks, drops CR before LF and skips empty lines', async () => {
    expect(await collect(['ab', 'c\r\n\nd', 'e\nf'])).toEqual([{ text: 'abc' }, { text: 'de' }, { text: 'f' }]);
  });

  it('cuts lines over the limit, keeping their head only', async () => {
    expect(await collect(['0123456789\r\n', '0123456789x', 'yz\nok'])).toEqual([{ text: '0123456789' }, { text: '0123456789x', tooLong: 13 }, { text: 'ok' }]);
  });
});
