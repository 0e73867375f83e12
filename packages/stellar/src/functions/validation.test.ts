import { describe, expect, it } from 'vitest';
import { float, int, type StellarValue } from '../values.js';
import { functions } from './validation.js';
import { callFunction } from './test-support/call-function.js';

const call = (name: string, ...args: StellarValue[]) => callFunction(functions, name, ...args);

describe('validation functions', () => {
  it('IS_DOMAIN', () => {
    expect(call('IS_DOMAIN', 'caseystella.com')).toBe(true);
    expect(call('IS_DOMAIN', 'www.hotmail.co.uk')).toBe(true);
    expect(call('IS_DOMAIN', 'hotmail.edu')).toBe(true);
    expect(call('IS_DOMAIN')).toBe(false);
    expect(call('IS_DOMAIN', 'foo')).toBe(false);
    expect(call('IS_DOMAIN', null)).toBe(false);
    expect(call('IS_DOMAIN', 'foo.notatld')).toBe(false);
  });

  it('IS_EMAIL', () => {
    expect(call('IS_EMAIL', 'me@www.hotmail.co.uk')).toBe(true);
    expect(call('IS_EMAIL', 'me@gmail.com')).toBe(true);
    expect(call('IS_EMAIL', 'first.last+tag@example.org')).toBe(true);
    expect(call('IS_EMAIL', float(2.7))).toBe(false);
    expect(call('IS_EMAIL')).toBe(false);
    expect(call('IS_EMAIL', '')).toBe(false);
    expect(call('IS_EMAIL', 'me@localhost')).toBe(false);
    expect(call('IS_EMAIL', 'a b@example.com')).toBe(false);
  });

  it('IS_IP', () => {
    expect(call('IS_IP', '127.0.0.1')).toBe(true);
    expect(call('IS_IP', '2014/05/01')).toBe(false);
    expect(call('IS_IP', '192.168.0.1', 'IPV4')).toBe(true);
    expect(call('IS_IP', '127.0.0.2', 'IPV4')).toBe(true);
    expect(call('IS_IP', int(1), 'IPV4')).toBe(false);
    expect(call('IS_IP', '192.168.1', 'IPV4')).toBe(false);
    expect(call('IS_IP', '256.1.1.1')).toBe(false);
    expect(call('IS_IP', '2001:db8::1')).toBe(true);
    expect(call('IS_IP', '2001:db8::1', 'IPV4')).toBe(false);
    expect(call('IS_IP', '::ffff:192.168.0.1', 'IPV6')).toBe(true);
    expect(call('IS_IP', '1:2:3:4:5:6:7:8')).toBe(true);
    expect(call('IS_IP', '1:2:3:4:5:6:7')).toBe(false);
    expect(call('IS_IP', null)).toBe(false);
  });

  it('IS_URL', () => {
    expect(call('IS_URL', 'https://www.hotmail.co.uk')).toBe(true);
    expect(call('IS_URL', 'http://www.google.com:8080/foo/bar?x=1#y')).toBe(true);
    expect(call('IS_URL', 'ftp://10.0.0.1/file')).toBe(true);
    expect(call('IS_URL')).toBe(false);
    expect(call('IS_URL', '')).toBe(false);
    expect(call('IS_URL', float(2.7))).toBe(false);
    expect(call('IS_URL', 'gopher://www.google.com')).toBe(false);
    expect(call('IS_URL', 'http://nodomain')).toBe(false);
  });

  it('IS_DATE is strict', () => {
    expect(call('IS_DATE', '2014-25-01', 'yyyy-MM-dd')).toBe(false);
    expect(call('IS_DATE', '2014-05-32', 'yyyy-MM-dd')).toBe(false);
    expect(call('IS_DATE', '2014-06-01', 'yyyy-MM-dd')).toBe(true);
    expect(call('IS_DATE', '2014-02-29', 'yyyy-MM-dd')).toBe(false);
    expect(call('IS_DATE', '2016-02-29', 'yyyy-MM-dd')).toBe(true);
    expect(call('IS_DATE', null, 'yyyy-MM-dd')).toBe(false);
    expect(call('IS_DATE', int(1), 'yyyy-MM-dd')).toBe(false);
    expect(call('IS_DATE', '2014-06-02')).toBe(false);
  });

  it('IS_INTEGER', () => {
    expect(call('IS_INTEGER', int(1))).toBe(true);
    expect(call('IS_INTEGER', '2')).toBe(true);
    expect(call('IS_INTEGER', '-1,000')).toBe(true);
    expect(call('IS_INTEGER')).toBe(false);
    expect(call('IS_INTEGER', '')).toBe(false);
    expect(call('IS_INTEGER', ' ')).toBe(false);
    expect(call('IS_INTEGER', 'foo')).toBe(false);
    expect(call('IS_INTEGER', float(2.299999952316284))).toBe(false);
    expect(call('IS_INTEGER', '9223372036854775808')).toBe(false);
  });
});
