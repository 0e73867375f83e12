/**
 * Map functions (Metron MapFunctions.java). Keys are matched with Java equality (an int key 1 is
 * found by an int 1). MAP_PUT and MAP_MERGE return new maps instead of mutating their arguments,
 * so map literals the compiler folded into constants stay unchanged between evaluations.
 */
import type { StellarValue } from '../values.js';
import type { StellarFunction } from './types.js';
import { arg, defineFunction, fail, iterableItems, javaTypeName, mapGet, mapHas, mapPut } from './java-interop.js';

function mapArg(v: StellarValue, fnName: string): Map<StellarValue, StellarValue> {
  if (!(v instanceof Map)) return fail(`${fnName}: expected a map, got ${javaTypeName(v)}`);
  return v as Map<StellarValue, StellarValue>;
}

export const functions: StellarFunction[] = [
  defineFunction('MAP_EXISTS', 'MAP', 'Tests whether a map holds a key.', ['key - The key to look for', 'map - The map'], 'True if the key is in the map; false otherwise or when the map is not a map.', (args) => {
    if (args.length < 2) return false;
    const key = arg(args, 0);
    const m = arg(args, 1);
    return key !== null && m instanceof Map ? mapHas(m as Map<StellarValue, StellarValue>, key) : false;
  }),
  defineFunction('MAP_GET', 'MAP', 'Returns the value stored under a key in a map, or a default.', ['key - The key', 'map - The map', 'default - Optional value returned when the key is absent'], 'The value, else the default, else null.', (args) => {
    const key = arg(args, 0);
    const m = arg(args, 1);
    const dflt = arg(args, 2);
    if (key === null || m === null) return dflt;
    const ret = mapGet(mapArg(m, 'MAP_GET'), key);
    return ret === null && dflt !== null ? dflt : ret;
  }),
  defineFunction('MAP_PUT', 'MAP', 'Stores a value under a key in a map.', ['key - The key', 'value - The value', 'map - The map (null creates a new one)'], 'The map with the key set to the value.', (args) => {
    if (args.length < 3) fail('MAP_PUT expects three args: [key, value, map]');
    const m = arg(args, 2);
    const ret = m === null ? new Map<StellarValue, StellarValue>() : new Map(mapArg(m, 'MAP_PUT'));
    mapPut(ret, arg(args, 0), arg(args, 1));
    return ret;
  }),
  defineFunction('MAP_MERGE', 'MAP', 'Merges a list of maps into one; later maps win on shared keys.', ['maps - A list of maps (nulls are skipped)'], 'The merged map, or null when called without arguments.', (args) => {
    if (args.length < 1) return null;
    const list = arg(args, 0);
    const ret = new Map<StellarValue, StellarValue>();
    if (list === null) return ret;
    const maps = iterableItems(list);
    if (maps === undefined) return fail(`MAP_MERGE: expected a list of maps, got ${javaTypeName(list)}`);
    for (const m of maps) {
      if (m === null) continue;
      for (const [k, v] of mapArg(m, 'MAP_MERGE')) mapPut(ret, k, v);
    }
    return ret;
  }),
];
