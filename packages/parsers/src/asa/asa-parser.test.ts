import { describe, expect, it } from 'vitest';
import { ConfigError } from '@metron/core';
import { grokParserDefinition } from '../grok/index.js';
import { createSensorParser } from '../sensor-parser.js';
import { asaParserDefinition } from './index.js';
import { parseAsaTimestamp } from './asa-timestamp.js';
import { readAsaConfig } from './config.js';
import { UTC } from '../util/time-zone.js';

const NOW = Date.UTC(2016, 0, 6, 1, 30, 30); // 2016-01-06T01:30:30Z, the fixed clock of Metron's short-timestamp test
const build = (config: Record<string, unknown> = {}) => asaParserDefinition.build(config, 'parsers/asa.json');
const parse = (line: string, config: Record<string, unknown> = {}, now = NOW) => build(config).parse(line, { now });
const messageOf = (line: string, config: Record<string, unknown> = {}, now = NOW) => {
  const outcome = parse(line, config, now);
  if (!outcome.ok) throw new Error(outcome.reason);
  expect(outcome.messages).toHaveLength(1);
  return outcome.messages[0]!;
};

// Metron's BasicAsaParserTest lines
const FW106023 = '<164>Aug 05 2016 01:01:34: %ASA-4-106023: Deny tcp src Inside:10.30.9.121/54580 dst Outside:192.168.135.51/42028 by access-group "Inside_access_in" [0x962df600, 0x0]';
const FW106006 = '<162>Aug 05 2016 01:02:25: %ASA-2-106006: Deny inbound UDP from 10.25.177.164/63279 to 10.2.52.71/161 on interface Inside';
const SHORT = '<174>Jan  5 14:52:35 10.22.8.212 %ASA-6-302015: Built inbound UDP connection 76245506 for outside:10.22.8.110/49886 (10.22.8.110/49886) to inside:192.111.72.8/8612 (192.111.72.8/8612) (user.name)';

describe('ASA parser (Metron BasicAsaParserTest)', () => {
  it('CISCOFW106023: header and flow fields', () => {
    expect(messageOf(FW106023)).toEqual({
      original_string: FW106023,
      timestamp: 1470358894000,
      ciscotag: 'ASA-4-106023',
      syslog_facility: 'local4',
      syslog_severity: 'warn',
      ip_src_addr: '10.30.9.121',
      ip_src_port: 54580,
      ip_dst_addr: '192.168.135.51',
      ip_dst_port: 42028,
      protocol: 'tcp',
      action: 'deny',
    });
  });

  it('CISCOFW106006', () => {
    expect(messageOf(FW106006)).toEqual({
      original_string: FW106006,
      timestamp: 1470358945000,
      ciscotag: 'ASA-2-106006',
      syslog_facility: 'local4',
      syslog_severity: 'crit',
      ip_src_addr: '10.25.177.164',
      ip_src_port: 63279,
      ip_dst_addr: '10.2.52.71',
      ip_dst_port: 161,
      protocol: 'udp',
      action: 'deny',
    });
  });

  it('a year-less timestamp takes the year of the device clock', () => {
    expect(messageOf(SHORT)).toEqual({
      original_string: SHORT,
      timestamp: 1452005555000,
      ciscotag: 'ASA-6-302015',
      syslog_facility: 'local5',
      syslog_severity: 'info',
      syslog_host: '10.22.8.212',
      ip_src_addr: '10.22.8.110',
      ip_src_port: 49886,
      ip_dst_addr: '192.111.72.8',
      ip_dst_port: 8612,
      protocol: 'udp',
      action: 'built',
    });
  });

  it('a message id without a pattern keeps the header fields only', () => {
    const line = '<165>Aug 16 2016 04:08:36: %ASA-5-713049: Group = 172.22.136.20, IP = 172.22.136.20, Security negotiation complete for LAN-to-LAN Group (172.22.136.20)  Initiator, Inbound SPI = 0x891fb03f, Outbound SPI = 0xbe4b5d8d';
    expect(messageOf(line)).toEqual({ original_string: line, timestamp: 1471320516000, ciscotag: 'ASA-5-713049', syslog_facility: 'local4', syslog_severity: 'notice' });
  });

  it('an invalid address makes the message pattern fail: header fields only', () => {
    const line = FW106023.replace('192.168.135.51', '192.168.256.51');
    expect(messageOf(line)).toEqual({ original_string: line, timestamp: 1470358894000, ciscotag: 'ASA-4-106023', syslog_facility: 'local4', syslog_severity: 'warn' });
  });

  it('IPv6 addresses, with a year and a host', () => {
    const line = '<174>Jan 05 2016 14:52:35 10.22.8.212 %ASA-6-302015: Built inbound UDP connection 76245506 for outside:2001:db8:85a3::8a2e:370:7334/49886 (10.22.8.110/49886) to inside:2001:0db8:85a3:0000:0000:8a2e:0370:7334/8612 (192.111.72.8/8612) (user.name)';
    expect(messageOf(line)).toMatchObject({
      ip_src_addr: '2001:db8:85a3::8a2e:370:7334',
      ip_dst_addr: '2001:0db8:85a3:0000:0000:8a2e:0370:7334',
      ip_src_port: 49886,
      ip_dst_port: 8612,
      timestamp: 1452005555000,
      syslog_host: '10.22.8.212',
    });
  });

  it('reads the syslog host (address or name) and program', () => {
    expect(messageOf(SHORT)['syslog_host']).toBe('10.22.8.212');
    expect(messageOf(SHORT.replace('10.22.8.212', 'hostname-2'))['syslog_host']).toBe('hostname-2');
    const both = messageOf(SHORT.replace('10.22.8.212', 'hostname-2 progName-2'));
    expect(both).toMatchObject({ syslog_host: 'hostname-2', syslog_prog: 'progName-2', ip_src_addr: '10.22.8.110' });
    expect(messageOf(SHORT)).not.toHaveProperty('syslog_prog');
  });

  it('refuses a line that is not ASA syslog', () => {
    expect(parse('-- MARK --')).toEqual({ ok: false, reason: expect.stringContaining('does not match %{CISCO_TAGGED_SYSLOG}') });
    expect(parse('<166>Jan  5 08:52:35 10.22.8.216 ASA-6-302014: Teardown')).toMatchObject({ ok: false });
  });
});

describe('ASA parser: configuration', () => {
  it('defaults deviceTimeZone to UTC and refuses an unknown zone', () => {
    expect(readAsaConfig({}, 'f').deviceTimeZone.id).toBe('UTC');
    expect(() => build({ deviceTimeZone: 'Nowhere/Land' })).toThrow(ConfigError);
    expect(() => build({ deviceTimeZone: '' })).toThrow(/deviceTimeZone/);
    expect(() => build({ deviceTimeZone: 5 })).toThrow(ConfigError);
  });

  it('reads times without an offset in deviceTimeZone', () => {
    expect(messageOf(FW106023, { deviceTimeZone: 'UTC-05:00' })['timestamp']).toBe(1470358894000 + 5 * 3_600_000);
    // August in New York is daylight time, UTC-4
    expect(messageOf(FW106023, { deviceTimeZone: 'America/New_York' })['timestamp']).toBe(1470358894000 + 4 * 3_600_000);
    expect(messageOf(SHORT, { deviceTimeZone: 'America/New_York' })['timestamp']).toBe(1452005555000 + 5 * 3_600_000);
  });

  it('is selected by class name, short name and alias; loads Metron\'s asa.json', () => {
    for (const name of ['org.apache.metron.parsers.asa.BasicAsaParser', 'ASA', 'BasicAsaParser', 'asa']) {
      expect(createSensorParser('asa', { parserClassName: name, parserConfig: {} }).definition.id).toBe('asa');
    }
    const sensor = createSensorParser('asa', { parserClassName: 'org.apache.metron.parsers.asa.BasicAsaParser', parserConfig: { deviceTimeZone: 'UTC' } });
    const r = sensor.parse(Buffer.from(FW106006), { guid: (n) => `g${n}`, now: NOW });
    expect(r.errors).toEqual([]);
    expect(r.messages[0]).toMatchObject({ 'source.type': 'asa', guid: 'g0', ip_dst_port: 161 });
    const bad = sensor.parse(Buffer.from('-- MARK --'), { guid: (n) => `g${n}`, now: NOW });
    expect(bad.messages).toEqual([]);
    expect(bad.errors).toHaveLength(1);
  });
});

describe('ASA parser: header and timestamps', () => {
  it('names facility and severity as Metron does, unknown facilities included', () => {
    const at = (pri: number) => messageOf(FW106006.replace('<162>', `<${pri}>`));
    expect(at(1)).toMatchObject({ syslog_facility: 'kern', syslog_severity: 'alert' });
    expect(at(72)).toMatchObject({ syslog_facility: 'unknown', syslog_severity: 'emerg' });
    expect(at(83)).toMatchObject({ syslog_facility: 'authpriv', syslog_severity: 'err' });
    expect(at(191)).toMatchObject({ syslog_facility: 'local7', syslog_severity: 'debug' });
    expect(at(999)).toMatchObject({ syslog_facility: 'unknown', syslog_severity: 'debug' });
    // PRI is a positive integer that fits a Java int
    expect(parse(FW106006.replace('<162>', '<0>')).ok).toBe(false);
    expect(parse(FW106006.replace('<162>', '<99999999999>')).ok).toBe(false);
  });

  it('puts a year-less time in the previous year when it is more than 4 days ahead', () => {
    const jan2 = Date.UTC(2016, 0, 2, 12);
    expect(parseAsaTimestamp('Dec 31 23:59:59', UTC, jan2)).toBe(Date.UTC(2015, 11, 31, 23, 59, 59));
    expect(parseAsaTimestamp('Jan  6 12:00:00', UTC, jan2)).toBe(Date.UTC(2016, 0, 6, 12));
    expect(parseAsaTimestamp('Jan  6 12:00:01', UTC, jan2)).toBe(Date.UTC(2015, 0, 6, 12, 0, 1));
    expect(parseAsaTimestamp('Jan 06 12:00:00', UTC, jan2)).toBe(Date.UTC(2016, 0, 6, 12));
    // the year is the device's: 2016-12-31T23:00Z is already 2017 in Asia/Tokyo
    expect(parseAsaTimestamp('Jan  1 09:00:00', readAsaConfig({ deviceTimeZone: 'Asia/Tokyo' }, 'f').deviceTimeZone, Date.UTC(2016, 11, 31, 23))).toBe(Date.UTC(2017, 0, 1));
  });

  it('refuses a day the year does not have and the forms Metron does not read', () => {
    expect(parseAsaTimestamp('Feb 29 10:00:00', UTC, Date.UTC(2017, 2, 1))).toEqual(expect.stringContaining('does not exist in 2017'));
    expect(parseAsaTimestamp('Feb 29 10:00:00', UTC, Date.UTC(2016, 2, 1))).toBe(Date.UTC(2016, 1, 29, 10));
    expect(parseAsaTimestamp('Apr 31 10:00:00', UTC, NOW)).toEqual(expect.stringContaining('does not exist'));
    expect(parseAsaTimestamp('Jan 5 08:52:35', UTC, NOW)).toEqual(expect.stringContaining('unsupported timestamp format'));
    expect(parseAsaTimestamp('Jan  5 08:52:35.123', UTC, NOW)).toEqual(expect.stringContaining('unsupported'));
    expect(parseAsaTimestamp('Aug  5 2016 01:01:34', UTC, NOW)).toEqual(expect.stringContaining('unsupported'));
    // with a year, Java's SMART resolver moves a day past the month's end to its last day
    expect(parseAsaTimestamp('Feb 30 2016 01:00:00', UTC, NOW)).toBe(Date.UTC(2016, 1, 29, 1));
    expect(parse(SHORT.replace('Jan  5', 'Jan 5'))).toMatchObject({ ok: false, reason: expect.stringContaining('unsupported timestamp format') });
  });

  it('reads an ISO 8601 timestamp with an offset', () => {
    expect(parseAsaTimestamp('2016-08-05T01:01:34.5-04:00', UTC, NOW)).toBe(Date.UTC(2016, 7, 5, 5, 1, 34, 500));
    expect(parseAsaTimestamp('2016-08-05T01:01:34Z', UTC, NOW)).toBe(Date.UTC(2016, 7, 5, 1, 1, 34));
    expect(parseAsaTimestamp('2016-08-05T01:01:34.123456789+05:30', UTC, NOW)).toBe(Date.UTC(2016, 7, 4, 19, 31, 34, 123));
    expect(parseAsaTimestamp('2016-08-05T01:01:60Z', UTC, NOW)).toEqual(expect.stringContaining('second 60'));
    expect(parseAsaTimestamp('2016-02-30T01:01:00Z', UTC, NOW)).toEqual(expect.stringContaining('day 30'));
    expect(parseAsaTimestamp('2016-08-05 01:01:34', UTC, NOW)).toEqual(expect.stringContaining('unsupported'));
    const line = '<166>2016-08-05T01:02:25Z fw01 : %ASA-6-302016: Teardown UDP connection 17603649 for outside:206.111.72.2/161 to inside:10.22.8.48/63297 duration 0:02:01 bytes 209';
    expect(messageOf(line)).toMatchObject({ timestamp: Date.UTC(2016, 7, 5, 1, 2, 25), syslog_host: 'fw01', ip_dst_port: 63297, action: 'teardown' });
  });
});

describe('ASA parser: message patterns', () => {
  const header = (pri: number, tag: string) => `<${pri}>Aug 05 2016 01:02:25: %${tag}: `;
  const flowOf = (line: string) => {
    const m = messageOf(line);
    const flow: Record<string, unknown> = {};
    for (const key of ['ip_src_addr', 'ip_src_port', 'ip_dst_addr', 'ip_dst_port', 'protocol', 'action']) if (m[key] !== undefined) flow[key] = m[key];
    return flow;
  };

  it.each([
    ['ASA-1-106021', 'Deny TCP reverse path check from 10.1.1.1 to 10.2.2.2 on interface outside', { ip_src_addr: '10.1.1.1', ip_dst_addr: '10.2.2.2', protocol: 'tcp', action: 'deny' }],
    ['ASA-2-106007', 'Deny inbound UDP from 192.0.2.66/12981 to 10.1.2.60/53 due to DNS Query', { ip_src_addr: '192.0.2.66', ip_src_port: 12981, ip_dst_addr: '10.1.2.60', ip_dst_port: 53, protocol: 'udp', action: 'deny' }],
    ['ASA-3-106014', 'Deny inbound icmp src outside:198.51.100.4 dst inside:10.0.0.1 (type 8, code 0)', { ip_src_addr: '198.51.100.4', ip_dst_addr: '10.0.0.1', protocol: 'icmp', action: 'deny' }],
    ['ASA-5-106100', 'access-list inside_in denied tcp inside/10.0.0.5(51234) -> outside/203.0.113.9(443) hit-cnt 1 first hit [0x91c26a3, 0x0]', { ip_src_addr: '10.0.0.5', ip_src_port: 51234, ip_dst_addr: '203.0.113.9', ip_dst_port: 443, protocol: 'tcp', action: 'denied' }],
    ['ASA-5-106100', 'access-list inside_in permitted udp inside/10.0.0.5(5353)(alice) -> outside/224.0.0.251(5353) hit-cnt 12 300-second interval [0x1, 0x2]', { ip_src_addr: '10.0.0.5', ip_src_port: 5353, ip_dst_addr: '224.0.0.251', ip_dst_port: 5353, protocol: 'udp', action: 'permitted' }],
    ['ASA-6-302010', '12 in use, 1543 most used', {}],
    ['ASA-6-302013', 'Built outbound TCP connection 17605397 for outside:69.111.72.0/80 (69.111.72.0/80) to inside:10.22.8.102/55659 (206.111.72.41/40627)', { ip_src_addr: '69.111.72.0', ip_src_port: 80, ip_dst_addr: '10.22.8.102', ip_dst_port: 55659, protocol: 'tcp', action: 'built' }],
    ['ASA-3-313008', 'Denied ICMPv6 type=134, code=0 from fe80::20d:88ff:feef:5b8 on interface outside', { ip_src_addr: 'fe80::20d:88ff:feef:5b8', protocol: 'icmpv6', action: 'denied' }],
    // WORD stops at the dash of IPv6-ICMP: the pattern does not match
    ['ASA-3-313008', 'Denied IPv6-ICMP type=134, code=0 from fe80::20d:88ff:feef:5b8 on interface outside', {}],
    ['ASA-4-402117', 'IPSEC: Received a non-IPSec packet (protocol= ICMP) from 198.51.100.7 to 192.0.2.10', { ip_src_addr: '198.51.100.7', ip_dst_addr: '192.0.2.10', protocol: 'ipsec' }],
    ['ASA-4-402119', 'IPSEC: Received an ESP packet (SPI= 0x1A2B3C4D, sequence number= 0x5) from 198.51.100.7 (user= 198.51.100.7) to 192.0.2.10 that failed anti-replay checking.', { ip_src_addr: '198.51.100.7', ip_dst_addr: '192.0.2.10', protocol: 'ipsec' }],
    ['ASA-4-419001', 'Dropping TCP packet from outside:198.51.100.7/1234 to inside:10.0.0.5/80, reason: MSS exceeded, MSS 1380, data 1460', { ip_src_addr: '198.51.100.7', ip_src_port: 1234, ip_dst_addr: '10.0.0.5', ip_dst_port: 80, protocol: 'tcp', action: 'dropping' }],
    ['ASA-4-419002', 'Duplicate TCP SYN from outside:198.51.100.7/1234 to inside:10.0.0.5/80 with different initial sequence number', { ip_src_addr: '198.51.100.7', ip_src_port: 1234, ip_dst_addr: '10.0.0.5', ip_dst_port: 80 }],
    ['ASA-4-500004', 'Invalid transport field for protocol=UDP, from 10.0.0.5/0 to 192.0.2.1/0', { ip_src_addr: '10.0.0.5', ip_src_port: 0, ip_dst_addr: '192.0.2.1', ip_dst_port: 0, protocol: 'udp' }],
    ['ASA-6-602303', 'IPSEC: An outbound LAN-to-LAN SA (SPI= 0x9E1E0D71) between 192.0.2.1 and 198.51.100.2 (user= 198.51.100.2) has been created.', { ip_src_addr: '192.0.2.1', ip_dst_addr: '198.51.100.2', protocol: 'ipsec', action: 'created' }],
    ['ASA-7-710001', 'TCP access requested from 10.0.0.9/50123 to inside:10.0.0.1/443', { ip_src_addr: '10.0.0.9', ip_src_port: 50123, ip_dst_addr: '10.0.0.1', ip_dst_port: 443, protocol: 'tcp', action: 'requested' }],
    ['ASA-6-713172', 'Group = 203.0.113.5, IP = 203.0.113.5, Automatic NAT Detection Status:     Remote end is NOT behind a NAT device     This   end is NOT behind a NAT device', { ip_src_addr: '203.0.113.5' }],
    ['ASA-4-733100', '[ Scanning] drop rate-1 exceeded. Current burst rate is 10 per second, max configured rate is 10; Current average rate is 5 per second, max configured rate is 5; Cumulative total count is 3020', {}],
    // the 3 of 106010 is not the 2 Metron's table names: no pattern
    ['ASA-3-106010', 'Deny inbound udp src outside:198.51.100.4/53 dst inside:10.0.0.1/1024', {}],
  ])('%s: %s', (tag, text, flow) => {
    const pri = 160 + Number(tag.split('-')[1]);
    expect(flowOf(header(pri, tag) + text)).toEqual(flow);
  });

  it('keeps the first protocol of 313005 (the ICMP error, not its payload)', () => {
    const line = header(164, 'ASA-4-313005') + 'No matching connection for ICMP error message: icmp src Outside:198.27.69.147 dst identity:172.18.106.2 (type 3, code 3) on Outside interface.  Original IP payload: udp src 172.18.106.2/9993 dst 198.27.69.147/26410.';
    expect(flowOf(line)).toEqual({ protocol: 'icmp' });
  });

  it('fails a message whose port is not a 32-bit integer', () => {
    expect(parse(FW106006.replace('/63279', '/99999999999'))).toMatchObject({ ok: false, reason: expect.stringContaining('src_port') });
  });

  it('bundles the patterns as /patterns/asa for the Grok parser', () => {
    const parser = grokParserDefinition.build({ grokPath: '/patterns/asa', patternLabel: 'CISCO_TAGGED_SYSLOG' }, 'parsers/g.json');
    const outcome = parser.parse(FW106023, { now: NOW });
    expect(outcome.ok && outcome.messages[0]).toMatchObject({ syslog_pri: 164, CISCOTIMESTAMP: 'Aug 05 2016 01:01:34', CISCOTAG: 'ASA-4-106023', message: expect.stringMatching(/^Deny tcp src/) });
    const fw = grokParserDefinition.build({ grokPath: '/patterns/asa', patternLabel: 'CISCOFW106023' }, 'parsers/g.json').parse(FW106023, { now: NOW });
    expect(fw.ok && fw.messages[0]).toMatchObject({ action: 'Deny', protocol: 'tcp', src_interface: 'Inside', src_ip: '10.30.9.121', src_port: 54580, dst_interface: 'Outside', policy_id: '"Inside_access_in"', hashcode1: '0x962df600', hashcode2: '0x0' });
  });
});
