import { describe, expect, it } from 'vitest';
import { findParserDefinition } from '../registry.js';
import { createSensorParser } from '../sensor-parser.js';
import { conformancePath, readJson, readLines } from '../test-support/conformance.js';
import { checkSchema, type MiniSchema } from '../test-support/json-schema-check.js';
import { decodeJavaUnicodeEscapes, lexIse } from './ise-lexer.js';
import { IseParser } from './ise-parser.js';

const NOW = Date.UTC(2024, 5, 15, 12, 0, 0);
const parser = new IseParser();

function parseOne(line: string): Record<string, unknown> {
  const outcome = parser.parse(line, { now: NOW });
  if (!outcome.ok) throw new Error(outcome.reason);
  expect(outcome.messages).toHaveLength(1);
  return outcome.messages[0]!;
}

const lexKinds = (text: string) => {
  const lexed = lexIse(text);
  if (!lexed.ok) throw new Error(lexed.reason);
  return lexed.tokens.map((t) => (t.kind === 'body' || t.kind === 'braced' ? `${t.kind}:${t.image}` : t.kind));
};

const SAMPLE = readLines(conformancePath('parsers', '_raw_only', 'ISESampleOutput.txt'));
const TEST_LINES = readLines(conformancePath('parsers', '_schema_validated', 'IseParserTest.raw.txt'));

const FAILED_ATTEMPT =
  'Aug  6 16:40:52 10.42.7.64 Aug  7 00:00:04 npf-sjca-pdp02 CISE_Failed_Attempts 0000370855 1 0 2014-08-07 00:00:04.527 -07:00 0011266584 5405 NOTICE Failed-Attempt: RADIUS Request dropped, ConfigVersionId=240, Device IP Address=10.56.72.126, Device Port=1645, DestinationIPAddress=10.42.7.64, DestinationPort=1812, RadiusPacketType=AccessRequest, UserName=#CTSREQUEST#, Protocol=Radius, RequestLatency=5, NetworkDeviceName=ntn01-11a-sw3, User-Name=#CTSREQUEST#, NAS-IP-Address=10.56.72.126, Service-Type=Outbound, AcsSessionID=npf-sjca-pdp02/195481465/270932, SelectedAccessService=NDAC_SGT_Service, FailureReason=11302 Received Secure RADIUS request without a cts-pac-opaque cisco-av-pair attribute, Step=11001, Step=11017, Step=15012, Step=11302, NetworkDeviceGroups=Location#All Locations#NTN, NetworkDeviceGroups=Device Type#All Device Types#Wired, CPMSessionID=0a2a0740000056EF53E323F4, Model Name=4503, Location=Location#All Locations#NTN, Device Type=Device Type#All Device Types#Wired, Response={RadiusPacketType=Drop; },';

describe('ISE parser', () => {
  it('is registered under Metron class name, short name and simple class name', () => {
    for (const name of ['org.apache.metron.parsers.ise.BasicIseParser', 'ISE', 'BasicIseParser']) {
      expect(findParserDefinition(name)?.id).toBe('ise');
    }
  });

  it('reads a failed attempt: header, trimmed pairs, last repeat wins, braced value, the 5-tuple', () => {
    expect(SAMPLE).toContain(FAILED_ATTEMPT);
    expect(parseOne(FAILED_ATTEMPT)).toEqual({
      header:
        'Aug  6 16:40:52 10.42.7.64 Aug  7 00:00:04 npf-sjca-pdp02 CISE_Failed_Attempts 0000370855 1 0 2014-08-07 00:00:04.527 -07:00 0011266584 5405 NOTICE Failed-Attempt: RADIUS Request dropped',
      ConfigVersionId: '240',
      'Device IP Address': '10.56.72.126',
      'Device Port': '1645',
      DestinationIPAddress: '10.42.7.64',
      DestinationPort: '1812',
      RadiusPacketType: 'AccessRequest',
      UserName: '#CTSREQUEST#',
      Protocol: 'Radius',
      RequestLatency: '5',
      NetworkDeviceName: 'ntn01-11a-sw3',
      'User-Name': '#CTSREQUEST#',
      'NAS-IP-Address': '10.56.72.126',
      'Service-Type': 'Outbound',
      AcsSessionID: 'npf-sjca-pdp02/195481465/270932',
      SelectedAccessService: 'NDAC_SGT_Service',
      FailureReason: '11302 Received Secure RADIUS request without a cts-pac-opaque cisco-av-pair attribute',
      Step: '11302',
      NetworkDeviceGroups: 'Device Type#All Device Types#Wired',
      CPMSessionID: '0a2a0740000056EF53E323F4',
      'Model Name': '4503',
      Location: 'Location#All Locations#NTN',
      'Device Type': 'Device Type#All Device Types#Wired',
      Response: '{RadiusPacketType=Drop; }',
      ip_src_addr: '10.56.72.126',
      ip_src_port: '1645',
      ip_dst_addr: '10.42.7.64',
      ip_dst_port: '1812',
      timestamp: NOW,
    });
  });

  it('runs as a sensor: the runner adds the whole record as original_string, as Metron\'s did', () => {
    const sensor = createSensorParser('ise', { parserClassName: 'org.apache.metron.parsers.ise.BasicIseParser' });
    const result = sensor.parse(Buffer.from(FAILED_ATTEMPT), { guid: (n) => `guid-${n}`, now: NOW });
    expect(result.errors).toEqual([]);
    expect(result.messages).toHaveLength(1);
    expect(result.messages[0]).toMatchObject({ original_string: FAILED_ATTEMPT, 'source.type': 'ise', guid: 'guid-0', timestamp: NOW, ip_dst_port: '1812' });
  });

  it('keeps (tag=0) values and nests a value that is itself key=value', () => {
    const accounting = SAMPLE.find((l) => l.includes('CISE_RADIUS_Accounting') && l.includes('Tunnel-Type=(tag=0) VLAN'))!;
    const m = parseOne(accounting);
    expect(m).toMatchObject({
      'Tunnel-Type': '(tag=0) VLAN',
      'Tunnel-Medium-Type': '(tag=0) 802',
      'cisco-av-pair': { 'audit-session-id': expect.stringMatching(/^[0-9a-f]{24}$/) },
      'Event-Timestamp': expect.stringMatching(/^\d{10}$/),
      ip_src_addr: expect.stringMatching(/^10\./),
      timestamp: NOW,
    });
    expect(m).not.toHaveProperty('ip_dst_addr');
  });

  it('reads a profiler event\'s escaped-comma property list as nested objects, as Metron did', () => {
    const m = parseOne(TEST_LINES[0]!);
    expect(m['EndpointOUI']).toBe('Wistron InfoComm(Kunshan)Co.\\,Ltd.');
    const property = m['EndpointProperty'] as Record<string, Record<string, Record<string, unknown>>>;
    expect(Object.keys(property)).toEqual(['StaticAssignment']);
    expect(Object.keys(property['StaticAssignment']!)).toEqual(['false\\,PostureApplicable']);
    expect(Object.keys(property['StaticAssignment']!['false\\,PostureApplicable']!)).toEqual(['Yes\\,PolicyVersion']);
    let leaf: unknown = property;
    let depth = 0;
    while (leaf !== null && typeof leaf === 'object') {
      const entries = Object.entries(leaf);
      expect(entries).toHaveLength(1);
      if (entries[0]![1] === null) expect(entries[0]![0]).toBe('NotRegistered\\,PortalUser');
      leaf = entries[0]![1];
      depth++;
    }
    expect(depth).toBe(15);
    expect(m).toMatchObject({ EndpointSourceEvent: 'SNMPQuery Probe', EndpointIdentityGroup: 'Profiled', ProfilerServer: 'stage-pdp01.cisco.com' });
  });

  it('parses every line of Metron\'s ISE samples and validates them against IseSchema', () => {
    const schema = readJson(conformancePath('parsers', '_schema_validated', 'IseSchema.json')) as MiniSchema;
    expect(TEST_LINES).toHaveLength(308);
    expect(SAMPLE).toHaveLength(308);
    let withTuple = 0;
    for (const line of [...TEST_LINES, ...SAMPLE]) {
      const m = parseOne(line);
      expect(checkSchema(m, schema)).toEqual([]);
      expect(String(m['header'])).toMatch(/CISE_\w+ \d{10} /);
      // a top-level pair gives the tuple field; one nested in a property list does not
      const top = /, DestinationIPAddress=([^,]*),/.exec(line);
      expect(m['ip_dst_addr']).toBe(top?.[1]);
      if (top !== null) withTuple++;
    }
    expect(withTuple).toBeGreaterThan(500);
  });

  it('null values, trailing comma, comments and blank keys follow the grammar', () => {
    expect(parseOne('x, a=, b=2,')).toEqual({ header: 'x', a: null, b: '2', timestamp: NOW });
    // the header itself holding `=` makes it a nested object
    expect(parseOne('a=, b=2')).toEqual({ header: { a: null }, b: '2', timestamp: NOW });
    expect(parseOne('x, a=')).toEqual({ header: 'x', a: null, timestamp: NOW });
    // a value followed by a comma and no key ends the record; anything after is an error
    expect(parser.parse('x, a=1,, b=2', { now: NOW })).toMatchObject({ ok: false });
    // CR/LF/FF are skipped; `#...` up to a line end is a comment, without a line end it is text
    expect(parseOne('x,\r\n a=1 #note\n, b=#2')).toEqual({ header: 'x', a: '1 #note', b: '#2', timestamp: NOW });
    expect(parseOne('x, a=1,\n#note, c=3\n b=2')).toEqual({ header: 'x', a: '1', b: '2', timestamp: NOW });
    expect(parseOne('x,/* a=1, */ b=2')).toEqual({ header: 'x', b: '2', timestamp: NOW });
    // a record timestamp pair is kept
    expect(parseOne('x, timestamp=1407394800000')['timestamp']).toBe('1407394800000');
  });

  it('fails the record where Metron\'s grammar had no rule', () => {
    expect(parser.parse('x, a="quoted"', { now: NOW })).toEqual({ ok: false, reason: 'lexical error at 5: unexpected "\\""' });
    expect(parser.parse('x, a=1\t2', { now: NOW })).toEqual({ ok: false, reason: 'lexical error at 6: unexpected "\\t"' });
    expect(parser.parse('x, a={a,b}', { now: NOW })).toMatchObject({ ok: false, reason: expect.stringContaining('no value can start with braced') });
    expect(parser.parse('x, a=\\=', { now: NOW })).toMatchObject({ ok: false, reason: expect.stringContaining('no value can start with slash') });
    expect(parser.parse('x, Device IP Address=a=b', { now: NOW })).toEqual({ ok: false, reason: 'Device IP Address holds key=value pairs, not a value' });
    expect(parser.parse('x, a=\\u12', { now: NOW })).toEqual({ ok: false, reason: 'invalid \\u escape "\\\\u12"' });
    expect(parser.parse(`x, a=${'k='.repeat(1500)}v`, { now: NOW })).toEqual({ ok: false, reason: 'values nested more than 1000 deep' });
  });

  it('lexes as the generated token manager does', () => {
    expect(lexKinds('a=b\\,c,d')).toEqual(['body:a', 'equals', 'body:b\\,c', 'comma', 'body:d', 'eof']);
    expect(lexKinds('\\,x=\\')).toEqual(['body:\\,x', 'equals', 'slash', 'eof']);
    expect(lexKinds('k=\\"q\\"')).toEqual(['body:k', 'equals', 'body:\\"q\\"', 'eof']);
    expect(lexKinds('(TAG=0)x,(tag=1)')).toEqual(['tag', 'body:x', 'comma', 'body:(tag', 'equals', 'body:1)', 'eof']);
    expect(lexKinds('{a,b},{ab}c')).toEqual(['braced:{a,b}', 'comma', 'body:{ab}c', 'eof']);
    expect(lexKinds('//c\nx')).toEqual(['body:x', 'eof']);
    expect(lexKinds('//c')).toEqual(['body://c', 'eof']);
    // a block comment runs to the last */ and beats an equally long body
    expect(lexKinds('/*a*/b*/,c')).toEqual(['comma', 'body:c', 'eof']);
    expect(lexKinds('/*a*/bc')).toEqual(['body:/*a*/bc', 'eof']);
  });

  it('decodes \\u escapes after an odd number of backslashes, as JavaCharStream', () => {
    expect(decodeJavaUnicodeEscapes('a\\u0041\\\\u0041\\\\\\uu0042')).toBe('aA\\\\u0041\\\\B');
    expect(parseOne('x, name=\\u00e9t\\u00E9')['name']).toBe('été');
  });

  it('stays linear on many comment-like values', () => {
    const started = performance.now();
    expect(parseOne(`x, ${'a=#b, '.repeat(50_000)}`)).toEqual({ header: 'x', a: '#b', timestamp: NOW });
    expect(parseOne(`x, ${'a=//b, '.repeat(50_000)}`)).toEqual({ header: 'x', a: '//b', timestamp: NOW });
    expect(performance.now() - started).toBeLessThan(3000);
  });
});
