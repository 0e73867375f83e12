import { MetronError } from '@metron/core';

/** Flags shared by the commands (node:util parseArgs option specs). */
export const COMMON_FLAGS = {
  'config-dir': { type: 'string' },
  'data-dir': { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  quiet: { type: 'boolean', short: 'q' },
} as const;

/** Runs parseArgs, turning its errors into a clear INPUT_INVALID. */
export function parseFlags<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new MetronError('INPUT_INVALID', (err as Error).message);
  }
}

/** A port number flag, validated. */
export function portFlag(value: string | undefined, fallback: number, name = '--port'): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new MetronError('INPUT_INVALID', `${name} must be a port number (0-65535), got '${value}'`);
  return n;
}
