import { describe, expect, it } from 'vitest';
import { createLineSplitState, splitLines, takePartialLine, type LineEvent } from './split-lines.js';
import { seededRandom } from './testing.js';

type Out = string | { oversize: string };

function render(events: LineEvent[]): Out[] {
  return events.map((e) => (e.kind === 'line' ? e.data.toString('latin1') : { oversize: e.head.toString('latin1') }));
}

/** Feeds `input` cut at the given sizes, collecting every event. */
function feed(input: string, cuts: number[], options: { max?: number; nul?: boolean } = {}): Out[] {
  const state = createLineSplitState({ maxRecordBytes: options.max ?? 1024, nulTerminates: options.nul ?? false });
  const buf = Buffer.from(input, 'latin1');
  const out: Out[] = [];
  let pos = 0;
  for (const size of [...cuts, buf.length]) {
    const end = Math.min(buf.length, pos + size);
    out.push(...render(splitLines(buf.subarray(pos, end), state).events));
    pos = end;
    if (pos >= buf.length) break;
  }
  return out;
}

const byteByByte = (s: string): number[] => Array.from({ length: s.length }, () => 1);

describe('splitLines', () => {
  const input = 'alpha\nbeta\r\ngamma\r\n\ndelta\n';
  const expected = ['alpha', 'beta', 'gamma', '', 'delta'];

  it('splits LF and CRLF lines in one chunk', () => {
    expect(feed(input, [])).toEqual(expected);
  });

  it('gives the same lines byte by byte and at every two-chunk split point', () => {
    expect(feed(input, byteByByte(input))).toEqual(expected);
    for (let cut = 0; cut <= input.length; cut++) expect(feed(input, [cut])).toEqual(expected);
  });

  it('gives the same lines for random chunkings (seeded)', () => {
    const random = seededRandom(7);
    const lines = Array.from({ length: 200 }, (_, i) => `line ${i} ${'x'.repeat(Math.floor(random() * 40))}`);
    const text = lines.map((l, i) => l + (i % 3 === 0 ? '\r\n' : '\n')).join('');
    for (let round = 0; round < 20; round++) {
      const cuts = Array.from({ length: 400 }, () => 1 + Math.floor(random() * 30));
      expect(feed(text, cuts)).toEqual(lines);
    }
  });

  it('keeps a CR that is not followed by LF', () => {
    expect(feed('a\rb\n', byteByByte('a\rb\n'))).toEqual(['a\rb']);
  });

  it('ends lines at NUL only when asked', () => {
    expect(feed('a\0b\nc\0', byteByByte('a\0b\nc\0'), { nul: true })).toEqual(['a', 'b', 'c']);
    expect(feed('a\0b\n', [], { nul: false })).toEqual(['a\0b']);
  });

  it('refuses an over-long line once with its first maxRecordBytes bytes, then continues', () => {
    const text = `ok1\n${'A'.repeat(5)}${'B'.repeat(20)}\nok2\n`;
    const expectedOut: Out[] = ['ok1', { oversize: 'AAAAABBBBB' }, 'ok2'];
    expect(feed(text, [], { max: 10 })).toEqual(expectedOut);
    expect(feed(text, byteByByte(text), { max: 10 })).toEqual(expectedOut);
    for (let cut = 0; cut <= text.length; cut++) expect(feed(text, [cut], { max: 10 })).toEqual(expectedOut);
  });

  it('accepts a line of exactly maxRecordBytes, with CRLF split anywhere', () => {
    const text = `${'x'.repeat(10)}\r\n${'y'.repeat(11)}\r\nz\n`;
    const expectedOut: Out[] = ['x'.repeat(10), { oversize: 'y'.repeat(10) }, 'z'];
    expect(feed(text, byteByByte(text), { max: 10 })).toEqual(expectedOut);
    for (let cut = 0; cut <= text.length; cut++) expect(feed(text, [cut], { max: 10 })).toEqual(expectedOut);
  });

  it('keeps memory bounded while skipping an over-long line', () => {
    const state = createLineSplitState({ maxRecordBytes: 8 });
    for (let i = 0; i < 100; i++) splitLines(Buffer.from('0123456789'), state);
    expect(state.partBytes).toBe(0);
    expect(state.discarding).toBe(true);
    expect(state.lineBytes).toBe(1000);
    expect(render(splitLines(Buffer.from('tail\nnext\n'), state).events)).toEqual(['next']);
  });

  it('holds a partial line until completed, and hands it out on request', () => {
    const state = createLineSplitState({ maxRecordBytes: 100 });
    expect(splitLines(Buffer.from('par'), state).events).toEqual([]);
    expect(state.lineBytes).toBe(3);
    expect(render(splitLines(Buffer.from('tial\nnext'), state).events)).toEqual(['partial']);
    expect(takePartialLine(state)?.toString()).toBe('next');
    expect(state.lineBytes).toBe(0);
    expect(takePartialLine(state)).toBeNull();
  });

  it('does not alias the caller buffer for held partial lines', () => {
    const state = createLineSplitState({ maxRecordBytes: 100 });
    const chunk = Buffer.from('abc');
    splitLines(chunk, state);
    chunk.fill(0x7a);
    expect(render(splitLines(Buffer.from('\n'), state).events)).toEqual(['abc']);
  });

  it('stops after maxFrames and reports where', () => {
    const state = createLineSplitState({ maxRecordBytes: 100 });
    const buf = Buffer.from('a\nb\nc');
    const first = splitLines(buf, state, { maxFrames: 1 });
    expect(render(first.events)).toEqual(['a']);
    expect(first.events[0]).toMatchObject({ kind: 'line', end: 2 });
    expect(first.consumed).toBe(2);
    const second = splitLines(buf, state, { start: first.consumed, maxFrames: 1 });
    expect(render(second.events)).toEqual(['b']);
    expect(second.consumed).toBe(4);
    const third = splitLines(buf, state, { start: second.consumed, maxFrames: 1 });
    expect(third.frames).toBe(0);
    expect(third.consumed).toBe(5);
  });

  it('rejects a bad maxRecordBytes', () => {
    expect(() => createLineSplitState({ maxRecordBytes: 0 })).toThrow(/maxRecordBytes/);
  });
});
