import { describe, expect, it } from 'vitest';
import { classifyAddress, parseIPv4, parseIPv6 } from './ip-address.js';

const hex = (bytes: Uint8Array | null) => (bytes === null ? null : Buffer.from(bytes).toString('hex'));

describe('parseIPv4 (commons-validator rules, as Metron)', () => {
  it('reads dotted quads', () => {
    expect(parseIPv4('8.8.8.8')).toEqual([8, 8, 8, 8]);
    expect(parseIPv4('255.255.255.255')).toEqual([255, 255, 255, 255]);
    expect(parseIPv4('0.0.0.0')).toEqual([0, 0, 0, 0]);
  });
  it('refuses everything else', () => {
    for (const bad of ['', '8.8.8', '8.8.8.8.8', '256.1.1.1', '08.8.8.8', '8.8.8.08', ' 8.8.8.8', '8.8.8.8 ', '8.8.8.8/32', '1.2.3.-4', 'a.b.c.d', '8..8.8', '１.1.1.1', '0x8.8.8.8']) {
      expect(parseIPv4(bad), bad).toBeNull();
    }
  });
});

describe('parseIPv6', () => {
  it('reads the RFC 4291 text forms', () => {
    expect(hex(parseIPv6('2001:4860:4860::8888'))).toBe('20014860486000000000000000008888');
    expect(hex(parseIPv6('::'))).toBe('0'.repeat(32));
    expect(hex(parseIPv6('::1'))).toBe('0'.repeat(31) + '1');
    expect(hex(parseIPv6('fe80::'))).toBe('fe80' + '0'.repeat(28));
    expect(hex(parseIPv6('1:2:3:4:5:6:7:8'))).toBe('00010002000300040005000600070008');
    expect(hex(parseIPv6('1:2:3:4:5:6:7::'))).toBe('00010002000300040005000600070000');
    expect(hex(parseIPv6('::ffff:8.8.4.4'))).toBe('00000000000000000000ffff08080404');
    expect(hex(parseIPv6('64:ff9b::192.0.2.33'))).toBe('0064ff9b0000000000000000c0000221');
    expect(hex(parseIPv6('2A00:1450:4001:81B::200E'))).toBe('2a00145040010' + '81b' + '000000000000200e');
  });
  it('refuses malformed text', () => {
    for (const bad of ['', ':', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '::1:2:3:4:5:6:7:8', '12345::', 'g::1', ':1::', 'fe80::1%eth0', '::ffff:8.8.8', '::ffff:256.1.1.1', '1.2.3.4', '[::1]']) {
      expect(parseIPv6(bad), bad).toBeNull();
    }
  });
});

describe('classifyAddress', () => {
  it('lets public IPv4 addresses through, including the edges of the private blocks', () => {
    for (const ip of ['8.8.8.8', '1.1.1.1', '172.15.255.255', '172.32.0.1', '100.63.255.255', '100.128.0.0', '169.253.1.1', '223.255.255.255', '11.0.0.1', '192.169.0.1', '198.17.255.255', '198.20.0.0']) {
      expect(classifyAddress(ip, false), ip).toEqual({ eligible: true, version: 4, lookupText: ip });
    }
  });
  it('gives the reason an address is skipped', () => {
    const cases: [string, string][] = [
      ['0.0.0.0', 'unspecified'],
      ['0.1.2.3', 'reserved'],
      ['127.0.0.1', 'loopback'],
      ['127.255.255.254', 'loopback'],
      ['10.0.0.1', 'private'],
      ['172.16.0.1', 'private'],
      ['172.31.255.255', 'private'],
      ['192.168.0.1', 'private'],
      ['169.254.169.254', 'link-local'],
      ['224.0.0.251', 'multicast'],
      ['239.255.255.250', 'multicast'],
      ['240.0.0.1', 'reserved'],
      ['255.255.255.255', 'reserved'],
      ['100.64.0.1', 'reserved'],
      ['192.0.0.8', 'reserved'],
      ['192.0.2.1', 'reserved'],
      ['198.18.0.1', 'reserved'],
      ['198.51.100.7', 'reserved'],
      ['203.0.113.1', 'reserved'],
      ['not an ip', 'unparseable'],
      ['', 'unparseable'],
      ['www.example.com', 'unparseable'],
      ['2001:4860:4860::8888', 'ipv6-disabled'],
      ['::ffff:8.8.8.8', 'ipv6-disabled'],
    ];
    for (const [ip, reason] of cases) expect(classifyAddress(ip, false), ip).toEqual({ eligible: false, reason });
  });
  it('with IPv6 on: global unicast passes, special ranges do not, mapped IPv4 follows the IPv4 rules', () => {
    expect(classifyAddress('2001:4860:4860::8888', true)).toEqual({ eligible: true, version: 6, lookupText: '2001:4860:4860:0:0:0:0:8888' });
    expect(classifyAddress('2A00:1450:4001:81B::200E', true)).toEqual({ eligible: true, version: 6, lookupText: '2a00:1450:4001:81b:0:0:0:200e' });
    expect(classifyAddress('::ffff:8.8.4.4', true)).toEqual({ eligible: true, version: 4, lookupText: '8.8.4.4' });
    expect(classifyAddress('8.8.4.4', true)).toEqual({ eligible: true, version: 4, lookupText: '8.8.4.4' });
    const cases: [string, string][] = [
      ['::', 'unspecified'],
      ['::1', 'loopback'],
      ['::ffff:10.1.2.3', 'private'],
      ['::ffff:127.0.0.1', 'loopback'],
      ['fe80::1', 'link-local'],
      ['febf:ffff::1', 'link-local'],
      ['fec0::1', 'private'],
      ['fc00::1', 'private'],
      ['fdff:ffff::1', 'private'],
      ['ff02::1', 'multicast'],
      ['2001:db8::1', 'reserved'],
      ['2001::1', 'reserved'],
      ['2001:1ff::1', 'reserved'],
      ['3fff::1', 'reserved'],
      ['64:ff9b::808:808', 'reserved'],
      ['100::1', 'reserved'],
      ['4000::1', 'reserved'],
    ];
    for (const [ip, reason] of cases) expect(classifyAddress(ip, true), ip).toEqual({ eligible: false, reason });
    expect(classifyAddress('2001:200::1', true).eligible).toBe(true);
    expect(classifyAddress('2002:808:808::1', true).eligible).toBe(true);
  });
});
