import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../packages/cli/bin/metron.js', import.meta.url));

function batch(lines: unknown[]): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'stellar', '--json'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`exit ${code}: ${err}`));
      else resolve(out.trim().split('\n').map((l) => JSON.parse(l)));
    });
    child.stdin.end(lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  });
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
