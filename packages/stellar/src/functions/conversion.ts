/**
 * Numeric conversions (Metron ConversionFunctions.java), following ConversionUtils.convert
 * (commons-beanutils): numbers are truncated/narrowed, strings parsed, and a value that cannot
 * be converted (bad string, out of range) gives null instead of an error.
 */
import type { StellarFunction } from './types.js';
import { arg, convertNumber, defineFunction } from './java-interop.js';

const target = { TO_INTEGER: 'int', TO_LONG: 'long', TO_FLOAT: 'float', TO_DOUBLE: 'double' } as const;

const describe: Record<keyof typeof target, string> = {
  TO_INTEGER: 'Converts a number or numeric string to an int (decimals are truncated).',
  TO_LONG: 'Converts a number or numeric string to a long (decimals are truncated).',
  TO_FLOAT: 'Converts a number or numeric string to a float.',
  TO_DOUBLE: 'Converts a number or numeric string to a double.',
};

export const functions: StellarFunction[] = (Object.keys(target) as (keyof typeof target)[]).map((name) =>
  defineFunction(name, '', describe[name], ['input - A number or a string holding one'], `The ${target[name]} value, or null when the input is null or cannot be converted.`, (args) =>
    convertNumber(arg(args, 0), target[name]),
  ),
);
