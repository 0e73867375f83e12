/**
 * HASH, GET_HASHES_AVAILABLE and TLSH_DIST (Metron HashFunctions.java). The message digests are
 * pure TypeScript implementations of RFC 1321 (MD5), FIPS 180-4 (SHA-1, SHA-224, SHA-256,
 * SHA-384, SHA-512, SHA-512/224, SHA-512/256) and FIPS 202 (SHA3-224/256/384/512); results are
 * lowercase hex as commons-codec's Hex. MD2, which Java also offers, is not implemented.
 * 'tlsh' is Trend Micro's locality-sensitive hash (./tlsh.ts) with Metron's options and bins.
 *
 * Not reproduced: hashing of non-string values, which Metron feeds through Java serialization
 * (those give null here; a byte array value is hashed as its bytes).
 */
import { JInt, type StellarValue } from '../values.js';
import type { StellarFunction } from './types.js';
import { arg, convertBoolean, convertNumber, defineFunction, fail, javaToString, latin1Bytes, mapGet, utf8Bytes } from './java-interop.js';
import { decodeTlsh, DEFAULT_TLSH_OPTIONS, TlshFormatError, tlshBins, tlshDistance, tlshHash, type TlshOptions } from './tlsh.js';

const rotl32 = (x: number, n: number): number => (x << n) | (x >>> (32 - n));
const rotr32 = (x: number, n: number): number => (x >>> n) | (x << (32 - n));

/** Pads a message Merkle–Damgård style; `lengthBytes` is 8 (MD5/SHA-1/SHA-256) or 16 (SHA-512). */
function pad(msg: Uint8Array, blockSize: number, lengthBytes: number, littleEndian: boolean): Uint8Array {
  const total = Math.ceil((msg.length + 1 + lengthBytes) / blockSize) * blockSize;
  const out = new Uint8Array(total);
  out.set(msg);
  out[msg.length] = 0x80;
  const bitLen = BigInt(msg.length) * 8n;
  for (let i = 0; i < 8; i++) {
    const byte = Number((bitLen >> BigInt(8 * i)) & 0xffn);
    if (littleEndian) out[total - lengthBytes + i] = byte;
    else out[total - 1 - i] = byte;
  }
  return out;
}

const MD5_S = [7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21];
const MD5_K = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0);

function md5(msg: Uint8Array): Uint8Array {
  const m = pad(msg, 64, 8, true);
  let a0 = 0x67452301;
  let b0 = 0xefcdab89 | 0;
  let c0 = 0x98badcfe | 0;
  let d0 = 0x10325476;
  const w = new Int32Array(16);
  for (let off = 0; off < m.length; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = m[off + 4 * i]! | (m[off + 4 * i + 1]! << 8) | (m[off + 4 * i + 2]! << 16) | (m[off + 4 * i + 3]! << 24);
    let a = a0;
    let b = b0;
    let c = c0;
    let d = d0;
    for (let i = 0; i < 64; i++) {
      let f: number;
      let g: number;
      if (i < 16) {
        f = (b & c) | (~b & d);
        g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c);
        g = (5 * i + 1) % 16;
      } else if (i < 48) {
        f = b ^ c ^ d;
        g = (3 * i + 5) % 16;
      } else {
        f = c ^ (b | ~d);
        g = (7 * i) % 16;
      }
      const tmp = d;
      d = c;
      c = b;
      b = (b + rotl32((a + f + MD5_K[i]! + w[g]!) | 0, MD5_S[i]!)) | 0;
      a = tmp;
    }
    a0 = (a0 + a) | 0;
    b0 = (b0 + b) | 0;
    c0 = (c0 + c) | 0;
    d0 = (d0 + d) | 0;
  }
  const out = new Uint8Array(16);
  [a0, b0, c0, d0].forEach((v, i) => {
    for (let j = 0; j < 4; j++) out[4 * i + j] = (v >>> (8 * j)) & 0xff;
  });
  return out;
}

function wordsToBytes(words: readonly number[], byteLength: number): Uint8Array {
  const out = new Uint8Array(byteLength);
  for (let i = 0; i < byteLength; i++) out[i] = (words[i >> 2]! >>> (24 - 8 * (i & 3))) & 0xff;
  return out;
}

function sha1(msg: Uint8Array): Uint8Array {
  const m = pad(msg, 64, 8, false);
  const h = [0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476, 0xc3d2e1f0 | 0];
  const w = new Int32Array(80);
  for (let off = 0; off < m.length; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = (m[off + 4 * i]! << 24) | (m[off + 4 * i + 1]! << 16) | (m[off + 4 * i + 2]! << 8) | m[off + 4 * i + 3]!;
    for (let i = 16; i < 80; i++) w[i] = rotl32(w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!, 1);
    let [a, b, c, d, e] = h as [number, number, number, number, number];
    for (let i = 0; i < 80; i++) {
      let f: number;
      let k: number;
      if (i < 20) {
        f = (b & c) | (~b & d);
        k = 0x5a827999;
      } else if (i < 40) {
        f = b ^ c ^ d;
        k = 0x6ed9eba1;
      } else if (i < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8f1bbcdc | 0;
      } else {
        f = b ^ c ^ d;
        k = 0xca62c1d6 | 0;
      }
      const t = (rotl32(a, 5) + f + e + k + w[i]!) | 0;
      e = d;
      d = c;
      c = rotl32(b, 30);
      b = a;
      a = t;
    }
    h[0] = (h[0]! + a) | 0;
    h[1] = (h[1]! + b) | 0;
    h[2] = (h[2]! + c) | 0;
    h[3] = (h[3]! + d) | 0;
    h[4] = (h[4]! + e) | 0;
  }
  return wordsToBytes(h, 20);
}

const SHA256_K = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
].map((x) => x | 0);

function sha256(msg: Uint8Array, iv: readonly number[], outBytes: number): Uint8Array {
  const m = pad(msg, 64, 8, false);
  const h = iv.map((x) => x | 0);
  const w = new Int32Array(64);
  for (let off = 0; off < m.length; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = (m[off + 4 * i]! << 24) | (m[off + 4 * i + 1]! << 16) | (m[off + 4 * i + 2]! << 8) | m[off + 4 * i + 3]!;
    for (let i = 16; i < 64; i++) {
      const s0 = rotr32(w[i - 15]!, 7) ^ rotr32(w[i - 15]!, 18) ^ (w[i - 15]! >>> 3);
      const s1 = rotr32(w[i - 2]!, 17) ^ rotr32(w[i - 2]!, 19) ^ (w[i - 2]! >>> 10);
      w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
    }
    let [a, b, c, d, e, f, g, hh] = h as [number, number, number, number, number, number, number, number];
    for (let i = 0; i < 64; i++) {
      const S1 = rotr32(e, 6) ^ rotr32(e, 11) ^ rotr32(e, 25);
      const ch = (e & f) ^ (~e & g);
      const t1 = (hh + S1 + ch + SHA256_K[i]! + w[i]!) | 0;
      const S0 = rotr32(a, 2) ^ rotr32(a, 13) ^ rotr32(a, 22);
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    [a, b, c, d, e, f, g, hh].forEach((v, i) => {
      h[i] = (h[i]! + v) | 0;
    });
  }
  return wordsToBytes(h, outBytes);
}

const SHA512_K = [
  '428a2f98d728ae22', '7137449123ef65cd', 'b5c0fbcfec4d3b2f', 'e9b5dba58189dbbc', '3956c25bf348b538', '59f111f1b605d019', '923f82a4af194f9b', 'ab1c5ed5da6d8118',
  'd807aa98a3030242', '12835b0145706fbe', '243185be4ee4b28c', '550c7dc3d5ffb4e2', '72be5d74f27b896f', '80deb1fe3b1696b1', '9bdc06a725c71235', 'c19bf174cf692694',
  'e49b69c19ef14ad2', 'efbe4786384f25e3', '0fc19dc68b8cd5b5', '240ca1cc77ac9c65', '2de92c6f592b0275', '4a7484aa6ea6e483', '5cb0a9dcbd41fbd4', '76f988da831153b5',
  '983e5152ee66dfab', 'a831c66d2db43210', 'b00327c898fb213f', 'bf597fc7beef0ee4', 'c6e00bf33da88fc2', 'd5a79147930aa725', '06ca6351e003826f', '142929670a0e6e70',
  '27b70a8546d22ffc', '2e1b21385c26c926', '4d2c6dfc5ac42aed', '53380d139d95b3df', '650a73548baf63de', '766a0abb3c77b2a8', '81c2c92e47edaee6', '92722c851482353b',
  'a2bfe8a14cf10364', 'a81a664bbc423001', 'c24b8b70d0f89791', 'c76c51a30654be30', 'd192e819d6ef5218', 'd69906245565a910', 'f40e35855771202a', '106aa07032bbd1b8',
  '19a4c116b8d2d0c8', '1e376c085141ab53', '2748774cdf8eeb99', '34b0bcb5e19b48a8', '391c0cb3c5c95a63', '4ed8aa4ae3418acb', '5b9cca4f7763e373', '682e6ff3d6b2b8a3',
  '748f82ee5defb2fc', '78a5636f43172f60', '84c87814a1f0ab72', '8cc702081a6439ec', '90befffa23631e28', 'a4506cebde82bde9', 'bef9a3f7b2c67915', 'c67178f2e372532b',
  'ca273eceea26619c', 'd186b8c721c0c207', 'eada7dd6cde0eb1e', 'f57d4f7fee6ed178', '06f067aa72176fba', '0a637dc5a2c898a6', '113f9804bef90dae', '1b710b35131c471b',
  '28db77f523047d84', '32caab7b40c72493', '3c9ebe0a15c9bebc', '431d67c49c100d4c', '4cc5d4becb3e42b6', '597f299cfc657e2a', '5fcb6fab3ad6faec', '6c44198c4a475817',
].map((x) => BigInt('0x' + x));

const M64 = (1n << 64n) - 1n;
const rotr64 = (x: bigint, n: bigint): bigint => ((x >> n) | (x << (64n - n))) & M64;

function sha512(msg: Uint8Array, iv: readonly string[], outBytes: number): Uint8Array {
  const m = pad(msg, 128, 16, false);
  const h = iv.map((x) => BigInt('0x' + x));
  const w: bigint[] = new Array<bigint>(80).fill(0n);
  for (let off = 0; off < m.length; off += 128) {
    for (let i = 0; i < 16; i++) {
      let v = 0n;
      for (let j = 0; j < 8; j++) v = (v << 8n) | BigInt(m[off + 8 * i + j]!);
      w[i] = v;
    }
    for (let i = 16; i < 80; i++) {
      const x = w[i - 15]!;
      const y = w[i - 2]!;
      const s0 = rotr64(x, 1n) ^ rotr64(x, 8n) ^ (x >> 7n);
      const s1 = rotr64(y, 19n) ^ rotr64(y, 61n) ^ (y >> 6n);
      w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) & M64;
    }
    let [a, b, c, d, e, f, g, hh] = h as [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint];
    for (let i = 0; i < 80; i++) {
      const S1 = rotr64(e, 14n) ^ rotr64(e, 18n) ^ rotr64(e, 41n);
      const ch = (e & f) ^ (~e & M64 & g);
      const t1 = (hh + S1 + ch + SHA512_K[i]! + w[i]!) & M64;
      const S0 = rotr64(a, 28n) ^ rotr64(a, 34n) ^ rotr64(a, 39n);
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) & M64;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) & M64;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) & M64;
    }
    [a, b, c, d, e, f, g, hh].forEach((v, i) => {
      h[i] = (h[i]! + v) & M64;
    });
  }
  const out = new Uint8Array(outBytes);
  for (let i = 0; i < outBytes; i++) out[i] = Number((h[i >> 3]! >> BigInt(56 - 8 * (i & 7))) & 0xffn);
  return out;
}

/** Keccak-f[1600] round constants and rotation offsets, derived as FIPS 202 specifies (LFSR and (x,y) walk). */
const KECCAK_RC: bigint[] = (() => {
  const rc: bigint[] = [];
  let r = 1;
  const lfsr = (): number => {
    const bit = r & 1;
    r = r & 0x80 ? ((r << 1) ^ 0x71) & 0xff : (r << 1) & 0xff;
    return bit;
  };
  for (let round = 0; round < 24; round++) {
    let c = 0n;
    for (let j = 0; j < 7; j++) if (lfsr()) c |= 1n << BigInt((1 << j) - 1);
    rc.push(c);
  }
  return rc;
})();

const KECCAK_ROT: number[] = (() => {
  const rot = new Array<number>(25).fill(0);
  let x = 1;
  let y = 0;
  for (let t = 0; t < 24; t++) {
    rot[x + 5 * y] = (((t + 1) * (t + 2)) / 2) % 64;
    [x, y] = [y, (2 * x + 3 * y) % 5];
  }
  return rot;
})();

const rotl64 = (v: bigint, n: number): bigint => (n === 0 ? v : ((v << BigInt(n)) | (v >> BigInt(64 - n))) & M64);

function keccakF(state: bigint[]): void {
  for (let round = 0; round < 24; round++) {
    const c = [0, 1, 2, 3, 4].map((x) => state[x]! ^ state[x + 5]! ^ state[x + 10]! ^ state[x + 15]! ^ state[x + 20]!);
    for (let x = 0; x < 5; x++) {
      const d = c[(x + 4) % 5]! ^ rotl64(c[(x + 1) % 5]!, 1);
      for (let y = 0; y < 25; y += 5) state[x + y] = state[x + y]! ^ d;
    }
    const b = new Array<bigint>(25).fill(0n);
    for (let x = 0; x < 5; x++) {
      for (let y = 0; y < 5; y++) b[y + 5 * ((2 * x + 3 * y) % 5)] = rotl64(state[x + 5 * y]!, KECCAK_ROT[x + 5 * y]!);
    }
    for (let y = 0; y < 25; y += 5) {
      for (let x = 0; x < 5; x++) state[x + y] = b[x + y]! ^ (~b[((x + 1) % 5) + y]! & M64 & b[((x + 2) % 5) + y]!);
    }
    state[0] = state[0]! ^ KECCAK_RC[round]!;
  }
}

/** SHA3-n (FIPS 202): sponge with rate 200 - 2n/8 bytes and the 0x06 domain padding. */
function sha3(msg: Uint8Array, outBytes: number): Uint8Array {
  const rate = 200 - 2 * outBytes;
  const padded = new Uint8Array(Math.floor(msg.length / rate + 1) * rate);
  padded.set(msg);
  padded[msg.length] = 0x06;
  padded[padded.length - 1]! |= 0x80;
  const state = new Array<bigint>(25).fill(0n);
  for (let off = 0; off < padded.length; off += rate) {
    for (let i = 0; i < rate / 8; i++) {
      let lane = 0n;
      for (let j = 7; j >= 0; j--) lane = (lane << 8n) | BigInt(padded[off + 8 * i + j]!);
      state[i] = state[i]! ^ lane;
    }
    keccakF(state);
  }
  const out = new Uint8Array(outBytes);
  for (let i = 0; i < outBytes; i++) out[i] = Number((state[i >> 3]! >> BigInt(8 * (i & 7))) & 0xffn);
  return out;
}

interface Digest {
  length: number;
  digest(msg: Uint8Array): Uint8Array;
}

const SHA256_IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
const SHA224_IV = [0xc1059ed8, 0x367cd507, 0x3070dd17, 0xf70e5939, 0xffc00b31, 0x68581511, 0x64f98fa7, 0xbefa4fa4];
const SHA512_IV = ['6a09e667f3bcc908', 'bb67ae8584caa73b', '3c6ef372fe94f82b', 'a54ff53a5f1d36f1', '510e527fade682d1', '9b05688c2b3e6c1f', '1f83d9abfb41bd6b', '5be0cd19137e2179'];
const SHA384_IV = ['cbbb9d5dc1059ed8', '629a292a367cd507', '9159015a3070dd17', '152fecd8f70e5939', '67332667ffc00b31', '8eb44a8768581511', 'db0c2e0d64f98fa7', '47b5481dbefa4fa4'];
const SHA512_224_IV = ['8c3d37c819544da2', '73e1996689dcd4d6', '1dfab7ae32ff9c82', '679dd514582f9fcf', '0f6d2b697bd44da8', '77e36f7304c48942', '3f9d85a86a1d36c8', '1112e6ad91d692a1'];
const SHA512_256_IV = ['22312194fc2bf72c', '9f555fa3c84c64c2', '2393b86b6f53b151', '963877195940eabd', '96283ee2a88effe3', 'be5e1e2553863992', '2b0199fc2c85b8aa', '0eb72ddc81c52ca2'];

const DIGESTS: Record<string, Digest> = {
  MD5: { length: 16, digest: md5 },
  'SHA-1': { length: 20, digest: sha1 },
  'SHA-224': { length: 28, digest: (m) => sha256(m, SHA224_IV, 28) },
  'SHA-256': { length: 32, digest: (m) => sha256(m, SHA256_IV, 32) },
  'SHA-384': { length: 48, digest: (m) => sha512(m, SHA384_IV, 48) },
  'SHA-512': { length: 64, digest: (m) => sha512(m, SHA512_IV, 64) },
  'SHA-512/224': { length: 28, digest: (m) => sha512(m, SHA512_224_IV, 28) },
  'SHA-512/256': { length: 32, digest: (m) => sha512(m, SHA512_256_IV, 32) },
  'SHA3-224': { length: 28, digest: (m) => sha3(m, 28) },
  'SHA3-256': { length: 32, digest: (m) => sha3(m, 32) },
  'SHA3-384': { length: 48, digest: (m) => sha3(m, 48) },
  'SHA3-512': { length: 64, digest: (m) => sha3(m, 64) },
};

/** Java MessageDigest aliases (names are case-insensitive). */
const ALIASES: Record<string, string> = { SHA: 'SHA-1', SHA1: 'SHA-1', SHA224: 'SHA-224', SHA256: 'SHA-256', SHA384: 'SHA-384', SHA512: 'SHA-512' };

/** The hex digest of a string, as Metron's HASH computes it. */
export function hexDigest(algorithm: string, bytes: Uint8Array): string {
  const d = lookupDigest(algorithm);
  if (d === undefined) return fail(`Invalid hash type: ${algorithm}`);
  let out = '';
  for (const b of d.digest(bytes)) out += b.toString(16).padStart(2, '0');
  return out;
}

function lookupDigest(name: string): Digest | undefined {
  const upper = name.toUpperCase();
  return DIGESTS[upper] ?? DIGESTS[ALIASES[upper] ?? ''];
}

function charsetBytes(s: string, config: StellarValue): Uint8Array {
  const cs = config instanceof Map ? mapGet(config as Map<StellarValue, StellarValue>, 'charset') : null;
  if (cs === null) return utf8Bytes(s);
  const name = javaToString(cs).toUpperCase().replace(/_/g, '-');
  if (name === 'UTF-8' || name === 'UTF8') return utf8Bytes(s);
  if (name === 'ISO-8859-1' || name === 'LATIN1' || name === 'US-ASCII' || name === 'ASCII') return latin1Bytes(s);
  return fail(`HASH: unsupported charset ${javaToString(cs)}`);
}

interface TlshSettings {
  options: TlshOptions;
  force: boolean;
  /** Bin sizes; none means HASH returns the digest string rather than a map. */
  hashes: number[];
}

function intSetting(v: StellarValue): number | null {
  const n = convertNumber(v, 'int');
  return n === null ? null : n.value;
}

/** Metron's TLSHHasher config keys; an unknown size or checksum length keeps the default. */
function tlshSettings(config: StellarValue): TlshSettings {
  const settings: TlshSettings = { options: { ...DEFAULT_TLSH_OPTIONS }, force: true, hashes: [] };
  if (!(config instanceof Map) || config.size === 0) return settings;
  const map = config as Map<StellarValue, StellarValue>;
  const buckets = intSetting(mapGet(map, 'bucketSize'));
  if (buckets === 128 || buckets === 256) settings.options.buckets = buckets;
  const checksum = intSetting(mapGet(map, 'checksumBytes'));
  if (checksum === 1 || checksum === 3) settings.options.checksumBytes = checksum;
  const force = convertBoolean(mapGet(map, 'force'));
  if (force !== null) settings.force = force;
  const hashes = mapGet(map, 'hashes');
  if (hashes !== null) {
    const sizes = (Array.isArray(hashes) ? hashes : [hashes]).map((h) => intSetting(h as StellarValue));
    if (sizes.some((h) => h === null || h <= 0)) fail(`HASH: tlsh 'hashes' must be positive integers, got ${javaToString(hashes)}`);
    settings.hashes = sizes as number[];
  }
  return settings;
}

/** HASH(x, 'tlsh', config): the digest, a map of it and its bins, or null when TLSH refuses the input. */
function tlshValue(toHash: StellarValue, config: StellarValue): StellarValue {
  let bytes: Uint8Array;
  if (typeof toHash === 'string') bytes = utf8Bytes(toHash);
  else if (toHash instanceof Uint8Array) bytes = toHash;
  else return null;
  const settings = tlshSettings(config);
  const digest = tlshHash(bytes, settings.options, settings.force);
  if (digest === null || settings.hashes.length === 0) return digest;
  const out = new Map<StellarValue, StellarValue>([['tlsh', digest]]);
  for (const [k, v] of tlshBins(digest, settings.options.checksumBytes, settings.hashes)) out.set(k, v);
  return out;
}

function tlshDigestArg(v: StellarValue): string | null {
  if (v === null) return null;
  if (typeof v !== 'string') return fail(`TLSH_DIST: ${javaToString(v)} must be strings`);
  return v;
}

export const functions: StellarFunction[] = [
  defineFunction('GET_HASHES_AVAILABLE', '', 'Lists the hash algorithms HASH supports.', [], 'A list of algorithm names.', (args) => {
    if (args.length !== 0) fail('Invalid call. This function does not expect any arguments.');
    return ['MD5', 'SHA', 'SHA-1', 'SHA-224', 'SHA-256', 'SHA-384', 'SHA-512', 'SHA-512/224', 'SHA-512/256', 'SHA3-224', 'SHA3-256', 'SHA3-384', 'SHA3-512', 'TLSH'];
  }),
  defineFunction(
    'HASH',
    '',
    'Hashes a value with a message digest algorithm (hex encoded) or with the TLSH locality-sensitive hash.',
    [
      'toHash - The value to hash',
      "hashType - The algorithm, one of GET_HASHES_AVAILABLE() (e.g. 'SHA-256', 'TLSH')",
      "config? - Optional map. Digests: charset (UTF-8 by default). TLSH: bucketSize (128 or 256), checksumBytes (1 or 3), force (true: 50 bytes suffice, false: 256 needed), hashes (bin sizes: returns a map with 'tlsh' and its bins)",
    ],
    "The hex digest; for a null value all '00' of the digest length (a digest) or null (TLSH); null when the hash type is null, the value cannot be hashed, or TLSH finds too little data or variation.",
    (args) => {
      if (args.length < 2) fail(`Invalid number of arguments: ${args.length}`);
      const toHash = arg(args, 0);
      const hashType = arg(args, 1);
      if (hashType === null) return null;
      const algorithm = javaToString(hashType);
      if (algorithm.toUpperCase() === 'TLSH') return tlshValue(toHash, arg(args, 2));
      const digest = lookupDigest(algorithm);
      if (digest === undefined) return fail(`Invalid hash type: ${algorithm}`);
      if (toHash === null) return '00'.repeat(digest.length);
      if (typeof toHash !== 'string') return null;
      return hexDigest(algorithm, charsetBytes(toHash, arg(args, 2)));
    },
  ),
  defineFunction(
    'TLSH_DIST',
    'TLSH',
    'Computes the TLSH distance between two TLSH digests made with the same options.',
    ['hash1 - The first TLSH digest', 'hash2 - The second TLSH digest', 'includeLength? - Whether the data lengths count in the distance (false by default)'],
    'An int: 0 for identical data, larger for less similar data; -1 when a digest is null.',
    (args) => {
      if (args.length < 2) fail('Invalid call. This function requires at least 2 arguments: the two TLSH hashes.');
      const h1 = tlshDigestArg(arg(args, 0));
      const h2 = tlshDigestArg(arg(args, 1));
      const includeLength = args.length > 2 ? (convertBoolean(arg(args, 2)) ?? false) : false;
      if (h1 === null || h2 === null) return new JInt(-1);
      try {
        return new JInt(tlshDistance(decodeTlsh(h1).digest, decodeTlsh(h2).digest, includeLength));
      } catch (e) {
        if (e instanceof TlshFormatError) return fail(`TLSH_DIST: ${e.message}`);
        throw e;
      }
    },
  ),
];
