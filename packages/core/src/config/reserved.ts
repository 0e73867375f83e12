/**
 * Index names the platform keeps for itself. A sensor's name becomes its index name (and a
 * writer's `index` setting overrides it), so a sensor called `metaalert` would write its
 * messages into the meta-alert index, and one called `audit` into the audit trail of alert
 * changes; both names are refused wherever a sensor or index name is given.
 */

/** Reserved name (lower case) → what uses it. */
export const RESERVED_INDEX_NAMES: Readonly<Record<string, string>> = Object.freeze({
  metaalert: 'the meta-alert index',
  audit: 'the audit trail of alert changes',
});

/**
 * Why `name` cannot be a sensor or index name, or null when it can. Case-insensitive: index
 * tables and OpenSearch indices are lower case, so `MetaAlert` is the same index.
 */
export function reservedIndexReason(name: string): string | null {
  const key = name.toLowerCase();
  if (!Object.hasOwn(RESERVED_INDEX_NAMES, key)) return null;
  return `"${name}" is reserved for ${RESERVED_INDEX_NAMES[key]}; choose another name`;
}
