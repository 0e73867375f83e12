import { describe, expect, it } from 'vitest';
import { isJsonObject, setField, ShapeKeeper } from './fields.js';

describe('fields', () => {
  it('setField makes __proto__ a field, and isJsonObject tells objects from arrays and null', () => {
    const obj: Record<string, unknown> = {};
    setField(obj, '__proto__', 1);
    setField(obj, 'a', 2);
    expect(Object.getPrototypeOf(obj)).toBe(Object.prototype);
    expect(Object.entries(obj)).toEqual([['__proto__', 1], ['a', 2]]);
    expect([{}, [], null, 'x'].map(isJsonObject)).toEqual([true, false, false, false]);
  });

  it('ShapeKeeper changes no message it looks at, small or large, with any values and key orders', () => {
    const keeper = new ShapeKeeper();
    const nested = { deep: [1, { x: 'y' }] };
    for (let i = 0; i < 5000; i++) {
      const message: Record<string, unknown> = {};
      const count = i % 40;
      for (let k = 0; k < count; k++) message[`f${(k * 7 + i) % 53}.${k}`] = [k, `s${k}`, k + 0.5, null, true, nested, [k]][k % 7];
      if (i % 11 === 0) setField(message, '__proto__', { polluted: true });
      if (i % 13 === 0) message['3'] = 'an index key';
      const before = JSON.stringify(Object.entries(message));
      keeper.observe(message);
      expect(JSON.stringify(Object.entries(message))).toBe(before);
      expect(Object.getPrototypeOf(message)).toBe(Object.prototype);
    }
    expect(nested).toEqual({ deep: [1, { x: 'y' }] });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
