/**
 * TLSH, Trend Micro's locality-sensitive hash, as published in J. Oliver, C. Cheng, Y. Chen,
 * "TLSH - A Locality Sensitive Hash", 4th Cybercrime and Trustworthy Computing Workshop (2013),
 * and as Trend Micro's reference library computes it (which Metron's HASH(x, 'tlsh') calls):
 *
 * - a 5-byte window slides over the input; for each position six byte triplets (current byte
 *   with two of the four before it) are Pearson-hashed, each with its own salt, into one of 256
 *   counters (the first 128 or all 256 are the digest's buckets);
 * - the quartiles q1 <= q2 <= q3 of the bucket counts turn each bucket into 2 bits;
 * - a header holds a Pearson checksum of consecutive byte pairs (1 or 3 bytes), a log-scale code
 *   of the input length and the q1/q3, q2/q3 percentages modulo 16.
 *
 * The hex form is the library's original encoding, without the "T1" version prefix that TLSH 4
 * added (Metron's digests have none); the distance accepts either form.
 */

/** Pearson's random permutation of 0..255, the table the TLSH specification uses. */
const PEARSON = [
  1, 87, 49, 12, 176, 178, 102, 166, 121, 193, 6, 84, 249, 230, 44, 163, 14, 197, 213, 181, 161, 85, 218, 80, 64, 239, 24, 226, 236, 142, 38, 200,
  110, 177, 104, 103, 141, 253, 255, 50, 77, 101, 81, 18, 45, 96, 31, 222, 25, 107, 190, 70, 86, 237, 240, 34, 72, 242, 20, 214, 244, 227, 149, 235,
  97, 234, 57, 22, 60, 250, 82, 175, 208, 5, 127, 199, 111, 62, 135, 248, 174, 169, 211, 58, 66, 154, 106, 195, 245, 171, 17, 187, 182, 179, 0, 243,
  132, 56, 148, 75, 128, 133, 158, 100, 130, 126, 91, 13, 153, 246, 216, 219, 119, 68, 223, 78, 83, 88, 201, 99, 122, 11, 92, 32, 136, 114, 52, 10,
  138, 30, 48, 183, 156, 35, 61, 26, 143, 74, 251, 94, 129, 162, 63, 152, 170, 7, 115, 167, 241, 206, 3, 150, 55, 59, 151, 220, 90, 53, 23, 131,
  125, 173, 15, 238, 79, 95, 89, 16, 105, 137, 225, 224, 217, 160, 37, 123, 118, 73, 2, 157, 46, 116, 9, 145, 134, 228, 207, 212, 202, 215, 69, 229,
  27, 188, 67, 124, 168, 252, 42, 4, 29, 108, 21, 247, 19, 205, 39, 203, 233, 40, 186, 147, 198, 192, 155, 33, 164, 191, 98, 204, 165, 180, 117, 76,
  140, 36, 210, 172, 41, 54, 159, 8, 185, 232, 113, 196, 231, 47, 146, 120, 51, 65, 28, 144, 254, 221, 93, 189, 194, 139, 112, 43, 71, 109, 184, 209,
];

/** Pearson hash of three bytes under a salt (all in 0..255). */
function pearson(salt: number, a: number, b: number, c: number): number {
  let h = PEARSON[salt]!;
  h = PEARSON[h ^ a]!;
  h = PEARSON[h ^ b]!;
  return PEARSON[h ^ c]!;
}

/** Salts of the six triplets, as (salt, i, j) meaning bytes (current, current-i, current-j). */
const TRIPLETS: ReadonlyArray<readonly [number, number, number]> = [
  [2, 1, 2],
  [3, 1, 3],
  [5, 2, 3],
  [7, 2, 4],
  [11, 1, 4],
  [13, 3, 4],
];

export type TlshBuckets = 128 | 256;
export type TlshChecksumBytes = 1 | 3;

export interface TlshOptions {
  buckets: TlshBuckets;
  checksumBytes: TlshChecksumBytes;
}

export const DEFAULT_TLSH_OPTIONS: TlshOptions = { buckets: 128, checksumBytes: 1 };

/** Fewest bytes a digest is made of with `force` (the default in Metron), and without it. */
export const TLSH_MIN_FORCED_LENGTH = 50;
export const TLSH_MIN_LENGTH = 256;

/** The fields of a digest. */
export interface TlshDigest {
  checksum: number[];
  lvalue: number;
  q1ratio: number;
  q2ratio: number;
  /** One byte per 4 buckets, bucket 4i in the low bits of code[i]. */
  code: number[];
}

const LOG_1_5 = 0.4054651;
const LOG_1_3 = 0.26236426;
const LOG_1_1 = 0.09531018;

/** The length code: a logarithm of the length on three scales, so it fits one byte. */
export function lengthCode(length: number): number {
  let v: number;
  if (length <= 656) v = Math.floor(Math.log(length) / LOG_1_5);
  else if (length <= 3199) v = Math.floor(Math.log(length) / LOG_1_3 - 8.72777);
  else v = Math.floor(Math.log(length) / LOG_1_1 - 62.5472);
  return v & 0xff;
}

/** The percentage a/b modulo 16, computed in float32 as the reference library does (0 when b is 0). */
function ratio(a: number, b: number): number {
  if (b === 0) return 0;
  return Math.trunc(Math.fround(Math.fround(Math.fround(a) * 100) / Math.fround(b))) & 0xf;
}

interface Accumulated {
  counts: Float64Array;
  checksum: number[];
  length: number;
}

function accumulate(data: Uint8Array, checksumBytes: number): Accumulated {
  const counts = new Float64Array(256);
  const checksum = new Array<number>(checksumBytes).fill(0);
  for (let i = 4; i < data.length; i++) {
    const cur = data[i]!;
    const prev = data[i - 1]!;
    checksum[0] = pearson(0, cur, prev, checksum[0]!);
    for (let k = 1; k < checksumBytes; k++) checksum[k] = pearson(checksum[k - 1]!, cur, prev, checksum[k]!);
    for (const [salt, a, b] of TRIPLETS) counts[pearson(salt, cur, data[i - a]!, data[i - b]!)]! += 1;
  }
  return { counts, checksum, length: data.length };
}

function digestOf(acc: Accumulated, buckets: number): { digest: TlshDigest; q3: number } {
  const sorted = Array.from(acc.counts.subarray(0, buckets)).sort((x, y) => x - y);
  const quarter = buckets / 4;
  const q1 = sorted[quarter - 1]!;
  const q2 = sorted[2 * quarter - 1]!;
  const q3 = sorted[3 * quarter - 1]!;
  const code: number[] = [];
  for (let i = 0; i < buckets / 4; i++) {
    let byte = 0;
    for (let j = 0; j < 4; j++) {
      const k = acc.counts[4 * i + j]!;
      const level = k > q3 ? 3 : k > q2 ? 2 : k > q1 ? 1 : 0;
      byte |= level << (2 * j);
    }
    code.push(byte);
  }
  return { digest: { checksum: acc.checksum, lvalue: lengthCode(acc.length), q1ratio: ratio(q1, q3), q2ratio: ratio(q2, q3), code }, q3 };
}

/**
 * The digest with no validity checks (the algorithm alone, also for inputs too short or too
 * uniform for a meaningful hash). Use `tlshHash` for Metron's behaviour.
 */
export function computeTlsh(data: Uint8Array, options: TlshOptions = DEFAULT_TLSH_OPTIONS): TlshDigest {
  return digestOf(accumulate(data, options.checksumBytes), options.buckets).digest;
}

/**
 * The hex digest as Metron's HASH gives it, or null when the reference library refuses: fewer
 * than 50 bytes (256 without `force`), half or fewer of the buckets hit, or a zero third quartile.
 */
export function tlshHash(data: Uint8Array, options: TlshOptions = DEFAULT_TLSH_OPTIONS, force = true): string | null {
  if (data.length < TLSH_MIN_FORCED_LENGTH || (!force && data.length < TLSH_MIN_LENGTH)) return null;
  const acc = accumulate(data, options.checksumBytes);
  let nonzero = 0;
  for (let i = 0; i < options.buckets; i++) if (acc.counts[i]! > 0) nonzero++;
  if (nonzero <= options.buckets / 2) return null;
  const { digest, q3 } = digestOf(acc, options.buckets);
  return q3 === 0 ? null : encodeTlsh(digest);
}

const HEX = '0123456789ABCDEF';
const hexByte = (b: number): string => HEX[(b >> 4) & 0xf]! + HEX[b & 0xf]!;
/** Header bytes are written low nibble first. */
const hexSwapped = (b: number): string => HEX[b & 0xf]! + HEX[(b >> 4) & 0xf]!;

/** Uppercase hex: checksum and length nibble-swapped, the ratios byte, then the code last byte first. */
export function encodeTlsh(d: TlshDigest): string {
  let out = d.checksum.map(hexSwapped).join('') + hexSwapped(d.lvalue) + hexByte((d.q1ratio << 4) | d.q2ratio);
  for (let i = d.code.length - 1; i >= 0; i--) out += hexByte(d.code[i]!);
  return out;
}

export class TlshFormatError extends Error {}

/** Digest string lengths (without prefix) by bucket count and checksum size. */
const ENCODED_LENGTHS: ReadonlyArray<{ length: number; options: TlshOptions }> = [
  { length: 70, options: { buckets: 128, checksumBytes: 1 } },
  { length: 74, options: { buckets: 128, checksumBytes: 3 } },
  { length: 134, options: { buckets: 256, checksumBytes: 1 } },
  { length: 138, options: { buckets: 256, checksumBytes: 3 } },
];

function hexAt(s: string, i: number, swapped: boolean): number {
  const hi = Number.parseInt(s[swapped ? i + 1 : i]!, 16);
  const lo = Number.parseInt(s[swapped ? i : i + 1]!, 16);
  if (Number.isNaN(hi) || Number.isNaN(lo)) throw new TlshFormatError(`invalid hex character in TLSH digest at ${i}`);
  return (hi << 4) | lo;
}

/** Reads a hex digest (with or without the "T1" prefix); throws TlshFormatError when it is not one. */
export function decodeTlsh(encoded: string): { digest: TlshDigest; options: TlshOptions } {
  const body = /^T1/i.test(encoded) && ENCODED_LENGTHS.some((e) => e.length === encoded.length - 2) ? encoded.slice(2) : encoded;
  const shape = ENCODED_LENGTHS.find((e) => e.length === body.length);
  if (shape === undefined) throw new TlshFormatError(`not a TLSH digest: its length ${encoded.length} matches no TLSH encoding`);
  let at = 0;
  const checksum: number[] = [];
  for (let k = 0; k < shape.options.checksumBytes; k++, at += 2) checksum.push(hexAt(body, at, true));
  const lvalue = hexAt(body, at, true);
  at += 2;
  const ratios = hexAt(body, at, false);
  at += 2;
  const code = new Array<number>(shape.options.buckets / 4);
  for (let i = code.length - 1; i >= 0; i--, at += 2) code[i] = hexAt(body, at, false);
  return { digest: { checksum, lvalue, q1ratio: ratios >> 4, q2ratio: ratios & 0xf, code }, options: shape.options };
}

/** Distance on a circle of `range` values. */
function circularDiff(x: number, y: number, range: number): number {
  const d = Math.abs(x - y);
  return Math.min(d, range - d);
}

/** Per 2-bit pair: the level difference, except that opposite extremes (0 and 3) count 6. */
function codeDistance(a: readonly number[], b: readonly number[]): number {
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    let x = a[i]!;
    let y = b[i]!;
    for (let p = 0; p < 4; p++, x >>= 2, y >>= 2) {
      const d = Math.abs((x & 3) - (y & 3));
      diff += d === 3 ? 6 : d;
    }
  }
  return diff;
}

/**
 * The TLSH score between two digests (0 for identical data, lower is more similar). Both must
 * have been made with the same bucket count and checksum size.
 */
export function tlshDistance(a: TlshDigest, b: TlshDigest, includeLength: boolean): number {
  if (a.checksum.length !== b.checksum.length || a.code.length !== b.code.length) {
    throw new TlshFormatError('the two TLSH digests were made with different bucket or checksum options and cannot be compared');
  }
  let diff = 0;
  if (includeLength) {
    const l = circularDiff(a.lvalue, b.lvalue, 256);
    diff += l <= 1 ? l : l * 12;
  }
  for (const [x, y] of [
    [a.q1ratio, b.q1ratio],
    [a.q2ratio, b.q2ratio],
  ] as const) {
    const q = circularDiff(x, y, 16);
    diff += q <= 1 ? q : (q - 1) * 12;
  }
  if (a.checksum.some((c, k) => c !== b.checksum[k])) diff += 1;
  return diff + codeDistance(a.code, b.code);
}

// ---- Metron's bins (TLSHHasher.bin): random projections of the digest bits for fuzzy clustering

const MASK48 = (1n << 48n) - 1n;
const MULTIPLIER = 0x5deece66dn;

/** java.util.Random: the 48-bit linear congruential generator, as far as nextInt needs it. */
export class JavaRandom {
  private seed: bigint;
  constructor(seed: bigint) {
    this.seed = (seed ^ MULTIPLIER) & MASK48;
  }
  private next(bits: number): number {
    this.seed = (this.seed * MULTIPLIER + 0xbn) & MASK48;
    return Number(BigInt.asIntN(32, this.seed >> BigInt(48 - bits)));
  }
  /** A uniform int in [0, bound); Java's algorithm, rejection step included. */
  nextInt(bound?: number): number {
    if (bound === undefined) return this.next(32);
    if (!(bound > 0)) throw new RangeError('bound must be positive');
    if ((bound & -bound) === bound) return Number((BigInt(bound) * BigInt(this.next(31))) >> 31n);
    for (;;) {
      const bits = this.next(31);
      const val = bits % bound;
      if (bits - val + (bound - 1) <= 0x7fffffff) return val;
    }
  }
}

/** Bit i of java.util.BitSet.valueOf(bytes): little-endian within and across bytes. */
const bitAt = (bytes: Uint8Array, i: number): boolean => ((bytes[i >> 3]! >> (i & 7)) & 1) === 1;

/**
 * Metron's bins of a hex digest: for each requested size n, n bits drawn (with one shared
 * java.util.Random seeded 0) from the digest without its checksum, written as n followed by the
 * lowercase hex of the bits (BitSet.toByteArray: little-endian, trailing zero bytes dropped).
 * One size gives the key `tlsh_bin`, several give `tlsh_bin_<n>`.
 */
export function tlshBins(encoded: string, checksumBytes: number, sizes: readonly number[]): Map<string, string> {
  const hex = encoded.slice(2 * checksumBytes);
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  let length = 0;
  for (let i = bytes.length * 8 - 1; i >= 0; i--) {
    if (bitAt(bytes, i)) {
      length = i + 1;
      break;
    }
  }
  const random = new JavaRandom(0n);
  const out = new Map<string, string>();
  for (const size of sizes) {
    const projection = new Uint8Array(Math.ceil(size / 8));
    for (let i = 0; i < size; i++) if (bitAt(bytes, random.nextInt(length))) projection[i >> 3]! |= 1 << (i & 7);
    let last = projection.length;
    while (last > 0 && projection[last - 1] === 0) last--;
    let text = '';
    for (const b of projection.subarray(0, last)) text += b.toString(16).padStart(2, '0');
    out.set(sizes.length === 1 ? 'tlsh_bin' : `tlsh_bin_${size}`, `${size}${text}`);
  }
  return out;
}
