/**
 * Test helpers for the Metron conformance data (../shared/conformance/metron, Apache License 2.0,
 * from apache/metron): where it lives, and Metron's comparison rule for parsed messages.
 */
import { isDeepStrictEqual } from 'node:util';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const CONFORMANCE_DIR = process.env['METRON_CONFORMANCE_DIR'] ?? fileURLToPath(new URL('../../../../../shared/conformance/metron/', import.meta.url));

export function conformancePath(...parts: string[]): string {
  return join(CONFORMANCE_DIR, ...parts);
}

export function readLines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
}

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** A deterministic 36-character guid per message index, like the pipeline's generator. */
export function testGuid(seed: number): (n: number) => string {
  return (n) => `00000000-0000-4000-8000-${String(seed * 1000 + n).padStart(12, '0')}`;
}

function jsonEqual(a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  try {
    return isDeepStrictEqual(JSON.parse(a), JSON.parse(b));
  } catch {
    return false;
  }
}

/**
 * Metron's rule: every expected key present with an equal value and the same key count;
 * `timestamp` and `guid` compared by the length of their string form; `original_string` also
 * matches when both are JSON and equal as JSON. Returns the differences (empty when it matches).
 */
export function compareWithExpected(actual: Record<string, unknown>, expected: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const actualKeys = Object.keys(actual);
  const expectedKeys = Object.keys(expected);
  if (actualKeys.length !== expectedKeys.length) {
    const extra = actualKeys.filter((k) => !Object.hasOwn(expected, k));
    const missing = expectedKeys.filter((k) => !Object.hasOwn(actual, k));
    problems.push(`key count ${actualKeys.length} != ${expectedKeys.length} (extra: ${extra.join(', ')}; missing: ${missing.join(', ')})`);
  }
  for (const key of expectedKeys) {
    if (!Object.hasOwn(actual, key)) {
      problems.push(`missing ${key}`);
      continue;
    }
    const a = actual[key];
    const e = expected[key];
    if (key === 'timestamp' || key === 'guid') {
      if (String(a).length !== String(e).length) problems.push(`${key}: ${String(a)} has not the length of ${String(e)}`);
    } else if (key === 'original_string') {
      if (a !== e && !jsonEqual(a, e)) problems.push(`original_string:\n  actual   ${String(a)}\n  expected ${String(e)}`);
    } else if (!isDeepStrictEqual(a, e)) {
      problems.push(`${key}: ${JSON.stringify(a)} != ${JSON.stringify(e)}`);
    }
  }
  return problems;
}
