import { describe, expect, it } from 'vitest';
import { ConfigError } from '@metron/core';
import { readJson, conformancePath } from '../test-support/conformance.js';
import { createSensorParser, type ParserRunnerConfig } from '../sensor-parser.js';
import { readSyslog3164Config } from './config.js';
import { Syslog3164Parser } from './syslog-3164-parser.js';

const NOW = Date.UTC(2024, 5, 15, 12, 0, 0); // 2024-06-15T12:00:00Z
const parserWith = (config: Record<string, unknown> = {}) => new Syslog3164Parser(readSyslog3164Config(config, 'parsers/syslog3164.json'));
const parse = (text: string, config: Record<string, unknown> = {}, now = NOW) => parserWith(config).parse(text, { now });
const messageOf = (text: string, config: Record<string, unknown> = {}, now = NOW) => {
  const outcome = parse(text, config, now);
  if (!outcome.ok) throw new Error(outcome.reason);
  expect(outcome.messages).toHaveLength(1);
  return outcome.messages[0]!;
};

const SSHD = '<38>Jun 14 22:03:11 bastion-1 sshd[24817]: Accepted publickey for deploy from 203.0.113.7 port 52144 ssh2: ED25519 SHA256:abc';
const KERNEL = '<4>Jun  3 07:45:01 fw01 kernel: [1234567.890123] IN=eth0 OUT= SRC=198.51.100.9 DST=192.0.2.1 PROTO=TCP DPT=23';
const SUDO = '<85>Jun 15 11:59:58 web-02 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx';
const CRON = '<78>Jun 15 00:00:01 web-02 CRON[1999]: (root) CMD (run-parts /etc/cron.hourly)';

describe('Syslog 3164 parser', () => {
  it('reads sshd with pid: Metron keeps the tag in syslog.message', () => {
    expect(messageOf(SSHD)).toEqual({
      'syslog.header.pri': '38',
      'syslog.header.facility': '4',
      'syslog.header.severity': '6',
      'syslog.header.timestamp': 'Jun 14 22:03:11',
      'syslog.header.hostName': 'bastion-1',
      'syslog.message': 'sshd[24817]: Accepted publickey for deploy from 203.0.113.7 port 52144 ssh2: ED25519 SHA256:abc',
      timestamp: Date.UTC(2024, 5, 14, 22, 3, 11),
      original_string: SSHD,
    });
  });

  it('reads kernel (space-padded day, no pid) and sudo (no pid, padded message)', () => {
    const kernel = messageOf(KERNEL);
    expect(kernel).toMatchObject({ 'syslog.header.facility': '0', 'syslog.header.severity': '4', 'syslog.header.timestamp': 'Jun  3 07:45:01', 'syslog.header.hostName': 'fw01' });
    expect(kernel['timestamp']).toBe(Date.UTC(2024, 5, 3, 7, 45, 1));
    const sudo = messageOf(SUDO);
    expect(sudo).toMatchObject({ 'syslog.header.facility': '10', 'syslog.header.severity': '5', 'syslog.header.hostName': 'web-02' });
    expect(sudo['syslog.message']).toBe('sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx');
  });

  it('splitTag moves tag and pid to appName / procId', () => {
    expect(messageOf(SSHD, { splitTag: true })).toMatchObject({
      'syslog.header.appName': 'sshd',
      'syslog.header.procId': '24817',
      'syslog.message': 'Accepted publickey for deploy from 203.0.113.7 port 52144 ssh2: ED25519 SHA256:abc',
    });
    const kernel = messageOf(KERNEL, { splitTag: true });
    expect(kernel).toMatchObject({ 'syslog.header.appName': 'kernel', 'syslog.message': '[1234567.890123] IN=eth0 OUT= SRC=198.51.100.9 DST=192.0.2.1 PROTO=TCP DPT=23' });
    expect(kernel).not.toHaveProperty('syslog.header.procId');
    expect(messageOf(CRON, { splitTag: true })).toMatchObject({ 'syslog.header.appName': 'CRON', 'syslog.header.procId': '1999' });
    // no tag: the message stays whole
    expect(messageOf('<13>Jun 15 10:00:00 host just a message', { splitTag: true })).not.toHaveProperty('syslog.header.appName');
  });

  it('resolves the year: current, or previous when more than 4 days ahead', () => {
    const newYear = Date.UTC(2025, 0, 1, 0, 30); // 2025-01-01T00:30Z
    expect(messageOf('<13>Dec 31 23:59:58 h m', {}, newYear)['timestamp']).toBe(Date.UTC(2024, 11, 31, 23, 59, 58));
    expect(messageOf('<13>Jan  1 00:29:00 h m', {}, newYear)['timestamp']).toBe(Date.UTC(2025, 0, 1, 0, 29));
    // a device clock a little fast stays in the current year
    expect(messageOf('<13>Jun 18 12:00:00 h m')['timestamp']).toBe(Date.UTC(2024, 5, 18, 12));
    expect(messageOf('<13>Jun 20 12:00:00 h m')['timestamp']).toBe(Date.UTC(2023, 5, 20, 12));
    // Feb 29 outside a leap year goes to the last leap year only if that is the year before
    expect(messageOf('<13>Feb 29 10:00:00 h m', {}, Date.UTC(2025, 2, 1))['timestamp']).toBe(Date.UTC(2024, 1, 29, 10));
    expect(parse('<13>Feb 29 10:00:00 h m', {}, Date.UTC(2026, 2, 1))).toMatchObject({ ok: false, reason: expect.stringContaining('Feb 29') });
  });

  it('reads the time in deviceTimeZone', () => {
    expect(messageOf(SSHD, { deviceTimeZone: 'America/New_York' })['timestamp']).toBe(Date.UTC(2024, 5, 15, 2, 3, 11));
    expect(messageOf(SSHD, { deviceTimeZone: 'UTC-05:00' })['timestamp']).toBe(Date.UTC(2024, 5, 15, 3, 3, 11));
    expect(() => parserWith({ deviceTimeZone: 'Nowhere/Land' })).toThrow(ConfigError);
  });

  it('reads an RFC 3339 timestamp and a missing PRI, as simple-syslog does', () => {
    const m = messageOf('<181>2018-09-14T00:54:09+00:00 lzpqrst-admin.in.mycompany.com.lg CISE_RADIUS_Accounting 0018032501 1 0');
    expect(m).toMatchObject({ 'syslog.header.facility': '22', 'syslog.header.severity': '5', 'syslog.header.timestamp': '2018-09-14T00:54:09+00:00', 'syslog.header.hostName': 'lzpqrst-admin.in.mycompany.com.lg', 'syslog.message': 'CISE_RADIUS_Accounting 0018032501 1 0', timestamp: Date.UTC(2018, 8, 14, 0, 54, 9) });
    const noPri = messageOf('Jun 15 10:00:00 host msg');
    expect(noPri).not.toHaveProperty('syslog.header.pri');
    expect(noPri['syslog.message']).toBe('msg');
  });

  it('refuses what is not BSD syslog, with a reason', () => {
    expect(parse('not valid')).toEqual({ ok: false, reason: 'timestamp at position 0 is neither "Mmm dd hh:mm:ss" nor RFC 3339' });
    expect(parse('<13>Jux 15 10:00:00 host msg')).toMatchObject({ ok: false });
    expect(parse('<13>Jun 15 25:00:00 host msg')).toMatchObject({ ok: false, reason: expect.stringContaining('hour 25 out of range') });
    expect(parse('<13>Jun 31 10:00:00 host msg')).toMatchObject({ ok: false, reason: expect.stringContaining('day 31 out of range') });
    expect(parse('<13>Jun 15 10:00:00')).toMatchObject({ ok: false, reason: expect.stringContaining('HOSTNAME') });
    expect(parse('<13>Jun 15 10:00:00  msg')).toMatchObject({ ok: false, reason: expect.stringContaining('HOSTNAME') });
  });

  it('loads Metron\'s syslog3164 sensor config', () => {
    const config = readJson(conformancePath('configs', 'parsers_common', 'syslog3164.json')) as ParserRunnerConfig;
    const sensor = createSensorParser('syslog3164', config);
    expect(sensor.definition.id).toBe('syslog_3164');
    const r = sensor.parse(Buffer.from(`${SSHD}\n${KERNEL}`), { guid: (n) => `g${n}`, now: NOW });
    expect(r.errors).toEqual([]);
    expect(r.messages.map((m) => m['syslog.header.hostName'])).toEqual(['bastion-1', 'fw01']);
  });
});
