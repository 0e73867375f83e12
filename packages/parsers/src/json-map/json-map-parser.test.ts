import { describe, expect, it } from 'vitest';
import { ConfigError } from '@metron/core';
import { createSensorParser } from '../sensor-parser.js';
import { JsonMapParser } from './json-map-parser.js';
import { readJsonMapConfig } from './config.js';

const NOW = 1_700_000_000_000;
const parserWith = (config: Record<string, unknown> = {}): JsonMapParser => new JsonMapParser(readJsonMapConfig(config, 'parsers/test.json'));
const parse = (config: Record<string, unknown>, text: string) => parserWith(config).parse(text, { now: NOW });
const messagesOf = (config: Record<string, unknown>, text: string) => {
  const outcome = parse(config, text);
  if (!outcome.ok) throw new Error(outcome.reason);
  return outcome.messages;
};

// Metron's JSONMapParserTest / JSONMapParserQueryTest samples.
const COLLECTION = '{ "collection" : { "blah" : 7, "blah2" : "foo", "bigblah" : { "innerBlah" : "baz", "reallyInnerBlah" : { "color" : "grey" }}}}';
const MIXED = '{ "collection" : { "key" : "value" }, "key" : "value" }';

describe('JSONMap parser', () => {
  it('keeps scalars and lists, fills timestamp with now', () => {
    expect(messagesOf({}, '{ "foo" : "bar", "blah" : "blah", "number" : 2.0, "list": [1, {"a": 1}], "n": null }')).toEqual([
      { foo: 'bar', blah: 'blah', number: 2, list: [1, { a: 1 }], n: null, timestamp: NOW },
    ]);
  });

  it('keeps a timestamp field of the record', () => {
    expect(messagesOf({}, '{"timestamp": 1234567890123, "a": 1}')).toEqual([{ timestamp: 1234567890123, a: 1 }]);
  });

  describe('mapStrategy', () => {
    it('DROP (default) removes nested objects', () => {
      expect(messagesOf({}, COLLECTION)).toEqual([{ timestamp: NOW }]);
      expect(messagesOf({ mapStrategy: 'DROP' }, MIXED)).toEqual([{ key: 'value', timestamp: NOW }]);
    });
    it('UNFOLD flattens to dotted keys', () => {
      expect(messagesOf({ mapStrategy: 'UNFOLD' }, COLLECTION)).toEqual([
        {
          'collection.blah': 7,
          'collection.blah2': 'foo',
          'collection.bigblah.innerBlah': 'baz',
          'collection.bigblah.reallyInnerBlah.color': 'grey',
          timestamp: NOW,
        },
      ]);
      expect(messagesOf({ mapStrategy: 'UNFOLD' }, MIXED)).toEqual([{ 'collection.key': 'value', key: 'value', timestamp: NOW }]);
    });
    it('ALLOW keeps nested objects', () => {
      expect(messagesOf({ mapStrategy: 'ALLOW' }, MIXED)).toEqual([{ collection: { key: 'value' }, key: 'value', timestamp: NOW }]);
    });
    it('ERROR fails the record', () => {
      const outcome = parse({ mapStrategy: 'ERROR' }, MIXED);
      expect(outcome).toEqual({ ok: false, reason: expect.stringContaining('"collection" holds an object') });
    });
    it('is case-insensitive and rejects unknown values at config time', () => {
      expect(messagesOf({ mapStrategy: 'unfold' }, MIXED)[0]).toHaveProperty(['collection.key'], 'value');
      expect(() => parserWith({ mapStrategy: 'FLATTEN' })).toThrow(ConfigError);
      expect(() => parserWith({ mapStrategy: 'FLATTEN' })).toThrow(/\$\.parserConfig\.mapStrategy/);
    });
  });

  describe('jsonpQuery', () => {
    const LIST = '{ "foo" : [ { "name" : "foo1", "number" : 1.0, "c": {"x": 1} }, { "name" : "foo2", "number" : 2.0 } ], "bar": {"baz": [{"n": 1}], "one": {"n": 2}}, "a b": [{"n": 3}] }';
    it('$.foo splits a list of objects', () => {
      expect(messagesOf({ jsonpQuery: '$.foo' }, LIST)).toEqual([
        { name: 'foo1', number: 1, timestamp: NOW },
        { name: 'foo2', number: 2, timestamp: NOW },
      ]);
    });
    it('$.foo[*], $.bar.baz, $[\'a b\'] and a single object', () => {
      expect(messagesOf({ jsonpQuery: '$.foo[*]' }, LIST).map((m) => m['name'])).toEqual(['foo1', 'foo2']);
      expect(messagesOf({ jsonpQuery: '$.bar.baz' }, LIST)).toEqual([{ n: 1, timestamp: NOW }]);
      expect(messagesOf({ jsonpQuery: "$['a b']" }, LIST)).toEqual([{ n: 3, timestamp: NOW }]);
      expect(messagesOf({ jsonpQuery: '$.bar.one' }, LIST)).toEqual([{ n: 2, timestamp: NOW }]);
      expect(messagesOf({ jsonpQuery: '$.foo[1]' }, LIST)).toEqual([{ name: 'foo2', number: 2, timestamp: NOW }]);
    });
    it('applies mapStrategy to each selected object', () => {
      expect(messagesOf({ jsonpQuery: '$.foo', mapStrategy: 'UNFOLD' }, LIST)[0]).toEqual({ name: 'foo1', number: 1, 'c.x': 1, timestamp: NOW });
    });
    it('overrideOriginalString gives each message its own object as original_string', () => {
      const [first] = messagesOf({ jsonpQuery: '$.foo', overrideOriginalString: true }, LIST);
      expect(JSON.parse(first!['original_string'] as string)).toEqual({ name: 'foo1', number: 1, c: { x: 1 } });
    });
    it('no match is an error (Metron would drop the record silently)', () => {
      expect(parse({ jsonpQuery: '$.foo' }, '{ "name" : "foo1" }')).toEqual({ ok: false, reason: 'jsonpQuery $.foo selected no objects' });
      expect(parse({ jsonpQuery: '$.foo' }, '{ "foo" : [] }')).toMatchObject({ ok: false });
    });
    it('a selected non-object is an error', () => {
      expect(parse({ jsonpQuery: '$.foo' }, '{ "foo" : [1, 2] }')).toEqual({ ok: false, reason: expect.stringContaining('selected a number at position 0') });
    });
    it('bad or unsupported paths are config errors', () => {
      for (const q of ['$$..$$SDSE$#$#.', '$..foo', '$.foo[?(@.a)]', '$.foo[1:2]', "$['a','b']", '$.foo[']) {
        expect(() => parserWith({ jsonpQuery: q }), q).toThrow(/\$\.parserConfig\.jsonpQuery/);
      }
    });
    it('a blank query means no query', () => {
      expect(messagesOf({ jsonpQuery: '  ' }, '{"a": 1}')).toEqual([{ a: 1, timestamp: NOW }]);
    });
  });

  describe('wrapInEntityArray', () => {
    it('wraps a "{..},{..}," line before the query (string or boolean flag, custom entity name)', () => {
      const line = '{ "number" : 1 },{ "number" : 2 },';
      expect(messagesOf({ jsonpQuery: '$.foo', wrapInEntityArray: 'true', wrapEntityName: 'foo' }, line)).toHaveLength(2);
      expect(messagesOf({ jsonpQuery: '$.messages', wrapInEntityArray: true }, line)).toHaveLength(2);
      expect(parse({ jsonpQuery: '$.messages', wrapInEntityArray: false }, line)).toMatchObject({ ok: false });
    });
  });

  it('invalid JSON and non-object records are errors with a reason', () => {
    expect(parse({}, '{"a": ')).toEqual({ ok: false, reason: expect.stringMatching(/^invalid JSON: /) });
    expect(parse({}, '[1, 2]')).toEqual({ ok: false, reason: 'JSON record is an array, not an object' });
    expect(parse({}, 'null')).toEqual({ ok: false, reason: 'JSON record is null, not an object' });
    expect(parse({}, '"x"')).toEqual({ ok: false, reason: 'JSON record is a string, not an object' });
  });

  it('a "__proto__" key is an ordinary field', () => {
    const [m] = messagesOf({ mapStrategy: 'UNFOLD' }, '{"__proto__": {"polluted": 1}, "x": {"__proto__": 2}}');
    expect(Object.getPrototypeOf(m)).toBe(Object.prototype);
    expect(m!['__proto__.polluted']).toBe(1);
    expect(Object.hasOwn(m!, 'x.__proto__')).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('config flags must be booleans or "true"/"false"', () => {
    expect(() => parserWith({ overrideOriginalString: 3 })).toThrow(/\$\.parserConfig\.overrideOriginalString/);
    expect(() => parserWith({ jsonpQuery: 5 })).toThrow(/\$\.parserConfig\.jsonpQuery/);
  });

  it('runs through the sensor parser with the whole line as original_string', () => {
    const sensor = createSensorParser('s', { parserClassName: 'jsonmap', parserConfig: { jsonpQuery: '$.foo' } });
    const line = '{"foo": [{"a": 1}, {"a": 2}]}';
    const r = sensor.parse(Buffer.from(line), { guid: (n) => `g${n}`, now: NOW });
    expect(r.errors).toEqual([]);
    expect(r.messages).toEqual([
      { a: 1, timestamp: NOW, original_string: line, 'source.type': 's', guid: 'g0' },
      { a: 2, timestamp: NOW, original_string: line, 'source.type': 's', guid: 'g1' },
    ]);
  });
});
