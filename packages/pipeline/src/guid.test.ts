import { describe, expect, it } from 'vitest';
import { recordGuid } from './guid.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('recordGuid', () => {
  it('is deterministic per log position and UUID-shaped', () => {
    const a = recordGuid('epoch-1', 'bro', 0, 42n, 0);
    expect(a).toMatch(UUID);
    expect(a[14]).toBe('8');
    expect(recordGuid('epoch-1', 'bro', 0, 42n, 0)).toBe(a);
  });

  it('differs for every part of the position', () => {
    const base = recordGuid('e', 't', 0, 5n, 0);
    const others = [
      recordGuid('e2', 't', 0, 5n, 0),
      recordGuid('e', 't2', 0, 5n, 0),
      recordGuid('e', 't', 1, 5n, 0),
      recordGuid('e', 't', 0, 6n, 0),
      recordGuid('e', 't', 0, 5n, 1),
    ];
    expect(new Set([base, ...others]).size).toBe(6);
  });

  it('stays unique across offsets near the 32-bit boundary and past the compact range', () => {
    const seen = new Set<string>();
    for (const off of [0n, 1n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 32n + 1n, 2n ** 46n - 1n, 2n ** 46n, 2n ** 50n]) {
      for (const i of [0, 1, 65535, 65536]) {
        const g = recordGuid('e', 't', 0, off, i);
        expect(g).toMatch(UUID);
        seen.add(g);
      }
    }
    expect(seen.size).toBe(32);
  });
});
