import { describe, expect, it } from 'vitest';
import { ConfigError } from '@metron/core';
import { findParserDefinition } from '../registry.js';
import { mutate, seededRandom } from '../test-support/mutate.js';

const NOW = Date.UTC(2024, 5, 15, 12, 0, 0);
const build = (config: Record<string, unknown>) => findParserDefinition('CSV')!.build(config, 'parsers/csv.json');

describe('CSV parser', () => {
  it('is registered under Metron class name', () => {
    expect(findParserDefinition('org.apache.metron.parsers.csv.CSVParser')?.id).toBe('csv');
  });

  it('maps columns given as a map, trimming names and values', () => {
    const parser = build({ columns: { ' host ': 0, meta: 2 } });
    const outcome = parser.parse('  google.com , 1.0,"a, b"', { now: NOW });
    expect(outcome).toEqual({ ok: true, messages: [{ host: 'google.com', meta: 'a, b', original_string: '  google.com , 1.0,"a, b"', timestamp: NOW }] });
  });

  it('maps columns given as a list (name or name:index) and a separator', () => {
    const parser = build({ columns: ['a', 'b', 'c:4'], separator: '|' });
    const outcome = parser.parse('x|"y|z"|skip|skip|w', { now: NOW });
    expect(outcome.ok && outcome.messages[0]).toMatchObject({ a: 'x', b: 'y|z', c: 'w' });
  });

  it('reads a timestamp column as epoch ms or with timestampFormat', () => {
    expect(build({ columns: ['timestamp', 'v'] }).parse('1500000000000,x', { now: NOW })).toMatchObject({ ok: true, messages: [{ timestamp: 1500000000000, v: 'x' }] });
    const formatted = build({ columns: ['timestamp', 'v'], timestampFormat: 'yyyy-MM-dd HH:mm:ss' }).parse('2017-07-14 02:40:00,x', { now: NOW });
    expect(formatted).toMatchObject({ ok: true, messages: [{ timestamp: Date.UTC(2017, 6, 14, 2, 40) }] });
  });

  it('gives no message for blank and comment lines, as Metron', () => {
    const parser = build({ columns: ['a'] });
    expect(parser.parse('# a comment', { now: NOW })).toEqual({ ok: true, messages: [], skip: 'CSV comment line' });
    expect(parser.parse('   ', { now: NOW })).toEqual({ ok: true, messages: [], skip: 'CSV comment line' });
  });

  it.each([
    ['a', 'index 1'],
    ['"unterminated,b', 'invalid CSV'],
  ])('%s is an error', (line, reason) => {
    const outcome = build({ columns: ['a', 'b'] }).parse(line, { now: NOW });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.reason).toContain(reason);
  });

  it('rejects a bad config with its path', () => {
    expect(() => build({})).toThrow(ConfigError);
    expect(() => build({ columns: { a: 'x' } })).toThrow(/columns\.a/);
    expect(() => build({ columns: ['a'], timestampFormat: 'nonsense{' })).toThrow(/timestampFormat/);
  });

  it('300 mutations never throw', () => {
    const parser = build({ columns: ['timestamp', 'host', 'msg:3'] });
    const lines = ['1500000000000,web-1,x,"quoted, msg"', '1500000000001, db-2 ,y,plain'];
    const random = seededRandom(0xc5f);
    let ok = 0;
    for (let i = 0; i < 300; i++) {
      const outcome = parser.parse(mutate(lines[i % 2]!, random), { now: NOW });
      if (outcome.ok) {
        ok++;
        for (const m of outcome.messages) expect(Number.isInteger(m['timestamp'])).toBe(true);
      } else expect(outcome.reason.length).toBeGreaterThan(0);
    }
    expect(ok).toBeGreaterThan(0);
    expect(ok).toBeLessThan(300);
  });
});
