import { describe, expect, it } from 'vitest';
import { findParserDefinition } from '../registry.js';
import { conformancePath, readLines } from '../test-support/conformance.js';
import { javaUrlHost } from './java-url.js';
import { PaloAltoParser, splitPanOsFields } from './palo-alto-parser.js';

const NOW = Date.UTC(2024, 5, 15, 12, 0, 0);
const parser = new PaloAltoParser();

function parseOne(line: string): Record<string, unknown> {
  const outcome = parser.parse(line, { now: NOW });
  if (!outcome.ok) throw new Error(outcome.reason);
  expect(outcome.messages).toHaveLength(1);
  return outcome.messages[0]!;
}

/** Every field Metron's BasicPaloAltoFirewallParserTest expects, plus timestamp and original_string. */
function expectFields(line: string, fields: Record<string, unknown>): void {
  expect(parseOne(line)).toEqual({ ...fields, original_string: line, timestamp: NOW });
}

const header = (receive: string, serial: string, type: string, subtype: string, configVersion: string, generated: string) => ({
  palo_alto_domain: '1',
  receive_time: receive,
  serial,
  type,
  subtype,
  config_version: configVersion,
  time_generated: generated,
});
const hierarchy = (l1: string, l2: string, l3: string, l4: string) => ({ dg_hier_level_1: l1, dg_hier_level_2: l2, dg_hier_level_3: l3, dg_hier_level_4: l4 });

// Metron's test strings (BasicPaloAltoFirewallParserTest), with Java escapes resolved.
const SYSTEM_61 = '1,2017/08/11 12:37:58,008900008659,SYSTEM,general,1,2017/08/11 11:37:58,vsys1,eventId_test,object_test,Futureuse1_test,futureuse2_test,management,high,Description_test,1354,0x0';
const SYSTEM_80 = `${SYSTEM_61},12,34,45,0,virSys1,dev-something200-01`;
const CONFIG_61 = '1,2017/08/11 12:37:58,008900008659,CONFIG,0,1,2017/08/11 11:37:58,192.168.14.162,vsys1,edit,admin,Web,Succeeded, config shared log-settings config,1354,0x0';
const CONFIG_61_DETAILS = `${CONFIG_61},/FatherNode/KidNode/GrandsonNode1,/FatherNode/KidNode/GrandsonNode2`;
const CONFIG_80 = `${CONFIG_61},12,34,45,0,virSys1,dev-something200-01`;
const CONFIG_80_DETAILS =
  '1,2017/08/11 12:37:58,008900008659,CONFIG,0,1,2017/08/11 11:37:58,192.168.14.162,vsys1,edit,admin,Web,Succeeded,config shared log-settings config,/FatherNode/KidNode/GrandsonNode1,/FatherNode/KidNode/GrandsonNode2,1354,0x0,12,34,45,0,virSys1,dev-something200-01';
const THREAT_60 =
  '1,2015/01/05 05:38:58,0006C110285,THREAT,vulnerability,1,2015/01/05 05:38:58,10.0.0.115,216.0.10.198,0.0.0.0,0.0.0.0,EX-Allow,example\\user.name,,web-browsing,vsys1,internal,external,ethernet1/2,ethernet1/1,LOG-Default,2015/01/05 05:38:58,12031,1,54180,80,0,0,0x80004000,tcp,reset-both,"ad.aspx?f=300x250&id=12;tile=1;ord=67AF705D60B1119C0F18BEA336F9",HTTP: IIS Denial Of Service Attempt(40019),any,high,client-to-server,347368099,0x0,10.0.0.0-10.255.255.255,US,0,,1200568889751109656,,';
const TRAFFIC_60 =
  '1,2015/01/05 12:51:33,0011C103117,TRAFFIC,end,1,2015/01/05 12:51:33,10.0.0.39,10.1.0.163,0.0.0.0,0.0.0.0,EX-Allow,,example\\\\user.name,ms-ds-smb,vsys1,v_external,v_internal,ethernet1/2,ethernet1/1,LOG-Default,2015/01/05 12:51:33,33760927,1,52688,445,0,0,0x401a,tcp,allow,2229,1287,942,10,2015/01/05 12:51:01,30,any,0,17754932062,0x0,10.0.0.0-10.255.255.255,10.0.0.0-10.255.255.255,0,6,';
const THREAT_70 =
  '1,2017/05/24 09:53:10,001801000001,THREAT,virus,0,2017/05/24 09:53:10,217.1.2.3,10.1.8.7,217.1.2.3,214.123.1.2,WLAN-Internet,,user,web-browsing,vsys1,Untrust,wifi_zone,ethernet1/1,vlan.1,Std-Log-Forward,2017/05/24 09:53:10,49567,1,80,51787,80,25025,0x400000,tcp,reset-both,"abcdef310.exe",Virus/Win32.WGeneric.lumeo(2457399),computer-and-internet-info,medium,server-to-client,329423829,0x0,DE,10.0.0.0-10.255.255.255,0,,0,,,1,,,"","",,,,0,19,0,0,0,,PAN1,';
const TRAFFIC_70 =
  '1,2017/05/25 21:38:13,001606000003,TRAFFIC,drop,1,2017/05/25 21:38:13,10.2.1.8,192.168.1.10,0.0.0.0,0.0.0.0,DropLog,,,not-applicable,vsys1,intern,VPN,vlan.1,,Std-Log-Forward,2017/05/25 21:38:13,0,1,137,137,0,0,0x0,udp,deny,114,114,0,1,2017/05/25 21:38:12,0,any,0,9953744,0x0,192.168.0.0-192.168.255.255,DE,0,1,0,policy-deny,19,0,0,0,,PAN1,from-policy';
const TRAFFIC_71 =
  '1,2017/05/31 23:59:57,0006C000005,TRAFFIC,drop,0,2017/05/31 23:59:57,185.94.1.1,201.1.4.5,0.0.0.0,0.0.0.0,DropLog,,,not-applicable,vsys1,untrust,untrust,vlan.1,,Standard-Syslog,2017/05/31 23:59:57,0,1,59836,123,0,0,0x0,udp,deny,60,60,0,1,2017/05/31 23:59:57,0,any,0,3433072193,0x0,RU,DE,0,1,0,policy-deny,16,11,0,0,,PAN1,from-policy';
const THREAT_71 =
  '1,2017/05/25 19:31:13,0006C000005,THREAT,url,0,2017/05/25 19:31:13,192.168.1.7,140.177.26.29,201.1.4.5,140.177.26.29,ms_out,,,ssl,vsys1,mgmt,untrust,vlan.199,vlan.1,Standard-Syslog,2017/05/25 19:31:13,50556,1,56059,443,14810,443,0x40b000,tcp,alert,"settings-win.data.microsoft.com/",(9999),computer-and-internet-info,informational,client-to-server,10030265,0x0,192.168.0.0-192.168.255.255,IE,0,,0,,,0,,,,,,,,0,16,11,0,0,,PAN1,';
const THREAT_80 =
  '1,2018/02/01 21:29:03,001606000007,THREAT,vulnerability,1,2018/02/01 21:29:03,213.211.198.62,172.16.2.6,213.211.198.62,192.168.178.202,Outgoing,,,web-browsing,vsys1,internet,guest,ethernet1/1,ethernet1/2.2,test,2018/02/01 21:29:03,18720,1,80,53161,80,32812,0x402000,tcp,reset-server,"www.eicar.org/download/eicar.com",Eicar File Detected(39040),computer-and-internet-info,medium,server-to-client,27438839,0x0,Germany,172.16.0.0-172.31.255.255,0,,0,,,9,,,,,,,,0,0,0,0,0,,PAN1,,,,,0,,0,,N/A,code-execution,AppThreat-771-4450,0x0';
const TRAFFIC_80 =
  '1,2018/02/01 21:24:11,001606000007,TRAFFIC,end,1,2018/02/01 21:24:11,172.16.2.31,134.19.6.22,192.168.18.2,134.19.6.22,Outgoing,,,ssl,vsys1,guest,internet,ethernet1/2.2,ethernet1/1,test,2018/02/01 21:24:11,19468,1,41537,443,12211,443,0x40001c,tcp,allow,7936,1731,6205,24,2018/02/01 21:00:42,1395,computer-and-internet-info,0,62977478,0x0,172.16.0.0-172.31.255.255,United States,0,14,10,tcp-rst-from-client,0,0,0,0,,PAN1,from-policy,,,0,,0,,N/A';

const CONFIG_COMMON = {
  ...header('2017/08/11 12:37:58', '008900008659', 'CONFIG', '0', '1', '2017/08/11 11:37:58'),
  host: '192.168.14.162',
  vsys: 'vsys1',
  command: 'edit',
  admin: 'admin',
  client: 'Web',
  result: 'Succeeded',
  configuration_path: 'config shared log-settings config',
  seqno: '1354',
  actionflags: '0x0',
};
const SYSTEM_COMMON = {
  ...header('2017/08/11 12:37:58', '008900008659', 'SYSTEM', 'general', '1', '2017/08/11 11:37:58'),
  vsys: 'vsys1',
  event_id: 'eventId_test',
  object: 'object_test',
  module: 'management',
  severity: 'high',
  description: 'Description_test',
  seqno: '1354',
  actionflags: '0x0',
};
const NO_NAT = { natsrc: '0.0.0.0', natdst: '0.0.0.0', natsport: '0', natdport: '0' };

describe('Palo Alto parser', () => {
  it('is registered under Metron class name, short name and simple class name', () => {
    for (const name of ['org.apache.metron.parsers.paloalto.BasicPaloAltoFirewallParser', 'PaloAlto', 'paloalto', 'BasicPaloAltoFirewallParser']) {
      expect(findParserDefinition(name)?.id).toBe('palo_alto');
    }
  });

  it('SYSTEM 6.1 (17 fields) and 7.0/8.0 (23 fields)', () => {
    expectFields(SYSTEM_61, { ...SYSTEM_COMMON, parser_version: 61 });
    expectFields(SYSTEM_80, { ...SYSTEM_COMMON, ...hierarchy('12', '34', '45', '0'), vsys_name: 'virSys1', device_name: 'dev-something200-01', parser_version: 80 });
  });

  it('CONFIG 6.1 with and without the optional change details', () => {
    expectFields(CONFIG_61, { ...CONFIG_COMMON, parser_version: 61 });
    expectFields(CONFIG_61_DETAILS, {
      ...CONFIG_COMMON,
      before_change_detail: '/FatherNode/KidNode/GrandsonNode1',
      after_change_detail: '/FatherNode/KidNode/GrandsonNode2',
      parser_version: 61,
    });
  });

  it('CONFIG 7.0/8.0 with and without the change details (which then precede seqno)', () => {
    const tail = { ...hierarchy('12', '34', '45', '0'), vsys_name: 'virSys1', device_name: 'dev-something200-01', parser_version: 80 };
    expectFields(CONFIG_80, { ...CONFIG_COMMON, ...tail });
    expectFields(CONFIG_80_DETAILS, {
      ...CONFIG_COMMON,
      before_change_detail: '/FatherNode/KidNode/GrandsonNode1',
      after_change_detail: '/FatherNode/KidNode/GrandsonNode2',
      ...tail,
    });
  });

  it('THREAT 6.0 (45 fields): quoted url unquoted, a url without scheme gives no host', () => {
    expectFields(THREAT_60, {
      ...header('2015/01/05 05:38:58', '0006C110285', 'THREAT', 'vulnerability', '1', '2015/01/05 05:38:58'),
      ip_src_addr: '10.0.0.115',
      ip_dst_addr: '216.0.10.198',
      ...NO_NAT,
      rule: 'EX-Allow',
      srcuser: 'example\\user.name',
      app: 'web-browsing',
      vsys: 'vsys1',
      from: 'internal',
      to: 'external',
      inbound_if: 'ethernet1/2',
      outbound_if: 'ethernet1/1',
      log_action: 'LOG-Default',
      start: '2015/01/05 05:38:58',
      sessionid: '12031',
      repeatcnt: '1',
      ip_src_port: '54180',
      ip_dst_port: '80',
      flags: '0x80004000',
      protocol: 'tcp',
      action: 'reset-both',
      url: 'ad.aspx?f=300x250&id=12;tile=1;ord=67AF705D60B1119C0F18BEA336F9',
      threatid: 'HTTP: IIS Denial Of Service Attempt(40019)',
      category: 'any',
      severity: 'high',
      direction: 'client-to-server',
      seqno: '347368099',
      actionflags: '0x0',
      srcloc: '10.0.0.0-10.255.255.255',
      dstloc: 'US',
      pcap_id: '1200568889751109656',
      parser_version: 60,
    });
  });

  it('TRAFFIC 6.0 (46 fields): column 35 overrides start', () => {
    expectFields(TRAFFIC_60, {
      ...header('2015/01/05 12:51:33', '0011C103117', 'TRAFFIC', 'end', '1', '2015/01/05 12:51:33'),
      ip_src_addr: '10.0.0.39',
      ip_dst_addr: '10.1.0.163',
      ...NO_NAT,
      rule: 'EX-Allow',
      dstuser: 'example\\\\user.name',
      app: 'ms-ds-smb',
      vsys: 'vsys1',
      from: 'v_external',
      to: 'v_internal',
      inbound_if: 'ethernet1/2',
      outbound_if: 'ethernet1/1',
      log_action: 'LOG-Default',
      start: '2015/01/05 12:51:01',
      sessionid: '33760927',
      repeatcnt: '1',
      ip_src_port: '52688',
      ip_dst_port: '445',
      flags: '0x401a',
      protocol: 'tcp',
      action: 'allow',
      bytes: '2229',
      bytes_sent: '1287',
      bytes_received: '942',
      packets: '10',
      elapsed: '30',
      category: 'any',
      seqno: '17754932062',
      actionflags: '0x0',
      srcloc: '10.0.0.0-10.255.255.255',
      dstloc: '10.0.0.0-10.255.255.255',
      pkts_sent: '6',
      parser_version: 60,
    });
  });

  it('THREAT 7.0 (61 fields): url_idx shifts the 6.1 fields by one; "" is empty', () => {
    expectFields(THREAT_70, {
      ...header('2017/05/24 09:53:10', '001801000001', 'THREAT', 'virus', '0', '2017/05/24 09:53:10'),
      ip_src_addr: '217.1.2.3',
      ip_dst_addr: '10.1.8.7',
      natsrc: '217.1.2.3',
      natdst: '214.123.1.2',
      rule: 'WLAN-Internet',
      dstuser: 'user',
      app: 'web-browsing',
      vsys: 'vsys1',
      from: 'Untrust',
      to: 'wifi_zone',
      inbound_if: 'ethernet1/1',
      outbound_if: 'vlan.1',
      log_action: 'Std-Log-Forward',
      start: '2017/05/24 09:53:10',
      sessionid: '49567',
      repeatcnt: '1',
      ip_src_port: '80',
      ip_dst_port: '51787',
      natsport: '80',
      natdport: '25025',
      flags: '0x400000',
      protocol: 'tcp',
      action: 'reset-both',
      url: 'abcdef310.exe',
      threatid: 'Virus/Win32.WGeneric.lumeo(2457399)',
      category: 'computer-and-internet-info',
      severity: 'medium',
      direction: 'server-to-client',
      seqno: '329423829',
      actionflags: '0x0',
      srcloc: 'DE',
      dstloc: '10.0.0.0-10.255.255.255',
      pcap_id: '0',
      url_idx: '1',
      reportid: '0',
      ...hierarchy('19', '0', '0', '0'),
      device_name: 'PAN1',
      parser_version: 70,
    });
  });

  const traffic70 = (line: string, over: Record<string, unknown>) =>
    expectFields(line, {
      ...NO_NAT,
      rule: 'DropLog',
      app: 'not-applicable',
      vsys: 'vsys1',
      inbound_if: 'vlan.1',
      sessionid: '0',
      repeatcnt: '1',
      flags: '0x0',
      protocol: 'udp',
      action: 'deny',
      bytes_received: '0',
      packets: '1',
      elapsed: '0',
      category: 'any',
      actionflags: '0x0',
      dstloc: 'DE',
      pkts_sent: '1',
      pkts_received: '0',
      session_end_reason: 'policy-deny',
      device_name: 'PAN1',
      action_source: 'from-policy',
      parser_version: 70,
      ...over,
    });

  it('TRAFFIC 7.0 (54 fields)', () => {
    traffic70(TRAFFIC_70, {
      ...header('2017/05/25 21:38:13', '001606000003', 'TRAFFIC', 'drop', '1', '2017/05/25 21:38:13'),
      ip_src_addr: '10.2.1.8',
      ip_dst_addr: '192.168.1.10',
      from: 'intern',
      to: 'VPN',
      log_action: 'Std-Log-Forward',
      start: '2017/05/25 21:38:12',
      ip_src_port: '137',
      ip_dst_port: '137',
      bytes: '114',
      bytes_sent: '114',
      seqno: '9953744',
      srcloc: '192.168.0.0-192.168.255.255',
      ...hierarchy('19', '0', '0', '0'),
    });
    traffic70(TRAFFIC_71, {
      ...header('2017/05/31 23:59:57', '0006C000005', 'TRAFFIC', 'drop', '0', '2017/05/31 23:59:57'),
      ip_src_addr: '185.94.1.1',
      ip_dst_addr: '201.1.4.5',
      from: 'untrust',
      to: 'untrust',
      log_action: 'Standard-Syslog',
      start: '2017/05/31 23:59:57',
      ip_src_port: '59836',
      ip_dst_port: '123',
      bytes: '60',
      bytes_sent: '60',
      seqno: '3433072193',
      srcloc: 'RU',
      ...hierarchy('16', '11', '0', '0'),
    });
  });

  it('THREAT 7.1 (61 fields)', () => {
    expectFields(THREAT_71, {
      ...header('2017/05/25 19:31:13', '0006C000005', 'THREAT', 'url', '0', '2017/05/25 19:31:13'),
      ip_src_addr: '192.168.1.7',
      ip_dst_addr: '140.177.26.29',
      natsrc: '201.1.4.5',
      natdst: '140.177.26.29',
      rule: 'ms_out',
      app: 'ssl',
      vsys: 'vsys1',
      from: 'mgmt',
      to: 'untrust',
      inbound_if: 'vlan.199',
      outbound_if: 'vlan.1',
      log_action: 'Standard-Syslog',
      start: '2017/05/25 19:31:13',
      sessionid: '50556',
      repeatcnt: '1',
      ip_src_port: '56059',
      ip_dst_port: '443',
      natsport: '14810',
      natdport: '443',
      flags: '0x40b000',
      protocol: 'tcp',
      action: 'alert',
      url: 'settings-win.data.microsoft.com/',
      threatid: '(9999)',
      category: 'computer-and-internet-info',
      severity: 'informational',
      direction: 'client-to-server',
      seqno: '10030265',
      actionflags: '0x0',
      srcloc: '192.168.0.0-192.168.255.255',
      dstloc: 'IE',
      pcap_id: '0',
      url_idx: '0',
      reportid: '0',
      ...hierarchy('16', '11', '0', '0'),
      device_name: 'PAN1',
      parser_version: 70,
    });
  });

  it('THREAT 8.0 (72 fields)', () => {
    expectFields(THREAT_80, {
      ...header('2018/02/01 21:29:03', '001606000007', 'THREAT', 'vulnerability', '1', '2018/02/01 21:29:03'),
      ip_src_addr: '213.211.198.62',
      ip_dst_addr: '172.16.2.6',
      natsrc: '213.211.198.62',
      natdst: '192.168.178.202',
      rule: 'Outgoing',
      app: 'web-browsing',
      vsys: 'vsys1',
      from: 'internet',
      to: 'guest',
      inbound_if: 'ethernet1/1',
      outbound_if: 'ethernet1/2.2',
      log_action: 'test',
      start: '2018/02/01 21:29:03',
      sessionid: '18720',
      repeatcnt: '1',
      ip_src_port: '80',
      ip_dst_port: '53161',
      natsport: '80',
      natdport: '32812',
      flags: '0x402000',
      protocol: 'tcp',
      action: 'reset-server',
      url: 'www.eicar.org/download/eicar.com',
      threatid: 'Eicar File Detected(39040)',
      category: 'computer-and-internet-info',
      severity: 'medium',
      direction: 'server-to-client',
      seqno: '27438839',
      actionflags: '0x0',
      srcloc: 'Germany',
      dstloc: '172.16.0.0-172.31.255.255',
      pcap_id: '0',
      url_idx: '9',
      reportid: '0',
      ...hierarchy('0', '0', '0', '0'),
      device_name: 'PAN1',
      tunnel_id: '0',
      parent_session_id: '0',
      tunnel_type: 'N/A',
      threat_category: 'code-execution',
      content_version: 'AppThreat-771-4450',
      parser_version: 80,
    });
  });

  it('TRAFFIC 8.0 (61 fields)', () => {
    expectFields(TRAFFIC_80, {
      ...header('2018/02/01 21:24:11', '001606000007', 'TRAFFIC', 'end', '1', '2018/02/01 21:24:11'),
      ip_src_addr: '172.16.2.31',
      ip_dst_addr: '134.19.6.22',
      natsrc: '192.168.18.2',
      natdst: '134.19.6.22',
      rule: 'Outgoing',
      app: 'ssl',
      vsys: 'vsys1',
      from: 'guest',
      to: 'internet',
      inbound_if: 'ethernet1/2.2',
      outbound_if: 'ethernet1/1',
      log_action: 'test',
      start: '2018/02/01 21:00:42',
      sessionid: '19468',
      repeatcnt: '1',
      ip_src_port: '41537',
      ip_dst_port: '443',
      natsport: '12211',
      natdport: '443',
      flags: '0x40001c',
      protocol: 'tcp',
      action: 'allow',
      bytes: '7936',
      bytes_sent: '1731',
      bytes_received: '6205',
      packets: '24',
      elapsed: '1395',
      category: 'computer-and-internet-info',
      seqno: '62977478',
      actionflags: '0x0',
      srcloc: '172.16.0.0-172.31.255.255',
      dstloc: 'United States',
      pkts_sent: '14',
      pkts_received: '10',
      session_end_reason: 'tcp-rst-from-client',
      ...hierarchy('0', '0', '0', '0'),
      device_name: 'PAN1',
      action_source: 'from-policy',
      tunnel_id: '0',
      parent_session_id: '0',
      tunnel_type: 'N/A',
      parser_version: 80,
    });
  });

  it('an unknown field count reads the common fields only, with parser_version 0 and tokens_seen', () => {
    const line = '1,2017/08/11 12:37:58,008900008659,CONFIG,0,1,2017/08/11 11:37:58,192.168.14.162,vsys1,edit,admin,Web,Succeeded, config shared log-settings config';
    expectFields(line, { ...header('2017/08/11 12:37:58', '008900008659', 'CONFIG', '0', '1', '2017/08/11 11:37:58'), parser_version: 0, tokens_seen: 14 });
  });

  it('refuses unsupported log types and records too short for their type', () => {
    const invalidType = '1,2017/08/11 12:37:58,008900008659,INVALIDlogType,0,1,2017/08/11 11:37:58,192.168.14.162,vsys1,edit,admin,Web,Succeeded, config shared log-settings config,1354,0x0';
    expect(parser.parse(invalidType, { now: NOW })).toEqual({ ok: false, reason: 'unsupported log type "INVALIDlogType"' });
    // the type is compared trimmed but case-sensitively
    expect(parser.parse(SYSTEM_61.replace('SYSTEM', 'system'), { now: NOW }).ok).toBe(false);
    expect(parseOne(SYSTEM_61.replace('SYSTEM', ' SYSTEM '))['type']).toBe('SYSTEM');
    expect(parser.parse('1,2,3', { now: NOW })).toEqual({ ok: false, reason: '3 fields, too few for a PAN-OS log' });
    expect(parser.parse('1,2,3,SYSTEM,general,1', { now: NOW })).toEqual({ ok: false, reason: '6 fields, too few for a SYSTEM log (no field 6)' });
    expect(parser.parse(THREAT_60.split(',').slice(0, 40).join(','), { now: NOW })).toEqual({ ok: false, reason: '40 fields, too few for a THREAT log (no field 41)' });
    expect(parser.parse(TRAFFIC_60.split(',').slice(0, 45).join(','), { now: NOW })).toEqual({ ok: false, reason: '45 fields, too few for a TRAFFIC log (no field 45)' });
  });

  it('a stray double quote stops the commas before it from splitting, as Metron\'s regex did', () => {
    expect(parser.parse(SYSTEM_61.replace('Description_test', 'Descr"iption'), { now: NOW })).toEqual({ ok: false, reason: '3 fields, too few for a PAN-OS log' });
    // a quote that is not at both ends stays, a pair at both ends goes
    const quoted = SYSTEM_61.replace('eventId_test', '"evt"').replace(',high,', ', "high" ,').replace('Description_test', 'a "b" c');
    // event_id is only trimmed; severity and description lose a pair of enclosing quotes
    expect(parseOne(quoted)).toMatchObject({ event_id: '"evt"', severity: 'high', description: 'a "b" c', parser_version: 61 });
  });

  it('splits only at commas followed by an even number of quotes', () => {
    expect(splitPanOsFields('a,"b,c",d')).toEqual(['a', '"b,c"', 'd']);
    expect(splitPanOsFields('a,,')).toEqual(['a', '', '']);
    // an odd count: commas before the lone quote do not split, as with Metron's regex
    expect(splitPanOsFields('a,b,"c,d')).toEqual(['a,b,"c', 'd']);
    const m = parseOne(THREAT_60.replace('"ad.aspx?f=300x250&id=12;tile=1;ord=67AF705D60B1119C0F18BEA336F9"', '"http://ads.example.com:8080/a,b?x=1"'));
    expect(m['url']).toBe('http://ads.example.com:8080/a,b?x=1');
    expect(m['host']).toBe('ads.example.com');
    expect(m['parser_version']).toBe(60);
  });

  it('host follows java.net.URL', () => {
    expect(javaUrlHost('www.eicar.org/download/eicar.com')).toBeUndefined();
    expect(javaUrlHost('http://user@www.example.com:8080/x?q#r')).toBe('www.example.com');
    expect(javaUrlHost(' URL:HTTPS://Example.COM')).toBe('Example.COM');
    expect(javaUrlHost('https://[2001:db8::1]:443/')).toBe('[2001:db8::1]');
    expect(javaUrlHost('https://[zz]/')).toBeUndefined();
    expect(javaUrlHost('http://h:port/')).toBeUndefined();
    expect(javaUrlHost('http://h:-2/')).toBeUndefined();
    expect(javaUrlHost('http://h:/')).toBe('h');
    expect(javaUrlHost('http://a@b@c/')).toBe('');
    expect(javaUrlHost('http:relative/path')).toBe('');
    expect(javaUrlHost('ftp://files.example.org/pub')).toBe('files.example.org');
    expect(javaUrlHost('gopher://old.example.org/')).toBeUndefined();
    expect(javaUrlHost('/path:with/colon')).toBeUndefined();
    expect(javaUrlHost('mailto:soc@example.com')).toBe('');
    expect(javaUrlHost('mailto: ')).toBeUndefined();
    expect(javaUrlHost('jar:file:/x.jar!/a')).toBe('');
    expect(javaUrlHost('jar:file:/x.jar')).toBeUndefined();
  });

  it('parses every line of Metron\'s PaloaltoOutput sample (syslog header inside field 0)', () => {
    const lines = readLines(conformancePath('parsers', '_raw_only', 'PaloaltoOutput.txt'));
    expect(lines).toHaveLength(100);
    const versions = new Map<string, number>();
    for (const line of lines) {
      const m = parseOne(line);
      const key = `${String(m['type'])} ${String(m['parser_version'])}`;
      versions.set(key, (versions.get(key) ?? 0) + 1);
      expect(m['original_string']).toBe(line);
      expect(String(m['palo_alto_domain'])).toMatch(/^<\d+>Jan {1,2}\d+ [\d:]+ \S+ 1$/);
    }
    expect(Object.fromEntries(versions)).toEqual({ 'THREAT 60': 50, 'TRAFFIC 60': 49, 'TRAFFIC 0': 1 });
    const first = parseOne(lines[0]!);
    expect(first).toMatchObject({
      palo_alto_domain: '<11>Jan  5 05:38:59 PAN1.exampleCustomer.com 1',
      srcuser: 'example\\user.name',
      url: 'ad.aspx?f=300x250&id=12;tile=1;ord=67AF705D60B1119C0F18BEA336F9',
      pcap_id: '1200568889751109656',
    });
    expect(first).not.toHaveProperty('cloud'); // the last field is a lone space
    const odd = lines.find((l) => l.includes('10.0.0.101,23.200,10,217'))!;
    expect(parseOne(odd)).toMatchObject({ parser_version: 0, tokens_seen: 50, ip_dst_addr: '23.200', natsrc: '10' });
  });
});
