import { describe, expect, it } from 'vitest';
import { ConfigError } from '@metron/core';
import { createSensorParser } from '../sensor-parser.js';
import { readSnortConfig } from './config.js';
import { SnortParser } from './snort-parser.js';

const LINE =
  '01/27/16-16:01:04.877970 ,129,12,1,"Consecutive TCP small segments exceeding threshold",TCP,10.0.2.2,56642,10.0.2.15,22,52:54:00:12:35:02,08:00:27:7F:93:2D,0x4E,***AP***,0x9AFF3D7,0xC8761D52,,0xFFFF,64,0,59677,64,65536,,,,';

const parserWith = (config: Record<string, unknown> = {}) => new SnortParser(readSnortConfig(config, 'parsers/snort.json'));
const messageOf = (text: string, config: Record<string, unknown> = {}) => {
  const outcome = parserWith(config).parse(text);
  if (!outcome.ok) throw new Error(outcome.reason);
  return outcome.messages[0]!;
};

describe('Snort parser', () => {
  it('maps the 27 CSV columns to Metron names, values as strings', () => {
    const m = messageOf(LINE);
    expect(m).toMatchObject({
      sig_generator: '129',
      sig_id: '12',
      sig_rev: '1',
      msg: 'Consecutive TCP small segments exceeding threshold',
      protocol: 'TCP',
      ip_src_addr: '10.0.2.2',
      ip_src_port: '56642',
      ip_dst_addr: '10.0.2.15',
      ip_dst_port: '22',
      tcplen: '',
      icmpseq: '',
      is_alert: 'true',
      original_string: LINE,
    });
    expect(Object.keys(m)).toHaveLength(29); // 26 columns + timestamp, original_string, is_alert
  });

  it('reads the time with java.time semantics in UTC by default (.877970 is 877 ms)', () => {
    expect(messageOf(LINE)['timestamp']).toBe(Date.UTC(2016, 0, 27, 16, 1, 4, 877));
  });

  it('timeZone sets the zone; the conformance file holds a legacy-Java value from a US Central host', () => {
    // expected.jsonl has 1453932941970: 16:01:04 CST plus 877970 ms, i.e. SimpleDateFormat reading
    // SSSSSS as milliseconds. Metron's current java.time code (and this parser) give .877 seconds.
    const chicago = messageOf(LINE, { timeZone: 'America/Chicago' })['timestamp'];
    expect(chicago).toBe(Date.UTC(2016, 0, 27, 22, 1, 4, 877));
    expect((chicago as number) - 877 + 877970).toBe(1453932941970);
    expect(messageOf(LINE, { timeZone: 'Europe/Berlin' })['timestamp']).toBe(Date.UTC(2016, 0, 27, 15, 1, 4, 877));
  });

  it('follows dateFormat and recordDelimiter', () => {
    const line = LINE.replace('01/27/16-16:01:04.877970 ', '2016-01-27 16:01:04').replaceAll(',', ';');
    const m = messageOf(line, { dateFormat: 'yyyy-MM-dd HH:mm:ss', recordDelimiter: ';' });
    expect(m['timestamp']).toBe(Date.UTC(2016, 0, 27, 16, 1, 4));
    expect(m['msg']).toBe('Consecutive TCP small segments exceeding threshold');
  });

  it('reads quoted messages holding the delimiter and doubled quotes', () => {
    const line = LINE.replace('"Consecutive TCP small segments exceeding threshold"', '"ET POLICY ""curl"" UA, outbound"');
    expect(messageOf(line)['msg']).toBe('ET POLICY "curl" UA, outbound');
    // opencsv keeps quotes inside an unquoted field and drops a backslash that escapes nothing
    expect(messageOf(LINE.replace('"Consecutive TCP small segments exceeding threshold"', 'say "hi" C:\\x'))['msg']).toBe('say "hi" C:x');
  });

  it('refuses bad records with a reason', () => {
    const p = parserWith();
    expect(p.parse('01/27/16-16:01:04.877970 ,129,12')).toEqual({ ok: false, reason: 'expected 27 fields, got 3' });
    expect(p.parse('# snort alert_csv header')).toEqual({ ok: false, reason: 'Snort record is a comment line' });
    expect(p.parse(LINE.replace(',"Consecutive', ',"Consecutive').replace('threshold"', 'threshold'))).toEqual({
      ok: false,
      reason: 'invalid CSV: un-terminated quoted field at end of CSV line',
    });
    expect(p.parse(LINE.replace('01/27/16', '13/27/16'))).toEqual({
      ok: false,
      reason: 'timestamp "13/27/16-16:01:04.877970" does not match "MM/dd/yy-HH:mm:ss.SSSSSS": month 13 out of range',
    });
    expect(p.parse(LINE.replace('.877970', '.877'))).toMatchObject({ ok: false, reason: expect.stringContaining('expected 6 digits') });
  });

  it('refuses bad config naming the key', () => {
    expect(() => parserWith({ timeZone: 'Mars/Olympus' })).toThrow(ConfigError);
    expect(() => parserWith({ timeZone: 'Mars/Olympus' })).toThrow(/\$\.parserConfig\.timeZone/);
    expect(() => parserWith({ dateFormat: 'yyyy-MM-dd G' })).toThrow(/\$\.parserConfig\.dateFormat.*unsupported pattern letter 'G'/);
    expect(() => parserWith({ recordDelimiter: '||' })).toThrow(/recordDelimiter/);
  });

  it('runs in a sensor by short name', () => {
    const sensor = createSensorParser('snort', { parserClassName: 'Snort' });
    const r = sensor.parse(Buffer.from(LINE), { guid: () => 'g' });
    expect(r.errors).toEqual([]);
    expect(r.messages[0]).toMatchObject({ 'source.type': 'snort', guid: 'g', is_alert: 'true' });
  });
});
