import { describe, expect, it } from 'vitest';
import type { StellarValue } from '../values.js';
import { functions } from './encoding.js';
import { callFunction } from './test-support/call-function.js';

const call = (name: string, ...args: StellarValue[]) => callFunction(functions, name, ...args);

const BASE32HEX_FIXTURE = '91IMOR3F41BMUSJCCG======';
const BASE32_FIXTURE = 'JBSWY3DPEBLW64TMMQ======\r\n';
const BASE64_FIXTURE = 'SGVsbG8gV29ybGQ=';
const BINARY_FIXTURE = '0110010001101100011100100110111101010111001000000110111101101100011011000110010101001000';
const HEX_FIXTURE = '48656c6c6f20576f726c64';
const STRING_FIXTURE = 'Hello World';
const STRING_FIXTURE_PLUS_NULL = 'Hello World\u0000';

describe('encoding functions', () => {
  it('IS_ENCODING checks the alphabet', () => {
    expect(call('IS_ENCODING', BASE32_FIXTURE, 'BASE32')).toBe(true);
    expect(call('IS_ENCODING', BASE32HEX_FIXTURE, 'BASE32HEX')).toBe(true);
    expect(call('IS_ENCODING', BASE64_FIXTURE, 'BASE64')).toBe(true);
    expect(call('IS_ENCODING', STRING_FIXTURE_PLUS_NULL, 'BASE64')).toBe(false);
    expect(call('IS_ENCODING', BINARY_FIXTURE, 'BINARY')).toBe(true);
    expect(call('IS_ENCODING', STRING_FIXTURE, 'BINARY')).toBe(false);
    expect(call('IS_ENCODING', HEX_FIXTURE, 'HEX')).toBe(true);
    expect(call('IS_ENCODING', 'value', 'BASE32')).toBe(false);
    expect(call('IS_ENCODING', '', 'HEX')).toBe(false);
    expect(() => call('IS_ENCODING', 'x', 'ROT13')).toThrow(/not supported/);
  });

  it('DECODE each encoding, returning the input when it cannot be decoded', () => {
    expect(call('DECODE', BASE32_FIXTURE, 'BASE32')).toBe(STRING_FIXTURE);
    expect(call('DECODE', BASE32HEX_FIXTURE, 'BASE32HEX')).toBe(STRING_FIXTURE);
    expect(call('DECODE', BASE64_FIXTURE, 'base64')).toBe(STRING_FIXTURE);
    expect(call('DECODE', BINARY_FIXTURE, 'BINARY')).toBe(STRING_FIXTURE);
    expect(call('DECODE', HEX_FIXTURE, 'HEX')).toBe(STRING_FIXTURE);
    expect(call('DECODE', STRING_FIXTURE, 'BINARY')).toBe(STRING_FIXTURE);
    expect(call('DECODE', STRING_FIXTURE, 'HEX')).toBe(STRING_FIXTURE);
    expect(call('DECODE', BASE32HEX_FIXTURE, 'BASE32HEX', true)).toBe(STRING_FIXTURE);
    expect(call('DECODE', BINARY_FIXTURE, 'BINARY', true)).toBe(STRING_FIXTURE);
    for (const enc of ['BASE32', 'BASE32HEX', 'BINARY', 'HEX']) expect(call('DECODE', STRING_FIXTURE, enc, true)).toBe(STRING_FIXTURE);
    expect(call('DECODE', '', 'HEX')).toBeNull();
    expect(() => call('DECODE', 'x')).toThrow();
  });

  it('ENCODE each encoding', () => {
    expect(call('ENCODE', STRING_FIXTURE, 'BASE32')).toBe('JBSWY3DPEBLW64TMMQ======');
    expect(call('ENCODE', STRING_FIXTURE, 'BASE32HEX')).toBe(BASE32HEX_FIXTURE);
    expect(call('ENCODE', STRING_FIXTURE, 'BASE64')).toBe(BASE64_FIXTURE);
    expect(call('ENCODE', STRING_FIXTURE, 'BINARY')).toBe(BINARY_FIXTURE);
    expect(call('ENCODE', STRING_FIXTURE, 'HEX')).toBe(HEX_FIXTURE);
    expect(call('ENCODE', 'ab', 'BASE64')).toBe('YWI=');
    expect(call('ENCODE', 'héllo', 'BASE64')).toBe('aMOpbGxv');
    expect(call('DECODE', 'aMOpbGxv', 'BASE64')).toBe('héllo');
    expect(call('ENCODE', null, 'HEX')).toBeNull();
  });

  it('lists the supported encodings', () => {
    expect(call('GET_SUPPORTED_ENCODINGS')).toEqual(['BASE32', 'BASE32HEX', 'BASE64', 'BINARY', 'HEX']);
  });
});
