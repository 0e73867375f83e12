/** Strict UTF-8 decoding (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF). */
import { isUtf8 } from 'node:buffer';

export type DecodeResult = { ok: true; text: string } | { ok: false; offset: number };

/**
 * Decodes `bytes`, dropping a leading byte order mark; on invalid input gives the first bad byte's offset.
 * One pass in the common case: Node's decoder (WHATWG, as strict as RFC 3629) turns every invalid
 * sequence into U+FFFD, so a text without U+FFFD came from valid bytes, and only a text holding one
 * (written in the input, or a replacement) needs the separate validity check.
 */
export function decodeUtf8Strict(bytes: Buffer): DecodeResult {
  const text = bytes.toString('utf8');
  if (text.indexOf('\uFFFD') >= 0 && !isUtf8(bytes)) return { ok: false, offset: firstInvalidUtf8Offset(bytes) };
  return { ok: true, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
}

/** Offset of the first byte that starts an invalid sequence (or bytes.length if none). */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0; // overlong
      if (b === 0xed) hi = 0x9f; // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90; // overlong
      if (b === 0xf4) hi = 0x8f; // above U+10FFFF
    } else return i;
    if (i + need >= n) return i; // truncated sequence
    const second = bytes[i + 1]!;
    if (second < lo || second > hi) return i;
    for (let k = 2; k <= need; k++) {
      const c = bytes[i + k]!;
      if (c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return n;
}
