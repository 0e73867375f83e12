import { describe, expect, it } from 'vitest';
import type { StellarValue } from '../values.js';
import { functions } from './text.js';
import { callFunction, typed } from './test-support/call-function.js';

const call = (name: string, ...args: StellarValue[]) => callFunction(functions, name, ...args);

describe('text functions', () => {
  it('FUZZY_SCORE follows commons-text FuzzyScore', () => {
    expect(typed(call('FUZZY_SCORE', '', '', 'en'))).toEqual({ type: 'int', value: 0 });
    expect(typed(call('FUZZY_SCORE', 'metron', 'm', 'en'))).toEqual({ type: 'int', value: 1 });
    expect(typed(call('FUZZY_SCORE', 'metron', 'metron', 'en'))).toEqual({ type: 'int', value: 16 });
    expect(typed(call('FUZZY_SCORE', 'Apache Software Foundation', 'asf', 'en'))).toEqual({ type: 'int', value: 3 });
    expect(typed(call('FUZZY_SCORE', 'Workshop', 'wo', 'en'))).toEqual({ type: 'int', value: 4 });
    expect(() => call('FUZZY_SCORE', 'metron', 'z', 'Kling')).toThrow();
    expect(() => call('FUZZY_SCORE', '', '', '')).toThrow();
    expect(() => call('FUZZY_SCORE', 'a', 'b')).toThrow();
  });

  it('FUZZY_LANGS lists language tags', () => {
    const langs = call('FUZZY_LANGS') as string[];
    expect(langs).toContain('en');
    expect(langs).toContain('fr');
  });
});
