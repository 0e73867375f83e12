import { describe, expect, it } from 'vitest';
import { MetronError, type Message } from '@metron/core';
import { applyPatch, jsonEqual, parsePointer, type PatchOperation } from './json-patch.js';

const doc: Message = { guid: 'g1', 'source.type': 'bro', 'a/b': 1, 'm~n': 2, tags: ['x', 'y'], obj: { k: [1, { deep: true }] } };

function failure(operations: PatchOperation[]): MetronError {
  try {
    applyPatch(doc, operations);
  } catch (err) {
    expect(err).toBeInstanceOf(MetronError);
    expect((err as MetronError).code).toBe('INPUT_INVALID');
    return err as MetronError;
  }
  throw new Error('expected the patch to fail');
}

describe('JSON patch (RFC 6902) on a flat Metron document', () => {
  it('unescapes pointer tokens (~1 is /, ~0 is ~) and refuses bad pointers', () => {
    expect(parsePointer('')).toEqual([]);
    expect(parsePointer('/a~1b/m~0n/0')).toEqual(['a/b', 'm~n', '0']);
    expect(() => parsePointer('alert_status')).toThrow(/must start with '\/'/);
    expect(() => parsePointer('/a~2')).toThrow(/invalid escape/);
  });

  it('adds, replaces and removes fields, including dotted and escaped names', () => {
    const out = applyPatch(doc, [
      { op: 'add', path: '/alert_status', value: 'OPEN' },
      { op: 'add', path: '/enrichments.geo.ip_dst_addr.country', value: 'US' },
      { op: 'replace', path: '/a~1b', value: 10 },
      { op: 'remove', path: '/m~0n' },
    ]);
    expect(out).toEqual({
      guid: 'g1', 'source.type': 'bro', 'a/b': 10, tags: ['x', 'y'], obj: { k: [1, { deep: true }] },
      alert_status: 'OPEN', 'enrichments.geo.ip_dst_addr.country': 'US',
    });
    // The input is left unchanged.
    expect(doc['m~n']).toBe(2);
    expect(doc['alert_status']).toBeUndefined();
  });

  it('works inside list and object values: insert, append with -, remove by index', () => {
    const out = applyPatch(doc, [
      { op: 'add', path: '/tags/1', value: 'between' },
      { op: 'add', path: '/tags/-', value: 'last' },
      { op: 'remove', path: '/tags/0' },
      { op: 'replace', path: '/obj/k/1/deep', value: false },
    ]);
    expect(out['tags']).toEqual(['between', 'y', 'last']);
    expect(out['obj']).toEqual({ k: [1, { deep: false }] });
  });

  it('moves and copies values (deep copies) and tests values structurally', () => {
    const out = applyPatch(doc, [
      { op: 'test', path: '/obj', value: { k: [1, { deep: true }] } },
      { op: 'copy', from: '/obj', path: '/obj2' },
      { op: 'move', from: '/tags', path: '/labels' },
      { op: 'replace', path: '/obj2/k/0', value: 99 },
    ]);
    expect(out['tags']).toBeUndefined();
    expect(out['labels']).toEqual(['x', 'y']);
    expect(out['obj']).toEqual({ k: [1, { deep: true }] });
    expect(out['obj2']).toEqual({ k: [99, { deep: true }] });
  });

  it('refuses bad operations with the position, op and reason, and applies none of them', () => {
    expect(failure([{ op: 'add', path: '/x', value: 1 }, { op: 'frobnicate' as 'add', path: '/y', value: 1 }]).message)
      .toBe('patch[1] (frobnicate "/y"): unknown op; use one of add, remove, replace, move, copy, test');
    expect(failure([{ op: 'remove', path: '/missing' }]).message).toBe('patch[0] (remove "/missing"): the target does not exist');
    expect(failure([{ op: 'replace', path: '/missing', value: 1 }]).message).toBe('patch[0] (replace "/missing"): the target does not exist');
    expect(failure([{ op: 'add', path: '/x' }]).message).toBe(`patch[0] (add "/x"): 'add' needs a value`);
    expect(failure([{ op: 'move', path: '/x' }]).message).toBe(`patch[0] (move "/x"): 'move' needs a from pointer`);
    expect(failure([{ op: 'add', path: '/tags/7', value: 1 }]).message).toBe('patch[0] (add "/tags/7"): index 7 is out of bounds (length 2)');
    expect(failure([{ op: 'add', path: '/nope/x', value: 1 }]).message).toBe(`patch[0] (add "/nope/x"): '/nope' does not exist`);
    expect(failure([{ op: 'move', from: '/obj', path: '/obj/k/0' }]).message).toBe('patch[0] (move "/obj/k/0"): cannot move a value into one of its own children');
    expect(failure([{ op: 'remove', path: '' }]).message).toBe('patch[0] (remove ""): the document root cannot be removed');
    const test = failure([{ op: 'test', path: '/a~1b', value: 2 }]);
    expect(test.message).toBe('patch[0] (test "/a~1b"): test failed: the value is 1, expected 2');
    expect(test.details).toEqual({ operation: 0 });
  });

  it('replaces the whole document with path "" only by an object', () => {
    expect(applyPatch(doc, [{ op: 'replace', path: '', value: { guid: 'g1', only: 1 } }])).toEqual({ guid: 'g1', only: 1 });
    expect(failure([{ op: 'replace', path: '', value: [1] }]).message).toMatch(/only be replaced by an object/);
  });

  it('compares JSON structurally', () => {
    expect(jsonEqual({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined as never })).toBe(false);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual(1, '1')).toBe(false);
  });
});
