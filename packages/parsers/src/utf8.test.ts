import { describe, expect, it } from 'vitest';
import { isUtf8 } from 'node:buffer';
import { seededRandom } from '@metron/core';
import { decodeUtf8Strict, firstInvalidUtf8Offset } from './utf8.js';

describe('decodeUtf8Strict', () => {
  it('agrees with a strict validity check on random bytes, replacement characters included (seeded)', () => {
    const rnd = seededRandom(99);
    // bytes that make valid and invalid sequences likely: ASCII, lead bytes, continuations, edges
    const alphabet = [0x41, 0x7b, 0x22, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xbb, 0xbd, 0xf0, 0xf4, 0xf5, 0xff];
    const pieces = [[0xef, 0xbf, 0xbd], [0xef, 0xbb, 0xbf], [0xed, 0xa0, 0x80], [0xf0, 0x9f, 0x98, 0x80], [0xc3, 0xa9], [0xe0, 0x80, 0x80], [0xf4, 0x90, 0x80, 0x80]];
    let valid = 0;
    for (let i = 0; i < 20_000; i++) {
      const bytes: number[] = [];
      for (let n = Math.floor(rnd() * 12); n > 0; n--) {
        if (rnd() < 0.3) bytes.push(...pieces[Math.floor(rnd() * pieces.length)]!);
        else bytes.push(alphabet[Math.floor(rnd() * alphabet.length)]!);
      }
      const buffer = Buffer.from(bytes);
      const result = decodeUtf8Strict(buffer);
      if (isUtf8(buffer)) {
        valid++;
        const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
        expect(result).toEqual({ ok: true, text: buffer.toString('utf8', bom ? 3 : 0) });
      } else {
        expect(result).toEqual({ ok: false, offset: firstInvalidUtf8Offset(buffer) });
      }
    }
    expect(valid).toBeGreaterThan(2000);
    expect(valid).toBeLessThan(18_000);
  });

  it('keeps a replacement character written in the input and drops only a leading byte order mark', () => {
    expect(decodeUtf8Strict(Buffer.from('a\uFFFDb'))).toEqual({ ok: true, text: 'a\uFFFDb' });
    expect(decodeUtf8Strict(Buffer.from('\uFEFF{"a":1}'))).toEqual({ ok: true, text: '{"a":1}' });
    expect(decodeUtf8Strict(Buffer.from('x\uFEFF'))).toEqual({ ok: true, text: 'x\uFEFF' });
    expect(decodeUtf8Strict(Buffer.from([0x61, 0xef, 0xbf, 0xbd, 0xc3]))).toEqual({ ok: false, offset: 4 });
    expect(decodeUtf8Strict(Buffer.alloc(0))).toEqual({ ok: true, text: '' });
  });
});
