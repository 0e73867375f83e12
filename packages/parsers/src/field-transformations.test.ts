import { describe, expect, it } from 'vitest';
import { ConfigError } from '@metron/core';
import { compileFieldTransformations } from './field-transformations.js';

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

  it('refuses unknown or not yet supported transformations at config time, naming the path', () => {
    const cases: [unknown[], RegExp][] = [
      [[{ transformation: 'STELLAR', output: ['a'], config: { a: '1' } }], /\$\.fieldTransformations\[0\]\.transformation: Metron transformation "STELLAR" is not yet supported \(supported: REMOVE, RENAME\)/],
      [[{ input: 'a', transformation: 'REMOVE' }, { input: 'protocol', transformation: 'IP_PROTOCOL' }], /\$\.fieldTransformations\[1\]\.transformation/],
      [[{ transformation: 'com.example.Custom' }], /transformation "com.example.Custom" is not yet supported/],
      [[{ input: 'a', transformation: 'REMOVE', config: { condition: 'exists(b)' } }], /\$\.fieldTransformations\[0\]\.config\.condition/],
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
