/**
 * Sensor field transformations (`fieldTransformations` of a Metron sensor parser config), applied
 * to each parsed message in order, as Metron's FieldTransformer / FieldTransformations (metron-parsing
 * README, "Field Transformations"): STELLAR, IP_PROTOCOL, REMOVE (optionally with a Stellar
 * `condition`), RENAME, SELECT and REGEX_SELECT. Everything is compiled once, at config time; a bad
 * config is a ConfigError naming its JSON path. At run time a step throws an Error whose message
 * names the step; the sensor parser turns it into a PARSER_ERROR for that record.
 */
import { ConfigError, errorMessage } from '@metron/core';
import type { StellarValue } from '@metron/stellar';
import { protocolName } from './transformations/ip-protocol.js';
import { compileStellar, jsonOf, pipelineEval, variablesOf } from './transformations/stellar-support.js';
import { isJsonObject, setField } from './util/fields.js';

/**
 * Applies the configured transformations to one message, in place; `now` is "now" for Stellar time
 * functions (default: the clock); `metadata` is the record's metadata when it was read but not
 * merged into the message (Stellar sees it as variables, after `parserConfig`, as in Metron).
 * Throws an Error naming the failing step.
 */
export type FieldTransform = (message: Record<string, unknown>, now?: number, metadata?: Readonly<Record<string, unknown>>) => void;

export const SUPPORTED_FIELD_TRANSFORMATIONS = ['STELLAR', 'IP_PROTOCOL', 'REMOVE', 'RENAME', 'SELECT', 'REGEX_SELECT'] as const;
/** Metron's built-in transformations not implemented here yet (none left; kept for API stability). */
export const PENDING_FIELD_TRANSFORMATIONS: readonly string[] = [];

type TransformationName = (typeof SUPPORTED_FIELD_TRANSFORMATIONS)[number];

/** Metron also accepted the implementing class names. */
const CLASS_NAMES: Record<string, TransformationName> = {
  StellarTransformation: 'STELLAR',
  IPProtocolTransformation: 'IP_PROTOCOL',
  RemoveTransformation: 'REMOVE',
  RenameTransformation: 'RENAME',
  SelectTransformation: 'SELECT',
  RegexSelectTransformation: 'REGEX_SELECT',
};

/** Fields Metron's SELECT keeps even when not selected; `source.type` too, since routing needs it. */
const SELECT_KEEPS = new Set(['timestamp', 'original_string', 'source.type']);

/**
 * Compiles a `fieldTransformations` list; undefined when there is nothing to do. Throws ConfigError.
 * STELLAR expressions also see the sensor's `parserConfig` entries as variables, as in Metron.
 */
export function compileFieldTransformations(list: unknown, file: string, parserConfig: Record<string, unknown> = {}): FieldTransform | undefined {
  if (list === undefined || list === null) return undefined;
  if (!Array.isArray(list)) throw new ConfigError(file, '$.fieldTransformations', 'must be a list');
  const steps: FieldTransform[] = list.map((entry, i) => compileOne(entry, `$.fieldTransformations[${i}]`, file, parserConfig));
  if (steps.length === 0) return undefined;
  if (steps.length === 1) return steps[0];
  return (message, now, metadata) => {
    for (const step of steps) step(message, now, metadata);
  };
}

interface StepSpec {
  input: string[];
  output: string[];
  config: Record<string, unknown>;
  parserConfig: Record<string, unknown>;
  path: string;
  file: string;
}

function compileOne(entry: unknown, path: string, file: string, parserConfig: Record<string, unknown>): FieldTransform {
  if (!isJsonObject(entry)) throw new ConfigError(file, path, 'must be an object with "transformation"');
  const name = entry['transformation'];
  if (typeof name !== 'string' || name.trim() === '') throw new ConfigError(file, `${path}.transformation`, 'is required');
  const spec: StepSpec = {
    input: fieldList(entry['input'], `${path}.input`, file),
    output: fieldList(entry['output'], `${path}.output`, file),
    config: {},
    parserConfig,
    path,
    file,
  };
  const config = entry['config'] ?? {};
  if (!isJsonObject(config)) throw new ConfigError(file, `${path}.config`, 'must be an object');
  spec.config = config;

  switch (transformationName(name)) {
    case 'STELLAR':
      return compileStellarStep(spec);
    case 'IP_PROTOCOL':
      return compileIpProtocol(spec);
    case 'REMOVE':
      return compileRemove(spec);
    case 'RENAME':
      return compileRename(spec);
    case 'SELECT':
      return compileSelect(spec);
    case 'REGEX_SELECT':
      return compileRegexSelect(spec);
    default:
      throw new ConfigError(
        file,
        `${path}.transformation`,
        `transformation ${JSON.stringify(name)} is not supported (supported: ${SUPPORTED_FIELD_TRANSFORMATIONS.join(', ')})`,
      );
  }
}

function transformationName(name: string): TransformationName | undefined {
  const upper = name.trim().toUpperCase();
  const known = SUPPORTED_FIELD_TRANSFORMATIONS.find((n) => n === upper);
  if (known) return known;
  const simple = name.trim().slice(name.trim().lastIndexOf('.') + 1);
  return CLASS_NAMES[simple];
}

/** Metron accepts one field name or a list of them. */
function fieldList(value: unknown, path: string, file: string): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw new ConfigError(file, path, 'must be a field name or a list of field names');
}

/** Metron's FieldTransformer: the named input fields, or the whole message when none are named. */
function inputOf(message: Record<string, unknown>, input: readonly string[]): Record<string, unknown> {
  if (input.length === 0) return message;
  const selected: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const field of input) selected[field] = Object.hasOwn(message, field) ? message[field] : null;
  return selected;
}

/** Metron writes a step's results back with null meaning "remove the field". */
function writeBack(message: Record<string, unknown>, field: string, value: unknown): void {
  if (value === null || value === undefined) delete message[field];
  else setField(message, field, value);
}

/**
 * STELLAR: `config` maps field → expression, evaluated in order. Each expression sees the fields
 * assigned before it, then the earlier non-output assignments (temporary variables), then the input
 * fields, then the sensor's parserConfig, then the record's unmerged metadata. Fields listed in
 * `output` (all config keys when `output` is absent) are written back; a null result removes the field.
 */
function compileStellarStep({ input, output, config, parserConfig, path, file }: StepSpec): FieldTransform {
  const assignments = Object.entries(config).map(([field, expression]) => ({
    field,
    expression: compileStellar(expression, file, `${path}.config.${field}`),
  }));
  if (assignments.length === 0) throw new ConfigError(file, `${path}.config`, 'STELLAR needs at least one field → expression');
  const outputs = new Set(output.length > 0 ? output : assignments.map((a) => a.field));
  return (message, now, metadata) => {
    const ctx = pipelineEval(now);
    const assigned = new Map<string, StellarValue>();
    const temporaries = new Map<string, StellarValue>();
    const fields = inputOf(message, input);
    const vars =
      metadata === undefined ? variablesOf(assigned, temporaries, fields, parserConfig) : variablesOf(assigned, temporaries, fields, parserConfig, metadata);
    for (const { field, expression } of assignments) {
      let value: StellarValue;
      try {
        value = expression.run(vars, ctx);
      } catch (err) {
        throw new Error(`${path}.config.${field}: ${errorMessage(err)}`);
      }
      if (outputs.has(field)) assigned.set(field, value);
      else if (value === null) temporaries.delete(field);
      else temporaries.set(field, value);
    }
    for (const [field, value] of assigned) writeBack(message, field, jsonOf(value));
  };
}

/** IP_PROTOCOL: the number in the (first) input field becomes its protocol name in the (first) output field. */
function compileIpProtocol({ input, output, path, file }: StepSpec): FieldTransform {
  const from = input[0];
  if (from === undefined) throw new ConfigError(file, `${path}.input`, 'IP_PROTOCOL needs the protocol number field in "input"');
  const to = output[0] ?? from;
  return (message) => {
    const value = message[from];
    if (typeof value === 'number') writeBack(message, to, protocolName(value));
  };
}

/** REMOVE: the output fields (default: the input fields), when the optional Stellar `condition` over the inputs holds. */
function compileRemove({ input, output, config, path, file }: StepSpec): FieldTransform {
  const fields = output.length > 0 ? output : input;
  if (fields.length === 0) throw new ConfigError(file, `${path}.input`, 'REMOVE needs the fields to remove in "input" (or "output")');
  // Metron ignores a condition that is not a string.
  const condition =
    typeof config['condition'] === 'string' ? compileStellar(config['condition'], file, `${path}.config.condition`) : undefined;
  return (message, now) => {
    if (condition !== undefined) {
      let holds: boolean;
      try {
        holds = condition.predicate(variablesOf(inputOf(message, input)), pipelineEval(now));
      } catch (err) {
        throw new Error(`${path}.config.condition: ${errorMessage(err)}`);
      }
      if (!holds) return;
    }
    for (const field of fields) delete message[field];
  };
}

function compileRename({ input, config, path, file }: StepSpec): FieldTransform {
  const renames: [string, string][] = [];
  for (const [from, to] of Object.entries(config)) {
    if (typeof to !== 'string' || to === '') throw new ConfigError(file, `${path}.config.${from}`, 'must be the new field name');
    // With "input", Metron only renames among those fields.
    if (input.length === 0 || input.includes(from)) renames.push([from, to]);
  }
  return (message) => {
    // Read every source first, so that swaps (a→b, b→a) behave as simultaneous renames.
    const moved: [string, unknown][] = [];
    for (const [from, to] of renames) {
      if (Object.hasOwn(message, from)) {
        moved.push([to, message[from]]);
        delete message[from];
      }
    }
    for (const [to, value] of moved) writeBack(message, to, value);
  };
}

/** SELECT: keeps only the output fields (among the inputs, when given), plus timestamp and original_string. */
function compileSelect({ input, output, path, file }: StepSpec): FieldTransform {
  if (output.length === 0) throw new ConfigError(file, `${path}.output`, 'SELECT needs the fields to keep in "output"');
  const keep = new Set(output);
  return (message) => {
    const candidates = input.length > 0 ? input : Object.keys(message);
    for (const field of candidates) {
      if (!keep.has(field) && !SELECT_KEEPS.has(field)) delete message[field];
    }
  };
}

/**
 * REGEX_SELECT: `config` maps a value → a regex or a list of regexes; the output field gets the
 * first value (in config order) with a regex found in the input field's text.
 */
function compileRegexSelect({ input, output, config, path, file }: StepSpec): FieldTransform {
  if (input.length !== 1) throw new ConfigError(file, `${path}.input`, 'REGEX_SELECT needs exactly one input field');
  const from = input[0]!;
  const to = output[0];
  if (to === undefined) throw new ConfigError(file, `${path}.output`, 'REGEX_SELECT needs the output field');
  const choices = Object.entries(config).map(([value, regexes], i) => {
    const list = typeof regexes === 'string' ? [regexes] : regexes;
    if (!Array.isArray(list) || !list.every((r) => typeof r === 'string')) {
      throw new ConfigError(file, `${path}.config.${value}`, 'must be a regular expression or a list of them');
    }
    return {
      value,
      patterns: list.map((source, j) => {
        try {
          return new RegExp(source);
        } catch (err) {
          const at = typeof regexes === 'string' ? '' : `[${j}]`;
          throw new ConfigError(file, `${path}.config.${value}${at}`, `invalid regular expression: ${errorMessage(err)} (entry ${i})`);
        }
      }),
    };
  });
  return (message) => {
    const raw = message[from];
    if (raw === undefined || raw === null) return;
    const text = typeof raw === 'string' ? raw : JSON.stringify(raw);
    const chosen = choices.find((c) => c.patterns.some((p) => p.test(text)));
    if (chosen) setField(message, to, chosen.value);
  };
}
