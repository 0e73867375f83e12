/**
 * Sensor field transformations (`fieldTransformations` of a Metron sensor parser config), applied
 * to each parsed message in order. Implemented so far: REMOVE (unconditional) and RENAME. The rest
 * of Metron's set (STELLAR, IP_PROTOCOL, SELECT, REGEX_SELECT, REMOVE with a Stellar `condition`,
 * custom classes) is refused at config time, so a sensor never runs with a transformation silently
 * skipped.
 */
import { ConfigError } from '@metron/core';
import { isJsonObject, setField } from './util/fields.js';

/** Applies the configured transformations to one message, in place. */
export type FieldTransform = (message: Record<string, unknown>) => void;

export const SUPPORTED_FIELD_TRANSFORMATIONS = ['REMOVE', 'RENAME'] as const;
/** Metron's built-in transformations not implemented here yet. */
export const PENDING_FIELD_TRANSFORMATIONS = ['STELLAR', 'IP_PROTOCOL', 'SELECT', 'REGEX_SELECT'] as const;

/** Compiles a `fieldTransformations` list; undefined when there is nothing to do. Throws ConfigError. */
export function compileFieldTransformations(list: unknown, file: string): FieldTransform | undefined {
  if (list === undefined || list === null) return undefined;
  if (!Array.isArray(list)) throw new ConfigError(file, '$.fieldTransformations', 'must be a list');
  const steps: FieldTransform[] = list.map((entry, i) => compileOne(entry, `$.fieldTransformations[${i}]`, file));
  if (steps.length === 0) return undefined;
  if (steps.length === 1) return steps[0];
  return (message) => {
    for (const step of steps) step(message);
  };
}

function compileOne(entry: unknown, path: string, file: string): FieldTransform {
  if (!isJsonObject(entry)) throw new ConfigError(file, path, 'must be an object with "transformation"');
  const name = entry['transformation'];
  if (typeof name !== 'string' || name.trim() === '') throw new ConfigError(file, `${path}.transformation`, 'is required');
  const input = fieldList(entry['input'], `${path}.input`, file);
  const output = fieldList(entry['output'], `${path}.output`, file);
  const config = entry['config'] ?? {};
  if (!isJsonObject(config)) throw new ConfigError(file, `${path}.config`, 'must be an object');

  switch (name.trim().toUpperCase()) {
    case 'REMOVE':
      return compileRemove(input, output, config, path, file);
    case 'RENAME':
      return compileRename(input, config, path, file);
    default: {
      const pending = (PENDING_FIELD_TRANSFORMATIONS as readonly string[]).includes(name.trim().toUpperCase());
      throw new ConfigError(
        file,
        `${path}.transformation`,
        `${pending ? 'Metron transformation' : 'transformation'} ${JSON.stringify(name)} is not yet supported (supported: ${SUPPORTED_FIELD_TRANSFORMATIONS.join(', ')})`,
      );
    }
  }
}

/** Metron accepts one field name or a list of them. */
function fieldList(value: unknown, path: string, file: string): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw new ConfigError(file, path, 'must be a field name or a list of field names');
}

function compileRemove(input: string[], output: string[], config: Record<string, unknown>, path: string, file: string): FieldTransform {
  if (typeof config['condition'] === 'string') {
    throw new ConfigError(file, `${path}.config.condition`, 'REMOVE with a Stellar condition is not yet supported');
  }
  // Metron removes the output fields, which default to the input fields.
  const fields = output.length > 0 ? output : input;
  if (fields.length === 0) throw new ConfigError(file, `${path}.input`, 'REMOVE needs the fields to remove in "input" (or "output")');
  return (message) => {
    for (const field of fields) delete message[field];
  };
}

function compileRename(input: string[], config: Record<string, unknown>, path: string, file: string): FieldTransform {
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
    for (const [to, value] of moved) {
      if (value === null) delete message[to]; // Metron writes null as removal
      else setField(message, to, value);
    }
  };
}
