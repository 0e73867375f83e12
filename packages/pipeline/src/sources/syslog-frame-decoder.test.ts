import { describe, expect, it } from 'vitest';
import { SyslogFrameDecoder, type FrameEvent } from './syslog-frame-decoder.js';
import { seededRandom } from './testing.js';

type Out = string | { refused: string; raw: string } | { fatal: string; raw: string };

function render(events: FrameEvent[]): Out[] {
  return events.map((e) =>
    e.kind === 'record'
      ? e.data.toString('latin1')
      : e.kind === 'refused'
        ? { refused: e.reason, raw: e.raw.toString('latin1') }
        : { fatal: e.reason, raw: e.raw.toString('latin1') },
  );
}

function decode(input: string, cuts: number[], max = 1024, end = true): Out[] {
  const decoder = new SyslogFrameDecoder(max);
  const buf = Buffer.from(input, 'latin1');
  const out: Out[] = [];
  let pos = 0;
  for (const size of [...cuts, buf.length]) {
    const stop = Math.min(buf.length, pos + size);
    out.push(...render(decoder.push(buf.subarray(pos, stop))));
    pos = stop;
    if (pos >= buf.length) break;
  }
  if (end) out.push(...render(decoder.end()));
  return out;
}

const octet = (msg: string): string => `${Buffer.byteLength(msg, 'latin1')} ${msg}`;
const bytes = (s: string): number[] => Array.from({ length: s.length }, () => 1);

describe('SyslogFrameDecoder (RFC 6587)', () => {
  const messages = [
    '<34>1 2003-10-11T22:14:15.003Z mymachine su - ID47 - first\nwith LF inside',
    '<13>Oct 11 22:14:15 host app: lf framed',
    '<13>crlf framed',
    '<13>nul framed',
    '12 is a message that starts with a digit in an octet frame',
    '<13>last, unterminated at close',
  ];
  const stream =
    octet(messages[0]!) + `${messages[1]}\n` + `${messages[2]}\r\n` + `${messages[3]}\0` + octet(messages[4]!) + '\n' + messages[5];

  it('decodes octet-counted and LF/CRLF/NUL-framed messages mixed on one stream', () => {
    expect(decode(stream, [])).toEqual(messages);
  });

  it('decodes the same byte by byte and at every two-chunk split point', () => {
    expect(decode(stream, bytes(stream))).toEqual(messages);
    for (let cut = 0; cut <= stream.length; cut++) expect(decode(stream, [cut])).toEqual(messages);
  });

  it('decodes the same at random chunk boundaries (seeded)', () => {
    const random = seededRandom(42);
    for (let round = 0; round < 50; round++) {
      const cuts = Array.from({ length: 100 }, () => 1 + Math.floor(random() * 12));
      expect(decode(stream, cuts)).toEqual(messages);
    }
  });

  it('refuses an over-long octet-counted frame, skips exactly its length, and keeps going', () => {
    const big = 'B'.repeat(25);
    const input = `${octet('ok1')}${octet(big)}${octet('ok2')}ok3\n`;
    const expected: Out[] = [
      'ok1',
      { refused: 'octet-counted frame of 25 bytes exceeds maxRecordBytes (10); skipped', raw: 'B'.repeat(10) },
      'ok2',
      'ok3',
    ];
    expect(decode(input, [], 10)).toEqual(expected);
    for (let cut = 0; cut <= input.length; cut++) expect(decode(input, [cut], 10)).toEqual(expected);
    expect(decode(input, bytes(input), 10)).toEqual(expected);
  });

  it('refuses an over-long LF-framed record and skips to the next terminator', () => {
    const input = `<1>${'L'.repeat(30)}\n<2>ok\n`;
    const out = decode(input, bytes(input), 10);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ raw: `<1>${'L'.repeat(7)}` });
    expect((out[0] as { refused: string }).refused).toMatch(/maxRecordBytes \(10/);
    expect(out[1]).toBe('<2>ok');
  });

  it('fails on an invalid octet count and ignores what follows', () => {
    const input = `${octet('fine')}99999999999 x\n<1>never\n`;
    const out = decode(input, [], 1024, false);
    expect(out[0]).toBe('fine');
    expect(out[1]).toEqual({ fatal: 'invalid octet count: more than 10 digits', raw: '99999999999 x\n<1>never\n' });
    expect(out).toHaveLength(2);
    // Same when the digits arrive byte by byte.
    const slow = decode(input, bytes(input), 1024, false);
    expect(slow[0]).toBe('fine');
    expect(slow[1]).toMatchObject({ fatal: 'invalid octet count: more than 10 digits' });
    expect((slow[1] as { raw: string }).raw.startsWith('99999999999')).toBe(true);
  });

  it('fails on a count not followed by a space, and on a zero count', () => {
    expect(decode('12x hello', [], 1024, false)).toEqual([{ fatal: "invalid octet count: '12' not followed by a space", raw: '12x hello' }]);
    expect(decode('0 ', [], 1024, false)).toEqual([{ fatal: 'invalid octet count: 0', raw: '0 ' }]);
    const decoder = new SyslogFrameDecoder(1024);
    decoder.push(Buffer.from('1x'));
    expect(decoder.failed).toBe(true);
    expect(decoder.push(Buffer.from('<1>later\n'))).toEqual([]);
  });

  it('refuses a frame cut by the end of the stream', () => {
    expect(decode('20 only part', [])).toEqual([
      { refused: 'connection closed inside an octet-counted frame (9 of 20 bytes)', raw: 'only part' },
    ]);
    expect(decode('123', [])).toEqual([{ refused: 'connection closed inside an octet-count header', raw: '123' }]);
  });

  it('skips empty lines between frames', () => {
    expect(decode('\n\r\n<1>a\n\n\0<2>b\n', [])).toEqual(['<1>a', '<2>b']);
  });

  it('keeps pending bytes bounded', () => {
    const decoder = new SyslogFrameDecoder(100);
    decoder.push(Buffer.from('1000000 '));
    for (let i = 0; i < 100; i++) decoder.push(Buffer.alloc(1000, 0x41));
    expect(decoder.pendingBytes).toBe(0); // refused at 100 bytes, the rest skipped
    decoder.push(Buffer.from('<9>'));
    for (let i = 0; i < 100; i++) decoder.push(Buffer.alloc(1000, 0x41));
    expect(decoder.pendingBytes).toBe(0);
  });
});
