/**
 * Set and multiset functions (Metron SetFunctions.java). A set is a JS `Set` and a multiset a
 * `Map<value, int count>`, both insertion-ordered like Java's LinkedHashSet/LinkedHashMap and
 * holding one element per Java-equal value. Updates return new collections rather than mutating
 * their argument; a null set or multiset argument starts from an empty one.
 */
import { JInt, type StellarValue } from '../values.js';
import type { StellarFunction } from './types.js';
import { arg, defineFunction, fail, findKey, iterableItems, javaTypeName, setAdd, setRemove } from './java-interop.js';

type MultiSet = Map<StellarValue, StellarValue>;

function itemsArg(v: StellarValue, fnName: string): StellarValue[] {
  const items = iterableItems(v);
  if (items === undefined) return fail(`${fnName}: expected a list or set, got ${javaTypeName(v)}`);
  return items;
}

function setArg(v: StellarValue, fnName: string): Set<StellarValue> {
  if (v === null) return new Set();
  if (!(v instanceof Set)) return fail(`${fnName}: expected a set, got ${javaTypeName(v)}`);
  return new Set(v as Set<StellarValue>);
}

function multisetArg(v: StellarValue, fnName: string): MultiSet {
  if (v === null) return new Map();
  if (!(v instanceof Map)) return fail(`${fnName}: expected a multiset, got ${javaTypeName(v)}`);
  return new Map(v as MultiSet);
}

function count(v: StellarValue | undefined): number {
  return v instanceof JInt ? v.value : 0;
}

function multisetAdd(m: MultiSet, v: StellarValue, n: number): void {
  const k = findKey(m, v);
  if (k === undefined) m.set(v, new JInt(n));
  else m.set(k, new JInt(count(m.get(k)) + n));
}

export const functions: StellarFunction[] = [
  defineFunction('SET_INIT', 'SET', 'Creates a set, optionally from the items of a list.', ['input? - A list or set to initialize from'], 'A set.', (args) => {
    const ret = new Set<StellarValue>();
    const o = arg(args, 0);
    if (args.length === 1 && o !== null) for (const v of itemsArg(o, 'SET_INIT')) setAdd(ret, v);
    return ret;
  }),
  defineFunction('SET_ADD', 'SET', 'Adds values to a set (nulls are ignored).', ['set - The set (null starts an empty one)', 'o - The value(s) to add'], 'The set with the values added.', (args) => {
    if (args.length < 1) return null;
    const ret = setArg(arg(args, 0), 'SET_ADD');
    for (const v of args.slice(1)) if (v !== null) setAdd(ret, v);
    return ret;
  }),
  defineFunction('SET_REMOVE', 'SET', 'Removes values from a set.', ['set - The set (null starts an empty one)', 'o - The value(s) to remove'], 'The set without the values.', (args) => {
    if (args.length < 1) return null;
    const ret = setArg(arg(args, 0), 'SET_REMOVE');
    for (const v of args.slice(1)) if (v !== null) setRemove(ret, v);
    return ret;
  }),
  defineFunction('SET_MERGE', 'SET', 'Merges a list of sets into one set.', ['sets - A list of sets (nulls are skipped)'], 'The union of the sets.', (args) => {
    if (args.length < 1) return null;
    const ret = new Set<StellarValue>();
    const list = arg(args, 0);
    if (list === null) return ret;
    for (const s of itemsArg(list, 'SET_MERGE')) {
      if (s === null) continue;
      for (const v of itemsArg(s, 'SET_MERGE')) setAdd(ret, v);
    }
    return ret;
  }),
  defineFunction('MULTISET_INIT', 'MULTISET', 'Creates a multiset (value to count map), optionally from the items of a list.', ['input? - A list or set to initialize from'], 'A multiset: a map from each value to its int count.', (args) => {
    const ret: MultiSet = new Map();
    const o = arg(args, 0);
    if (args.length === 1 && o !== null) for (const v of itemsArg(o, 'MULTISET_INIT')) multisetAdd(ret, v, 1);
    return ret;
  }),
  defineFunction('MULTISET_ADD', 'MULTISET', 'Adds values to a multiset, counting repeats (nulls are ignored).', ['set - The multiset (null starts an empty one)', 'o - The value(s) to add'], 'The multiset with the counts increased.', (args) => {
    if (args.length < 1) return null;
    const ret = multisetArg(arg(args, 0), 'MULTISET_ADD');
    for (const v of args.slice(1)) if (v !== null) multisetAdd(ret, v, 1);
    return ret;
  }),
  defineFunction('MULTISET_REMOVE', 'MULTISET', 'Removes one occurrence of each value from a multiset.', ['set - The multiset (null starts an empty one)', 'o - The value(s) to remove'], 'The multiset with the counts decreased (a count reaching 0 removes the value).', (args) => {
    if (args.length < 1) return null;
    const ret = multisetArg(arg(args, 0), 'MULTISET_REMOVE');
    for (const v of args.slice(1)) {
      if (v === null) continue;
      const k = findKey(ret, v);
      if (k === undefined) continue;
      const n = count(ret.get(k));
      if (n <= 1) ret.delete(k);
      else ret.set(k, new JInt(n - 1));
    }
    return ret;
  }),
  defineFunction('MULTISET_MERGE', 'MULTISET', 'Merges a list of multisets, adding their counts.', ['sets - A list of multisets (nulls are skipped)'], 'The merged multiset.', (args) => {
    if (args.length < 1) return null;
    const ret: MultiSet = new Map();
    const list = arg(args, 0);
    if (list === null) return ret;
    for (const m of itemsArg(list, 'MULTISET_MERGE')) {
      if (m === null) continue;
      if (!(m instanceof Map)) return fail(`MULTISET_MERGE: expected a multiset, got ${javaTypeName(m)}`);
      for (const [k, n] of m as MultiSet) multisetAdd(ret, k, count(n));
    }
    return ret;
  }),
  defineFunction('MULTISET_TO_SET', 'MULTISET', 'Returns the distinct values of a multiset as a set.', ['multiset - The multiset'], 'A set of the values.', (args) => {
    const m = arg(args, 0);
    if (m === null) return new Set<StellarValue>();
    if (!(m instanceof Map)) return fail(`MULTISET_TO_SET: expected a multiset, got ${javaTypeName(m)}`);
    return new Set((m as MultiSet).keys());
  }),
];
