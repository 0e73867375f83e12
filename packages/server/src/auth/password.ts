/**
 * Password hashing with scrypt (RFC 7914) from node:crypto. The parameters are stored with each
 * hash so they can be raised later without invalidating existing hashes.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number;
  r: number;
  p: number;
  keyLength: number;
}

/** A stored password hash: the parameters, the salt and the derived key (base64). */
export interface PasswordHash extends ScryptParams {
  scheme: 'scrypt';
  salt: string;
  hash: string;
}

/** N=2^15, r=8, p=1: ~32 MiB and tens of milliseconds per hash (OWASP's scrypt baseline is N=2^17 r=8 p=1 or N=2^15 r=8 p=3). */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { N: 2 ** 15, r: 8, p: 1, keyLength: 64 };

const SALT_BYTES = 16;

function deriveKey(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  // scrypt needs 128 * N * r bytes; node's default maxmem (32 MiB) is exactly that at N=2^15 r=8.
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, params.keyLength, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** Hashes a password with a fresh random salt. */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<PasswordHash> {
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(password, salt, params);
  return { scheme: 'scrypt', N: params.N, r: params.r, p: params.p, keyLength: params.keyLength, salt: salt.toString('base64'), hash: key.toString('base64') };
}

/** True when the password matches the stored hash (constant-time comparison of the derived keys). */
export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64');
  const actual = await deriveKey(password, Buffer.from(stored.salt, 'base64'), stored);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A strong random password for the generated admin account (144 bits, URL-safe). */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

/** Validates the shape of a stored hash read from disk. */
export function isPasswordHash(value: unknown): value is PasswordHash {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const isPow2 = (n: unknown): boolean => typeof n === 'number' && Number.isInteger(n) && n > 1 && (n & (n - 1)) === 0;
  return v['scheme'] === 'scrypt' && isPow2(v['N']) && Number.isInteger(v['r']) && Number.isInteger(v['p'])
    && Number.isInteger(v['keyLength']) && typeof v['salt'] === 'string' && typeof v['hash'] === 'string';
}
