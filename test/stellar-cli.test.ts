import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

/** `metron stellar --json`: one answer per input line. */
async function batch(lines: unknown[]): Promise<Array<Record<string, unknown>>> {
  const run = await runCli(['stellar', '--json'], lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  if (run.code !== 0) throw new Error(`exit ${run.code}: ${run.stderr}`);
  return run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('metron stellar --json', () => {
  it('answers one JSON line per input with the value and its Java type', async () => {
    const answers = await batch([
      { expr: '1 + 2' },
      { expr: '1L + 2' },
      { expr: '1.5 * x', variables: { x: 2 }, variable_types: { x: 'int' } },
      { expr: '5 / 2' },
      { expr: "TO_UPPER('abc')" },
      { expr: 'x in [1, 2]', variables: { x: 2 }, variable_types: { x: 'int' } },
      { expr: '', mode: 'predicate' },
      { expr: '1 +' },
      'not json',
      { expr: 'missing_var + 1' },
      { expr: 'x + 1', variables: { x: 3 } },
      { expr: 'x', variables: { x: 3000000000 } },
      { expr: '!x', variables: { x: false } },
    ]);
    expect(answers.slice(0, 7)).toEqual([
      { result: 3, type: 'int' },
      { result: 3, type: 'long' },
      { result: 3, type: 'double' },
      { result: 2, type: 'int' },
      { result: 'ABC', type: 'string' },
      { result: true, type: 'boolean' },
      { result: true, type: 'boolean' },
    ]);
    for (const a of answers.slice(7, 10)) expect(typeof a['error']).toBe('string');
    expect(answers.slice(10)).toEqual([
      { result: 4, type: 'int' },
      { result: 3000000000, type: 'long' },
      { result: true, type: 'boolean' },
    ]);
  });
});
