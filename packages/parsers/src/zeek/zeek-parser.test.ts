import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@metron/core';
import { createSensorParser } from '../sensor-parser.js';
import { findParserDefinition } from '../registry.js';
import { compareWithExpected, conformancePath, readLines, testGuid } from '../test-support/conformance.js';
import { readZeekConfig } from './config.js';
import { isoToEpochSeconds, isoToMillis, parseIsoInstant } from './iso-timestamp.js';
import { ZeekParser } from './zeek-parser.js';
import { unescapeZeek } from './zeek-tsv.js';

const NOW = Date.UTC(2024, 5, 15);
const FILE = 'parsers/zeek.json';
const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '');
const newParser = (config: Record<string, unknown> = {}) => new ZeekParser(readZeekConfig(config, FILE));

type Msg = Record<string, unknown>;

/** Every line through one parser, as the pipeline feeds a stream; header lines must give ok + no message. */
function parseStream(parser: ZeekParser, text: string): Msg[] {
  const out: Msg[] = [];
  for (const line of lines(text)) {
    const outcome = parser.parse(line, { now: NOW });
    if (!outcome.ok) throw new Error(`${outcome.reason} in ${line}`);
    if (line.startsWith('#')) expect(outcome.messages).toEqual([]);
    else expect(outcome.messages).toHaveLength(1);
    out.push(...outcome.messages);
  }
  return out;
}

const withoutOriginal = (m: Msg): Msg => {
  const { original_string: _ignored, ...rest } = m;
  return rest;
};

const LOG_TYPES = ['conn', 'dns', 'http', 'ssl', 'files', 'files-zeek4', 'x509', 'notice', 'weird', 'smtp', 'ssh', 'dhcp', 'software'] as const;

describe('Zeek TSV', () => {
  it('reads a conn record with types from #types and Metron names for the 5-tuple', () => {
    const [first, , third] = parseStream(newParser(), fixture('conn.log'));
    expect(first).toEqual({
      uid: 'CHhAvVGS1DHFjwGM9',
      ip_src_addr: '10.20.30.41',
      ip_src_port: 52311,
      ip_dst_addr: '93.184.216.34',
      ip_dst_port: 443,
      proto: 'tcp',
      service: 'ssl',
      duration: 12.409512,
      orig_bytes: 1875,
      resp_bytes: 48211,
      conn_state: 'SF',
      local_orig: true,
      local_resp: false,
      missed_bytes: 0,
      history: 'ShADadFf',
      orig_pkts: 38,
      orig_ip_bytes: 3423,
      resp_pkts: 44,
      resp_ip_bytes: 50503,
      timestamp: 1710234005118,
      bro_timestamp: '1710234005.118544',
      protocol: 'conn',
      original_string: lines(fixture('conn.log'))[8],
    });
    // unset (-) fields are left out; ts with .000000 prints as Metron prints doubles
    expect(third).not.toHaveProperty('service');
    expect(third).not.toHaveProperty('duration');
    expect(third).toMatchObject({ timestamp: 1710234011000, bro_timestamp: '1710234011.0', conn_state: 'S0', history: 'S' });
  });

  it('splits sets and vectors on #set_separator with typed elements; (empty) leaves the field out', () => {
    const [a, b, nx] = parseStream(newParser(), fixture('dns.log'));
    expect(a).toMatchObject({ answers: ['93.184.216.34'], TTLs: [3600], AA: false, RD: true, rtt: 0.021302, trans_id: 48212, qtype_name: 'A' });
    expect(b).toMatchObject({ answers: ['outlook.ha.office365.com', 'outlook.ms-acdc.office.com', '2603:1036:304:2858::2'], TTLs: [33, 19, 300] });
    expect(nx).toMatchObject({ query: 'x7qk2mz9w.badcdn.top', rcode_name: 'NXDOMAIN' });
    expect(nx).not.toHaveProperty('answers');
    expect(nx).not.toHaveProperty('TTLs');
  });

  it('undoes \\xHH escapes: separators, UTF-8 bytes, escaped markers; keeps bytes that are not UTF-8 as written', () => {
    const [first, post, get, connect] = parseStream(newParser(), fixture('http.log'));
    expect(first!['referrer']).toBe('-'); // written \x2d: the string "-", not unset
    expect(first!['resp_mime_types']).toEqual(['application/x-msi']);
    expect(post).not.toHaveProperty('user_agent'); // empty string → (empty) → left out
    expect(post).not.toHaveProperty('referrer');
    expect(get).toMatchObject({
      uri: '/café/menü.html?q=a\tb',
      password: '-',
      tags: ['HTTP::URI_SQLI'],
      proxied: ['X-FORWARDED-FOR -> 10.1.1.1'],
      resp_filenames: ['report,final.pdf', '(empty)'],
      resp_fuids: ['F7nE8e1Jr3pFS5pW3l', 'Fb1mH83yN1IfBvIT4e'],
    });
    expect(connect!['user_agent']).toBe('Go-http-client/1.1 \\xff');
    expect(connect).toMatchObject({ info_code: 100, status_code: 407 });
  });

  it('decodes escaped UTF-8 sequence by sequence; a byte outside a valid sequence stays as written', () => {
    expect(unescapeZeek('caf\\xc3\\xa9\\xff!')).toBe('café\\xff!');
    expect(unescapeZeek('\\xf0\\x9f\\x98\\x80 \\xC3')).toBe('😀 \\xC3'); // a 4-byte sequence; a lead byte cut short
    expect(unescapeZeek('\\xed\\xa0\\x80')).toBe('\\xed\\xa0\\x80'); // a UTF-16 surrogate is not UTF-8
    expect(unescapeZeek('\\xc0\\xaf')).toBe('\\xc0\\xaf'); // overlong
    expect(unescapeZeek('C:\\x5cdir\\x5g \\x')).toBe('C:\\dir\\x5g \\x');
    expect(unescapeZeek('plain')).toBe('plain');
  });

  it('reads every standard log type, with protocol = #path and time fields as epoch seconds', () => {
    const x509 = parseStream(newParser(), fixture('x509.log'));
    expect(x509[0]).toMatchObject({
      protocol: 'x509',
      'certificate.version': 3,
      'certificate.not_valid_before': 1705017600,
      'certificate.subject': 'CN=www.example.com,O=Internet\\, Corporation for Assigned Names and Numbers,L=Los Angeles,ST=California,C=US',
      'san.dns': ['www.example.com', 'example.com', 'example.net'],
      'basic_constraints.ca': false,
      host_cert: true,
    });
    expect(x509[2]).toMatchObject({ 'san.ip': ['127.0.0.1', '::1'], 'certificate.curve': 'prime256v1' });
    const notice = parseStream(newParser(), fixture('notice.log'));
    expect(notice[1]).toMatchObject({ note: 'Scan::Port_Scan', src: '10.20.30.250', actions: ['Notice::ACTION_LOG', 'Notice::ACTION_EMAIL'], suppress_for: 3600 });
    expect(notice[1]).not.toHaveProperty('ip_src_addr'); // no id.* in a scan notice
    expect(notice[2]).toMatchObject({ 'remote_location.latitude': 52.3759, 'remote_location.city': 'Amsterdam', ip_dst_port: 80 });
    const dhcp = parseStream(newParser(), fixture('dhcp.log'));
    expect(dhcp[1]).toMatchObject({ protocol: 'dhcp', uids: ['CgT3bQ2r1sW0aE9d8', 'Cx8yQ2w3e4R5t6Y7u'], msg_types: ['DISCOVER', 'OFFER', 'REQUEST', 'ACK'], lease_time: 43200 });
    const smtp = parseStream(newParser(), fixture('smtp.log'));
    expect(smtp[0]).toMatchObject({ rcptto: ['<ap@corp.example>', '<cfo@corp.example>'], subject: 'Invoice 2024-0311, overdue', path: ['10.20.0.25', '10.20.30.15', '198.51.100.10'], tls: false });
    const ssh = parseStream(newParser(), fixture('ssh.log'));
    expect(ssh[0]).toMatchObject({ protocol: 'ssh', auth_success: false, auth_attempts: 6, direction: 'INBOUND', ip_src_addr: '203.0.113.9', ip_dst_port: 22 });
    const weird = parseStream(newParser(), fixture('weird.log'));
    expect(weird[2]).toMatchObject({ protocol: 'weird', name: 'bad_ICMP_checksum', addl: '-', notice: true });
    const software = parseStream(newParser(), fixture('software.log'));
    expect(software[0]).toMatchObject({ protocol: 'software', 'version.major': 9, 'version.addl': 'p1', host: '192.168.1.77', host_p: 22 });
  });

  it('files log: id.* as the 5-tuple; older files logs: the first of tx_hosts / rx_hosts, as Metron does', () => {
    const [pe] = parseStream(newParser(), fixture('files.log'));
    expect(pe).toMatchObject({ ip_src_addr: '198.51.100.23', ip_dst_addr: '10.20.30.55', analyzers: ['MD5', 'SHA1', 'PE'], seen_bytes: 18232, timedout: false });
    const [png, smtp] = parseStream(newParser(), fixture('files-zeek4.log'));
    expect(png).toMatchObject({ ip_src_addr: '216.58.194.174', ip_dst_addr: '10.0.0.7', conn_uids: ['CxJg3u2qJ0pOLq9Jfe'], protocol: 'files' });
    expect(png).not.toHaveProperty('tx_hosts');
    expect(png).not.toHaveProperty('rx_hosts');
    expect(smtp).not.toHaveProperty('ip_src_addr'); // (empty) host sets
  });

  it('header lines give ok with no message; a new #separator starts a new header block', () => {
    const parser = newParser();
    const dnsThenConn = parseStream(parser, fixture('dns.log') + fixture('conn.log'));
    expect(dnsThenConn.map((m) => m['protocol'])).toEqual([...Array(5).fill('dns'), ...Array(6).fill('conn')]);
    expect(parser.parse('#close\t2024-03-12-10-00-00', { now: NOW })).toEqual({ ok: true, messages: [], skip: 'Zeek header line' });
    expect(parser.parse('#open\t2024-03-12-10-00-00', { now: NOW })).toEqual({ ok: true, messages: [], skip: 'Zeek header line' });
    // the conn layout still applies after #close
    expect(parser.parse(lines(fixture('conn.log'))[9]!, { now: NOW })).toMatchObject({ ok: true, messages: [{ protocol: 'conn', uid: 'C4J4Th3PJpwUYZZ6gc' }] });
  });

  it('follows other separators and markers declared in the header', () => {
    const text = [
      '#separator \\x7c',
      '#set_separator|;',
      '#empty_field|EMPTY',
      '#unset_field|NONE',
      '#path|dns',
      '#fields|ts|id.orig_h|id.orig_p|query|answers|TTLs|rejected',
      '#types|time|addr|port|string|vector[string]|vector[interval]|bool',
      '1710234007.301225|10.0.0.1|5353|a\\x7cb.example|x.example;y.example|30.000000;NONE|F',
      '1710234007.5|10.0.0.1|5353|-|EMPTY|EMPTY|NONE',
    ].join('\n');
    const [a, b] = parseStream(newParser(), text);
    expect(a).toMatchObject({ query: 'a|b.example', answers: ['x.example', 'y.example'], TTLs: [30, null], rejected: false, protocol: 'dns' });
    expect(b).toEqual({ ip_src_addr: '10.0.0.1', ip_src_port: 5353, query: '-', timestamp: 1710234007500, bro_timestamp: '1710234007.5', protocol: 'dns', original_string: '1710234007.5|10.0.0.1|5353|-|EMPTY|EMPTY|NONE' });
  });

  it('reads header-less TSV with parserConfig.fields, path and (optionally) types', () => {
    const conn = lines(fixture('conn.log'));
    const fields = conn[6]!.split('\t').slice(1);
    const types = conn[7]!.split('\t').slice(1);
    const typed = newParser({ fields, types, path: 'conn' });
    const fromHeaders = parseStream(newParser(), fixture('conn.log'));
    const data = conn.filter((l) => !l.startsWith('#'));
    expect(data.map((l) => (typed.parse(l, { now: NOW }) as { messages: Msg[] }).messages[0])).toEqual(fromHeaders);
    // without types: numbers and T/F are read as such, sets stay text
    const untyped = newParser({ fields: fields.join(','), path: 'conn' }).parse(data[4]!, { now: NOW });
    expect(untyped).toMatchObject({
      ok: true,
      messages: [{ ip_src_port: 49822, duration: 0.812205, local_orig: true, tunnel_parents: 'CUM0KZ3MLUfNB0cl11', uid: 'CAnFrb2Cvxr5T7quOc', timestamp: 1710234023506 }],
    });
    // headers in the stream win over the configured layout until the next #separator
    const both = newParser({ fields, types, path: 'conn' });
    expect(parseStream(both, fixture('dns.log'))[0]).toMatchObject({ protocol: 'dns' });
  });

  it('without #path or parserConfig.path, names the standard log type from its fields', () => {
    for (const type of ['conn', 'dns', 'http', 'ssl', 'files', 'x509', 'notice', 'weird', 'smtp', 'ssh', 'dhcp']) {
      const text = lines(fixture(`${type}.log`)).filter((l) => !l.startsWith('#path')).join('\n');
      for (const m of parseStream(newParser(), text)) expect(m['protocol'], type).toBe(type);
    }
    const software = lines(fixture('software.log')).filter((l) => !l.startsWith('#path')).join('\n');
    expect(parseStream(newParser(), software)[0]).not.toHaveProperty('protocol');
    expect(parseStream(newParser({ path: 'software' }), software)[0]).toMatchObject({ protocol: 'software' });
  });

  it('reads a record holding several lines, each line one message with its own original_string', () => {
    const outcome = newParser().parse(fixture('ssh.log').replaceAll('\n', '\r\n'), { now: NOW });
    if (!outcome.ok) throw new Error(outcome.reason);
    const data = lines(fixture('ssh.log')).filter((l) => !l.startsWith('#'));
    expect(outcome.messages.map((m) => m['original_string'])).toEqual(data);
    expect(outcome.messages.map((m) => m['uid'])).toEqual(['CmES5u32sYpV7JYN', 'CbXkq81hZ2Qy0tWd3']);
  });

  it('rejects what it cannot read, with a reason', () => {
    const parser = newParser();
    expect(parser.parse('1710234005.1\tC1\t10.0.0.1', { now: NOW })).toEqual({
      ok: false,
      reason: 'TSV data line before any #fields header, and parserConfig.fields is not set',
    });
    parseStream(parser, lines(fixture('conn.log')).slice(0, 8).join('\n'));
    const good = lines(fixture('conn.log'))[8]!;
    expect(parser.parse(good.split('\t').slice(0, 5).join('\t'), { now: NOW })).toEqual({ ok: false, reason: 'line has 5 fields but #fields declares 21' });
    expect(parser.parse(good.replace('\t1875\t', '\t18x5\t'), { now: NOW })).toEqual({ ok: false, reason: 'field orig_bytes: "18x5" is not an integer' });
    expect(parser.parse(good.replace('\tT\tF\t', '\tyes\tF\t'), { now: NOW })).toEqual({ ok: false, reason: 'field local_orig: "yes" is not T or F' });
    expect(parser.parse(good.replace('12.409512', '12,4'), { now: NOW })).toEqual({ ok: false, reason: 'field duration: "12,4" is not a number' });
    expect(parser.parse(good.replace('1710234005.118544', 'yesterday'), { now: NOW })).toEqual({ ok: false, reason: 'field ts: "yesterday" is not a number' });
    expect(parser.parse(`x\n${good}`, { now: NOW })).toEqual({ ok: false, reason: 'line 1: line has 1 fields but #fields declares 21' });
    expect(parser.parse('#types\ttime', { now: NOW })).toEqual({ ok: true, messages: [], skip: 'Zeek header line' });
    expect(parser.parse(good, { now: NOW })).toEqual({ ok: false, reason: '#types has 1 entries but #fields has 21' });
    expect(newParser().parse('#separator ', { now: NOW })).toEqual({ ok: false, reason: '#separator header has no separator' });
  });

  it('format "tsv" never reads JSON; format "json" rejects TSV headers', () => {
    const json = lines(fixture('conn.json'))[0]!;
    expect(newParser({ format: 'tsv' }).parse(json, { now: NOW })).toMatchObject({ ok: false, reason: expect.stringMatching(/^TSV data line before/) });
    expect(newParser({ format: 'json' }).parse('#fields\tts', { now: NOW })).toMatchObject({ ok: false, reason: expect.stringMatching(/^invalid JSON/) });
    expect(newParser({ format: 'JSON', path: 'conn' }).parse(json, { now: NOW })).toMatchObject({ ok: true, messages: [{ protocol: 'conn' }] });
  });
});

describe('Zeek JSON', () => {
  it('gives the same message as the TSV form of the same record, for every log type', () => {
    for (const type of LOG_TYPES) {
      const path = type === 'files-zeek4' ? 'files' : type;
      const fromTsv = parseStream(newParser(), fixture(`${type}.log`));
      const fromJson = parseStream(newParser({ path }), fixture(`${type}.json`));
      expect(fromJson.length, type).toBe(lines(fixture(`${type}.json`)).length);
      expect(fromJson.map(withoutOriginal), type).toEqual(fromTsv.map(withoutOriginal));
      expect(fromJson.map((m) => m['original_string'])).toEqual(lines(fixture(`${type}.json`)));
    }
  });

  it('reads ts and other time values written as ISO 8601 (JSON::TS_ISO8601) to the same message', () => {
    for (const type of ['conn', 'x509', 'dhcp', 'notice']) {
      const epoch = parseStream(newParser(), fixture(`${type}.json`));
      const iso = parseStream(newParser(), fixture(`${type}.iso8601.json`));
      expect(iso.map(withoutOriginal), type).toEqual(epoch.map(withoutOriginal));
    }
    const [x509] = parseStream(newParser(), fixture('x509.iso8601.json'));
    expect(x509).toMatchObject({ bro_timestamp: '1710234005.288021', timestamp: 1710234005288, 'certificate.not_valid_after': 1739231999 });
  });

  it('names the log type from the Metron wrapper, _path, parserConfig.path, "type", or the fields', () => {
    const conn = lines(fixture('conn.json'))[0]!;
    const inner = conn.slice(1, -1);
    const msg = (text: string, config: Record<string, unknown> = {}) => {
      const outcome = newParser(config).parse(text, { now: NOW });
      if (!outcome.ok) throw new Error(outcome.reason);
      return outcome.messages[0]!;
    };
    expect(msg(`{"conn": ${conn}}`)['protocol']).toBe('conn');
    expect(msg(`{"_path":"conn_long",${inner}}`)).toMatchObject({ protocol: 'conn_long' });
    expect(msg(`{"_path":"conn_long",${inner}}`)).not.toHaveProperty('_path');
    expect(msg(conn, { path: 'conn_red' })['protocol']).toBe('conn_red');
    expect(msg(`{"type":"flow",${inner}}`)).toMatchObject({ protocol: 'flow', type: 'flow' });
    expect(msg(conn)['protocol']).toBe('conn');
    expect(msg('{"ts":1710234005.1,"peer":"zeek","mem":55}')).not.toHaveProperty('protocol');
  });

  it('unfolds nested objects with dots (id as a record) and reads ts as epoch ms (JSON::TS_MILLIS)', () => {
    const outcome = newParser().parse(
      '{"ts":1710234005118,"uid":"C1","id":{"orig_h":"10.0.0.1","orig_p":1234,"resp_h":"10.0.0.2","resp_p":53},"proto":"udp","query":"a.example","qtype":1}',
      { now: NOW },
    );
    expect(outcome).toMatchObject({
      ok: true,
      messages: [{ ip_src_addr: '10.0.0.1', ip_src_port: 1234, ip_dst_addr: '10.0.0.2', ip_dst_port: 53, timestamp: 1710234005118, bro_timestamp: '1710234005.118', protocol: 'dns' }],
    });
  });

  it('matches what Metron\'s Bro parser gives for Metron\'s Bro samples, save empty values and original_string', () => {
    const raw = readLines(conformancePath('parsers', 'bro', 'raw.txt'));
    const expected = readLines(conformancePath('parsers', 'bro', 'expected.jsonl')).map((l) => JSON.parse(l) as Msg);
    const sensor = createSensorParser('bro', { parserClassName: 'Zeek' });
    expect(raw).toHaveLength(expected.length);
    raw.forEach((line, i) => {
      const result = sensor.parse(Buffer.from(line), { guid: testGuid(i), now: NOW });
      expect(result.errors).toEqual([]);
      const want: Msg = { ...expected[i]!, original_string: line };
      // Metron keeps empty lists ("tags":[]); Zeek's TSV writes them as (empty), so both forms leave them out
      for (const [k, v] of Object.entries(want)) if (Array.isArray(v) && v.length === 0) delete want[k];
      expect(compareWithExpected(result.messages[0]!, want), line).toEqual([]);
    });
  });

  it('rejects what it cannot read, with a reason', () => {
    const p = newParser();
    const parse = (text: string) => p.parse(text, { now: NOW });
    expect(parse('{"ts":')).toMatchObject({ ok: false, reason: expect.stringMatching(/^invalid JSON: /) });
    expect(parse('{}')).toEqual({ ok: false, reason: 'Zeek JSON record has no fields' });
    expect(parse('{"conn":{}}')).toEqual({ ok: false, reason: 'Zeek JSON record has no fields' });
    expect(parse('{"ts":"yesterday","uid":"C1"}')).toEqual({ ok: false, reason: 'ts "yesterday" is not epoch seconds or an ISO 8601 time' });
    expect(parse('{"ts":-5,"uid":"C1"}')).toMatchObject({ ok: false });
    expect(parse('{"ts":1e300,"uid":"C1"}')).toEqual({ ok: false, reason: 'ts 1e+300 is not epoch seconds or milliseconds' });
    expect(parse('{"ts":true,"uid":"C1"}')).toMatchObject({ ok: false });
    expect(parse('{"ts":"2024-02-30T00:00:00Z","uid":"C1"}')).toMatchObject({ ok: false });
    expect(newParser({ format: 'json' }).parse('[1,2]', { now: NOW })).toEqual({ ok: false, reason: 'Zeek JSON record is not an object' });
  });

  it('a record without ts gets now (Zeek logs such as loaded_scripts have none)', () => {
    expect(newParser().parse('{"name":"/opt/zeek/share/zeek/base/init-bare.zeek"}', { now: NOW })).toMatchObject({ ok: true, messages: [{ timestamp: NOW }] });
  });
});

describe('Zeek sensor', () => {
  it('runs in the pipeline by its names, with source.type and guid', () => {
    for (const name of ['Zeek', 'zeek', 'ZeekParser', 'metron.parsers.zeek.ZeekParser']) expect(findParserDefinition(name)?.id).toBe('zeek');
    expect(findParserDefinition('BasicBroParser')?.id).toBe('bro');
    const sensor = createSensorParser('zeek_conn', { parserClassName: 'Zeek', parserConfig: { format: 'json', path: 'conn' } });
    const line = lines(fixture('conn.json'))[1]!;
    const result = sensor.parse(Buffer.from(line), { guid: testGuid(1), now: NOW });
    expect(result.errors).toEqual([]);
    expect(result.messages[0]).toMatchObject({ 'source.type': 'zeek_conn', guid: testGuid(1)(0), protocol: 'conn', original_string: line, ip_dst_port: 53 });
  });

  it('rejects bad parserConfig with the JSON path', () => {
    const bad = (config: Record<string, unknown>) => () => readZeekConfig(config, FILE);
    expect(bad({ format: 'xml' })).toThrow(ConfigError);
    expect(bad({ format: 'xml' })).toThrow(/\$\.parserConfig\.format/);
    expect(bad({ fields: [] })).toThrow(/\$\.parserConfig\.fields/);
    expect(bad({ fields: ['ts', 'ts'] })).toThrow(/names a field twice/);
    expect(bad({ fields: ['ts'], types: ['time', 'string'] })).toThrow(/\$\.parserConfig\.types/);
    expect(bad({ types: ['time'] })).toThrow(/needs parserConfig.fields/);
    expect(bad({ path: 3 })).toThrow(/\$\.parserConfig\.path/);
    expect(readZeekConfig({ path: ' conn ', batchSize: 5 }, FILE)).toEqual({ format: 'auto', path: 'conn', fields: undefined, types: undefined });
  });
});

describe('ISO 8601 timestamps', () => {
  it('reads the forms Zeek, Suricata and Beats write', () => {
    expect(parseIsoInstant('2015-08-24T20:24:40.931272Z')).toEqual({ seconds: 1440447880, fraction: '931272' });
    expect(isoToMillis('2019-05-15T16:53:40.620946+0000')).toBe(Date.UTC(2019, 4, 15, 16, 53, 40, 620));
    expect(isoToMillis('2019-05-15T18:53:40.620946+02:00')).toBe(Date.UTC(2019, 4, 15, 16, 53, 40, 620));
    expect(isoToMillis('2019-05-15T11:53:40-05')).toBe(Date.UTC(2019, 4, 15, 16, 53, 40));
    expect(isoToMillis('2020-04-13T13:22:16.7Z')).toBe(Date.UTC(2020, 3, 13, 13, 22, 16, 700));
    expect(isoToMillis('2020-04-13 13:22:16.742Z')).toBe(Date.UTC(2020, 3, 13, 13, 22, 16, 742));
    expect(isoToMillis('2024-02-29T00:00:00.123456789Z')).toBe(Date.UTC(2024, 1, 29, 0, 0, 0, 123));
    expect(isoToEpochSeconds('2015-08-24T20:24:40.931272Z')).toBe(1440447880.931272);
    expect(isoToMillis('1969-12-31T23:59:59.5Z')).toBe(-500);
    for (const bad of ['2015-08-24', '2015-08-24T20:24:40', '2023-02-29T00:00:00Z', '2015-13-01T00:00:00Z', '2015-08-24T24:00:00Z', '2015-08-24T20:24:40.Z', '2015-08-24T20:24:40Zjunk', '2015-08-24T20:24:40+2500', '2015-08-24T20:24:40.1234567890Z']) {
      expect(parseIsoInstant(bad), bad).toBeUndefined();
    }
  });
});
