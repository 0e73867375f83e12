import { describe, expect, it } from 'vitest';
import { compileJsonPath, evaluateJsonPath, JsonPathSyntaxError } from './json-path.js';

const doc = { foo: [{ a: 1 }, { a: 2 }], bar: { baz: { q: 'x' }, 'a b': 5, 'it\'s': 6 }, arr: [[1], [2]] };
const run = (path: string) => evaluateJsonPath(compileJsonPath(path), doc);

describe('JSONPath subset', () => {
  it('compiles the supported forms', () => {
    expect(compileJsonPath('$.foo[*].a').segments).toEqual([{ kind: 'name', name: 'foo' }, { kind: 'wildcard' }, { kind: 'name', name: 'a' }]);
    expect(compileJsonPath("$['a b'][\"c\"][-1].*").segments).toEqual([
      { kind: 'name', name: 'a b' },
      { kind: 'name', name: 'c' },
      { kind: 'index', index: -1 },
      { kind: 'wildcard' },
    ]);
    expect(compileJsonPath('$.foo').definite).toBe(true);
    expect(compileJsonPath('$.foo[*]').definite).toBe(false);
    expect(compileJsonPath('foo.bar').segments).toEqual([{ kind: 'name', name: 'foo' }, { kind: 'name', name: 'bar' }]);
  });

  it('selects values', () => {
    expect(run('$')).toEqual([doc]);
    expect(run('$.foo')).toEqual([doc.foo]);
    expect(run('$.foo[*]')).toEqual(doc.foo);
    expect(run('$.foo[*].a')).toEqual([1, 2]);
    expect(run('$.foo[-1]')).toEqual([{ a: 2 }]);
    expect(run('$.bar.baz.q')).toEqual(['x']);
    expect(run("$.bar['a b']")).toEqual([5]);
    expect(run("$.bar['it\\'s']")).toEqual([6]);
    expect(run('$.bar.*')).toEqual([{ q: 'x' }, 5, 6]);
    expect(run('$.missing')).toEqual([]);
    expect(run('$.foo.a')).toEqual([]);
    expect(run('$.foo[7]')).toEqual([]);
    expect(run('$.toString')).toEqual([]);
  });

  it('refuses what it does not support, with a position', () => {
    for (const path of ['', '$..a', '$.a[?(@.b)]', '$.a[0:2]', "$['a','b']", '$.a[', '$.', "$['a", '$x']) {
      expect(() => compileJsonPath(path), path).toThrow(JsonPathSyntaxError);
    }
    expect(() => compileJsonPath('$..a')).toThrow(/deep scan .* at position 1/);
  });
});
