/** Readers for `parserConfig` values: Metron's loose typing where it had it, ConfigError otherwise. */
import { ConfigError } from '@metron/core';

/** A boolean given as JSON boolean or as a string (Java `Boolean.valueOf`: "true" in any case). */
export function readBoolean(config: Record<string, unknown>, key: string, fallback: boolean, file: string): boolean {
  const value = config[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return value.trim().toLowerCase() === 'true';
  throw new ConfigError(file, `$.parserConfig.${key}`, `must be true or false, got ${JSON.stringify(value)}`);
}

/** An optional string; undefined when absent or null. */
export function readString(config: Record<string, unknown>, key: string, file: string): string | undefined {
  const value = config[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  throw new ConfigError(file, `$.parserConfig.${key}`, `must be a string, got ${JSON.stringify(value)}`);
}

/** One of `allowed` (matched case-insensitively, returned in its canonical spelling). */
export function readEnum<T extends string>(
  config: Record<string, unknown>,
  key: string,
  allowed: readonly T[],
  fallback: T,
  file: string,
): T {
  const value = readString(config, key, file);
  if (value === undefined) return fallback;
  const found = allowed.find((a) => a.toLowerCase() === value.trim().toLowerCase());
  if (found === undefined) {
    throw new ConfigError(file, `$.parserConfig.${key}`, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return found;
}
