import { describe, expect, it } from 'vitest';
import { findParserDefinition } from '../registry.js';
import { LogstashParser } from './logstash-parser.js';

const parser = new LogstashParser();

function parseOne(line: string): Record<string, unknown> {
  const outcome = parser.parse(line);
  if (!outcome.ok) throw new Error(outcome.reason);
  expect(outcome.messages).toHaveLength(1);
  return outcome.messages[0]!;
}

const EVENT = JSON.stringify({
  message: 'Jul 17 15:59:01 fw01 DROP IN=eth0 SRC=10.0.0.5 DST=192.0.2.7',
  '@version': '1',
  '@timestamp': '2014-07-17T15:56:05.992Z',
  type: 'iptables',
  host: 'shipper-1',
  tags: ['_grokparsefailure'],
  src_ip: '10.0.0.5',
  dst_ip: '192.0.2.7',
  src_port: 51514,
  dst_port: 443,
  action: 'DROP',
  bytes: 1.5,
});

describe('Logstash parser', () => {
  it('is registered under Metron class name, short name and simple class name', () => {
    for (const name of ['org.apache.metron.parsers.logstash.BasicLogstashParser', 'Logstash', 'BasicLogstashParser']) {
      expect(findParserDefinition(name)?.id).toBe('logstash');
    }
  });

  it('drops Logstash metadata, renames to Metron names and converts @timestamp', () => {
    expect(parseOne(EVENT)).toEqual({
      original_string: 'Jul 17 15:59:01 fw01 DROP IN=eth0 SRC=10.0.0.5 DST=192.0.2.7',
      ip_src_addr: '10.0.0.5',
      ip_dst_addr: '192.0.2.7',
      ip_src_port: 51514,
      ip_dst_port: 443,
      action: 'DROP',
      bytes: 1.5,
      timestamp: Date.UTC(2014, 6, 17, 15, 56, 5, 992),
    });
  });

  it('reads @timestamp leniently: the fraction counts milliseconds, trailing text is ignored', () => {
    const at = (stamp: string) => parseOne(JSON.stringify({ '@timestamp': stamp }))['timestamp'];
    expect(at('2014-07-17T15:56:05.5Z')).toBe(Date.UTC(2014, 6, 17, 15, 56, 5, 5));
    expect(at('2014-07-17T15:56:05.1500Z')).toBe(Date.UTC(2014, 6, 17, 15, 56, 6, 500));
    expect(at('2014-12-31T23:59:60.000Z+junk')).toBe(Date.UTC(2015, 0, 1, 0, 0, 0));
    // keys absent from the event stay absent; original_string then comes from the sensor parser
    expect(parseOne(JSON.stringify({ '@timestamp': '2014-07-17T15:56:05.992Z', note: null }))).toEqual({ note: null, timestamp: Date.UTC(2014, 6, 17, 15, 56, 5, 992) });
  });

  it('refuses records without a usable @timestamp', () => {
    expect(parser.parse('{"message":"x"}')).toEqual({ ok: false, reason: 'the record has no string @timestamp' });
    expect(parser.parse('{"@timestamp":1405612565992}')).toEqual({ ok: false, reason: 'the record has no string @timestamp' });
    expect(parser.parse('{"@timestamp":"2014-07-17T15:56:05Z"}')).toEqual({ ok: false, reason: '@timestamp: expected "." at 19 in "2014-07-17T15:56:05Z"' });
    expect(parser.parse('[]')).toEqual({ ok: false, reason: 'the record is not a JSON object' });
    expect(parser.parse('{')).toMatchObject({ ok: false, reason: expect.stringContaining('invalid JSON') });
  });
});
