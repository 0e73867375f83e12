import { describe, expect, it } from 'vitest';
import { conformancePath, readJson, readLines } from '../test-support/conformance.js';
import { mutate, seededRandom } from '../test-support/mutate.js';
import { findParserDefinition } from '../registry.js';
import { checkSchema, type MiniSchema } from '../test-support/json-schema-check.js';
import { LeefParser } from './leef-parser.js';

const NOW = Date.UTC(2024, 5, 15, 12, 0, 0);
const parser = new LeefParser();
const SAMPLES = readLines(conformancePath('parsers', '_schema_validated', 'leef_sample.raw.txt'));

function parseOne(text: string): Record<string, unknown> {
  const outcome = parser.parse(text, { now: NOW });
  if (!outcome.ok) throw new Error(outcome.reason);
  expect(outcome.messages).toHaveLength(1);
  return outcome.messages[0]!;
}

describe('LEEF parser', () => {
  it('is registered under Metron class name and short name', () => {
    expect(findParserDefinition('org.apache.metron.parsers.leef.LEEFParser')?.id).toBe('leef');
    expect(findParserDefinition('LEEF')?.id).toBe('leef');
  });

  it('Metron leef_sample lines validate against the schema', () => {
    const schema = readJson(conformancePath('parsers', '_schema_validated', 'leef_sample.schema.json')) as MiniSchema;
    expect(SAMPLES).toHaveLength(4);
    for (const line of SAMPLES) expect(checkSchema(parseOne(line), schema)).toEqual([]);
  });

  it('reads LEEF 2.0 with the default tab delimiter', () => {
    const m = parseOne(SAMPLES[0]!);
    expect(m).toMatchObject({ DeviceVendor: 'Trend Micro', DeviceProduct: 'Deep Security Manager', DeviceVersion: '<DSA version>', DeviceEvent: '192', cat: 'System', sev: '3', ip_src_addr: '10.201.114.164', timestamp: NOW });
  });

  it('reads LEEF 1.0, a 2.0 delimiter header, ports and devTime', () => {
    const m1 = parseOne('<13>Jan 18 11:07:53 host LEEF:1.0|IBM|QRadar|7.3|4000|src=10.0.0.1\tdst=10.0.0.2\tsrcPort=1234\tdstPort=80\tdevTime=Jan 18 2019 11:07:53.000 GMT');
    expect(m1).toMatchObject({ ip_src_addr: '10.0.0.1', ip_dst_addr: '10.0.0.2', ip_src_port: 1234, ip_dst_port: 80, timestamp: Date.UTC(2019, 0, 18, 11, 7, 53) });
    const m2 = parseOne('LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=10.0.1.8^dst=10.0.0.5^sev=5^a=x\\^y');
    expect(m2).toMatchObject({ ip_src_addr: '10.0.1.8', ip_dst_addr: '10.0.0.5', sev: '5', a: 'x\\^y' });
    expect(parseOne('LEEF:1.0|V|P|1|E|devTime=1547809673000')['timestamp']).toBe(1547809673000);
    expect(parseOne('LEEF:1.0|V|P|1|E|devTime=2019-01-18 11:07:53\tdevTimeFormat=yyyy-MM-dd HH:mm:ss')['timestamp']).toBe(Date.UTC(2019, 0, 18, 11, 7, 53));
    expect(parseOne('Mar 21 14:05:02 LEEF:1.0|V|P|1|E|a=b')['timestamp']).toBe(Date.UTC(2024, 2, 21, 14, 5, 2));
  });

  it('a line holding LEEF: twice is read from the last one, as Metron\'s greedy pattern', () => {
    expect(parseOne('LEEF:1.0|A|B|1|E|msg=relayed LEEF:1.0|X|Y|2|F|a=b')).toEqual({
      DeviceVendor: 'X', DeviceProduct: 'Y', DeviceVersion: '2', DeviceEvent: 'F', a: 'b', original_string: 'LEEF:1.0|A|B|1|E|msg=relayed LEEF:1.0|X|Y|2|F|a=b', timestamp: NOW,
    });
  });

  it('puts the 5-tuple fields last, in the order of Metron\'s renames, and reads values as Java split("=")', () => {
    const m = parseOne('LEEF:1.0|V|P|1|E|src=10.0.0.1\tcat=x\tdstPort=80\tip_src_addr=old\tk==v\tq=a=b');
    expect(Object.keys(m)).toEqual(['DeviceVendor', 'DeviceProduct', 'DeviceVersion', 'DeviceEvent', 'cat', 'ip_src_addr', 'k', 'q', 'ip_dst_port', 'original_string', 'timestamp']);
    expect(m).toMatchObject({ ip_src_addr: '10.0.0.1', ip_dst_port: 80, k: '', q: 'a' });
    for (const bad of ['k=', 'k==', '=', 'nokey']) expect(parser.parse(`LEEF:1.0|V|P|1|E|a=b\t${bad}`, { now: NOW }).ok).toBe(false);
  });

  it('reads one message per line', () => {
    const outcome = parser.parse('LEEF:1.0|V|P|1|E|a=b\nLEEF:1.0|V|P|1|E|a=c\n', { now: NOW });
    expect(outcome.ok && outcome.messages.map((m) => m['a'])).toEqual(['b', 'c']);
  });

  it.each([
    ['not LEEF', 'not a LEEF record'],
    ['LEEF:|V|P|1|E|a=b', 'version missing'],
    ['LEEF:1.0|V|P|1|E|novalue', 'no key=value'],
    ['LEEF:1.0|V|P|1|E|srcPort=x', 'srcPort'],
    ['LEEF:1.0|V|P|1|E|devTime=soon', 'devTime'],
  ])('%s is an error', (text, reason) => {
    const outcome = parser.parse(text, { now: NOW });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.reason).toContain(reason);
  });

  it('300 mutations of the Metron samples never throw', () => {
    const random = seededRandom(0x1eef);
    let ok = 0;
    for (let i = 0; i < 300; i++) {
      const text = mutate(SAMPLES[i % SAMPLES.length]!, random);
      const outcome = parser.parse(text, { now: NOW });
      if (outcome.ok) {
        ok++;
        for (const m of outcome.messages) expect(Number.isInteger(m['timestamp'])).toBe(true);
      } else {
        expect(outcome.reason.length).toBeGreaterThan(0);
      }
    }
    expect(ok).toBeGreaterThan(0);
    expect(ok).toBeLessThan(300);
  });
});
