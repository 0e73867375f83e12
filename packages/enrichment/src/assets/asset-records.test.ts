/** Normalizing asset records and their lookup keys. */
import { describe, expect, it } from 'vitest';
import { canonicalHostname, canonicalIp, parseNetwork } from './addresses.js';
import { assetFromFields } from './asset-records.js';

describe('lookup keys', () => {
  it('writes every spelling of an address one way', () => {
    expect(canonicalIp('10.1.2.3')).toBe('10.1.2.3');
    expect(canonicalIp(' 10.1.2.3 ')).toBe('10.1.2.3');
    expect(canonicalIp('2001:DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
    expect(canonicalIp('2001:db8:0:1:0:0:0:1')).toBe('2001:db8:0:1::1');
    expect(canonicalIp('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(canonicalIp('fe80::1%eth0')).toBe('fe80::1');
    expect(canonicalIp('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(canonicalIp('::')).toBe('::');
    expect(canonicalIp('1:2:3:4:5:6:7:8')).toBe('1:2:3:4:5:6:7:8');
    for (const bad of ['10.0.0', '010.0.0.1', '256.0.0.1', 'web01', '', '1:2:3']) expect(canonicalIp(bad)).toBeUndefined();
  });

  it('writes host names in lower case without the root dot', () => {
    expect(canonicalHostname('WEB01.Corp.Example.')).toBe('web01.corp.example');
    expect(canonicalHostname('_ldap')).toBe('_ldap');
    for (const bad of ['', 'a b', 'x..y', '-x.', `${'a'.repeat(64)}.com`]) expect(canonicalHostname(bad)).toBeUndefined();
  });
});

describe('networks', () => {
  it('read CIDR notation with the base address canonical, and refuse host bits, bad prefixes and bad addresses', () => {
    expect(parseNetwork('10.0.3.0/24')).toEqual({ text: '10.0.3.0/24', version: 4, prefix: 24 });
    expect(parseNetwork(' 2001:DB8:0:0::/32 ')).toEqual({ text: '2001:db8::/32', version: 6, prefix: 32 });
    expect(parseNetwork('0.0.0.0/0')).toEqual({ text: '0.0.0.0/0', version: 4, prefix: 0 });
    expect(parseNetwork('::ffff:10.1.0.0/16')).toEqual({ text: '10.1.0.0/16', version: 4, prefix: 16 });
    expect(() => parseNetwork('10.0.3.5/24')).toThrow('"10.0.3.5/24" has address bits set past /24: the network is 10.0.3.0/24');
    expect(() => parseNetwork('10.0.3.0/33')).toThrow('the prefix length must be 0 to 32');
    expect(() => parseNetwork('10.0.3.0/')).toThrow('the prefix length must be 0 to 32');
    expect(() => parseNetwork('2001:db8::/129')).toThrow('the prefix length must be 0 to 128');
    expect(() => parseNetwork('10.0.3/24')).toThrow('"10.0.3" is not an IP address');
  });
});

describe('asset records', () => {
  it('keep a network as `network`, and a one-address network as that address', () => {
    expect(assetFromFields({ ip: '10.0.3.0/24', owner: 'HQ floor 3' })).toEqual({ network: '10.0.3.0/24', owner: 'HQ floor 3' });
    expect(assetFromFields({ ip: '10.0.3.7/32' })).toEqual({ ip: '10.0.3.7' });
    expect(assetFromFields({ ip: '2001:db8::1/128' })).toEqual({ ip: '2001:db8::1' });
    expect(() => assetFromFields({ ip: '10.0.3.7/24' })).toThrow('has address bits set past /24');
  });

  it('keeps the known details typed and every other column as text', () => {
    expect(
      assetFromFields({ IP: '2001:DB8::0:1', Hostname: 'Web01.corp.', owner: ' Ops ', criticality: '4', os: 'Debian 12', tags: 'pci; web |dmz,web', rack: 12, location: '', patched: true }),
    ).toEqual({ ip: '2001:db8::1', hostname: 'web01.corp', owner: 'Ops', criticality: 4, os: 'Debian 12', tags: ['pci', 'web', 'dmz'], rack: '12', patched: 'true' });
  });

  it('takes the key aliases, a JSON tag list, a text criticality and nested values as JSON text', () => {
    expect(assetFromFields({ ip_address: '10.0.0.1', criticality: 'high', tags: ['a', 2, ' '], meta: { site: 'x' } })).toEqual({
      ip: '10.0.0.1',
      criticality: 'high',
      tags: ['a', '2'],
      meta: '{"site":"x"}',
    });
    expect(assetFromFields({ fqdn: 'db01', criticality: 2.5, tags: '' })).toEqual({ hostname: 'db01', criticality: 2.5 });
  });

  it('refuses records it cannot key or read, saying why', () => {
    expect(() => assetFromFields({ owner: 'x' })).toThrow('an asset needs an "ip" or a "hostname"');
    expect(() => assetFromFields({ ip: '', hostname: ' ' })).toThrow('an asset needs an "ip" or a "hostname"');
    expect(() => assetFromFields({ ip: '10.0.0.300' })).toThrow('"10.0.0.300" is not an IP address');
    expect(() => assetFromFields({ hostname: 'a b' })).toThrow('"a b" is not a host name');
    expect(() => assetFromFields({ hostname: '10.0.0.1' })).toThrow('"10.0.0.1" is not a host name');
    expect(() => assetFromFields({ ip: '10.0.0.1', address: '10.0.0.2' })).toThrow('both "ip" and "address" are given');
    expect(() => assetFromFields({ ip: '10.0.0.1', tags: { a: 1 } })).toThrow('tags must be a list of strings');
    expect(() => assetFromFields({ ip: '10.0.0.1', tags: [['x']] })).toThrow('tags must be a list of strings');
  });
});
