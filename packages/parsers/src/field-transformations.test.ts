import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@metron/core';
import { compileFieldTransformations } from './field-transformations.js';
import { conformancePath } from './test-support/conformance.js';

const apply = (list: unknown[], message: Record<string, unknown>) => {
  compileFieldTransformations(list, 'parsers/s.json')?.(message);
  return message;
};

describe('field transformations', () => {
  it('none', () => {
    expect(compileFieldTransformations(undefined, 'f')).toBeUndefined();
    expect(compileFieldTransformations([], 'f')).toBeUndefined();
  });

  it('REMOVE removes the input fields (or the output fields when given)', () => {
    expect(apply([{ input: 'a', transformation: 'REMOVE' }], { a: 1, b: 2 })).toEqual({ b: 2 });
    expect(apply([{ input: ['a', 'b'], transformation: 'REMOVE' }], { a: 1, b: 2, c: 3 })).toEqual({ c: 3 });
    expect(apply([{ input: 'a', output: 'c', transformation: 'REMOVE' }], { a: 1, c: 3 })).toEqual({ a: 1 });
  });

  it('RENAME moves fields, optionally only among the inputs, in order with the other steps', () => {
    expect(apply([{ transformation: 'RENAME', config: { a: 'x', missing: 'y' } }], { a: 1, b: 2 })).toEqual({ x: 1, b: 2 });
    expect(apply([{ transformation: 'RENAME', input: ['b'], config: { a: 'x', b: 'z' } }], { a: 1, b: 2 })).toEqual({ a: 1, z: 2 });
    expect(apply([{ transformation: 'RENAME', config: { a: 'b', b: 'a' } }], { a: 1, b: 2 })).toEqual({ a: 2, b: 1 });
    expect(
      apply(
        [
          { transformation: 'RENAME', config: { a: 'x' } },
          { transformation: 'REMOVE', input: 'x' },
        ],
        { a: 1, b: 2 },
      ),
    ).toEqual({ b: 2 });
  });

  it('refuses bad transformations at config time, naming the path', () => {
    const cases: [unknown[], RegExp][] = [
      [[{ input: 'a', transformation: 'REMOVE' }, { transformation: 'NOPE' }], /\$\.fieldTransformations\[1\]\.transformation: transformation "NOPE" is not supported/],
      [[{ transformation: 'com.example.Custom' }], /transformation "com.example.Custom" is not supported/],
      [[{ input: 'a', transformation: 'REMOVE', config: { condition: 'exists(b' } }], /\$\.fieldTransformations\[0\]\.config\.condition: invalid Stellar expression/],
      [[{ transformation: 'STELLAR', config: { a: '1', b: '1 +' } }], /^parsers\/s\.json: \$\.fieldTransformations\[0\]\.config\.b: invalid Stellar expression/],
      [[{ transformation: 'STELLAR', config: { a: 3 } }], /\$\.fieldTransformations\[0\]\.config\.a: must be a Stellar expression/],
      [[{ transformation: 'STELLAR' }], /\$\.fieldTransformations\[0\]\.config: STELLAR needs/],
      [[{ transformation: 'IP_PROTOCOL' }], /\$\.fieldTransformations\[0\]\.input/],
      [[{ transformation: 'SELECT' }], /\$\.fieldTransformations\[0\]\.output/],
      [[{ transformation: 'REGEX_SELECT', output: 'x', config: { a: 'b' } }], /\$\.fieldTransformations\[0\]\.input/],
      [[{ transformation: 'REGEX_SELECT', input: 'p', output: 'x', config: { a: ['ok', '(bad'] } }], /\$\.fieldTransformations\[0\]\.config\.a\[1\]: invalid regular expression/],
      [[{ transformation: 'REMOVE' }], /\$\.fieldTransformations\[0\]\.input/],
      [[{ input: 'a' }], /\$\.fieldTransformations\[0\]\.transformation: is required/],
      [[{ transformation: 'RENAME', config: { a: 3 } }], /\$\.fieldTransformations\[0\]\.config\.a/],
      [['REMOVE'], /\$\.fieldTransformations\[0\]/],
    ];
    for (const [list, pattern] of cases) {
      expect(() => compileFieldTransformations(list, 'parsers/s.json')).toThrow(ConfigError);
      expect(() => compileFieldTransformations(list, 'parsers/s.json')).toThrow(pattern);
    }
    expect(() => compileFieldTransformations({}, 'f')).toThrow(/\$\.fieldTransformations: must be a list/);
  });
});

// The examples of metron-parsing's README, "Field Transformations".
describe('Metron README examples', () => {
  it('STELLAR: output fields from expressions, with parserConfig as variables', () => {
    const list = [
      {
        transformation: 'STELLAR',
        output: ['utc_timestamp', 'url_host', 'url_protocol'],
        config: {
          utc_timestamp: "TO_EPOCH_TIMESTAMP(timestamp, 'yyyy-MM-dd HH:mm:ss', MAP_GET(dc, dc2tz, 'UTC'))",
          url_host: 'URL_TO_HOST(url)',
          url_protocol: 'URL_TO_PROTOCOL(url)',
        },
      },
    ];
    const parserConfig = { dc2tz: { nyc: 'EST', la: 'PST', london: 'UTC' } };
    const message = { timestamp: '2016-01-05 17:02:30', url: 'https://caseystella.com/blog', dc: 'london' };
    compileFieldTransformations(list, 'p', parserConfig)!(message);
    expect(message).toEqual({
      timestamp: '2016-01-05 17:02:30',
      url: 'https://caseystella.com/blog',
      dc: 'london',
      utc_timestamp: 1452013350000,
      url_host: 'caseystella.com',
      url_protocol: 'https',
    });
  });

  it('STELLAR: later assignments see earlier ones; config keys not in output are temporary variables', () => {
    const list = [
      {
        transformation: 'STELLAR',
        output: ['full_hostname', 'domain_without_subdomains'],
        config: {
          full_hostname: 'URL_TO_HOST(url)',
          domain_without_subdomains: 'DOMAIN_REMOVE_SUBDOMAINS(full_hostname)',
        },
      },
    ];
    expect(apply(list, { url: 'http://1234567890123456789012345678901234567890.www.google.com/foo' })).toEqual({
      url: 'http://1234567890123456789012345678901234567890.www.google.com/foo',
      full_hostname: '1234567890123456789012345678901234567890.www.google.com',
      domain_without_subdomains: 'google.com',
    });
    const temporaries = [{ transformation: 'STELLAR', output: ['upper'], config: { tmp: "TO_UPPER(name)", upper: "JOIN([tmp, '!'], '')" } }];
    expect(apply(temporaries, { name: 'abc' })).toEqual({ name: 'abc', upper: 'ABC!' });
  });

  it('STELLAR: without output every config key is an output; a null result removes the field', () => {
    expect(apply([{ transformation: 'STELLAR', config: { a: 'null', c: 'x + 1' } }], { a: 1, x: 2 })).toEqual({ x: 2, c: 3 });
    // as Metron's MapVariableResolver, a null assignment falls through to the message's value
    expect(apply([{ transformation: 'STELLAR', config: { a: 'null', b: 'a' } }], { a: 1 })).toEqual({ b: 1 });
    // missing variables read as null (Metron's pipeline)
    expect(apply([{ transformation: 'STELLAR', config: { y: 'missing == null' } }], {})).toEqual({ y: true });
  });

  it('STELLAR: a runtime failure throws an Error naming the field', () => {
    const t = compileFieldTransformations([{ transformation: 'STELLAR', config: { n: 'x + 1' } }], 'p')!;
    expect(() => t({ x: 'abc' })).toThrow(/\$\.fieldTransformations\[0\]\.config\.n: /);
  });

  it('IP_PROTOCOL: number → name; a non-number is left alone, an unknown number removes the field', () => {
    const list = [{ input: 'protocol', transformation: 'IP_PROTOCOL' }];
    expect(apply(list, { protocol: 6 })).toEqual({ protocol: 'TCP' });
    expect(apply(list, { protocol: 17 })).toEqual({ protocol: 'UDP' });
    expect(apply(list, { protocol: 'tcp' })).toEqual({ protocol: 'tcp' });
    expect(apply(list, { protocol: 250 })).toEqual({});
    expect(apply([{ input: 'protocol', output: 'protocol_name', transformation: 'IP_PROTOCOL' }], { protocol: 1 })).toEqual({ protocol: 1, protocol_name: 'ICMP' });
  });

  it('REMOVE with a Stellar condition over the input fields', () => {
    const list = [{ input: 'field1', transformation: 'REMOVE', config: { condition: "exists(field1) and field1 == 'foo'" } }];
    expect(apply(list, { field1: 'foo', field2: 'bar' })).toEqual({ field2: 'bar' });
    expect(apply(list, { field1: 'bar', field2: 'foo' })).toEqual({ field1: 'bar', field2: 'foo' });
    // the condition only sees the input fields
    const onlyInputs = [{ input: 'field1', transformation: 'REMOVE', config: { condition: "field2 == 'bar'" } }];
    expect(apply(onlyInputs, { field1: 'foo', field2: 'bar' })).toEqual({ field1: 'foo', field2: 'bar' });
  });

  it('RENAME', () => {
    const list = [{ transformation: 'RENAME', config: { old_field1: 'new_field1', old_field2: 'new_field2' } }];
    expect(apply(list, { old_field1: 'f1', old_field2: 'f2', old_field3: 'f3' })).toEqual({ new_field1: 'f1', new_field2: 'f2', old_field3: 'f3' });
  });

  it('SELECT keeps the output fields, timestamp, original_string and source.type', () => {
    const list = [{ transformation: 'SELECT', output: ['field1', 'field2'] }];
    expect(
      apply(list, { field1: 1, field2: 2, field3: 3, timestamp: 5, original_string: 'raw', 'source.type': 's', guid: 'g' }),
    ).toEqual({ field1: 1, field2: 2, timestamp: 5, original_string: 'raw', 'source.type': 's' });
    // with input, only the inputs are candidates for removal
    expect(apply([{ transformation: 'SELECT', input: ['a', 'b'], output: ['a'] }], { a: 1, b: 2, c: 3 })).toEqual({ a: 1, c: 3 });
  });

  it('REGEX_SELECT: the first value whose regex is found in the input', () => {
    const list = [
      {
        input: 'ip_dst_port',
        output: 'service',
        transformation: 'REGEX_SELECT',
        config: { ftp: '^2[01]$', ssh: '^22$', http: ['^80$', '^8080$'] },
      },
    ];
    expect(apply(list, { ip_dst_port: '21' })).toEqual({ ip_dst_port: '21', service: 'ftp' });
    expect(apply(list, { ip_dst_port: 22 })).toEqual({ ip_dst_port: 22, service: 'ssh' });
    expect(apply(list, { ip_dst_port: 8080 })).toEqual({ ip_dst_port: 8080, service: 'http' });
    expect(apply(list, { ip_dst_port: 443 })).toEqual({ ip_dst_port: 443 });
    expect(apply(list, {})).toEqual({});
  });

  it('accepts the Java class names of the built-in transformations', () => {
    const list = [{ input: 'p', transformation: 'org.apache.metron.common.field.transformation.IPProtocolTransformation' }];
    expect(apply(list, { p: 6 })).toEqual({ p: 'TCP' });
  });
});

describe('Metron conformance: the squid sensor STELLAR transformation', () => {
  it("derives full_hostname and domain_without_subdomains as Metron's expected output", () => {
    const config = JSON.parse(readFileSync(conformancePath('parsers', 'squid', 'parser_config.json'), 'utf8')) as { fieldTransformations: unknown[] };
    const transform = compileFieldTransformations(config.fieldTransformations, 'parsers/squid.json')!;
    const expected = readFileSync(conformancePath('parsers', 'squid', 'expected.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(expected.length).toBeGreaterThan(0);
    for (const want of expected) {
      const message = { ...want };
      delete message['full_hostname'];
      delete message['domain_without_subdomains'];
      transform(message);
      expect(message).toEqual(want);
    }
  });
});
