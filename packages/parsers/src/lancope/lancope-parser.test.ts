import { describe, expect, it } from 'vitest';
import { findParserDefinition } from '../registry.js';
import { conformancePath, readJson, readLines } from '../test-support/conformance.js';
import { checkSchema, type MiniSchema } from '../test-support/json-schema-check.js';
import { LancopeParser } from './lancope-parser.js';

const parser = new LancopeParser();

function parseOne(line: string): Record<string, unknown> {
  const outcome = parser.parse(line);
  if (!outcome.ok) throw new Error(outcome.reason);
  expect(outcome.messages).toHaveLength(1);
  return outcome.messages[0]!;
}

const TEST_LINE = readLines(conformancePath('parsers', '_schema_validated', 'LancopeParserTest.raw.txt'))[0]!;
const MESSAGE =
  "<131>Jul 17 15:59:01 smc-01 StealthWatch[12365]: 2014-07-17T15:58:30Z 10.40.10.254 0.0.0.0 Minor High Concern Index The host's concern index has either exceeded the CI threshold or rapidly increased. Observed 36.55M points. Policy maximum allows up to 20M points.";

describe('Lancope parser', () => {
  it('is registered under Metron class name, short name and simple class name', () => {
    for (const name of ['org.apache.metron.parsers.lancope.BasicLancopeParser', 'Lancope', 'BasicLancopeParser']) {
      expect(findParserDefinition(name)?.id).toBe('lancope');
    }
  });

  it('reads Metron\'s test record: addresses and time from the message, Logstash keys kept', () => {
    expect(parseOne(TEST_LINE)).toEqual({
      '@version': '1',
      type: 'syslog',
      host: '10.122.196.201',
      ip_src_addr: '10.40.10.254',
      ip_dst_addr: '0.0.0.0',
      timestamp: Date.UTC(2014, 6, 17, 15, 58, 30),
      original_string: MESSAGE,
    });
  });

  it('validates every record of Metron\'s samples against LancopeSchema', () => {
    const schema = readJson(conformancePath('parsers', '_schema_validated', 'LancopeSchema.json')) as MiniSchema;
    const lines = [TEST_LINE, ...readLines(conformancePath('parsers', '_raw_only', 'LancopeExampleOutput.txt'))];
    expect(lines).toHaveLength(41);
    for (const line of lines) {
      const m = parseOne(line);
      expect(checkSchema(m, schema)).toEqual([]);
      expect(m['original_string']).toBe((JSON.parse(line) as { message: string }).message);
      expect(m).not.toHaveProperty('@timestamp');
    }
    expect(parseOne(lines[1]!)).toMatchObject({ ip_src_addr: '192.168.200.9', ip_dst_addr: '199.237.198.232', timestamp: Date.UTC(2014, 5, 24, 14, 37, 58) });
  });

  it('splits at single spaces and reads the time leniently, as Metron did', () => {
    const record = (message: string) => JSON.stringify({ message, '@timestamp': 'x', host: 'h' });
    // a double space shifts the words: the address slots then hold the time and the source
    expect(parser.parse(record(MESSAGE.replace('Jul 17', 'Jul  7')))).toMatchObject({ ok: false, reason: expect.stringContaining('message time') });
    expect(parseOne(record(MESSAGE.replace('2014-07-17T15:58:30Z', '2014-13-32T24:00:00.250Z')))['timestamp']).toBe(Date.UTC(2015, 1, 2, 0, 0, 0));
  });

  it('refuses records it cannot read', () => {
    expect(parser.parse('not json')).toMatchObject({ ok: false, reason: expect.stringContaining('invalid JSON') });
    expect(parser.parse('[1]')).toEqual({ ok: false, reason: 'the record is not a JSON object' });
    expect(parser.parse('{"message":5}')).toEqual({ ok: false, reason: 'the record has no string message' });
    expect(parser.parse('{"message":"a b c"}')).toEqual({ ok: false, reason: 'message has 3 words; the addresses are words 6 and 7' });
  });
});
