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
    const create = () => createSensorParser('s', { parserClassName: 'org.apache.metron.parsers.NoSuchParser' }, { file: 'conf/parsers/s.json' });
    expect(create).toThrow(ConfigError);
    expect(create).toThrow(/^conf\/parsers\/s\.json: \$\.parserClassName: unknown parser "org\.apache\.metron\.parsers\.NoSuchParser"; known parsers: JSONMap/);
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
    expect(run('\u00a0\u2003\ufeff ').errors).toMatchObject([{ reason: 'record holds only whitespace' }]);
    expect(run('\u00a0{"a": 1}').errors).toMatchObject([{ reason: expect.stringMatching(/^JSONMap parser: invalid JSON/) }]);
    expect(run('\u00e9').errors).toMatchObject([{ reason: expect.stringMatching(/^JSONMap parser: invalid JSON/) }]);
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

describe('createSensorParser: metadata (DEFAULT raw message strategy)', () => {
  const KAFKA = { topic: 'bro_dc1', partition: 3, offset: 1042, customer_id: 'acme' };
  const parse = (cfg: Partial<ParserRunnerConfig>, text = '{"a": 1}', metadata: Record<string, unknown> | null = KAFKA) =>
    jsonMap(cfg).parse(Buffer.from(text), { guid, now: NOW, ...(metadata ? { metadata } : {}) });
  const seeTopic = [{ transformation: 'STELLAR', config: { seen_topic: 'metron.metadata.topic', seen_customer: 'metron.metadata.customer_id' } }];

  it('ignores the record metadata unless readMetadata (Metron: DEFAULT reads and merges nothing by default)', () => {
    const plain = { a: 1, timestamp: NOW, 'source.type': 's', guid: 'guid-0', original_string: '{"a": 1}' };
    expect(parse({}).messages).toEqual([plain]);
    expect(parse({ mergeMetadata: true }).messages).toEqual([plain]);
    // a transformation reading metadata sees null, and a null result leaves the field out
    expect(parse({ fieldTransformations: seeTopic }).messages).toEqual([plain]);
  });

  it('readMetadata without merge: Stellar transformations see prefixed metadata; the message does not carry it', () => {
    const r = parse({ readMetadata: true, fieldTransformations: seeTopic });
    expect(r.errors).toEqual([]);
    expect(r.messages).toEqual([{ a: 1, seen_topic: 'bro_dc1', seen_customer: 'acme', timestamp: NOW, 'source.type': 's', guid: 'guid-0', original_string: '{"a": 1}' }]);
    // message fields, then parserConfig, then metadata (Metron's variable resolution order)
    const prefixless = {
      readMetadata: 'true',
      rawMessageStrategyConfig: { metadataPrefix: '' },
      parserConfig: { customer_id: 'from-config' },
      fieldTransformations: [{ transformation: 'STELLAR', config: { t: 'topic', c: 'customer_id', p: 'partition' } }],
    };
    expect(parse(prefixless, '{"topic": "own"}').messages).toEqual([
      { topic: 'own', t: 'own', c: 'from-config', p: 3, timestamp: NOW, 'source.type': 's', guid: 'guid-0', original_string: '{"topic": "own"}' },
    ]);
  });

  it('readMetadata and mergeMetadata: metadata fields join the message, overwriting (Metron putAll), before transformations', () => {
    const r = parse({ readMetadata: true, mergeMetadata: true, fieldTransformations: seeTopic });
    expect(r.messages).toEqual([
      {
        a: 1,
        'metron.metadata.topic': 'bro_dc1',
        'metron.metadata.partition': 3,
        'metron.metadata.offset': 1042,
        'metron.metadata.customer_id': 'acme',
        seen_topic: 'bro_dc1',
        seen_customer: 'acme',
        timestamp: NOW,
        'source.type': 's',
        guid: 'guid-0',
        original_string: '{"a": 1}',
      },
    ]);
    const custom = parse({ readMetadata: true, mergeMetadata: true, rawMessageStrategyConfig: { metadataPrefix: 'kafka' } }, '{"a": 1, "kafka.topic": "mine"}', { topic: 'x' });
    expect(custom.messages).toEqual([{ a: 1, 'kafka.topic': 'x', timestamp: NOW, 'source.type': 's', guid: 'guid-0', original_string: '{"a": 1, "kafka.topic": "mine"}' }]);
    // source.type is set after the merge: metadata cannot rename the sensor
    const noPrefix = parse({ readMetadata: true, mergeMetadata: true, rawMessageStrategyConfig: { metadataPrefix: null } }, '{"a": 1}', { 'source.type': 'x', a: 2 });
    expect(noPrefix.messages).toEqual([{ a: 2, timestamp: NOW, 'source.type': 's', guid: 'guid-0', original_string: '{"a": 1}' }]);
  });

  it('tells whether it reads the record metadata', () => {
    expect(jsonMap().readsMetadata).toBe(false);
    expect(jsonMap({ readMetadata: true }).readsMetadata).toBe(true);
    expect(jsonMap({ rawMessageStrategy: 'ENVELOPE', rawMessageStrategyConfig: { messageField: 'm' } }).readsMetadata).toBe(true);
    expect(jsonMap({ rawMessageStrategy: 'ENVELOPE', rawMessageStrategyConfig: { messageField: 'm' }, readMetadata: false }).readsMetadata).toBe(false);
  });

  it('a record without metadata parses the same with readMetadata on', () => {
    expect(parse({ readMetadata: true, mergeMetadata: true }, '{"a": 1}', null).messages).toEqual([
      { a: 1, timestamp: NOW, 'source.type': 's', guid: 'guid-0', original_string: '{"a": 1}' },
    ]);
  });

  it('errors carry the metadata when it is read (Metron adds it to the error record)', () => {
    const metadata = { 'metron.metadata.topic': 'bro_dc1', 'metron.metadata.partition': 3, 'metron.metadata.offset': 1042, 'metron.metadata.customer_id': 'acme' };
    expect(parse({ readMetadata: true }, '{"a": ').errors).toEqual([
      { reason: expect.stringMatching(/^JSONMap parser: invalid JSON/), raw: Buffer.from('{"a": '), errorType: 'PARSER_ERROR', metadata },
    ]);
    expect(parse({ readMetadata: true }, '{"timestamp": "x"}').errors).toMatchObject([{ errorType: 'PARSER_INVALID', metadata }]);
    expect(parse({}, '{"a": ').errors[0]).not.toHaveProperty('metadata');
  });

  it('refuses bad metadata settings with their config path', () => {
    expect(() => jsonMap({ rawMessageStrategy: 'envelope' })).toThrow(/^parsers\/s\.json: \$\.rawMessageStrategy: must be one of DEFAULT, ENVELOPE, got "envelope"/);
    expect(() => jsonMap({ readMetadata: 'yes' })).toThrow(/\$\.readMetadata: must be true or false, got "yes"/);
    expect(() => jsonMap({ mergeMetadata: 1 as unknown as boolean })).toThrow(/\$\.mergeMetadata: must be true or false/);
    expect(() => jsonMap({ rawMessageStrategyConfig: [] as unknown as Record<string, unknown> })).toThrow(/\$\.rawMessageStrategyConfig: must be an object/);
    expect(() => jsonMap({ rawMessageStrategyConfig: { metadataPrefix: 7 } })).toThrow(/\$\.rawMessageStrategyConfig\.metadataPrefix: must be a string/);
    expect(() => jsonMap({ rawMessageStrategy: 'ENVELOPE' })).toThrow(/\$\.rawMessageStrategyConfig\.messageField: is required with rawMessageStrategy ENVELOPE/);
    expect(() => jsonMap({ rawMessageStrategy: 'ENVELOPE', rawMessageStrategyConfig: { messageField: '' } })).toThrow(/messageField: is required/);
  });
});

describe('createSensorParser: ENVELOPE raw message strategy (parser chaining)', () => {
  const envelopeOf = (sensor: string, parserClassName: string, extra: Partial<ParserRunnerConfig> = {}, messageField = 'message') =>
    createSensorParser(sensor, { parserClassName, rawMessageStrategy: 'ENVELOPE', rawMessageStrategyConfig: { messageField }, ...extra });

  it("parses Metron's ParserChaining.md example: CSV held in `payload`, unprefixed metadata merged, original_string inherited", () => {
    const parser = createSensorParser('my_topic', {
      parserClassName: 'org.apache.metron.parsers.csv.CSVParser',
      rawMessageStrategy: 'ENVELOPE',
      rawMessageStrategyConfig: { messageField: 'payload', metadataPrefix: '' },
      parserConfig: { columns: { f1: 0, f2: 1, f3: 2 } },
    });
    const envelope = '{"meta_f1": "val1", "payload": "foo,bar,grok", "original_string": "2019 Jul, 01: val1 foo,bar,grok", "timestamp": 10000}';
    const r = parser.parse(Buffer.from(envelope), { guid, now: NOW });
    expect(r.errors).toEqual([]);
    // the parser's timestamp wins over the envelope's; the envelope's original_string wins over the parser's
    expect(r.messages).toEqual([
      { meta_f1: 'val1', f1: 'foo', f2: 'bar', f3: 'grok', original_string: '2019 Jul, 01: val1 foo,bar,grok', timestamp: NOW, 'source.type': 'my_topic', guid: 'guid-0' },
    ]);
  });

  it('chains Syslog5424 into CEF: every field of the second sensor output', () => {
    const cefText = 'CEF:0|Security|threatmanager|1.0|100|worm successfully stopped|10|src=10.0.0.1 dst=2.1.2.2 spt=1232 dpt=80 act=blocked app=HTTP cs1Label=Rule Name cs1=Block all';
    const syslogLine = `<134>1 2024-06-15T11:58:00.123Z fw01.example.com threatmanager 4242 CEF - ${cefText}`;
    const upstream = createSensorParser('syslog', { parserClassName: 'Syslog5424' }).parse(Buffer.from(syslogLine), { guid: (n) => `up-${n}`, now: NOW });
    expect(upstream.errors).toEqual([]);
    const header = {
      'syslog.header.pri': '134',
      'syslog.header.facility': '16',
      'syslog.header.severity': '6',
      'syslog.header.version': '1',
      'syslog.header.timestamp': '2024-06-15T11:58:00.123Z',
      'syslog.header.hostName': 'fw01.example.com',
      'syslog.header.appName': 'threatmanager',
      'syslog.header.procId': '4242',
      'syslog.header.msgId': 'CEF',
    };
    const syslogTime = Date.UTC(2024, 5, 15, 11, 58, 0, 123);
    expect(upstream.messages).toEqual([
      { ...header, 'syslog.message': cefText, timestamp: syslogTime, original_string: syslogLine, 'source.type': 'syslog', guid: 'up-0' },
    ]);

    // the upstream output, as written to the topic of the second sensor
    const record = Buffer.from(JSON.stringify(upstream.messages[0]));
    const downstream = envelopeOf('threatmanager', 'CEF', {}, 'syslog.message');
    const r = downstream.parse(record, { guid: (n) => `down-${n}`, now: NOW, metadata: { topic: 'threatmanager', partition: 0, offset: 7 } });
    expect(r.errors).toEqual([]);
    expect(r.messages).toEqual([
      {
        DeviceVendor: 'Security',
        DeviceProduct: 'threatmanager',
        DeviceVersion: '1.0',
        DeviceEvent: '100',
        Name: 'worm successfully stopped',
        Severity: 10,
        ip_src_addr: '10.0.0.1',
        ip_dst_addr: '2.1.2.2',
        ip_src_port: 1232,
        ip_dst_port: 80,
        deviceAction: 'blocked',
        protocol: 'HTTP',
        'Rule Name': 'Block all',
        // CEF has no rt: the parser's timestamp, not the envelope's
        timestamp: NOW,
        // the outermost record's original string
        original_string: syslogLine,
        'metron.metadata.topic': 'threatmanager',
        'metron.metadata.partition': 0,
        'metron.metadata.offset': 7,
        'metron.metadata.syslog.header.pri': '134',
        'metron.metadata.syslog.header.facility': '16',
        'metron.metadata.syslog.header.severity': '6',
        'metron.metadata.syslog.header.version': '1',
        'metron.metadata.syslog.header.timestamp': '2024-06-15T11:58:00.123Z',
        'metron.metadata.syslog.header.hostName': 'fw01.example.com',
        'metron.metadata.syslog.header.appName': 'threatmanager',
        'metron.metadata.syslog.header.procId': '4242',
        'metron.metadata.syslog.header.msgId': 'CEF',
        'metron.metadata.timestamp': syslogTime,
        'metron.metadata.original_string': syslogLine,
        'metron.metadata.source.type': 'syslog',
        'metron.metadata.guid': 'up-0',
        'source.type': 'threatmanager',
        guid: 'down-0',
      },
    ]);
  });

  it('chains Syslog3164 into Grok: unmerged metadata (own prefix) feeds Stellar, original_string still inherited', () => {
    const line = '<38>Jun 14 22:03:11 bastion-1 sshd[24817]: Accepted publickey for deploy from 203.0.113.7 port 52144 ssh2: ED25519 SHA256:abc';
    const upstream = createSensorParser('syslog', { parserClassName: 'Syslog3164', parserConfig: { splitTag: true } }).parse(Buffer.from(line), {
      guid: (n) => `up-${n}`,
      now: NOW,
    });
    expect(upstream.errors).toEqual([]);
    const syslogTime = Date.UTC(2023, 5, 14, 22, 3, 11); // year-less: the year of NOW (2023-11-14)
    expect(upstream.messages).toEqual([
      {
        'syslog.header.pri': '38',
        'syslog.header.facility': '4',
        'syslog.header.severity': '6',
        'syslog.header.timestamp': 'Jun 14 22:03:11',
        'syslog.header.hostName': 'bastion-1',
        'syslog.header.appName': 'sshd',
        'syslog.header.procId': '24817',
        'syslog.message': 'Accepted publickey for deploy from 203.0.113.7 port 52144 ssh2: ED25519 SHA256:abc',
        timestamp: syslogTime,
        original_string: line,
        'source.type': 'syslog',
        guid: 'up-0',
      },
    ]);
    const sshd = createSensorParser('sshd', {
      parserClassName: 'org.apache.metron.parsers.GrokParser',
      rawMessageStrategy: 'ENVELOPE',
      rawMessageStrategyConfig: { messageField: 'syslog.message', metadataPrefix: 'envelope' },
      mergeMetadata: false,
      parserConfig: {
        grokPattern: 'Accepted %{WORD:auth_method} for %{USERNAME:user} from %{IP:ip_src_addr} port %{INT:ip_src_port:int} %{WORD:ssh_protocol}: %{GREEDYDATA:key_info}',
      },
      fieldTransformations: [
        {
          transformation: 'STELLAR',
          output: ['timestamp', 'host', 'program'],
          config: { timestamp: 'envelope.timestamp', host: 'envelope.syslog.header.hostName', program: 'envelope.syslog.header.appName' },
        },
      ],
    });
    const r = sshd.parse(Buffer.from(JSON.stringify(upstream.messages[0])), { guid, now: NOW });
    expect(r.errors).toEqual([]);
    expect(r.messages).toEqual([
      {
        auth_method: 'publickey',
        user: 'deploy',
        ip_src_addr: '203.0.113.7',
        ip_src_port: 52144,
        ssh_protocol: 'ssh2',
        key_info: 'ED25519 SHA256:abc',
        timestamp: syslogTime,
        host: 'bastion-1',
        program: 'sshd',
        original_string: line,
        'source.type': 'sshd',
        guid: 'guid-0',
      },
    ]);
  });

  it('readMetadata false: only the enveloped text counts; original_string is that text', () => {
    const parser = envelopeOf('s', 'JSONMap', { readMetadata: false });
    const r = parser.parse(Buffer.from('{"message": "{\\"a\\": 1}", "original_string": "outer", "x": 2}'), { guid, now: NOW, metadata: { topic: 't' } });
    expect(r.messages).toEqual([{ a: 1, timestamp: NOW, 'source.type': 's', guid: 'guid-0', original_string: '{"a": 1}' }]);
  });

  it('merged metadata fills fields the message lacks or holds as null, never overwrites', () => {
    const parser = envelopeOf('s', 'JSONMap', { rawMessageStrategyConfig: { messageField: 'message', metadataPrefix: '' } });
    const r = parser.parse(Buffer.from('{"message": "{\\"a\\": 1, \\"b\\": null}", "a": "outer", "b": "outer", "c": [1, 2], "d": 3600.0}'), { guid, now: NOW });
    expect(r.messages).toEqual([{ a: 1, b: 'outer', c: [1, 2], d: 3600, timestamp: NOW, 'source.type': 's', guid: 'guid-0', original_string: '{"a": 1, "b": null}' }]);
  });

  it('bad envelopes are PARSER_ERRORs carrying the whole record', () => {
    const parser = envelopeOf('s', 'JSONMap');
    const reasonOf = (text: string) => {
      const r = parser.parse(Buffer.from(text), { guid, now: NOW });
      expect(r.messages).toEqual([]);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]!.raw).toEqual(Buffer.from(text));
      expect(r.errors[0]!.errorType).toBe('PARSER_ERROR');
      return r.errors[0]!.reason;
    };
    expect(reasonOf('not json')).toMatch(/^envelope is not JSON: /);
    expect(reasonOf('[{"message": "x"}]')).toBe('envelope is not a JSON object');
    expect(reasonOf('"message"')).toBe('envelope is not a JSON object');
    expect(reasonOf('{"other": "x"}')).toBe('envelope has no field "message"');
    expect(reasonOf('{"message": null}')).toBe('envelope has no field "message"');
    expect(reasonOf('{"message": {"a": 1}}')).toBe('envelope field "message" is not a string');
    expect(reasonOf('{"message": ""}')).toBe('envelope field "message" is empty');
    expect(reasonOf('{"message": " \\t"}')).toBe('envelope field "message" holds only whitespace');
    expect(reasonOf('{"message": "{\\"a\\": "}')).toMatch(/^JSONMap parser: invalid JSON/);
    expect(reasonOf('{"message": "{}", "original_string": 5}')).toBe('message 0: envelope metron.metadata.original_string is not a string');
    // the envelope's metadata travels with a failure of the enveloped text
    const failed = parser.parse(Buffer.from('{"message": "{", "host": "h1"}'), { guid, now: NOW, metadata: { topic: 't' } });
    expect(failed.errors[0]!.metadata).toEqual({ 'metron.metadata.topic': 't', 'metron.metadata.host': 'h1' });
  });

  it('keeps a __proto__ envelope field as plain data', () => {
    const parser = envelopeOf('s', 'JSONMap', { rawMessageStrategyConfig: { messageField: 'message', metadataPrefix: '' } });
    const r = parser.parse(Buffer.from('{"message": "{\\"a\\": 1}", "__proto__": {"polluted": true}}'), { guid, now: NOW });
    expect(r.messages).toHaveLength(1);
    expect(Object.getPrototypeOf(r.messages[0])).toBe(Object.prototype);
    expect(Object.hasOwn(r.messages[0]!, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
