/**
 * Where the Metron conformance data lives (../shared/conformance/metron: Apache License 2.0, from
 * apache/metron) and readers for it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const CONFORMANCE_DIR = process.env['METRON_CONFORMANCE_DIR'] ?? fileURLToPath(new URL('../../../../../shared/conformance/metron/', import.meta.url));

export function conformancePath(...parts: string[]): string {
  return join(CONFORMANCE_DIR, ...parts);
}

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** The parsed messages Metron's parser tests expect for a sensor (expected.jsonl). */
export function expectedMessages(sensor: string): Record<string, unknown>[] {
  return readFileSync(conformancePath('parsers', sensor, 'expected.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
