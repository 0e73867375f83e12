/**
 * Encoding functions (Metron EncodingFunctions.java / Encodings.java, on commons-codec):
 * BASE32, BASE32HEX, BASE64, BINARY and HEX over the UTF-8 bytes of strings. Decoding is lenient
 * as commons-codec is (characters outside the alphabet are skipped); with verify=true a string
 * that is not in the encoding's alphabet is returned unchanged.
 */
import type { StellarValue } from '../values.js';
import type { StellarFunction } from './types.js';
import { arg, castString, defineFunction, fail, javaTypeName, utf8Bytes, utf8String } from './java-interop.js';

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const BASE32HEX_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUV';
const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function isWhitespace(c: string): boolean {
  return c === ' ' || c === '\n' || c === '\r' || c === '\t';
}

/** commons-codec BaseNCodec.isInAlphabet(String) with padding and whitespace allowed. */
function inAlphabet(s: string, alphabet: string): boolean {
  for (const c of s) if (!(alphabet.includes(c) || c === '=' || isWhitespace(c))) return false;
  return true;
}

function base32Encode(bytes: Uint8Array, alphabet: string): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 5) {
    const chunk = bytes.slice(i, i + 5);
    let bits = 0n;
    for (let j = 0; j < 5; j++) bits = (bits << 8n) | BigInt(chunk[j] ?? 0);
    const chars = [0, 2, 4, 5, 7, 8][chunk.length] ?? 8;
    for (let j = 0; j < 8; j++) {
      out += j < chars ? alphabet[Number((bits >> BigInt(35 - 5 * j)) & 31n)] : '=';
    }
  }
  return out;
}

function baseNDecode(s: string, alphabet: string, bitsPerChar: number): Uint8Array {
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const c of s) {
    if (c === '=') break;
    const v = alphabet.indexOf(c);
    if (v < 0) continue;
    buffer = ((buffer << bitsPerChar) | v) & 0xffffff;
    bits += bitsPerChar;
    if (bits >= 8) {
      bits -= 8;
      out.push((buffer >> bits) & 0xff);
    }
  }
  return Uint8Array.from(out);
}

function base64Encode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] ?? 0;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += BASE64_ALPHABET[(n >> 18) & 63]! + BASE64_ALPHABET[(n >> 12) & 63]!;
    out += b === undefined ? '=' : BASE64_ALPHABET[(n >> 6) & 63]!;
    out += c === undefined ? '=' : BASE64_ALPHABET[n & 63]!;
  }
  return out;
}

/** commons-codec Base64 decodes both the standard and the URL-safe alphabet. */
function base64Decode(s: string): Uint8Array {
  return baseNDecode(s.replace(/-/g, '+').replace(/_/g, '/'), BASE64_ALPHABET, 6);
}

/** commons-codec BinaryCodec.toAsciiString: the last byte comes first, most significant bit first. */
function binaryEncode(bytes: Uint8Array): string {
  let out = '';
  for (let i = bytes.length - 1; i >= 0; i--) out += (bytes[i] ?? 0).toString(2).padStart(8, '0');
  return out;
}

/** commons-codec BinaryCodec.fromAscii: groups of 8 characters read from the end, '1' sets a bit. */
function binaryDecode(s: string): Uint8Array {
  const ascii = utf8Bytes(s);
  const raw = new Uint8Array(ascii.length >> 3);
  for (let ii = 0, jj = ascii.length - 1; ii < raw.length; ii++, jj -= 8) {
    for (let bit = 0; bit < 8; bit++) if (ascii[jj - bit] === 0x31) raw[ii]! |= 1 << bit;
  }
  return raw;
}

function hexDecode(s: string): Uint8Array | null {
  if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) return null;
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function hexEncode(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

interface Encoding {
  is(s: string): boolean;
  decode(s: string): string;
  encode(s: string): string;
}

const ENCODINGS: Record<string, Encoding> = {
  BASE32: {
    is: (s) => inAlphabet(s, BASE32_ALPHABET),
    decode: (s) => utf8String(baseNDecode(s, BASE32_ALPHABET, 5)),
    encode: (s) => base32Encode(utf8Bytes(s), BASE32_ALPHABET),
  },
  BASE32HEX: {
    is: (s) => inAlphabet(s, BASE32HEX_ALPHABET),
    decode: (s) => utf8String(baseNDecode(s, BASE32HEX_ALPHABET, 5)),
    encode: (s) => base32Encode(utf8Bytes(s), BASE32HEX_ALPHABET),
  },
  BASE64: {
    is: (s) => inAlphabet(s, BASE64_ALPHABET + '-_'),
    decode: (s) => utf8String(base64Decode(s)),
    encode: (s) => base64Encode(utf8Bytes(s)),
  },
  BINARY: {
    is: (s) => /^[01]*$/.test(s),
    decode: (s) => {
      const str = utf8String(binaryDecode(s));
      return javaTrimIsEmpty(str) ? s : str;
    },
    encode: (s) => binaryEncode(utf8Bytes(s)),
  },
  HEX: {
    is: (s) => hexDecode(s) !== null,
    decode: (s) => {
      const bytes = hexDecode(s);
      return bytes === null ? s : utf8String(bytes);
    },
    encode: (s) => hexEncode(utf8Bytes(s)),
  },
};

export const SUPPORTED_ENCODINGS = Object.keys(ENCODINGS);

function javaTrimIsEmpty(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 32) return false;
  return true;
}

function encodingArg(v: StellarValue, fnName: string): Encoding {
  const name = castString(v, fnName, 'encoding') ?? '';
  const enc = ENCODINGS[name.toUpperCase()];
  if (enc === undefined) return fail(`Encoding ${name} not supported`);
  return enc;
}

export const functions: StellarFunction[] = [
  defineFunction('GET_SUPPORTED_ENCODINGS', '', 'Lists the encodings ENCODE, DECODE and IS_ENCODING support.', [], 'A list of encoding names.', () => [...SUPPORTED_ENCODINGS]),
  defineFunction('IS_ENCODING', '', 'Tests whether a string is written in the alphabet of an encoding.', ['string - The string to test', 'encoding - One of GET_SUPPORTED_ENCODINGS()'], 'True if the string could be in that encoding, false otherwise or when either is empty.', (args) => {
    if (args.length < 2) fail('IS_ENCODING expects two args: [string, encoding] where encoding is one from the supported list');
    const str = castString(arg(args, 0), 'IS_ENCODING', 'string');
    const name = castString(arg(args, 1), 'IS_ENCODING', 'encoding');
    if (str === null || str === '' || name === null || name === '') return false;
    return encodingArg(name, 'IS_ENCODING').is(str);
  }),
  defineFunction('DECODE', '', 'Decodes a string from an encoding into UTF-8 text.', ['string - The string to decode', 'encoding - One of GET_SUPPORTED_ENCODINGS()', 'verify - (optional) When true, a string that is not in the encoding is returned unchanged'], 'The decoded string (or the input when it cannot be decoded); null when the string or encoding is empty.', (args) => {
    if (args.length !== 2 && args.length !== 3) fail('DECODE expects two or three args: [string, encoding] or [string, encoding, verify]');
    const str = castString(arg(args, 0), 'DECODE', 'string');
    const name = castString(arg(args, 1), 'DECODE', 'encoding');
    const verifyArg = args.length === 3 ? arg(args, 2) : false;
    if (verifyArg !== null && typeof verifyArg !== 'boolean') fail(`DECODE: verify must be a boolean, got ${javaTypeName(verifyArg)}`);
    if (str === null || str === '' || name === null || name === '') return null;
    const enc = encodingArg(name, 'DECODE');
    if (verifyArg === true && !enc.is(str)) return str;
    return enc.decode(str);
  }),
  defineFunction('ENCODE', '', 'Encodes the UTF-8 bytes of a string in an encoding.', ['string - The string to encode', 'encoding - One of GET_SUPPORTED_ENCODINGS()'], 'The encoded string; null when the string or encoding is empty.', (args) => {
    if (args.length !== 2 && args.length !== 3) fail('ENCODE expects two args: [string, encoding]');
    const str = castString(arg(args, 0), 'ENCODE', 'string');
    const name = castString(arg(args, 1), 'ENCODE', 'encoding');
    if (str === null || str === '' || name === null || name === '') return null;
    return encodingArg(name, 'ENCODE').encode(str);
  }),
];
