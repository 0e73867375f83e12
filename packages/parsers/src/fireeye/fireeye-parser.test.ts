import { describe, expect, it } from 'vitest';
import { findParserDefinition } from '../registry.js';
import { conformancePath, readLines } from '../test-support/conformance.js';
import { FireEyeParser } from './fireeye-parser.js';

const NOW = Date.UTC(2024, 5, 15, 12, 0, 0);
const parser = new FireEyeParser();

function parseOne(line: string, now = NOW): Record<string, unknown> {
  const outcome = parser.parse(line, { now });
  if (!outcome.ok) throw new Error(outcome.reason);
  expect(outcome.messages).toHaveLength(1);
  return outcome.messages[0]!;
}

// Metron's BasicFireEyeParserTest.fireeyeMessage (Java escapes resolved: `ev_id\\=` holds two backslashes)
const FIREEYE_MESSAGE =
  '<164>Mar 19 05:24:39 10.220.15.15 fenotify-851983.alert: CEF:0|FireEye|CMS|7.2.1.244420|DM|domain-match|1|rt=Feb 09 2015 12:28:26 UTC dvc=10.201.78.57 cn3Label=cncPort cn3=53 cn2Label=sid cn2=80494706 shost=dev001srv02.example.com proto=udp cs5Label=cncHost cs5=mfdclk001.org dvchost=DEVFEYE1 spt=54527 dvc=10.100.25.16 smac=00:00:0c:07:ac:00 cn1Label=vlan cn1=0 externalId=851983 cs4Label=link cs4=https://DEVCMS01.example.com/event_stream/events_for_bot?ev_id\\\\=851983 dmac=00:1d:a2:af:32:a1 cs1Label=sname cs1=Trojan.Generic.DNS';

describe('FireEye parser', () => {
  it('is registered under Metron class name, short name and simple class name', () => {
    for (const name of ['org.apache.metron.parsers.fireeye.BasicFireEyeParser', 'FireEye', 'BasicFireEyeParser']) {
      expect(findParserDefinition(name)?.id).toBe('fireeye');
    }
  });

  it('reads Metron\'s test message field by field, quirks included', () => {
    expect(parseOne(FIREEYE_MESSAGE)).toEqual({
      // Metron's testTimestampParsing: the syslog time, UTC, in the current year
      timestamp: Date.UTC(2024, 2, 19, 5, 24, 39),
      // two dvc values are joined; each kept the space that ended it
      dvc: '10.201.78.57 ,10.100.25.16',
      ip_src_addr: '10.201.78.57 ,10.100.25.16',
      // cn3 -> dst_port, then rt= -> timestamp= inside it: ip_dst_port never appears
      dst_portLabel: 'cncPort',
      dst_potimestamp: '53',
      cn2Label: 'sid',
      cn2: '80494706',
      src_hostname: 'dev001srv02.example.com',
      protocol: 'udp',
      cncHostLabel: 'cncHost',
      cncHost: 'mfdclk001.org',
      dvchost: 'DEVFEYE1',
      src_port: '54527',
      ip_src_port: '54527',
      src_mac: '00:00:0c:07:ac:00',
      cn1Label: 'vlan',
      cn1: '0',
      externalId: '851983',
      cs4Label: 'link',
      // cs4's value holds "=", so it is skipped; the last word (cs1=...) is never read
      dst_mac: '00:1d:a2:af:32:a1',
      original_string: FIREEYE_MESSAGE,
    });
  });

  it('takes the year from the clock and reads the day and time leniently in UTC', () => {
    expect(parseOne(FIREEYE_MESSAGE, Date.UTC(2019, 0, 1))['timestamp']).toBe(Date.UTC(2019, 2, 19, 5, 24, 39));
    const feb30 = FIREEYE_MESSAGE.replace('<164>Mar 19 05:24:39', '<164>feb 30 25:00:00');
    expect(parseOne(feb30)['timestamp']).toBe(Date.UTC(2024, 2, 2, 1, 0, 0));
    // no syslog time before an IPv4 address: timestamp 0, as in Metron
    expect(parseOne(FIREEYE_MESSAGE.replace(' 10.220.15.15 ', ' fe-host '))['timestamp']).toBe(0);
    expect(parser.parse(FIREEYE_MESSAGE.replace('<164>Mar', '<164>Xyz'), { now: NOW })).toEqual({ ok: false, reason: 'unknown month "Xyz"' });
  });

  it('drops text before the last PRI and maps src, dst and spt', () => {
    const line =
      'fireeye[-]: <161>Apr  1 02:49:49 10.220.15.15 fenotify-900702.alert: CEF:0|FireEye|CMS|7.5.1.318703|DM|domain-match|1|rt=Apr 01 2015 09:49:14 UTC src=10.1.97.20 dst=10.9.8.7 spt=63100 dvc=10.220.15.16 act=notified cs1=Trojan.Generic.DNS';
    expect(parseOne(line)).toEqual({
      timestamp: Date.UTC(2024, 3, 1, 2, 49, 49),
      src_ip: '10.1.97.20',
      dst_ip: '10.9.8.7',
      src_port: '63100',
      dvc: '10.220.15.16',
      // act=notified is the last pair before the dropped last word: no space follows it, so it is not read
      ip_src_addr: '10.220.15.16',
      ip_dst_addr: '10.9.8.7',
      ip_src_port: '63100',
      original_string: line.slice('fireeye[-]: '.length),
    });
    // the record runs from the last PRI up to that PRI's next occurrence
    expect(parseOne('junk <5>one <7>Mar 1 00:00:00 1.2.3.4 a.b x y <7>tail')['original_string']).toBe('<7>Mar 1 00:00:00 1.2.3.4 a.b x y ');
  });

  it('keeps only original_string and timestamp for continuation parts of a multi-part alert', () => {
    const part = '<164>Mar 19 05:24:39 10.220.15.15 fenotify-793972.2.alert: Control: no-cache::~~::~~ dmac=00:1d:a2:af:32:a1 cs1Label=sname cs1=Exploit.Kit.Magnitude';
    expect(parseOne(part)).toEqual({ original_string: part, timestamp: Date.UTC(2024, 2, 19, 5, 24, 39) });
  });

  it('refuses a record of fewer than five words, as Metron\'s index error did', () => {
    expect(parser.parse('<164>fenotify-1.alert: short', { now: NOW })).toEqual({ ok: false, reason: '2 words, the alert id is the fifth' });
  });

  it('parses Metron\'s FireEyeParserTest sample: every value is a string, the timestamp a number', () => {
    const lines = readLines(conformancePath('parsers', '_schema_validated', 'FireEyeParserTest.raw.txt'));
    expect(lines).toHaveLength(8);
    for (const line of lines) {
      const m = parseOne(line);
      for (const [key, value] of Object.entries(m)) expect(typeof value, key).toBe(key === 'timestamp' ? 'number' : 'string');
      expect(m['timestamp']).toBeGreaterThan(0);
    }
  });

  it('parses FireeyeExampleOutput except the three two-word records Metron also failed', () => {
    const lines = readLines(conformancePath('parsers', '_raw_only', 'FireeyeExampleOutput.txt'));
    const failed: number[] = [];
    lines.forEach((line, i) => {
      const outcome = parser.parse(line, { now: NOW });
      if (!outcome.ok) failed.push(i);
      else expect(outcome.messages[0]!['original_string']).toBe(line);
    });
    expect(lines).toHaveLength(90);
    expect(failed).toEqual([66, 69, 86]);
    for (const i of failed) expect(lines[i]!.trim().split(/\s+/)).toHaveLength(2);
  });

  it('stays linear on hostile records (Metron\'s regexes backtracked quadratically)', () => {
    const head = '<164>Mar 19 05:24:39 10.0.0.1 fenotify-1.alert: x ';
    const started = performance.now();
    expect(parseOne(`${head}${'a'.repeat(300_000)} k=v end`)).not.toHaveProperty('k');
    expect(parseOne(`${head}k=${'bb '.repeat(100_000)}c=d end`)['k']).toHaveLength(300_000 - 1);
    expect(performance.now() - started).toBeLessThan(3000);
  });
});
