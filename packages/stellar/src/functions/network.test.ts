import { describe, expect, it } from 'vitest';
import { int, type StellarValue } from '../values.js';
import { functions } from './network.js';
import { callFunction, typed } from './test-support/call-function.js';

const call = (name: string, ...args: StellarValue[]) => callFunction(functions, name, ...args);

describe('IN_SUBNET', () => {
  it('tests CIDR membership, excluding network and broadcast addresses', () => {
    expect(call('IN_SUBNET', '192.168.1.1', '192.168.0.0/24')).toBe(false);
    expect(call('IN_SUBNET', '192.168.1.1', '192.168.0.0/24', '192.168.1.0/24')).toBe(true);
    expect(call('IN_SUBNET', '192.168.0.1', '192.168.0.0/24')).toBe(true);
    expect(call('IN_SUBNET', '192.168.0.1', '192.168.0.0/24', '11.0.0.0/24')).toBe(true);
    expect(call('IN_SUBNET', '10.0.0.1', '192.168.0.0/24', '11.0.0.0/24')).toBe(false);
    expect(call('IN_SUBNET', '192.168.0.0', '192.168.0.0/24')).toBe(false);
    expect(call('IN_SUBNET', '192.168.0.255', '192.168.0.0/24')).toBe(false);
    expect(call('IN_SUBNET', '10.1.2.3', '10.0.0.0/8')).toBe(true);
    expect(call('IN_SUBNET', '10.1.2.3', '0.0.0.0/0')).toBe(true);
    expect(call('IN_SUBNET', null, '10.0.0.0/8')).toBe(false);
    expect(call('IN_SUBNET', '10.1.2.3', null)).toBe(false);
  });

  it('fails on malformed input', () => {
    expect(() => call('IN_SUBNET', '10.1.2.3')).toThrow();
    expect(() => call('IN_SUBNET', 'nope', '10.0.0.0/8')).toThrow();
    expect(() => call('IN_SUBNET', '10.1.2.3', '10.0.0.0/33')).toThrow();
  });
});

describe('DOMAIN functions', () => {
  it.each([
    ['www.google.com', 'google.com'],
    ['com', 'com'],
    ['co.uk.co.uk', 'uk.co.uk'],
    ['www.google.co.uk', 'google.co.uk'],
  ])('DOMAIN_REMOVE_SUBDOMAINS(%s) is %s', (input, expected) => {
    expect(call('DOMAIN_REMOVE_SUBDOMAINS', input)).toBe(expected);
  });

  it.each([
    ['com.com', 'com'],
    ['net.net', 'net'],
    ['co.uk.co.uk', 'co.uk'],
    ['www.subdomain.google.gmail', 'gmail'],
    ['www.google.co.uk', 'co.uk'],
  ])('DOMAIN_TO_TLD(%s) is %s', (input, expected) => {
    expect(call('DOMAIN_TO_TLD', input)).toBe(expected);
  });

  it.each([
    ['www.google.co.uk', 'www.google'],
    ['www.google.com', 'www.google'],
    ['com', ''],
    ['net.net', 'net'],
    ['www.subdomain.com.com', 'www.subdomain.com'],
  ])('DOMAIN_REMOVE_TLD(%s) is %s', (input, expected) => {
    expect(typed(call('DOMAIN_REMOVE_TLD', input))).toEqual({ type: 'string', value: expected });
  });

  it('gives null for null or invalid domains and fails for non-strings', () => {
    expect(call('DOMAIN_REMOVE_TLD', null)).toBeNull();
    expect(call('DOMAIN_REMOVE_SUBDOMAINS', 'bad..domain')).toBeNull();
    expect(call('DOMAIN_REMOVE_SUBDOMAINS')).toBeNull();
    expect(() => call('DOMAIN_TO_TLD', int(1))).toThrow();
  });
});

describe('URL functions', () => {
  it('extract parts like java.net.URL', () => {
    expect(typed(call('URL_TO_PORT', 'http://www.google.com/foo/bar'))).toEqual({ type: 'int', value: 80 });
    expect(typed(call('URL_TO_PORT', 'https://www.google.com/foo/bar'))).toEqual({ type: 'int', value: 443 });
    expect(typed(call('URL_TO_PORT', 'http://www.google.com:7979/foo/bar'))).toEqual({ type: 'int', value: 7979 });
    expect(call('URL_TO_HOST', 'http://www.google.com/foo/bar')).toBe('www.google.com');
    expect(call('URL_TO_HOST', 'https://www.google.com/foo/bar')).toBe('www.google.com');
    expect(call('URL_TO_HOST', 'http://www.google.gmail/foo/bar')).toBe('www.google.gmail');
    expect(call('URL_TO_PROTOCOL', 'http://www.google.com/foo/bar')).toBe('http');
    expect(call('URL_TO_PATH', 'http://www.google.com/foo/bar')).toBe('/foo/bar');
    expect(call('URL_TO_PATH', 'https://www.google.com/foo/bar?x=1#top')).toBe('/foo/bar');
    expect(call('URL_TO_PATH', 'http://www.google.co.uk/my/path')).toBe('/my/path');
    expect(call('URL_TO_HOST', 'http://user:pw@[::1]:8080/x')).toBe('[::1]');
    expect(call('URL_TO_PATH', 'http://www.google.com')).toBe('');
  });

  it('give null for null or malformed URLs', () => {
    expect(call('URL_TO_HOST', null)).toBeNull();
    expect(call('URL_TO_HOST', 'foo://bar')).toBeNull();
    expect(call('URL_TO_PORT', 'http://host:port/')).toBeNull();
    expect(call('URL_TO_PROTOCOL', 'no scheme')).toBeNull();
    expect(() => call('URL_TO_HOST', int(1))).toThrow();
  });
});
