import { describe, expect, it } from 'vitest';
import { seededRandom } from '@metron/core';
import { LruCache } from './lru-cache.js';

describe('LruCache', () => {
  it('evicts the least recently used entry past capacity', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3); // evicts b
    expect(cache.has('b')).toBe(false);
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.size).toBe(2);
    expect({ hits: cache.hits, misses: cache.misses }).toEqual({ hits: 3, misses: 1 });
  });
  it('keeps null values (negative answers) as hits', () => {
    const cache = new LruCache<string, number | null>(4);
    cache.set('x', null);
    expect(cache.get('x')).toBeNull();
    expect(cache.hits).toBe(1);
  });
  it('re-setting a key refreshes it without growing', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('a', 10);
    cache.set('c', 3); // evicts b, not a
    expect(cache.get('a')).toBe(10);
    expect(cache.has('b')).toBe(false);
  });
  it('capacity 0 caches nothing; bad capacities are refused', () => {
    const cache = new LruCache<string, number>(0);
    cache.set('a', 1);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
    expect(() => new LruCache(-1)).toThrow(RangeError);
    expect(() => new LruCache(1.5)).toThrow(RangeError);
  });
  it('matches a plain reference LRU over a long seeded mix of gets and sets', () => {
    const random = seededRandom(7);
    const cache = new LruCache<number, number>(16);
    let reference: [number, number][] = []; // oldest first
    for (let i = 0; i < 20_000; i++) {
      const key = Math.floor(random() * 40);
      if (random() < 0.5) {
        const at = reference.findIndex(([k]) => k === key);
        const expected = at === -1 ? undefined : reference[at]![1];
        if (at !== -1) reference.push(...reference.splice(at, 1));
        expect(cache.get(key)).toBe(expected);
      } else {
        reference = reference.filter(([k]) => k !== key);
        reference.push([key, i]);
        if (reference.length > 16) reference.shift();
        cache.set(key, i);
      }
      expect(cache.size).toBe(reference.length);
    }
    for (const [k, v] of reference) expect(cache.get(k)).toBe(v);
    cache.clear();
    expect(cache.size).toBe(0);
    cache.set(1, 1);
    expect(cache.get(1)).toBe(1);
  });
});
