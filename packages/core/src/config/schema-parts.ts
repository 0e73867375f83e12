/**
 * Building blocks shared by the Metron config schemas.
 *
 * Metron bound its configs with Jackson's defaults, which coerce scalars: `"5"` is accepted
 * where an Integer is declared and `"true"` where a Boolean is. Existing config directories
 * rely on that, so the same values are accepted here and normalised to a number or boolean
 * (anything else is refused with the expected type).
 */
import { z } from 'zod';

const INTEGER_TEXT = /^\s*[-+]?\d+\s*$/;
const NUMBER_TEXT = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

function integerFromText(value: unknown): unknown {
  return typeof value === 'string' && INTEGER_TEXT.test(value) ? Number(value) : value;
}

function numberFromText(value: unknown): unknown {
  return typeof value === 'string' && NUMBER_TEXT.test(value) ? Number(value) : value;
}

function booleanFromText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const lower = value.trim().toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : value;
}

/** An integer (Java Integer/Long); integer text such as "5" is accepted. */
export function javaInt(min?: number) {
  const int = z.number().int();
  return z.preprocess(integerFromText, min === undefined ? int : int.min(min));
}

/** A number (Java Number/Double); numeric text is accepted. */
export function javaNumber() {
  return z.preprocess(numberFromText, z.number());
}

/** A boolean (Java Boolean); "true"/"false" text is accepted, as Jackson does. */
export function javaBool() {
  return z.preprocess(booleanFromText, z.boolean());
}

/** A Java `Map<String, Object>`: any JSON object, kept as written. */
export function openMap() {
  return z.record(z.string(), z.unknown());
}

/** One field name or a list of them (Metron's `Object input` / `Object output`). */
export function fieldNames() {
  return z.union([z.string(), z.array(z.string())], { error: 'a field name or a list of field names' });
}

/**
 * A value Metron stored in a `Map<String, Object>` and converted where it was used
 * (ConversionUtils): integers are sometimes written as text ("9300"). Kept as written.
 */
export function numberOrText() {
  return z.union([z.number(), z.string()], { error: 'a number or a string' });
}
