/** The plain-text scan behind SensorEnricher.enrichJson: what counts as plain, what it reads. */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '@metron/core';
import { JsonTextScanner } from './json-text.js';

const scanner = () => new JsonTextScanner(['ip_src_addr', 'ip_dst_addr', 'source.type'], ['enrichments.', 'threatintels', 'is_alert']);

function scan(text: string): { result: ReturnType<JsonTextScanner['scan']>; view: Record<string, unknown> } {
  const view: Record<string, unknown> = {};
  return { result: scanner().scan(text, view), view };
}

describe('JsonTextScanner', () => {
  it('reads the wanted fields of a plain message and counts its keys', () => {
    const message = {
      ip_src_addr: '10.0.0.1',
      ip_dst_addr: '216.160.83.56',
      'source.type': 'bro',
      timestamp: 1718452800000,
      duration: 2.850646,
      original_string: 'say "hi" \\ there\n\ttab, café 🚀 \u2028',
      tunnel_parents: [],
      answers: ['1.2.3.4', 5, [true, null], -1.5e-7],
      AA: false,
      RD: true,
      neg: -12,
      zero: 0,
    };
    const text = JSON.stringify(message);
    const { result, view } = scan(text);
    expect(result).toEqual({ hasEmpty: false, keys: Object.keys(message).length });
    expect(view).toEqual({ ip_src_addr: '10.0.0.1', ip_dst_addr: '216.160.83.56', 'source.type': 'bro' });
  });

  it('reads wanted fields that hold numbers, booleans, null or escaped text as JSON.parse would', () => {
    const { result, view } = scan(JSON.stringify({ ip_src_addr: 3232235777, ip_dst_addr: null, 'source.type': 'a"b\\c' }));
    expect(result).toEqual({ hasEmpty: true, keys: 3 });
    expect(view).toEqual({ ip_src_addr: 3232235777, ip_dst_addr: null, 'source.type': 'a"b\\c' });
  });

  it('leaves wanted fields that are absent undefined, also after a previous message', () => {
    const s = scanner();
    const view: Record<string, unknown> = {};
    expect(s.scan('{"ip_src_addr":"1.2.3.4","x":1}', view)).not.toBeNull();
    expect(s.scan('{"x":1}', view)).toEqual({ hasEmpty: false, keys: 1 });
    expect(view['ip_src_addr']).toBeUndefined();
  });

  it('takes the empty object', () => {
    expect(scan('{}').result).toEqual({ hasEmpty: false, keys: 0 });
  });

  it('marks "" and null values', () => {
    expect(scan('{"a":""}').result).toEqual({ hasEmpty: true, keys: 1 });
    expect(scan('{"a":null,"b":1}').result).toEqual({ hasEmpty: true, keys: 2 });
    expect(scan('{"a":[""],"b":[null]}').result).toEqual({ hasEmpty: false, keys: 2 });
  });

  // every one of these is JSON that JSON.stringify(JSON.parse(text)) writes differently, or that
  // the enrichment would change in place, or not JSON at all
  const notPlain: Record<string, string> = {
    'whitespace': '{"a": 1}',
    'whitespace at the end': '{"a":1} ',
    'a newline': '{"a":1}\n',
    'a number with a needless fraction': '{"a":1.0}',
    'an exponent JSON.stringify does not write': '{"a":1E3}',
    'a big exponent written long': '{"a":1000000000000000000000}',
    'a leading zero': '{"a":01}',
    'negative zero': '{"a":-0}',
    'an integer beyond double precision': '{"a":12345678901234567890}',
    'a trailing zero in the fraction': '{"a":0.10}',
    'a \\u escape': '{"a":"caf\\u00e9"}',
    'an escaped slash': '{"a":"a\\/b"}',
    'a raw control character': '{"a":"a\tb"}',
    'a lone surrogate': `{"a":"\ud800"}`,
    'a duplicate key': '{"a":1,"b":2,"a":3}',
    'an integer-like key': '{"b":1,"7":2}',
    'a nested object': '{"a":{"b":1}}',
    'an object in an array': '{"a":[{"b":1}]}',
    'an escaped key': '{"a\\"b":1}',
    'an empty key': '{"":1}',
    'a key the enrichment writes': '{"enrichments.geo.ip_src_addr.country":"US"}',
    'a threat intel key': '{"threatintels.x":"alert"}',
    'is_alert': '{"is_alert":true}',
    'a wanted field holding an array': '{"ip_src_addr":["1.2.3.4"]}',
    'not an object': '[1]',
    'truncated': '{"a":1',
    'a trailing comma': '{"a":1,}',
    'a bad literal': '{"a":tru}',
    'a missing colon': '{"a" 1}',
    'an unterminated string': '{"a":"b}',
  };
  for (const [what, text] of Object.entries(notPlain)) {
    it(`refuses ${what}`, () => {
      expect(scan(text).result).toBeNull();
    });
  }

  it('takes numbers that JSON.stringify writes as they are', () => {
    for (const n of [0, 7, -7, 1.5, -0.001, 1e21, 1.5e-7, 123456789012345, 2 ** 53, Number.MAX_VALUE, 5e-324]) {
      const text = JSON.stringify({ n });
      expect(scan(text).result, text).toEqual({ hasEmpty: false, keys: 1 });
    }
  });

  it('takes a number exactly when JSON.stringify writes it as it is written (fixed-seed decimal texts)', () => {
    const random = seededRandom(77);
    const digits = (n: number) => Array.from({ length: n }, () => String(Math.floor(random() * 10))).join('');
    for (let i = 0; i < 5000; i++) {
      const int = random() < 0.3 ? '0' : `${1 + Math.floor(random() * 9)}${digits(Math.floor(random() * 18))}`;
      const frac = random() < 0.6 ? `.${random() < 0.3 ? '0'.repeat(Math.floor(random() * 9)) : ''}${digits(1 + Math.floor(random() * 17))}` : '';
      const exp = random() < 0.1 ? `e${random() < 0.5 ? '-' : '+'}${Math.floor(random() * 30)}` : '';
      const text = `${random() < 0.3 ? '-' : ''}${int}${frac}${exp}`;
      const plain = String(Number(text)) === text;
      expect(scan(`{"n":${text}}`).result !== null, text).toBe(plain);
    }
  });

  it('takes two-character escapes', () => {
    expect(scan(JSON.stringify({ a: '"\\\b\f\n\r\t' })).result).toEqual({ hasEmpty: false, keys: 1 });
  });

  it('tells duplicate keys from keys that share their length and letters', () => {
    const keys = Array.from({ length: 200 }, (_, i) => `k${String(i).padStart(3, '0')}`);
    const text = JSON.stringify(Object.fromEntries(keys.map((k) => [k, 1])));
    expect(scan(text).result).toEqual({ hasEmpty: false, keys: 200 });
    expect(scan(`${text.slice(0, -1)},"k123":2}`).result).toBeNull();
  });
});
