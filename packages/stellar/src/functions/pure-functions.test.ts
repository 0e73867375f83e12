import { describe, expect, it } from 'vitest';
import { int, long } from '../values.js';
import type { StellarValue } from '../values.js';
import { StellarFunctionError } from './types.js';
import { caller, fakeContext, m } from './test-support/service-fakes.js';
import { decodeGeohash, functions as geohash } from './geohash.js';
import { functions as infoTheory } from './information-theory.js';
import { functions as ipProtocol } from './ip-protocol.js';
import { functions as typosquat, idnToAscii, punycodeDecode, punycodeEncode, STRATEGIES } from './typosquat.js';
import { functions as byteArray } from './byte-array-matcher.js';

const ctx = fakeContext();

describe('GEOHASH_*', () => {
  const call = caller(geohash, ctx);
  const jutland = { lat: 57.64911, long: 10.4074 };
  const empireState = call('GEOHASH_FROM_LATLONG', 40.74857, -73.985752) as string;
  const moscone = call('GEOHASH_FROM_LATLONG', 37.782891, -122.404166) as string;
  const jutlandHash = call('GEOHASH_FROM_LATLONG', jutland.lat, jutland.long) as string;

  it('encodes (Metron test values)', () => {
    expect(jutlandHash).toBe('u4pruydqmvpb');
    expect(call('GEOHASH_FROM_LATLONG', jutland.lat, jutland.long, int(10))).toBe('u4pruydqmv');
    expect(call('GEOHASH_FROM_LATLONG', jutland.lat, jutland.long, int(6))).toBe('u4pruy');
    expect(call('GEOHASH_FROM_LATLONG', jutland.lat)).toBeNull();
    expect(call('GEOHASH_FROM_LATLONG', 'blah', jutland.long, int(10))).toBeNull();
    const loc = m([['latitude', '57.64911'], ['longitude', '10.4074']]);
    expect(call('GEOHASH_FROM_LOC', loc, int(10))).toBe('u4pruydqmv');
    expect(call('GEOHASH_FROM_LOC', loc)).toBe('u4pruydqmvpb');
    // cases.jsonl: a location without longitude, or with a non-numeric latitude, gives null
    expect(call('GEOHASH_FROM_LOC', m([['latitude', '57.64911']]))).toBeNull();
    expect(call('GEOHASH_FROM_LOC', m([['latitude', 'blah'], ['longitude', '10.40740']]), int(10))).toBeNull();
  });
  it('decodes to the cell centre', () => {
    const latLong = call('GEOHASH_TO_LATLONG', 'u4pruydqmvpb') as Map<string, number>;
    expect(latLong.get('latitude')).toBeCloseTo(jutland.lat, 3);
    expect(latLong.get('longitude')).toBeCloseTo(jutland.long, 3);
    // partial_checks.jsonl: the empty hash is the whole world, centred on 0,0 (doubles)
    const world = call('GEOHASH_TO_LATLONG', '') as Map<string, number>;
    expect(world.get('latitude')).toBe(0);
    expect(world.get('longitude')).toBe(0);
    const u = decodeGeohash('u');
    expect(Number.isNaN(u.latitude)).toBe(false);
    expect(call('GEOHASH_TO_LATLONG', null)).toBeNull();
    expect(() => call('GEOHASH_TO_LATLONG', 'aaa')).toThrow(StellarFunctionError);
  });
  it('measures distances with each strategy', () => {
    for (const strategy of [[], ['HAVERSINE'], ['LAW_OF_COSINES'], ['VICENTY']]) {
      expect(Math.abs((call('GEOHASH_DIST', moscone, empireState, ...strategy) as number) - 4128)).toBeLessThan(1);
      expect(Math.abs((call('GEOHASH_DIST', empireState, moscone, ...strategy) as number) - 4128)).toBeLessThan(1);
    }
    expect(() => call('GEOHASH_DIST', moscone, empireState, 'MANHATTAN')).toThrow(StellarFunctionError);
    expect(call('GEOHASH_DIST', null, empireState)).toBeNull();
  });
  it('finds the largest distance', () => {
    expect(Math.abs((call('GEOHASH_MAX_DIST', [empireState, moscone, jutlandHash]) as number) - 8528)).toBeLessThan(1);
    expect(Math.abs((call('GEOHASH_MAX_DIST', [jutlandHash, moscone, empireState, null]) as number) - 8528)).toBeLessThan(1);
    expect(call('GEOHASH_MAX_DIST', [jutlandHash, jutlandHash, jutlandHash])).toBeCloseTo(0, 6);
    expect(call('GEOHASH_MAX_DIST', [])).toBeNaN();
    expect(call('GEOHASH_MAX_DIST', null)).toBeNull();
    expect(call('GEOHASH_MAX_DIST')).toBeNull();
  });
  it('computes centroids (geomidpoint.com reference)', () => {
    for (const input of [[empireState, moscone], m([[empireState, int(3)], [moscone, int(3)]])]) {
      const c = call('GEOHASH_TO_LATLONG', call('GEOHASH_CENTROID', input)) as Map<string, number>;
      expect(c.get('longitude')).toBeCloseTo(-98.740087, 3);
      expect(c.get('latitude')).toBeCloseTo(41.86921, 3);
    }
    const one = call('GEOHASH_TO_LATLONG', call('GEOHASH_CENTROID', [empireState])) as Map<string, number>;
    expect(one.get('latitude')).toBeCloseTo(40.74857, 3);
    // cases.jsonl: no points gives null all the way through
    expect(call('GEOHASH_TO_LATLONG', call('GEOHASH_CENTROID', new Map()))).toBeNull();
    expect(call('GEOHASH_CENTROID', [])).toBeNull();
  });
});

describe('IT_ENTROPY', () => {
  const call = caller(infoTheory, ctx);
  it('computes bits (cases.jsonl)', () => {
    expect(call('IT_ENTROPY', m([['a', int(10)], ['b', int(5)], ['c', int(5)]]))).toBe(1.5);
    expect(call('IT_ENTROPY', m([['a', long(1)]]))).toBe(0);
    expect(call('IT_ENTROPY', new Map())).toBe(0);
    expect(call('IT_ENTROPY', null)).toBe(0);
    expect(() => call('IT_ENTROPY', 'abc')).toThrow(StellarFunctionError);
  });
});

describe('PROTOCOL_TO_NAME', () => {
  const call = caller(ipProtocol, ctx);
  it('names IANA protocol numbers', () => {
    expect(call('PROTOCOL_TO_NAME', int(6))).toBe('TCP');
    expect(call('PROTOCOL_TO_NAME', long(17))).toBe('UDP');
    expect(call('PROTOCOL_TO_NAME', 1.0)).toBe('ICMP');
    expect(call('PROTOCOL_TO_NAME', '58')).toBe('IPv6-ICMP');
    expect(call('PROTOCOL_TO_NAME', int(88))).toBe('');
    expect(call('PROTOCOL_TO_NAME', int(255))).toEqual(int(255));
    expect(call('PROTOCOL_TO_NAME', 'foo')).toBe('foo');
    // cases.jsonl: an unset variable gives null
    expect(call('PROTOCOL_TO_NAME', null)).toBeNull();
  });
});

describe('DOMAIN_TYPOSQUAT', () => {
  const call = caller(typosquat, ctx);
  // a sample of dnstwist's output for amazon.com, per strategy (Metron's test data)
  const dnstwist: Record<string, string[]> = {
    Addition: ['amazona', 'amazonz'],
    Bitsquatting: ['cmazon', 'a-azon', 'amaxon', 'amazof'],
    Homoglyph: ['xn--mazon-qwa', 'xn--amzon-ucc', 'amaz0n', 'annazon', 'arrazon', 'xn--mzon-4q5ab', 'xn--amazo-07a', 'amazom', 'amazor'],
    Hyphenation: ['a-mazon', 'amazo-n'],
    Insertion: ['amsazon', 'ama3zon', 'amazo0n', 'amkazon'],
    Omission: ['mazon', 'amazo'],
    Repetition: ['aamazon', 'ammazon'],
    Replacement: ['1mazon', 'amazob', 'am2zon'],
    Subdomain: ['a.mazon', 'amazo.n'],
    Transposition: ['maazon', 'amazno'],
    'Vowel-swap': ['omazon', 'amazun', 'umazon'],
  };
  it('covers dnstwist per strategy', () => {
    for (const [name, expected] of Object.entries(dnstwist)) {
      const strategy = STRATEGIES.find((s) => s.name === name);
      expect(strategy, name).toBeDefined();
      const candidates = strategy!.candidates('amazon');
      for (const e of expected) expect(candidates.has(e), `${name}: ${e}`).toBe(true);
    }
  });
  it('matches Java IDN for homoglyphs (candidate counts from the JDK)', () => {
    const homoglyph = STRATEGIES.find((s) => s.name === 'Homoglyph')!;
    const count = (d: string): number => [...homoglyph.candidates(d)].filter((c) => c !== d).length;
    expect(count('amazon')).toBe(125);
    expect(count('google')).toBe(152);
    expect(count('metron')).toBe(81);
  });
  it('returns a set without the domain itself', () => {
    const all = call('DOMAIN_TYPOSQUAT', 'amazon') as Set<StellarValue>;
    expect(all).toBeInstanceOf(Set);
    expect(all.has('amazon')).toBe(false);
    expect(all.has('amazone')).toBe(true);
    expect(call('DOMAIN_TYPOSQUAT', null)).toBeNull();
    expect(() => call('DOMAIN_TYPOSQUAT', int(1))).toThrow(StellarFunctionError);
  });
  it('implements punycode (RFC 3492 sample) and IDNA', () => {
    expect(punycodeEncode('bücher')).toBe('bcher-kva');
    expect(punycodeDecode('bcher-kva')).toBe('bücher');
    expect(idnToAscii('bücher.de')).toBe('xn--bcher-kva.de');
    expect(idnToAscii('ΟΟ')).toBe(idnToAscii('οο'));
  });
});

describe('BYTEARRAY_MATCHER', () => {
  const call = caller(byteArray, ctx);
  const data = Uint8Array.from([0x00, 0x01, 0x47, 0x45, 0x54, 0x20, 0xff, 0x10]);
  it('matches byteseek sequences anywhere in the data', () => {
    expect(call('BYTEARRAY_MATCHER', '01', data)).toBe(true);
    expect(call('BYTEARRAY_MATCHER', "'GET' 20", data)).toBe(true);
    expect(call('BYTEARRAY_MATCHER', '`get`', data)).toBe(true);
    expect(call('BYTEARRAY_MATCHER', "'get'", data)).toBe(false);
    expect(call('BYTEARRAY_MATCHER', '00 . 47', data)).toBe(true);
    expect(call('BYTEARRAY_MATCHER', '[40-4f] 45', data)).toBe(true);
    expect(call('BYTEARRAY_MATCHER', "['A'-'Z']{3} 20", data)).toBe(true);
    expect(call('BYTEARRAY_MATCHER', '^00 47', data)).toBe(true);
    expect(call('BYTEARRAY_MATCHER', '^01 47', data)).toBe(false);
    expect(call('BYTEARRAY_MATCHER', '&f0 10', data)).toBe(true);
    expect(call('BYTEARRAY_MATCHER', "(ab | 'ET') 20", data)).toBe(true);
    expect(call('BYTEARRAY_MATCHER', '02', data)).toBe(false);
    expect(call('BYTEARRAY_MATCHER', "'GET'", 'a GET request')).toBe(true);
    expect(call('BYTEARRAY_MATCHER', '47 45', [int(0x47), int(0x45)])).toBe(true);
  });
  it('is lenient on nulls and strict on bad patterns', () => {
    expect(call('BYTEARRAY_MATCHER', null, data)).toBe(false);
    expect(call('BYTEARRAY_MATCHER', '01', null)).toBe(false);
    expect(() => call('BYTEARRAY_MATCHER', 'zz', data)).toThrow(StellarFunctionError);
    expect(() => call('BYTEARRAY_MATCHER', '01')).toThrow(StellarFunctionError);
  });
});
