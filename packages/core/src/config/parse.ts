/**
 * Checking one config text or value against its kind's schema. No I/O: usable by the
 * server (REST bodies), the CLI and the browser alike.
 */
import { ConfigError } from '../errors.js';
import { ConfigErrorList, issuesToConfigErrors } from './config-errors.js';
import { readJsonText } from './json-text.js';
import { CONFIG_SCHEMAS, type ConfigKind, type ConfigOfKind } from './kinds.js';

/** A config that passed its schema, or every problem found in it. */
export type ConfigCheck<K extends ConfigKind> =
  | { ok: true; config: ConfigOfKind<K> }
  | { ok: false; errors: ConfigError[] };

/** Check an already parsed JSON value (e.g. a REST request body) as a config of `kind`. */
export function checkConfigValue<K extends ConfigKind>(kind: K, value: unknown, file: string): ConfigCheck<K> {
  const result = CONFIG_SCHEMAS[kind].safeParse(value);
  if (result.success) return { ok: true, config: result.data as ConfigOfKind<K> };
  return { ok: false, errors: issuesToConfigErrors(kind, file, result.error.issues, value) };
}

/** Check the JSON text of a config file of `kind`; `file` names it in errors. Never throws. */
export function checkConfig<K extends ConfigKind>(kind: K, text: string, file: string): ConfigCheck<K> {
  const json = readJsonText(text);
  if (!json.ok) {
    const { line, column, message } = json.error;
    return { ok: false, errors: [new ConfigError(file, '$', `invalid JSON at ${line}:${column}: ${message}`)] };
  }
  return checkConfigValue(kind, json.value, file);
}

/** Throw the problems of a failed check: one ConfigError, or a ConfigErrorList (also a ConfigError) for several. */
export function throwConfigErrors(errors: readonly ConfigError[]): never {
  if (errors.length === 1 && errors[0]) throw errors[0];
  throw new ConfigErrorList(errors);
}

/**
 * Parse the JSON text of a config file of `kind`. Throws a ConfigError (file, jsonPath,
 * reason) for one problem, a ConfigErrorList listing each when there are several.
 */
export function parseConfig<K extends ConfigKind>(kind: K, text: string, file: string): ConfigOfKind<K> {
  const checked = checkConfig(kind, text, file);
  if (checked.ok) return checked.config;
  return throwConfigErrors(checked.errors);
}
