import { describe, expect, it } from 'vitest';
import { ipHex, ipv4Text, parseCidr, parseIp, parseIpv4 } from './ip.js';
import { parseQuery } from './parser.js';

const mapped = (v4: number): bigint => (0xffffn << 32n) | BigInt(v4);

describe('IP addresses in queries', () => {
  it('reads IPv4 strictly (no leading zeros, octets up to 255), as OpenSearch does', () => {
    expect(parseIpv4('10.0.0.1')).toBe(0x0a000001);
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff);
    for (const bad of ['010.0.0.1', '256.0.0.1', '1.2.3', '1.2.3.4.5', '1.2.3.', 'a.b.c.d', '']) expect(parseIpv4(bad)).toBeNull();
  });

  it('reads IPv6 in every RFC 4291 notation, and IPv4 into mapped space', () => {
    expect(parseIp('10.0.0.1')).toEqual({ value: mapped(0x0a000001), version: 4 });
    expect(parseIp('::')).toEqual({ value: 0n, version: 6 });
    expect(parseIp('::1')!.value).toBe(1n);
    expect(parseIp('2001:db8::1')!.value).toBe(parseIp('2001:0DB8:0000:0000:0000:0000:0000:0001')!.value);
    expect(ipHex(parseIp('2001:db8::1')!.value)).toBe('20010db8000000000000000000000001');
    expect(parseIp('::ffff:10.0.0.1')!.value).toBe(mapped(0x0a000001));
    expect(parseIp('fe80::1:2')!.value).toBe((0xfe80n << 112n) | (1n << 16n) | 2n);
    for (const bad of ['1:2:3:4:5:6:7', '1::2::3', '12345::', 'g::1', ':1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', 'fe80::1%eth0', 'abc']) {
      expect(parseIp(bad), bad).toBeNull();
    }
  });

  it('reads CIDR blocks as the range they cover, refusing bad lengths and mapped addresses with a prefix', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ version: 4, length: 8, first: mapped(0x0a000000), last: mapped(0x0affffff) });
    expect(parseCidr('10.1.2.3/8')).toEqual(parseCidr('10.0.0.0/8'));
    expect(parseCidr('0.0.0.0/0')).toEqual({ version: 4, length: 0, first: mapped(0), last: mapped(0xffffffff) });
    expect(parseCidr('2001:db8::/32')).toEqual({
      version: 6, length: 32, first: 0x20010db8n << 96n, last: (0x20010db8n << 96n) | ((1n << 96n) - 1n),
    });
    expect(parseCidr('::/0')).toEqual({ version: 6, length: 0, first: 0n, last: (1n << 128n) - 1n });
    for (const bad of ['10.0.0.0/33', '10.0.0.0/', '10.0.0.0/a', '10.0.0.0', '::ffff:10.0.0.0/104', '::/129', 'x/8']) {
      expect(parseCidr(bad), bad).toBeNull();
    }
    expect(ipv4Text(mapped(0xc0a80105))).toBe('192.168.1.5');
  });

  it('lexes a CIDR suffix after an address as part of the term, and still refuses regular expressions', () => {
    const term = (field: string, value: string) => ({ kind: 'term', field, value, phrase: false });
    expect(parseQuery('ip_src_addr:10.0.0.0/8')).toEqual(term('ip_src_addr', '10.0.0.0/8'));
    expect(parseQuery('ip_src_addr:2001\\:db8\\:\\:/32')).toEqual(term('ip_src_addr', '2001:db8::/32'));
    expect(parseQuery('ip_src_addr:(10.0.0.0/8 OR 192.168.0.0/16)')).toEqual({
      kind: 'or', children: [term('ip_src_addr', '10.0.0.0/8'), term('ip_src_addr', '192.168.0.0/16')],
    });
    expect(parseQuery('a:10.0.0.0/8&&b:1')).toEqual({ kind: 'and', children: [term('a', '10.0.0.0/8'), term('b', '1')] });
    expect(() => parseQuery('ip_src_addr:10.0.0.0/8/')).toThrow(/regular expressions/);
    expect(() => parseQuery('ip_src_addr:10.0.0.0/1234')).toThrow(/regular expressions/);
    expect(() => parseQuery('uri:abc/def')).toThrow(/regular expressions/);
    expect(() => parseQuery('uri:/x/')).toThrow(/regular expressions/);
  });
});
