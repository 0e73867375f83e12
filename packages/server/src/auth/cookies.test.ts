import { describe, expect, it } from 'vitest';
import { parseCookies, serializeSessionCookie } from './cookies.js';

describe('cookies', () => {
  it('parses a Cookie header', () => {
    const cookies = parseCookies('a=1; metron_session=abc-_; b="quoted"; a=2; junk');
    expect(cookies.get('a')).toBe('1');
    expect(cookies.get('metron_session')).toBe('abc-_');
    expect(cookies.get('b')).toBe('quoted');
    expect(parseCookies(undefined).size).toBe(0);
  });

  it('serializes the session cookie with its flags', () => {
    expect(serializeSessionCookie('v', { maxAgeSeconds: 60, secure: true })).toBe('metron_session=v; Path=/; HttpOnly; SameSite=Strict; Max-Age=60; Secure');
    expect(serializeSessionCookie('', { maxAgeSeconds: 0, secure: false })).toContain('Max-Age=0');
  });
});
