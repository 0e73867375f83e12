/**
 * A minimal JSON Schema (draft 4 subset) check for the schemas of Metron's parser tests
 * (`_schema_validated/*.schema.json`): `type` (object, string, integer, number, boolean, array),
 * `properties` and `required`. Other keywords (`title`) are ignored. Test support only.
 */
export interface MiniSchema {
  type?: string;
  properties?: Record<string, MiniSchema>;
  required?: string[];
}

function typeOk(value: unknown, type: string): boolean {
  switch (type) {
    case 'object': return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array': return Array.isArray(value);
    case 'string': return typeof value === 'string';
    case 'integer': return typeof value === 'number' && Number.isInteger(value);
    case 'number': return typeof value === 'number';
    case 'boolean': return typeof value === 'boolean';
    case 'null': return value === null;
    default: return false;
  }
}

/** The violations of `schema` by `value` (empty when it validates). */
export function checkSchema(value: unknown, schema: MiniSchema, path = '$'): string[] {
  const problems: string[] = [];
  if (schema.type !== undefined && !typeOk(value, schema.type)) {
    problems.push(`${path}: ${JSON.stringify(value)} is not of type ${schema.type}`);
    return problems;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return problems;
  const obj = value as Record<string, unknown>;
  for (const key of schema.required ?? []) if (!Object.hasOwn(obj, key)) problems.push(`${path}: missing required ${key}`);
  for (const [key, sub] of Object.entries(schema.properties ?? {})) {
    if (Object.hasOwn(obj, key)) problems.push(...checkSchema(obj[key], sub, `${path}.${key}`));
  }
  return problems;
}
