import { describe, expect, it } from 'vitest';
import { ConfigError } from '@metron/core';
import { compileFieldValidations } from './field-validations.js';

const check = (validation: Record<string, unknown>, message: Record<string, unknown>) => compileFieldValidations([validation])!(message);
const passes = (validation: Record<string, unknown>, ...messages: Record<string, unknown>[]) => {
  for (const m of messages) expect(check(validation, m), JSON.stringify(m)).toBeUndefined();
};
const fails = (validation: Record<string, unknown>, ...messages: Record<string, unknown>[]) => {
  for (const m of messages) expect(check(validation, m), JSON.stringify(m)).toMatch(/failed|could not run/);
};

// metron-common README, "Validation Framework".
describe('global fieldValidations', () => {
  it('none', () => {
    expect(compileFieldValidations(undefined)).toBeUndefined();
    expect(compileFieldValidations([])).toBeUndefined();
  });

  it('IP: IPV4 by default, IPV6 or both by config; an absent field passes', () => {
    const v4 = { input: 'ip_src_addr', validation: 'IP', config: { type: 'IPV4' } };
    passes(v4, { ip_src_addr: '127.0.0.1' }, {});
    fails(v4, { ip_src_addr: '2001:db8::1' }, { ip_src_addr: '300.1.1.1' }, { ip_src_addr: 'foo' });
    const both = { input: ['ip_src_addr', 'ip_dst_addr'], validation: 'IP', config: { type: ['IPV4', 'IPV6'] } };
    passes(both, { ip_src_addr: '2001:db8::1', ip_dst_addr: '10.0.0.1' });
    fails(both, { ip_src_addr: '2001:db8::1', ip_dst_addr: 'nope' });
  });

  it('DOMAIN, EMAIL, URL', () => {
    passes({ input: 'd', validation: 'DOMAIN' }, { d: 'www.google.com' }, { d: 'caseystella.com' });
    fails({ input: 'd', validation: 'DOMAIN' }, { d: 'foo' }, { d: '-bad.com' }, { d: 'a..com' });
    passes({ input: 'e', validation: 'EMAIL' }, { e: 'casey@gmail.com' });
    fails({ input: 'e', validation: 'EMAIL' }, { e: 'casey@gmail' }, { e: 'gmail.com' });
    passes({ input: 'u', validation: 'URL' }, { u: 'http://www.google.com' }, { u: 'ftp://ftp.example.com/x' });
    fails({ input: 'u', validation: 'URL' }, { u: 'www.google.com' }, { u: 'file:///etc/passwd' });
  });

  it('DATE with a Java format, INTEGER, REGEX_MATCH (whole value), NOT_EMPTY', () => {
    const date = { input: 'd', validation: 'DATE', config: { format: 'yyyy-MM-dd' } };
    passes(date, { d: '2016-01-05' });
    fails(date, { d: '2016/01/05' }, { d: 'x' });
    passes({ input: 'n', validation: 'INTEGER' }, { n: 10 }, { n: '-5' });
    fails({ input: 'n', validation: 'INTEGER' }, { n: 1.5 }, { n: 'ten' }, { n: '99999999999999999999' });
    const regex = { input: 'field1', validation: 'REGEX_MATCH', config: { pattern: 'fo+' } };
    passes(regex, { field1: 'foo' });
    fails(regex, { field1: 'food' });
    passes({ input: 'f', validation: 'NOT_EMPTY' }, { f: 'x' });
    fails({ input: 'f', validation: 'NOT_EMPTY' }, { f: '  ' }, {});
  });

  it('STELLAR: a predicate over the input fields and the validation config', () => {
    const v = { validation: 'STELLAR', config: { condition: 'IS_EMAIL(sensor_main_email) && len > 0', len: 3 } };
    passes(v, { sensor_main_email: 'casey@gmail.com' });
    fails(v, { sensor_main_email: 'casey' }, {});
  });

  it('refuses bad validations at config time with the path', () => {
    const cases: [unknown, RegExp][] = [
      [{}, /\$\.fieldValidations: must be a list/],
      [[{ validation: 'NOPE' }], /\$\.fieldValidations\[0\]\.validation: validation "NOPE" is not supported/],
      [[{ input: 'a', validation: 'DATE' }], /\$\.fieldValidations\[0\]\.config\.format/],
      [[{ input: 'a', validation: 'REGEX_MATCH', config: { pattern: '(' } }], /\$\.fieldValidations\[0\]\.config\.pattern: invalid regular expression/],
      [[{ input: 'a', validation: 'IP', config: { type: 'IPV5' } }], /\$\.fieldValidations\[0\]\.config\.type/],
      [[{ validation: 'STELLAR', config: {} }], /\$\.fieldValidations\[0\]\.config\.condition/],
    ];
    for (const [list, pattern] of cases) {
      expect(() => compileFieldValidations(list)).toThrow(ConfigError);
      expect(() => compileFieldValidations(list)).toThrow(pattern);
    }
  });
});
