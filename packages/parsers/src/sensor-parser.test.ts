import { describe, expect, it } from 'vitest';
import { ConfigError } from '@metron/core';
import { createSensorParser, type ParserRunnerConfig } from './sensor-parser.js';
import type { ParserDefinition } from './types.js';
import { firstInvalidUtf8Offset } from './utf8.js';

const NOW = 1_700_000_000_000;
const guid = (n: number) => `guid-${n}`;
const jsonMap = (extra: Partial<ParserRunnerConfig> = {}) => createSensorParser('s', { parserClassName: 'JSONMap', ...extra });
const run = (text: string | Buffer, extra: Partial<ParserRunnerConfig> = {}) =>
  jsonMap(extra).parse(typeof text === 'string' ? Buffer.from(text) : text, { guid, now: NOW });

describe('createSensorParser', () => {
  it('selects parsers by class name or short name, case-insensitively', () => {
    for (const name of ['org.apache.metron.parsers.json.JSONMapParser', 'JSONMap', 'jsonmap', ' JSONMAP ']) {
      expect(createSensorParser('s', { parserClassName: name }).definition.id).toBe('json_map');
    }
    for (const name of ['org.apache.metron.parsers.bro.BasicBroParser', 'Bro', 'bro']) {
      expect(createSensorParser('s', { parserClassName: name }).definition.id).toBe('bro');
    }
  });

  it('refuses an unknown parser name with a ConfigError naming $.parserClassName', () => {
    const create = () => createSensorParser('s', { parserClassName: 'org.apache.metron.parsers.asa.BasicAsaParser' }, { file: 'conf/parsers/s.json' });
    expect(create).toThrow(ConfigError);
    expect(create).toThrow(/^conf\/parsers\/s\.json: \$\.parserClassName: unknown parser "org\.apache\.metron\.parsers\.asa\.BasicAsaParser"; known parsers: JSONMap/);
    expect(() => createSensorParser('s', {} as ParserRunnerConfig)).toThrow(/\$\.parserClassName: is required/);
  });

  it('refuses filters and bad parserConfig at create time', () => {
    expect(() => jsonMap({ filterClassName: 'BRO' })).toThrow(/\$\.filterClassName: message filter "BRO" is not supported/);
    expect(() => jsonMap({ filterClassName: 'STELLAR' })).toThrow(/\$\.parserConfig\["filter\.query"\]/);
    expect(jsonMap({ filterClassName: null }).sensor).toBe('s');
    expect(() => jsonMap({ parserConfig: [] as unknown as Record<string, unknown> })).toThrow(/\$\.parserConfig: must be an object/);
    expect(() => jsonMap({ parserConfig: { mapStrategy: 'NOPE' } })).toThrow(/parsers\/s\.json: \$\.parserConfig\.mapStrategy/);
  });

  it('sets source.type, guid from the context per message index, original_string and timestamp', () => {
    const line = '{"foo": [{"a": 1}, {"a": 2, "guid": "own"}]}';
    const r = run(line, { parserConfig: { jsonpQuery: '$.foo' } });
    expect(r.errors).toEqual([]);
    expect(r.messages).toEqual([
      { a: 1, timestamp: NOW, 'source.type': 's', guid: 'guid-0', original_string: line },
      { a: 2, timestamp: NOW, 'source.type': 's', guid: 'own', original_string: line },
    ]);
  });

  it('is deterministic for a re-delivered record', () => {
    const parser = jsonMap();
    const raw = Buffer.from('{"a": 1}');
    expect(parser.parse(raw, { guid, now: NOW })).toEqual(parser.parse(raw, { guid, now: NOW }));
  });

  it('overwrites source.type, then applies field transformations', () => {
    const r = run('{"a": 1, "b": 2, "source.type": "x"}', {
      fieldTransformations: [
        { transformation: 'RENAME', config: { a: 'ip_src_addr' } },
        { transformation: 'REMOVE', input: 'b' },
      ],
    });
    expect(r.messages).toEqual([{ ip_src_addr: 1, timestamp: NOW, 'source.type': 's', guid: 'guid-0', original_string: '{"a": 1, "b": 2, "source.type": "x"}' }]);
    expect(() => jsonMap({ fieldTransformations: [{ transformation: 'NOPE' }] })).toThrow(/\$\.fieldTransformations\[0\]\.transformation: .* is not supported/);
  });

  it('invalid UTF-8 is an error naming the first bad byte', () => {
    const raw = Buffer.concat([Buffer.from('{"a": "é'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    const r = run(raw);
    expect(r.messages).toEqual([]);
    expect(r.errors).toEqual([{ reason: 'invalid UTF-8 at byte 9', raw, errorType: 'PARSER_ERROR' }]);
    expect(firstInvalidUtf8Offset(Buffer.from([0x61, 0xe0, 0x80, 0x80]))).toBe(1); // overlong
    expect(firstInvalidUtf8Offset(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0); // surrogate
    expect(firstInvalidUtf8Offset(Buffer.from([0x61, 0x62, 0xf0, 0x9f, 0x98]))).toBe(2); // truncated
    expect(firstInvalidUtf8Offset(Buffer.from([0xf4, 0x90, 0x80, 0x80]))).toBe(0); // above U+10FFFF
    expect(firstInvalidUtf8Offset(Buffer.from('😀é', 'utf8'))).toBe(6);
  });

  it('empty and whitespace-only records are errors', () => {
    expect(run('').errors).toMatchObject([{ reason: 'empty record', errorType: 'PARSER_ERROR' }]);
    expect(run(' \t\r\n').errors).toMatchObject([{ reason: 'record holds only whitespace' }]);
  });

  it('a leading byte order mark is dropped', () => {
    const r = run(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a": 1}')]));
    expect(r.messages).toMatchObject([{ a: 1, original_string: '{"a": 1}' }]);
  });

  it('invalid JSON and binary junk are errors carrying the raw bytes', () => {
    const r = run('{"a": ');
    expect(r.errors).toEqual([{ reason: expect.stringMatching(/^JSONMap parser: invalid JSON: /), raw: Buffer.from('{"a": '), errorType: 'PARSER_ERROR' }]);
    let seed = 1;
    for (let i = 0; i < 200; i++) {
      const junk = Buffer.alloc(1 + (i % 64), 0);
      for (let k = 0; k < junk.length; k++) junk[k] = (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
      for (const name of ['JSONMap', 'Bro']) {
        const out = createSensorParser('s', { parserClassName: name }).parse(junk, { guid, now: NOW });
        expect(out.messages.length + out.errors.length).toBeGreaterThan(0);
      }
    }
  });

  it('a 10 MB line does not throw', () => {
    const big = `{"a": "${'x'.repeat(10 * 1024 * 1024)}"}`;
    const r = run(big);
    expect(r.errors).toEqual([]);
    expect((r.messages[0]!['a'] as string).length).toBe(10 * 1024 * 1024);
    const broken = run(big.slice(0, -1));
    expect(broken.errors[0]!.reason.length).toBeLessThanOrEqual(1001);
    const limited = createSensorParser('s', { parserClassName: 'JSONMap' }, { maxRecordBytes: 1024 }).parse(Buffer.from(big), { guid });
    expect(limited.errors).toMatchObject([{ reason: `record is ${big.length} bytes, over the limit of 1024` }]);
  });

  it('validates timestamp like Metron, and requires epoch ms', () => {
    expect(run('{"timestamp": "1700000000123"}').messages).toMatchObject([{ timestamp: 1700000000123 }]);
    expect(run('{"timestamp": 1700000000123.7}').messages).toMatchObject([{ timestamp: 1700000000123 }]);
    const bad = run('{"timestamp": "yesterday"}');
    expect(bad.messages).toEqual([]);
    expect(bad.errors).toMatchObject([{ errorType: 'PARSER_INVALID', reason: 'timestamp "yesterday" is not epoch milliseconds', message: { timestamp: 'yesterday' } }]);
    expect(run('{"timestamp": null}').errors).toMatchObject([{ errorType: 'PARSER_INVALID' }]);
  });

  it('catches whatever a parser throws, and reports a parser that returns nothing', () => {
    const definition = (parse: () => never | { ok: true; messages: [] }): ParserDefinition => ({
      id: 'broken',
      className: 'x.Broken',
      shortName: 'Broken',
      aliases: [],
      description: 'test',
      configKeys: [],
      build: () => ({ parse }),
    });
    const throwing = createSensorParser('s', { parserClassName: 'broken' }, { definitions: [definition(() => { throw new RangeError('boom'); })] });
    expect(throwing.parse(Buffer.from('x'), { guid }).errors).toMatchObject([{ reason: 'Broken parser failed: boom', errorType: 'PARSER_ERROR' }]);
    const empty = createSensorParser('s', { parserClassName: 'broken' }, { definitions: [definition(() => ({ ok: true, messages: [] }))] });
    expect(empty.parse(Buffer.from('x'), { guid }).errors).toMatchObject([{ reason: 'Broken parser returned no message' }]);
    const badGuid = jsonMap().parse(Buffer.from('{"a":1}'), { guid: () => { throw new Error('no guid'); } });
    expect(badGuid.errors).toMatchObject([{ reason: 'message 0: no guid', errorType: 'PARSER_ERROR' }]);
  });
});

describe('createSensorParser: Stellar filter, transformations and global field validations', () => {
  it('drops the messages the STELLAR filter rejects: neither messages nor errors', () => {
    const cfg = { filterClassName: 'STELLAR', parserConfig: { 'filter.query': "exists(a) and a == 'keep'" } };
    expect(run('{"a": "keep"}', cfg).messages).toMatchObject([{ a: 'keep' }]);
    expect(run('{"a": "drop"}', cfg)).toEqual({ messages: [], errors: [] });
    expect(run('{"b": 1}', cfg)).toEqual({ messages: [], errors: [] });
    // the filter sees the transformed message
    const renamed = { ...cfg, fieldTransformations: [{ transformation: 'RENAME', config: { x: 'a' } }] };
    expect(run('{"x": "keep"}', renamed).messages).toMatchObject([{ a: 'keep' }]);
    expect(jsonMap({ filterClassName: 'DEFAULT' }).parse(Buffer.from('{"a":1}'), { guid, now: NOW }).messages).toHaveLength(1);
  });

  it('refuses a bad filter query with its config path', () => {
    const create = () => jsonMap({ filterClassName: 'STELLAR', parserConfig: { 'filter.query': 'a ==' } });
    expect(create).toThrow(ConfigError);
    expect(create).toThrow(/^parsers\/s\.json: \$\.parserConfig\["filter\.query"\]: invalid Stellar expression/);
  });

  it('a filter or transformation failing at run time makes that record a PARSER_ERROR', () => {
    const filtered = run('{"a": "x"}', { filterClassName: 'STELLAR', parserConfig: { 'filter.query': 'a + 1 > 2' } });
    expect(filtered.messages).toEqual([]);
    expect(filtered.errors).toMatchObject([{ errorType: 'PARSER_ERROR', reason: expect.stringMatching(/^message 0: filter filter\.query: /) }]);
    const transformed = run('{"a": "x"}', { fieldTransformations: [{ transformation: 'STELLAR', config: { b: 'a * 2' } }] });
    expect(transformed.messages).toEqual([]);
    expect(transformed.errors).toMatchObject([
      { errorType: 'PARSER_ERROR', reason: expect.stringMatching(/^message 0: \$\.fieldTransformations\[0\]\.config\.b: /) },
    ]);
  });

  it('applies STELLAR transformations before guid and validation', () => {
    const r = run('{"proto": 6, "host": "WWW.Example.com"}', {
      fieldTransformations: [
        { transformation: 'IP_PROTOCOL', input: 'proto' },
        { transformation: 'STELLAR', output: ['host'], config: { host: 'TO_LOWER(host)', tmp: '1' } },
      ],
    });
    expect(r.errors).toEqual([]);
    expect(r.messages).toEqual([
      { proto: 'TCP', host: 'www.example.com', timestamp: NOW, 'source.type': 's', guid: 'guid-0', original_string: '{"proto": 6, "host": "WWW.Example.com"}' },
    ]);
  });

  it("Stellar sees the record's now, so a re-delivered record transforms the same", () => {
    const r = run('{"a": 1}', { fieldTransformations: [{ transformation: 'STELLAR', config: { seen_at: 'NOW()' } }] });
    expect(r.messages).toMatchObject([{ seen_at: NOW }]);
  });

  it('STELLAR field validations see the validation config and the global config', () => {
    const global = { limit: 5, fieldValidations: [{ input: 'n', validation: 'STELLAR', config: { condition: 'n >= min && n <= limit', min: 2 } }] };
    const parser = createSensorParser('s', { parserClassName: 'JSONMap' }, { global });
    expect(parser.parse(Buffer.from('{"n": 3}'), { guid, now: NOW }).messages).toHaveLength(1);
    expect(parser.parse(Buffer.from('{"n": 6}'), { guid, now: NOW }).errors).toMatchObject([{ errorType: 'PARSER_INVALID' }]);
    expect(parser.parse(Buffer.from('{"n": 1}'), { guid, now: NOW }).errors).toMatchObject([{ errorType: 'PARSER_INVALID' }]);
  });

  it('messages failing a global field validation are PARSER_INVALID with the reason', () => {
    const global = { fieldValidations: [{ input: 'ip', validation: 'IP', config: { type: 'IPV4' } }] };
    const parser = createSensorParser('s', { parserClassName: 'JSONMap' }, { global });
    const ok = parser.parse(Buffer.from('{"ip": "10.0.0.1"}'), { guid, now: NOW });
    expect(ok.errors).toEqual([]);
    expect(ok.messages).toHaveLength(1);
    const bad = parser.parse(Buffer.from('{"ip": "999.0.0.1"}'), { guid, now: NOW });
    expect(bad.messages).toEqual([]);
    expect(bad.errors).toMatchObject([
      { errorType: 'PARSER_INVALID', reason: 'field validation IP of ip ($.fieldValidations[0]) failed: ip is "999.0.0.1"', message: { ip: '999.0.0.1' } },
    ]);
    expect(() => createSensorParser('s', { parserClassName: 'JSONMap' }, { global: { fieldValidations: [{ validation: 'STELLAR', config: { condition: '(' } }] } })).toThrow(
      /^global\.json: \$\.fieldValidations\[0\]\.config\.condition: invalid Stellar expression/,
    );
  });
});
