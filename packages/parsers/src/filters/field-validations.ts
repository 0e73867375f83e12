/**
 * Global field validations (`fieldValidations` of Metron's global config; metron-common README,
 * "Validation Framework"). Every parsed message must pass each of them, or it becomes a
 * PARSER_INVALID error. Validations: IP, DOMAIN, EMAIL, URL, DATE, INTEGER, REGEX_MATCH,
 * NOT_EMPTY and STELLAR. As Metron's SimpleValidation, a field that is absent passes every
 * validation except NOT_EMPTY; all the `input` fields (the whole message when none) must pass.
 */
import { isIP } from 'node:net';
import { ConfigError, errorMessage } from '@metron/core';
import { compileStellar, pipelineEval, variablesOf } from '../transformations/stellar-support.js';
import { compileJavaDatePattern } from '../util/java-date-format.js';
import { isJsonObject } from '../util/fields.js';
import { resolveTimeZone } from '../util/time-zone.js';

/** undefined when the message passes, else the reason it does not. Never throws. */
export type MessageValidator = (message: Record<string, unknown>, now?: number) => string | undefined;

export const FIELD_VALIDATIONS = ['IP', 'DOMAIN', 'EMAIL', 'URL', 'DATE', 'INTEGER', 'REGEX_MATCH', 'NOT_EMPTY', 'STELLAR'] as const;

type ValuePredicate = (text: string) => boolean;

const UTC = resolveTimeZone('UTC')!;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const DOMAIN_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;
const TLD = /^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;
const EMAIL_LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
/** Commons UrlValidator's default schemes. */
const URL_SCHEMES = new Set(['http:', 'https:', 'ftp:']);

/** Compiles the global config's `fieldValidations`; undefined when there are none. Throws ConfigError. */
export function compileFieldValidations(list: unknown, file = 'global.json', global: Record<string, unknown> = {}): MessageValidator | undefined {
  if (list === undefined || list === null) return undefined;
  if (!Array.isArray(list)) throw new ConfigError(file, '$.fieldValidations', 'must be a list');
  const validators = list.map((entry, i) => compileOne(entry, `$.fieldValidations[${i}]`, file, global));
  if (validators.length === 0) return undefined;
  return (message, now) => {
    for (const validator of validators) {
      const reason = validator(message, now);
      if (reason !== undefined) return reason;
    }
    return undefined;
  };
}

function compileOne(entry: unknown, path: string, file: string, global: Record<string, unknown>): MessageValidator {
  if (!isJsonObject(entry)) throw new ConfigError(file, path, 'must be an object with "validation"');
  const name = entry['validation'];
  if (typeof name !== 'string' || name.trim() === '') throw new ConfigError(file, `${path}.validation`, 'is required');
  const input = fieldList(entry['input'], `${path}.input`, file);
  const config = entry['config'] ?? {};
  if (!isJsonObject(config)) throw new ConfigError(file, `${path}.config`, 'must be an object');
  const kind = name.trim().toUpperCase();
  const label = `field validation ${kind}${input.length > 0 ? ` of ${input.join(', ')}` : ''} (${path})`;

  if (kind === 'STELLAR') {
    const condition = compileStellar(config['condition'], file, `${path}.config.condition`);
    // Metron's QueryValidation: the input fields, then the validation's config, then the global config
    return (message, now) => {
      try {
        const vars = variablesOf(inputOf(message, input), config, global);
        return condition.predicate(vars, pipelineEval(now)) ? undefined : `${label} failed`;
      } catch (err) {
        return `${label} could not run: ${errorMessage(err)}`;
      }
    };
  }

  const predicate = valuePredicate(kind, config, path, file);
  // Metron's NOT_EMPTY is the one validation an absent field fails.
  const absentOk = kind !== 'NOT_EMPTY';
  return (message) => {
    for (const [field, value] of Object.entries(inputOf(message, input))) {
      if (value === undefined || value === null) {
        if (absentOk) continue;
        return `${label} failed: ${field} is missing`;
      }
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      if (!predicate(text)) return `${label} failed: ${field} is ${clip(JSON.stringify(value))}`;
    }
    return undefined;
  };
}

function valuePredicate(kind: string, config: Record<string, unknown>, path: string, file: string): ValuePredicate {
  switch (kind) {
    case 'IP': {
      const types = config['type'] === undefined ? ['IPV4'] : fieldList(config['type'], `${path}.config.type`, file);
      const versions: number[] = types.map((t) => {
        const upper = t.trim().toUpperCase();
        if (upper === 'IPV4') return 4;
        if (upper === 'IPV6') return 6;
        throw new ConfigError(file, `${path}.config.type`, `unknown IP type ${JSON.stringify(t)} (IPV4 or IPV6)`);
      });
      return (text) => versions.includes(isIP(text));
    }
    case 'DOMAIN':
      return isDomain;
    case 'EMAIL':
      return (text) => {
        const at = text.lastIndexOf('@');
        return at > 0 && at <= 64 && EMAIL_LOCAL.test(text.slice(0, at)) && isDomain(text.slice(at + 1));
      };
    case 'URL':
      return (text) => {
        try {
          const url = new URL(text);
          return URL_SCHEMES.has(url.protocol) && url.hostname !== '';
        } catch {
          return false;
        }
      };
    case 'DATE': {
      const format = config['format'];
      if (typeof format !== 'string' || format === '') throw new ConfigError(file, `${path}.config.format`, 'DATE needs the date format (Java pattern)');
      let pattern: ReturnType<typeof compileJavaDatePattern>;
      try {
        pattern = compileJavaDatePattern(format);
      } catch (err) {
        throw new ConfigError(file, `${path}.config.format`, errorMessage(err));
      }
      return (text) => typeof pattern.parse(text, UTC) === 'number';
    }
    case 'INTEGER':
      return (text) => {
        if (!/^[-+]?\d+$/.test(text)) return false;
        const n = BigInt(text);
        return n >= LONG_MIN && n <= LONG_MAX;
      };
    case 'REGEX_MATCH': {
      const source = config['pattern'];
      if (typeof source !== 'string') throw new ConfigError(file, `${path}.config.pattern`, 'REGEX_MATCH needs the regular expression');
      let regex: RegExp;
      try {
        // Java's String.matches: the whole value must match
        regex = new RegExp(`^(?:${source})$`);
      } catch (err) {
        throw new ConfigError(file, `${path}.config.pattern`, `invalid regular expression: ${errorMessage(err)}`);
      }
      return (text) => regex.test(text);
    }
    case 'NOT_EMPTY':
      return (text) => text.trim() !== '';
    default:
      throw new ConfigError(file, `${path}.validation`, `validation ${JSON.stringify(kind)} is not supported (supported: ${FIELD_VALIDATIONS.join(', ')})`);
  }
}

/** Host name syntax with an alphabetic (or IDN) top-level label; Metron's DomainValidator also checked the TLD list. */
function isDomain(text: string): boolean {
  const host = text.endsWith('.') ? text.slice(0, -1) : text;
  if (host.length === 0 || host.length > 253) return false;
  const labels = host.split('.');
  if (labels.length < 2) return false;
  return labels.every((l) => DOMAIN_LABEL.test(l)) && TLD.test(labels[labels.length - 1]!);
}

function inputOf(message: Record<string, unknown>, input: readonly string[]): Record<string, unknown> {
  if (input.length === 0) return message;
  const selected = Object.create(null) as Record<string, unknown>;
  for (const field of input) selected[field] = Object.hasOwn(message, field) ? message[field] : null;
  return selected;
}

function fieldList(value: unknown, path: string, file: string): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw new ConfigError(file, path, 'must be a name or a list of names');
}

function clip(text: string, max = 100): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
