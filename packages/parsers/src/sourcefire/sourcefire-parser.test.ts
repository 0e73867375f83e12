import { describe, expect, it } from 'vitest';
import { findParserDefinition } from '../registry.js';
import { conformancePath, readJson, readLines } from '../test-support/conformance.js';
import { checkSchema, type MiniSchema } from '../test-support/json-schema-check.js';
import { SourcefireParser } from './sourcefire-parser.js';

const NOW = Date.UTC(2024, 5, 15, 12, 0, 0);
const parser = new SourcefireParser();

function parseOne(line: string): Record<string, unknown> {
  const outcome = parser.parse(line, { now: NOW });
  if (!outcome.ok) throw new Error(outcome.reason);
  expect(outcome.messages).toHaveLength(1);
  return outcome.messages[0]!;
}

const LINES = readLines(conformancePath('parsers', '_schema_validated', 'SourcefireParserTest.raw.txt'));

describe('Sourcefire parser', () => {
  it('is registered under Metron class name, short name and simple class name', () => {
    for (const name of ['org.apache.metron.parsers.sourcefire.BasicSourcefireParser', 'Sourcefire', 'BasicSourcefireParser']) {
      expect(findParserDefinition(name)?.id).toBe('sourcefire');
    }
  });

  it('reads a connection event without signature: the record is original_string', () => {
    expect(LINES).toHaveLength(3);
    expect(parseOne(LINES[0]!)).toEqual({
      key: '{TCP} 72.163.0.129:60517 -> 10.1.128.236:443',
      protocol: 'tcp',
      ip_src_addr: '72.163.0.129',
      ip_src_port: '60517',
      ip_dst_addr: '10.1.128.236',
      ip_dst_port: '443',
      timestamp: NOW,
      original_string: LINES[0],
      signature_id: '',
    });
  });

  it('reads an intrusion event: signature_id, and original_string with spaces around it as Metron wrote it', () => {
    const line = LINES[1]!;
    expect(parseOne(line)).toEqual({
      key: '{TCP} 46.149.110.103:80 -> 192.168.56.102:1073',
      protocol: 'tcp',
      ip_src_addr: '46.149.110.103',
      ip_src_port: '80',
      ip_dst_addr: '192.168.56.102',
      ip_dst_port: '1073',
      timestamp: NOW,
      original_string: line.replace(' [1:3192:2] ', '  [1:3192:2]  '),
      signature_id: '[1:3192:2]',
    });
    expect(parseOne(LINES[2]!)).toMatchObject({
      key: '{tcp} 139.230.245.23:52078->72.52.4.91:80',
      ip_src_addr: '139.230.245.23',
      ip_src_port: '52078',
      ip_dst_addr: '72.52.4.91',
      ip_dst_port: '80',
      signature_id: '[1:19123:7]',
    });
  });

  it('validates Metron\'s samples against SourcefireSchema', () => {
    const schema = readJson(conformancePath('parsers', '_schema_validated', 'SourcefireSchema.json')) as MiniSchema;
    const lines = [...LINES, ...readLines(conformancePath('parsers', '_raw_only', 'SourcefireExampleOutput.txt'))];
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(checkSchema(parseOne(line), schema)).toEqual([]);
  });

  it('keeps Metron\'s address and signature rules', () => {
    // no ports; an IPv6 address is cut at its first colon
    expect(parseOne('x {ICMP} 10.0.0.1 -> 10.0.0.2')).toEqual({
      key: '{ICMP} 10.0.0.1 -> 10.0.0.2',
      protocol: 'icmp',
      ip_src_addr: '10.0.0.1',
      ip_dst_addr: '10.0.0.2',
      timestamp: NOW,
      original_string: 'x {ICMP} 10.0.0.1 -> 10.0.0.2',
      signature_id: '',
    });
    expect(parseOne('{TCP} fe80::1:443 -> 10.0.0.2:80')).toMatchObject({ ip_src_addr: 'fe80', ip_src_port: '' });
    // the last signature with a one-digit revision counts
    expect(parseOne('[1:2:3] x [4:5:6] y [7:8:10] {UDP} a:1 -> b:2')['signature_id']).toBe('[4:5:6]');
  });

  it('refuses records without the protocol and arrow it needs', () => {
    expect(parser.parse('no braces here', { now: NOW })).toEqual({ ok: false, reason: 'no {protocol} in the record' });
    expect(parser.parse('x {TCP 1.2.3.4 -> 5.6.7.8', { now: NOW })).toEqual({ ok: false, reason: 'no } after the last {' });
    expect(parser.parse('x {TCP} 1.2.3.4 to 5.6.7.8', { now: NOW })).toEqual({ ok: false, reason: 'no -> after the {protocol}' });
    expect(parser.parse('x {TCP} 1.2.3.4: -> 5.6.7.8:1', { now: NOW })).toEqual({ ok: false, reason: 'an address ends in ":" without a port' });
  });

  it('finds the signature on the last line only, in linear time', () => {
    const started = performance.now();
    const long = parseOne(`${'x'.repeat(300_000)} [1:2:3] {TCP} a:1 -> b:2`);
    expect(long['signature_id']).toBe('[1:2:3]');
    // Java's `.` does not cross lines, so a signature on an earlier line is not found
    const multiLine = `[1:2:3] x\n${'y'.repeat(300_000)} {TCP} a:1 -> b:2`;
    expect(parseOne(multiLine)).toMatchObject({ signature_id: '', original_string: multiLine });
    // with one, original_string is built from the last line's parts only (and drops one final terminator)
    expect(parseOne('first line\nsnort: [1:3:4] msg {UDP} a:1 -> b:2\r\n')['original_string']).toBe('snort:  [1:3:4]  msg {UDP} a:1 -> b:2');
    expect(performance.now() - started).toBeLessThan(3000);
  });
});
