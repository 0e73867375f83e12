/**
 * Address semantics for the `ip` fields of the DuckDB store (the fields Metron's index templates
 * map as `ip`; see catalog.ts metronFieldType): CIDR terms (`ip_src_addr:10.0.0.0/8`,
 * `ip_src_addr:"2001:db8::/32"`), IPv6 terms matched by address whatever the notation, and ranges
 * compared as addresses (`[10.0.0.1 TO 10.0.0.255]` holds 10.0.0.9, which text order would not),
 * as OpenSearch matches them on an `ip` field (../query/ip.ts has the address model).
 *
 * The columns hold text. Dotted-quad IPv4 text is tested without parsing it: a CIDR block (a range
 * is split into blocks) becomes a shared-octet prefix and text ranges on the octet it bounds
 * (blockTests), which cost about what a prefix test costs, then one pattern check that the text
 * is an address. IPv6 text is read as 32 hex digits of its 128-bit value, which sort as the
 * numbers do, on rows with a colon only; for a block or range of IPv4 addresses only
 * `::ffff:a.b.c.d` text can hold one in IPv6 notation, and that is read more simply (IPv4-mapped
 * addresses written in hex, `::ffff:a00:1`, are then not matched). Text that is not an address matches
 * nothing. The SQL is built from the quoted column name and constants; every value is bound.
 */
import { BIGINT, VARCHAR } from '@duckdb/node-api';
import type { RangeNode } from '../query/ast.js';
import { IPV4_MAPPED_FIRST, IPV4_MAPPED_LAST, ipHex, parseCidr, parseIp, type IpPrefix } from '../query/ip.js';
import { metronFieldType, type ColumnInfo } from './catalog.js';
import { quoteIdent, type SqlParams } from './sql.js';

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4_PATTERN = `${OCTET}(\\.${OCTET}){3}`;
const H = '[0-9a-f]{1,4}';
/** RFC 4291 text forms without a dotted-quad tail, lower case. */
const IPV6_PATTERN = [
  `(${H}:){7}${H}`, `(${H}:){1,7}:`, `(${H}:){1,6}:${H}`, `(${H}:){1,5}(:${H}){1,2}`, `(${H}:){1,4}(:${H}){1,3}`,
  `(${H}:){1,3}(:${H}){1,4}`, `(${H}:){1,2}(:${H}){1,5}`, `${H}:(:${H}){1,6}`, `:((:${H}){1,7}|:)`,
].join('|');
/** An IPv4-mapped address written with a dotted-quad tail. */
const MAPPED_PATTERN = `::ffff:${IPV4_PATTERN}`;

/** True for a text column of a field the store treats as an address. */
export function isIpColumn(info: ColumnInfo): boolean {
  return info.type === 'VARCHAR' && metronFieldType(info) === 'ip';
}

/** The dotted-quad `text` as a BIGINT (TRY_CAST: DuckDB may evaluate it on rows an AND beside it rules out). */
function ipv4Number(text: string): string {
  return `(TRY_CAST(split_part(${text}, '.', 1) AS BIGINT) * 16777216 + TRY_CAST(split_part(${text}, '.', 2) AS BIGINT) * 65536`
    + ` + TRY_CAST(split_part(${text}, '.', 3) AS BIGINT) * 256 + TRY_CAST(split_part(${text}, '.', 4) AS BIGINT))`;
}

/**
 * Hex digits of one side of `::` (no digits for an empty side), each group left-padded to four:
 * `000` before every group, then each group's last four digits. Plain string functions: list
 * lambdas made the statement take ~20-35 ms to plan, on any table size.
 */
function groupsHex(half: string): string {
  return `(CASE WHEN ${half} = '' THEN '' ELSE regexp_replace('000' || replace(${half}, ':', ':000'), '[0-9a-fA-F]*([0-9a-fA-F]{4})(:|$)', '\\1', 'g') END)`;
}

function groupCount(half: string): string {
  return `(CASE WHEN ${half} = '' THEN 0 ELSE length(${half}) - length(replace(${half}, ':', '')) + 1 END)`;
}

/** Any address in a column as 32 hex digits of its 128-bit value; NULL when it is not an address. */
export function ipHexExpr(column: string): string {
  // The text is read as written and lower-cased once at the end: each repeated function call in
  // this expression adds to DuckDB's planning time (its expression rewriter), paid per statement.
  const head = `split_part(${column}, '::', 1)`;
  const tail = `split_part(${column}, '::', 2)`;
  const expanded = `(CASE WHEN contains(${column}, '::') THEN ${groupsHex(head)} || repeat('0', 4 * (8 - ${groupCount(head)} - ${groupCount(tail)})) || ${groupsHex(tail)} ELSE ${groupsHex(column)} END)`;
  const tailV4 = `substr(${column}, 8)`;
  return `(CASE WHEN regexp_full_match(${column}, '${IPV4_PATTERN}') THEN '00000000000000000000ffff' || printf('%08x', ${ipv4Number(column)})`
    + ` WHEN regexp_full_match(${column}, '${MAPPED_PATTERN}', 'i') THEN '00000000000000000000ffff' || printf('%08x', ${ipv4Number(tailV4)})`
    + ` WHEN regexp_full_match(${column}, '${IPV6_PATTERN}', 'i') THEN lower(${expanded}) END)`;
}

/** Splits an IPv4 range (32-bit, inclusive) into the fewest CIDR blocks, as [base, prefix length]. */
export function ipv4Blocks(first: number, last: number): Array<[number, number]> {
  const blocks: Array<[number, number]> = [];
  let at = first;
  while (at <= last) {
    // The largest block that starts at `at` (aligned to its size) and does not pass `last`.
    let length = 32;
    while (length > 0) {
      const size = 2 ** (33 - length);
      if (at % size !== 0 || at + size - 1 > last) break;
      length--;
    }
    blocks.push([at, length]);
    at += 2 ** (32 - length);
  }
  return blocks;
}

/**
 * Text tests for one IPv4 block on dotted-quad text, without parsing it: the whole octets the
 * block fixes as a prefix, and the octet it only bounds as a text range per digit count (octets
 * with d digits sort as their numbers among themselves), with the dot or the end right after it.
 * Plain comparisons with constants: cheap, and DuckDB can check them against its zone maps.
 */
function blockTests(column: string, base: number, length: number, params: SqlParams): string[] {
  const octets = [base >>> 24, (base >>> 16) & 255, (base >>> 8) & 255, base & 255];
  const whole = Math.floor(length / 8);
  const prefix = octets.slice(0, whole).map((o) => `${o}.`).join('');
  if (whole === 4) return [`(${column} = ${params.bind(prefix.slice(0, -1), VARCHAR)})`];
  if (length % 8 === 0) return [whole === 0 ? 'TRUE' : `starts_with(${column}, ${params.bind(prefix, VARCHAR)})`];
  const low = octets[whole]!;
  const high = low + 2 ** (8 - (length % 8)) - 1;
  const last = whole === 3;
  const tests: string[] = [];
  for (let digits = 1; digits <= 3; digits++) {
    const from = Math.max(low, digits === 1 ? 0 : 10 ** (digits - 1));
    const to = Math.min(high, 10 ** digits - 1);
    if (from > to) continue;
    // The octet has exactly `digits` digits, then the end of the text (last octet) or a dot ('/'
    // is the character after '.', so `< a.b/` takes every text `a.b.` starts).
    const shape = params.bind(`${prefix}${'[0-9]'.repeat(digits)}${last ? '' : '.*'}`, VARCHAR);
    tests.push(last
      ? `(${column} >= ${params.bind(prefix + from, VARCHAR)} AND ${column} <= ${params.bind(prefix + to, VARCHAR)} AND ${column} GLOB ${shape})`
      : `(${column} >= ${params.bind(`${prefix}${from}.`, VARCHAR)} AND ${column} < ${params.bind(`${prefix}${to}/`, VARCHAR)} AND ${column} GLOB ${shape})`);
  }
  return tests;
}

/**
 * Values between `first` and `last` (128-bit, inclusive). The IPv4 part is tested on dotted-quad
 * text by cheap text tests (blockTests) and then checked to be an address at all; IPv6 text,
 * mapped IPv4 text included, is read in full, and only on rows that have a colon.
 */
function between(column: string, first: bigint, last: bigint, params: SqlParams): string {
  const parts: string[] = [];
  const v4First = first > IPV4_MAPPED_FIRST ? first : IPV4_MAPPED_FIRST;
  const v4Last = last < IPV4_MAPPED_LAST ? last : IPV4_MAPPED_LAST;
  if (v4First <= v4Last) {
    const tests = ipv4Blocks(Number(v4First - IPV4_MAPPED_FIRST), Number(v4Last - IPV4_MAPPED_FIRST))
      .flatMap(([base, length]) => blockTests(column, base, length, params));
    const valid = `regexp_full_match(${column}, '${IPV4_PATTERN}')`;
    parts.push(tests.includes('TRUE') ? `(${valid})` : `((${tests.join(' OR ')}) AND ${valid})`);
  }
  if (first >= IPV4_MAPPED_FIRST && last <= IPV4_MAPPED_LAST) {
    // Only IPv4 addresses: in IPv6 notation, that is `::ffff:a.b.c.d` text, read without the
    // full IPv6 expression (which takes DuckDB ~20-40 ms to plan per statement).
    const tail = `substr(${column}, 8)`;
    parts.push(`(starts_with(lower(${column}), '::ffff:') AND regexp_full_match(${tail}, '${IPV4_PATTERN}') AND ${ipv4Number(tail)} BETWEEN ${params.bind(v4First - IPV4_MAPPED_FIRST, BIGINT)} AND ${params.bind(v4Last - IPV4_MAPPED_FIRST, BIGINT)})`);
  } else {
    parts.push(`(contains(${column}, ':') AND ${ipHexExpr(column)} BETWEEN ${params.bind(ipHex(first), VARCHAR)} AND ${params.bind(ipHex(last), VARCHAR)})`);
  }
  return parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`;
}

/**
 * A term on an address column: a CIDR block matches the addresses in it, an IPv6 address matches
 * that address in any notation. Null for anything else (an IPv4 address, or text that is no
 * address), which the caller compares as text.
 */
export function ipTerm(info: ColumnInfo, value: string, params: SqlParams): string | null {
  let block: IpPrefix | null = null;
  if (value.includes('/')) {
    block = parseCidr(value);
  } else if (value.includes(':')) {
    const address = parseIp(value);
    if (address !== null) block = { version: 6, length: 128, first: address.value, last: address.value };
  }
  return block === null ? null : between(quoteIdent(info.column), block.first, block.last, params);
}

/**
 * A range on an address column, compared as addresses; a bound that is not an address matches
 * nothing, as a non-number bound does on a numeric field.
 */
export function ipRange(info: ColumnInfo, node: RangeNode, params: SqlParams): string {
  const column = quoteIdent(info.column);
  const MAX = (1n << 128n) - 1n;
  let first = 0n;
  let last = MAX;
  if (node.lower !== null) {
    const address = parseIp(node.lower.value);
    if (address === null) return 'FALSE';
    first = address.value + (node.lower.inclusive ? 0n : 1n);
  }
  if (node.upper !== null) {
    const address = parseIp(node.upper.value);
    if (address === null) return 'FALSE';
    last = address.value - (node.upper.inclusive ? 0n : 1n);
  }
  if (first > last) return 'FALSE';
  return between(column, first, last, params);
}
