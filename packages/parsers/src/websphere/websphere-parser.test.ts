import { describe, expect, it } from 'vitest';
import { ConfigError } from '@metron/core';
import { conformancePath, readJson } from '../test-support/conformance.js';
import { createSensorParser, type ParserRunnerConfig } from '../sensor-parser.js';
import { webSphereParserDefinition } from './index.js';

const NOW = Date.UTC(2024, 5, 15, 12, 0, 0);
// Metron's GrokWebSphereParserTest configuration (also its shipped sensor config)
const CONFIG = { grokPath: '/patterns/websphere', patternLabel: 'WEBSPHERE', timestampField: 'timestamp_string', dateFormat: 'yyyy MMM dd HH:mm:ss' };
const build = (config: Record<string, unknown> = CONFIG) => webSphereParserDefinition.build(config, 'parsers/websphere.json');
const parse = (line: string, config: Record<string, unknown> = CONFIG, now = NOW) => build(config).parse(line, { now });
const messageOf = (line: string, config: Record<string, unknown> = CONFIG, now = NOW) => {
  const outcome = parse(line, config, now);
  if (!outcome.ok) throw new Error(outcome.reason);
  expect(outcome.messages).toHaveLength(1);
  return outcome.messages[0]!;
};
const at = (month: number, day: number, hour: number, minute: number, second: number) => Date.UTC(2024, month - 1, day, hour, minute, second);

const LOGIN = "<133>Apr 15 17:47:28 ABCXML1413 [rojOut][0x81000033][auth][notice] user(rick007): [120.43.200.6]: User logged into 'cohlOut'.";
const LOGOUT = "<134>Apr 15 18:02:27 PHIXML3RWD [0x81000019][auth][info] [14.122.2.201]: User 'hjpotter' logged out from 'default'.";
const RBM = '<131>Apr 15 17:36:35 ROBXML3QRS [0x80800018][auth][error] rbm(RBM-Settings): trans(3502888135)[request] gtid(3502888135): RBM: Resource access denied.';
const OTHER = "<134>Apr 15 17:17:34 SAGPXMLQA333 [0x8240001c][audit][info] trans(191): (admin:default:system:*): ntp-service 'NTP Service' - Operational state down";

describe('WebSphere parser (Metron GrokWebSphereParserTest)', () => {
  it('login line', () => {
    expect(messageOf(LOGIN)).toEqual({
      priority: 133,
      timestamp: at(4, 15, 17, 47, 28),
      hostname: 'ABCXML1413',
      security_domain: 'rojOut',
      event_code: '0x81000033',
      event_type: 'auth',
      severity: 'notice',
      event_subtype: 'login',
      username: 'rick007',
      ip_src_addr: '120.43.200.6',
      original_string: LOGIN,
    });
  });

  it('logout line', () => {
    expect(messageOf(LOGOUT)).toEqual({
      priority: 134,
      timestamp: at(4, 15, 18, 2, 27),
      hostname: 'PHIXML3RWD',
      event_code: '0x81000019',
      event_type: 'auth',
      severity: 'info',
      event_subtype: 'logout',
      ip_src_addr: '14.122.2.201',
      username: 'hjpotter',
      security_domain: 'default',
      original_string: LOGOUT,
    });
  });

  it('RBM line', () => {
    expect(messageOf(RBM)).toEqual({
      priority: 131,
      timestamp: at(4, 15, 17, 36, 35),
      hostname: 'ROBXML3QRS',
      event_code: '0x80800018',
      event_type: 'auth',
      severity: 'error',
      process: 'rbm',
      message: 'trans(3502888135)[request] gtid(3502888135): RBM: Resource access denied.',
      original_string: RBM,
    });
  });

  it('other line', () => {
    expect(messageOf(OTHER)).toEqual({
      priority: 134,
      timestamp: at(4, 15, 17, 17, 34),
      hostname: 'SAGPXMLQA333',
      event_code: '0x8240001c',
      event_type: 'audit',
      severity: 'info',
      process: 'trans',
      message: "(admin:default:system:*): ntp-service 'NTP Service' - Operational state down",
      original_string: OTHER,
    });
  });

  it('malformed login line: login without user or address; the message is dropped', () => {
    const line = "<133>Apr 15 17:47:28 ABCXML1413 [rojOut][0x81000033][auth][notice] rick007): [120.43.200. User logged into 'cohlOut'.";
    expect(messageOf(line)).toEqual({
      priority: 133,
      timestamp: at(4, 15, 17, 47, 28),
      hostname: 'ABCXML1413',
      security_domain: 'rojOut',
      event_code: '0x81000033',
      event_type: 'auth',
      severity: 'notice',
      event_subtype: 'login',
      original_string: line,
    });
  });

  it('malformed logout line: fewer than four quotes keep the message', () => {
    const line = "<134>Apr 15 18:02:27 PHIXML3RWD [0x81000019][auth][info] [14.122.2.201: User 'hjpotter' logged out from 'default.";
    expect(messageOf(line)).toEqual({
      priority: 134,
      timestamp: at(4, 15, 18, 2, 27),
      hostname: 'PHIXML3RWD',
      event_code: '0x81000019',
      event_type: 'auth',
      severity: 'info',
      event_subtype: 'logout',
      message: "[14.122.2.201: User 'hjpotter' logged out from 'default.",
      original_string: line,
    });
  });

  it('malformed RBM line: no "(" means no process', () => {
    const line = '<131>Apr 15 17:36:35 ROBXML3QRS [0x80800018][auth][error] rbmRBM-Settings): trans3502888135)[request] gtid3502888135) RBM: Resource access denied.';
    expect(messageOf(line)).toEqual({
      priority: 131,
      timestamp: at(4, 15, 17, 36, 35),
      hostname: 'ROBXML3QRS',
      event_code: '0x80800018',
      event_type: 'auth',
      severity: 'error',
      message: 'rbmRBM-Settings): trans3502888135)[request] gtid3502888135) RBM: Resource access denied.',
      original_string: line,
    });
  });

  it('malformed other line', () => {
    const line = "<134>Apr 15 17:17:34 SAGPXMLQA333 [0x8240001c][audit][info] trans 191)  admindefaultsystem*): ntp-service 'NTP Service' - Operational state down:";
    expect(messageOf(line)).toEqual({
      priority: 134,
      timestamp: at(4, 15, 17, 17, 34),
      hostname: 'SAGPXMLQA333',
      event_code: '0x8240001c',
      event_type: 'audit',
      severity: 'info',
      message: "trans 191)  admindefaultsystem*): ntp-service 'NTP Service' - Operational state down:",
      original_string: line,
    });
  });
});

describe('WebSphere parser: beyond Metron\'s tests', () => {
  it('fails the line where Metron\'s string handling throws', () => {
    expect(parse('<133>Apr 15 17:47:28 H [0x1][auth][notice] user(bob) logged into:')).toMatchObject({ ok: false, reason: expect.stringContaining('login') });
    expect(parse("<133>Apr 15 17:47:28 H [0x1][auth][notice] x)user(bob: ]x[y logged into 'd'")).toMatchObject({ ok: false, reason: expect.stringContaining('user(') });
    expect(parse("<134>Apr 15 18:02:27 H [0x1][auth][info] x logged out ''''")).toMatchObject({ ok: false, reason: expect.stringContaining('logout') });
    expect(parse('<134>Apr 15 17:17:34 H [0x1][audit][info] trans(191):')).toMatchObject({ ok: false, reason: expect.stringContaining('ends with ":"') });
    // ": " at the end leaves an empty message, which stays (empty fields are dropped before)
    expect(messageOf('<134>Apr 15 17:17:34 H [0x1][audit][info] trans(191): ')).toMatchObject({ process: 'trans', message: '' });
  });

  it('stamps the current time when the timestamp cannot be read; reads a one-digit day', () => {
    // the pattern's MONTH also takes "De", which no date format reads
    expect(messageOf(LOGIN.replace('Apr', 'De'))['timestamp']).toBe(NOW);
    expect(messageOf(LOGIN.replace('Apr 15', 'Apr  5'))['timestamp']).toBe(at(4, 5, 17, 47, 28));
    expect(messageOf(LOGIN.replace('Apr 15', 'Apr 5'))['timestamp']).toBe(at(4, 5, 17, 47, 28));
    // the year is the current one (UTC), even for a date ahead of now
    expect(messageOf(LOGIN.replace('Apr 15', 'Dec 31'))['timestamp']).toBe(at(12, 31, 17, 47, 28));
  });

  it('reads the time in timeZone', () => {
    expect(messageOf(LOGIN, { ...CONFIG, timeZone: 'America/New_York' })['timestamp']).toBe(at(4, 15, 21, 47, 28));
  });

  it('refuses a line the pattern does not match', () => {
    expect(parse('-- MARK --')).toMatchObject({ ok: false, reason: expect.stringContaining('WEBSPHERE') });
  });

  it('fills Metron\'s sensor settings for keys left out, and still fails fast on bad ones', () => {
    expect(messageOf(LOGIN, {})).toEqual(messageOf(LOGIN));
    expect(() => build({ grokPath: '/patterns/nope' })).toThrow(ConfigError);
    expect(() => build({ ...CONFIG, timeZone: 'Nowhere/Land' })).toThrow(ConfigError);
  });

  it('reads one message per line with multiLine', () => {
    const outcome = parse(`${LOGIN}\nnot websphere\n${RBM}`, { ...CONFIG, multiLine: 'true' });
    expect(outcome.ok && outcome.messages.map((m) => m['original_string'])).toEqual([LOGIN, RBM]);
  });

  it('runs Metron\'s websphere sensor config through the sensor parser', () => {
    const config = readJson(conformancePath('configs', 'parsers', 'websphere.json')) as ParserRunnerConfig;
    const sensor = createSensorParser('websphere', config);
    expect(sensor.definition.id).toBe('websphere');
    for (const name of ['WebSphere', 'GrokWebSphereParser']) expect(createSensorParser('websphere', { parserClassName: name, parserConfig: {} }).definition.id).toBe('websphere');
    const r = sensor.parse(Buffer.from(LOGOUT), { guid: (n) => `g${n}`, now: NOW });
    expect(r.errors).toEqual([]);
    expect(r.messages[0]).toMatchObject({ 'source.type': 'websphere', guid: 'g0', username: 'hjpotter', timestamp: at(4, 15, 18, 2, 27) });
  });
});
