import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { conformancePath, readJson } from '../test-support/conformance.js';
import { findParserDefinition } from '../registry.js';
import { CefParser } from './cef-parser.js';
import { checkSchema, type MiniSchema } from '../test-support/json-schema-check.js';
import { mutate, seededRandom } from '../test-support/mutate.js';

const NOW = Date.UTC(2024, 5, 15, 12, 0, 0);
const parser = new CefParser();

function parseOne(text: string): Record<string, unknown> {
  const outcome = parser.parse(text, { now: NOW });
  if (!outcome.ok) throw new Error(outcome.reason);
  expect(outcome.messages).toHaveLength(1);
  return outcome.messages[0]!;
}

describe('CEF parser', () => {
  it('is registered under Metron class name and short name', () => {
    expect(findParserDefinition('org.apache.metron.parsers.cef.CEFParser')?.id).toBe('cef');
    expect(findParserDefinition('CEF')?.id).toBe('cef');
  });

  it('reads headers, extensions, renames and labels', () => {
    const m = parseOne('CEF:0|Security|threatmanager|1.0|100|worm successfully stopped|10|src=10.0.0.1 dst=2.1.2.2 spt=1232 dpt=80 act=blocked app=HTTP cs1Label=Rule Name cs1=Block all');
    expect(m).toEqual({
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
      original_string: 'CEF:0|Security|threatmanager|1.0|100|worm successfully stopped|10|src=10.0.0.1 dst=2.1.2.2 spt=1232 dpt=80 act=blocked app=HTTP cs1Label=Rule Name cs1=Block all',
      timestamp: NOW,
    });
  });

  it('a record holding CEF: twice is read from the last one, as Metron\'s greedy pattern', () => {
    const m = parseOne('CEF:0|A|B|1|E|N|1|msg=forwarded CEF:0|X|Y|2|F|M|3|a=b');
    expect(m).toEqual({ DeviceVendor: 'X', DeviceProduct: 'Y', DeviceVersion: '2', DeviceEvent: 'F', Name: 'M', Severity: 3, a: 'b', original_string: 'CEF:0|A|B|1|E|N|1|msg=forwarded CEF:0|X|Y|2|F|M|3|a=b', timestamp: NOW });
  });

  it('leaves fields in the order Metron\'s renames leave them (renamed ones last)', () => {
    const m = parseOne('CEF:0|V|P|1|E|N|1|src=10.0.0.1 cs1=x act=blocked msg=hi cs1Label=Rule');
    expect(Object.keys(m)).toEqual(['DeviceVendor', 'DeviceProduct', 'DeviceVersion', 'DeviceEvent', 'Name', 'Severity', 'msg', 'Rule', 'ip_src_addr', 'deviceAction', 'original_string', 'timestamp']);
    // a label naming a renamed field: the label rename runs first, then dst becomes ip_dst_addr
    expect(parseOne('CEF:0|V|P|1|E|N|1|dst=1.1.1.1 cs1=2.2.2.2 cs1Label=dst')).toEqual({
      DeviceVendor: 'V', DeviceProduct: 'P', DeviceVersion: '1', DeviceEvent: 'E', Name: 'N', Severity: 1, ip_dst_addr: '2.2.2.2',
      original_string: 'CEF:0|V|P|1|E|N|1|dst=1.1.1.1 cs1=2.2.2.2 cs1Label=dst', timestamp: NOW,
    });
    // a label renaming a header field, and a label onto an existing field
    expect(parseOne('CEF:0|V|P|1|E|N|1|NameLabel=title cs2=y cs2Label=msg msg=old')).toMatchObject({ title: 'N', msg: 'y' });
    expect(parseOne('CEF:0|V|P|1|E|N|1|NameLabel=title cs2=y cs2Label=msg msg=old')).not.toHaveProperty('Name');
  });

  it('keeps an escaped = inside a value, as Metron', () => {
    const m = parseOne('CEF:0|V|P|1|E|N|Low|msg=a\\=b c=d');
    expect(m['msg']).toBe('a\\=b');
    expect(m['c']).toBe('d');
    expect(m['Severity']).toBe(2);
  });

  it('takes the timestamp from rt, in any of Metron CEF formats', () => {
    expect(parseOne('CEF:0|V|P|1|E|N|1|rt=1459517280810')['timestamp']).toBe(1459517280810);
    expect(parseOne('CEF:0|V|P|1|E|N|1|rt=Apr 07 2017 00:10:10 GMT')['timestamp']).toBe(Date.UTC(2017, 3, 7, 0, 10, 10));
    expect(parseOne('CEF:0|V|P|1|E|N|1|rt=31 March 2016 13:04:55')['timestamp']).toBe(Date.UTC(2016, 2, 31, 13, 4, 55));
    expect(parseOne('CEF:0|V|P|1|E|N|1|rt=Mar 21 14:05:02.123')['timestamp']).toBe(Date.UTC(2024, 2, 21, 14, 5, 2, 123));
  });

  it('takes the timestamp and host from a syslog header', () => {
    const m = parseOne('<14>Mar 21 14:05:02 host1 CEF:0|V|P|1|E|N|1|a=b');
    expect(m['timestamp']).toBe(Date.UTC(2024, 2, 21, 14, 5, 2));
    // a year-less date more than 4 days ahead is last year's
    expect(parseOne('Dec 21 14:05:02 CEF:0|V|P|1|E|N|1|a=b')['timestamp']).toBe(Date.UTC(2023, 11, 21, 14, 5, 2));
    expect(parseOne('2017-03-21T14:05:02Z h CEF:0|V|P|1|E|N|1|a=b')['timestamp']).toBe(Date.UTC(2017, 2, 21, 14, 5, 2));
  });

  it.each([
    ['not CEF at all', 'not a CEF record'],
    ['CEF:0|V|P|1|E|N|x1|a=b', 'severity'],
    ['CEF:0|V|P|1|E|N|1|no extension', 'no key=value'],
    ['CEF:0|V|P|1|E|N|1|spt=abc', 'spt'],
    ['CEF:0|V|P|1|E|N|1|rt=yesterday', 'rt field'],
  ])('%s is an error', (text, reason) => {
    const outcome = parser.parse(text, { now: NOW });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.reason).toContain(reason);
  });

  describe.each(['cef_adallom', 'cef_palo', 'cef_waf'])('Metron sample %s', (name) => {
    it('validates against its schema', () => {
      const schema = readJson(conformancePath('parsers', '_schema_validated', `${name}.schema.json`)) as MiniSchema;
      const lines = readFileSync(conformancePath('parsers', '_schema_validated', `${name}.raw.txt`), 'utf8').split('\n').filter((l) => l.trim() !== '');
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(checkSchema(parseOne(line), schema)).toEqual([]);
    });
  });

  it('Metron palo sample: 5-tuple and labels', () => {
    const line = readFileSync(conformancePath('parsers', '_schema_validated', 'cef_palo.raw.txt'), 'utf8').trim();
    const m = parseOne(line);
    expect(m).toMatchObject({ ip_src_addr: '10.10.10.10', ip_dst_addr: '20.20.20.20', ip_src_port: 18371, ip_dst_port: 443, Rule: 'Trusted-to-Untrusted', timestamp: Date.UTC(2017, 3, 7, 0, 10, 10) });
    // Metron quirk kept: empty values (`suser= duser= app=ssl`) shift onto the previous key
    expect(m['suser']).toBe('ssl');
    expect(m).not.toHaveProperty('protocol');
  });
});

describe('CEF parser under random mutations', () => {
  it('300 mutations of the Metron samples never throw', () => {
    const lines = ['cef_adallom', 'cef_palo', 'cef_waf'].map((n) => readFileSync(conformancePath('parsers', '_schema_validated', `${n}.raw.txt`), 'utf8').trim());
    lines.push(readFileSync(conformancePath('parsers', 'cef_cyberark', 'raw.txt'), 'utf8').trim());
    const random = seededRandom(0xcef);
    let ok = 0;
    for (let i = 0; i < 300; i++) {
      const text = mutate(lines[i % lines.length]!, random);
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
