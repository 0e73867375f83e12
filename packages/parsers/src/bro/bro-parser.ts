/**
 * Metron's BasicBroParser (metron-parsers `org.apache.metron.parsers.bro.BasicBroParser`) for
 * Bro/Zeek JSON logs as the Metron Bro plugin writes them: `{"<log type>": {...fields}}`, or a flat
 * object with a `type` field.
 * - top-level keys are cleaned to `[._a-zA-Z0-9]` (JSONCleaner); the payload's own keys are kept,
 *   dots included;
 * - `original_string` = `<TYPE> | k:v k:v ...` in Java HashMap order, values printed as Java does
 *   (Doubles as `0.0#####`, lists and objects as json-simple JSON);
 * - `ts` (epoch seconds) becomes `timestamp` (ms, truncated) plus `bro_timestamp` (the seconds as
 *   printed above);
 * - `source_ip`|`id.orig_h` → ip_src_addr (else the first of `tx_hosts`), `dest_ip`|`id.resp_h` →
 *   ip_dst_addr (else the first of `rx_hosts`), `source_port`|`id.orig_p` → ip_src_port,
 *   `dest_port`|`id.resp_p` → ip_dst_port; `protocol` = the log type.
 * Beyond Metron: a `ts` given as a numeric string or ISO 8601 text (Zeek's JSON::TS_ISO8601) is
 * read instead of failing the record, and a null field prints as `null` instead of failing it.
 *
 * Speed (bench/parsers.js): what a key set decides (HashMap order, renames, copy list) is worked
 * out once per key set (KeySetPlan). A record of the common shape whose key set has a plan is read
 * in one pass over its text (flat-record.ts: values, and where each number is written, so that
 * original_string prints most numbers as the text writes them). Any other record goes the general
 * way: JSON.parse, then one pass over the text that finds out whether it holds an integral double
 * (3600.0, which JSON.parse cannot tell from 3600; such a record is read again by the
 * Java-faithful reader) and where the numbers are written. Both ways give the same message
 * (bro-parser.test.ts compares them).
 */
import type { Message } from '@metron/core';
import type { MessageParser, ParseOutcome } from '../types.js';
import { isJsonObject, setField } from '../util/fields.js';
import { javaDecimalFormat6, javaHashMapOrder, JavaDouble, javaValueToString, unwrapJavaValues } from '../util/java-compat.js';
import { FlatRecordReader } from './flat-record.js';
import { holdsIntegralDouble, mayHoldIntegralDouble, parseJsonKeepingDoubles, scanJsonNumbers } from '../util/json-java-reader.js';

const UNCLEAN_KEY_RUNS = /[^._a-zA-Z0-9]+/g;

/** Renamed fields: the first source key present wins (Metron's replaceKey). */
const SRC_ADDR_KEYS = ['source_ip', 'id.orig_h'] as const;
const DST_ADDR_KEYS = ['dest_ip', 'id.resp_h'] as const;
const SRC_PORT_KEYS = ['source_port', 'id.orig_p'] as const;
const DST_PORT_KEYS = ['dest_port', 'id.resp_p'] as const;

/**
 * What a record's key set decides, worked out once per key set: a sensor's records of one log type
 * repeat a handful of key sets, and the HashMap order, the renames and the copy list cost more than
 * the rest of the record when computed every time.
 */
interface KeySetPlan {
  /** The log type (the plans of a type are kept together) and the payload's keys in object order: the identity of the plan. */
  readonly logType: string;
  readonly keys: readonly string[];
  /** `keys` when each is written in JSON without escapes (so it can guide FlatRecordReader), else undefined. */
  readonly guide: readonly string[] | undefined;
  /** `<TYPE> |`, the head of original_string. */
  readonly head: string;
  /** Where each key of Java HashMap order (original_string's order) is in `keys`, and ` key:` for each. */
  readonly hashIndex: readonly number[];
  readonly labels: readonly string[];
  /** Keys copied into the message as they are, in object order, and where each is in `keys`. */
  readonly copied: readonly string[];
  readonly copiedIndex: readonly number[];
  /** A key `__proto__` needs setField to become a field. */
  readonly copiesProto: boolean;
  /** Where the renamed fields are in `keys` (-1: absent). */
  readonly srcAddrAt: number;
  readonly dstAddrAt: number;
  readonly srcPortAt: number;
  readonly dstPortAt: number;
  /** Where tx_hosts / rx_hosts are in `keys`, when consumed (only when no address field was found), else -1. */
  readonly txAt: number;
  readonly rxAt: number;
  /** Where `ts` and `timestamp` are in `keys` (-1: absent); `timestamp` is read only without `ts`. */
  readonly tsAt: number;
  readonly timestampAt: number;
  /** Where `ts` is in hashOrder (-1 without one). */
  readonly tsIndex: number;
  /** No key is an array index, so `keys` is in the order the text lists them (duplicates aside). */
  readonly textOrder: boolean;
}

/** What `read` answers when JSON.parse lost a distinction the record needs. */
const HOLDS_DOUBLES = Symbol('holds integral doubles');

function invalidJson(err: unknown): ParseOutcome {
  return { ok: false, reason: `invalid JSON: ${(err as Error).message}` };
}

/** Plans per log type; bounded, so records with ever-new key sets cost no more memory than this. */
const PLANS_PER_TYPE = 64;
const PLANS_LIMIT = 4096;

export interface BroParserOptions {
  /**
   * Read every record with the Java-faithful reader instead of JSON.parse: the slow reference the
   * fast path is tested against (same output).
   */
  javaReaderOnly?: boolean;
  /**
   * Read records of the common shape in one pass (flat-record.ts) instead of with JSON.parse; on by
   * default, off to test that both give the same output.
   */
  flatReading?: boolean;
}

export class BroParser implements MessageParser {
  private readonly plans = new Map<string, KeySetPlan[]>();
  private planCount = 0;
  private readonly javaReaderOnly: boolean;
  private readonly flatReading: boolean;
  private readonly flatReader = new FlatRecordReader();

  constructor(options: BroParserOptions = {}) {
    this.javaReaderOnly = options.javaReaderOnly === true;
    this.flatReading = options.flatReading !== false;
  }

  parse(text: string): ParseOutcome {
    if (this.javaReaderOnly) return this.parseKeepingDoubles(text);
    // The common record, `{"<type>":{flat members}}`, is read in one pass over its text; a plan of its
    // key set must exist (made by the general path the first time the key set is seen).
    if (this.flatReading) {
      const reader = this.flatReader;
      const membersAt = reader.readHead(text);
      const plans = membersAt < 0 ? undefined : this.plans.get(text.slice(reader.typeStart, reader.typeEnd));
      // The type's most recent key set guides the reading of the keys.
      if (plans !== undefined && reader.readMembers(text, membersAt, plans[0]!.guide)) {
        const plan = reader.followedGuide ? plans[0] : flatPlanFor(text, reader, plans);
        if (plan !== undefined) return this.build(text, plan, reader.values, reader.numberSpans, true, false);
      }
    }
    // JSON.parse is the general path. The Java-faithful reader re-reads only a record that holds a
    // number like 3600.0 (decided exactly once JSON.parse has accepted the text), or, for a record
    // JSON.parse refuses, gives its reason where the record may hold one (as it always did).
    let root: unknown;
    try {
      root = JSON.parse(text);
    } catch (err) {
      return mayHoldIntegralDouble(text) ? this.parseKeepingDoubles(text) : invalidJson(err);
    }
    const outcome = this.read(text, root, false);
    return outcome === HOLDS_DOUBLES ? this.parseKeepingDoubles(text) : outcome;
  }

  private parseKeepingDoubles(text: string): ParseOutcome {
    let root: unknown;
    try {
      root = parseJsonKeepingDoubles(text);
    } catch (err) {
      return invalidJson(err);
    }
    return this.read(text, root, true) as ParseOutcome;
  }

  /**
   * The record's message from `root`, the text read by JSON.parse (keepDoubles false; HOLDS_DOUBLES
   * when the text holds an integral double, which JSON.parse has lost) or by the Java-faithful reader.
   */
  private read(text: string, root: unknown, keepDoubles: boolean): ParseOutcome | typeof HOLDS_DOUBLES {
    if (!isJsonObject(root)) return { ok: false, reason: 'Bro record is not a JSON object' };
    const cleaned = cleanTopLevel(root);

    let logType: string;
    let payload: Record<string, unknown>;
    let topKeyCount = 0;
    if (Object.hasOwn(cleaned, 'type')) {
      const type = cleaned['type'];
      if (type === null || type === undefined) return { ok: false, reason: 'Bro record has a null "type"' };
      // A numeric type names the log as Java prints it (3600.0): decide on doubles first.
      if (!keepDoubles && typeof type !== 'string' && holdsIntegralDouble(text)) return HOLDS_DOUBLES;
      logType = javaValueToString(type);
      payload = cleaned;
    } else {
      // One key, the common case, without listing the keys.
      let firstKey = '';
      for (const key in cleaned) if (topKeyCount++ === 0) firstKey = key;
      if (topKeyCount === 1 && Object.hasOwn(cleaned, firstKey)) {
        logType = firstKey;
      } else {
        const topKeys = Object.keys(cleaned);
        topKeyCount = topKeys.length;
        if (topKeyCount === 0) return { ok: false, reason: 'Bro record is an empty object' };
        logType = topKeyCount === 1 ? topKeys[0]! : javaHashMapOrder(topKeys)[0]!;
      }
      const inner = cleaned[logType];
      if (!isJsonObject(inner)) return { ok: false, reason: `Bro record's ${JSON.stringify(logType)} is not a JSON object` };
      payload = inner;
    }
    const plan = this.planFor(logType, payload);
    // The values in the payload's key order (plan.keys): one call, where a lookup per key by name costs more.
    const values = Object.values(payload);
    // Where the payload's members are in the text, when the text lists exactly the plan's keys in
    // its order: root not cleaned, no array-index key (V8 lists those first), and as many members as
    // keys (no duplicate). Numbers are then printed from the text (see numberAsWritten).
    const memberDepth = cleaned !== root || !plan.textOrder ? -1 : payload === root ? 1 : topKeyCount === 1 ? 2 : -1;
    let numbersFromText = false;
    if (!keepDoubles) {
      const members = scanJsonNumbers(text, memberDepth, NUMBER_SPANS);
      if (members < 0) return HOLDS_DOUBLES;
      numbersFromText = memberDepth > 0 && members === values.length;
    }

    return this.build(text, plan, values, NUMBER_SPANS, numbersFromText, keepDoubles);
  }

  /**
   * The message of a payload of key set `plan` whose values (in the plan's key order) are `values`.
   * numbersFromText: numberSpans says where each number value is written in `text` (by key index).
   */
  private build(text: string, plan: KeySetPlan, values: readonly unknown[], numberSpans: ArrayLike<number>, numbersFromText: boolean, keepDoubles: boolean): ParseOutcome {
    let original = plan.head;
    const { hashIndex, labels, tsIndex } = plan;
    // ts as original_string prints it: bro_timestamp is the same text when ts is a Double.
    let tsPrinted = '';
    for (let i = 0; i < hashIndex.length; i++) {
      const at = hashIndex[i]!;
      const value = values[at];
      const printed = numbersFromText && typeof value === 'number' ? numberAsWritten(text, numberSpans[2 * at]!, numberSpans[2 * at + 1]!, value) : javaValueToString(value);
      if (i === tsIndex) tsPrinted = printed;
      original += labels[i]! + printed;
    }

    const message: Record<string, unknown> = {};
    const { copied, copiedIndex } = plan;
    if (keepDoubles || plan.copiesProto) {
      for (let i = 0; i < copied.length; i++) {
        const value = values[copiedIndex[i]!];
        setField(message, copied[i]!, keepDoubles ? unwrapJavaValues(value) : value);
      }
    } else {
      for (let i = 0; i < copied.length; i++) message[copied[i]!] = values[copiedIndex[i]!];
    }
    message['original_string'] = original;
    const ts = plan.tsAt >= 0 ? values[plan.tsAt] : plan.timestampAt >= 0 ? values[plan.timestampAt] : undefined;
    if (typeof ts === 'number' && Number.isFinite(ts) && !Number.isInteger(ts) && plan.tsAt >= 0) {
      message['timestamp'] = Math.trunc(ts * 1000);
      message['bro_timestamp'] = tsPrinted;
    } else if (ts !== undefined) {
      const converted = convertTimestamp(ts);
      if (converted === undefined) return { ok: false, reason: `Bro ts ${JSON.stringify(unwrapJavaValues(ts))} is not epoch seconds` };
      message['timestamp'] = converted.millis;
      message['bro_timestamp'] = converted.formatted;
    }
    const { srcAddrAt, dstAddrAt, srcPortAt, dstPortAt } = plan;
    if (srcAddrAt >= 0) message['ip_src_addr'] = keepDoubles ? unwrapJavaValues(values[srcAddrAt]) : values[srcAddrAt];
    else if (plan.txAt >= 0) setFirstHost(message, 'ip_src_addr', values[plan.txAt]);
    if (dstAddrAt >= 0) message['ip_dst_addr'] = keepDoubles ? unwrapJavaValues(values[dstAddrAt]) : values[dstAddrAt];
    else if (plan.rxAt >= 0) setFirstHost(message, 'ip_dst_addr', values[plan.rxAt]);
    if (srcPortAt >= 0) message['ip_src_port'] = keepDoubles ? unwrapJavaValues(values[srcPortAt]) : values[srcPortAt];
    if (dstPortAt >= 0) message['ip_dst_port'] = keepDoubles ? unwrapJavaValues(values[dstPortAt]) : values[dstPortAt];
    message['protocol'] = plan.logType;
    return { ok: true, messages: [message as Message] };
  }

  /** The plan of `payload`'s key set, made on first sight. */
  private planFor(logType: string, payload: Record<string, unknown>): KeySetPlan {
    let plans = this.plans.get(logType);
    if (plans !== undefined) {
      for (let i = 0; i < plans.length; i++) {
        const plan = plans[i]!;
        if (hasKeys(payload, plan.keys)) {
          // Move towards the front: the common key sets of a type are then found first.
          if (i > 0) {
            plans[i] = plans[i - 1]!;
            plans[i - 1] = plan;
          }
          return plan;
        }
      }
    }
    const plan = makePlan(logType, Object.keys(payload));
    if (this.planCount >= PLANS_LIMIT) {
      this.plans.clear();
      this.planCount = 0;
      plans = undefined;
    }
    if (plans === undefined) this.plans.set(logType, (plans = []));
    if (plans.length >= PLANS_PER_TYPE) {
      plans.pop();
      this.planCount--;
    }
    plans.push(plan);
    this.planCount++;
    return plan;
  }
}

/**
 * The plan among `plans` (of the record's type) whose keys are the ones `reader` read from `text`,
 * in the same order; undefined when none was made yet (the general path makes it).
 */
function flatPlanFor(text: string, reader: FlatRecordReader, plans: KeySetPlan[]): KeySetPlan | undefined {
  const { count, keyStart, keyEnd } = reader;
  for (let i = 0; i < plans.length; i++) {
    const plan = plans[i]!;
    const keys = plan.keys;
    if (keys.length !== count) continue;
    let k = 0;
    while (k < count && keyWrittenAt(text, keyStart[k]!, keyEnd[k]!, keys[k]!)) k++;
    if (k === count) {
      // Move towards the front: the common key sets of a type are then found (and guide) first.
      if (i > 0) {
        plans[i] = plans[i - 1]!;
        plans[i - 1] = plan;
      }
      return plan;
    }
  }
  return undefined;
}

/** Whether `object`'s own keys are `keys`, in that order (for-in lists own keys only here: JSON objects). */
function hasKeys(object: Record<string, unknown>, keys: readonly string[]): boolean {
  let i = 0;
  for (const key in object) if (keys[i++] !== key) return false;
  return i === keys.length;
}

function makePlan(logType: string, keys: string[]): KeySetPlan {
  const has = (key: string): boolean => keys.includes(key);
  const firstPresent = (candidates: readonly string[]): string | undefined => candidates.find(has);
  const srcAddrKey = firstPresent(SRC_ADDR_KEYS);
  const dstAddrKey = firstPresent(DST_ADDR_KEYS);
  const srcPortKey = firstPresent(SRC_PORT_KEYS);
  const dstPortKey = firstPresent(DST_PORT_KEYS);
  // Metron removes tx_hosts / rx_hosts only when no address field was found.
  const txKey = srcAddrKey === undefined && has('tx_hosts') ? 'tx_hosts' : undefined;
  const rxKey = dstAddrKey === undefined && has('rx_hosts') ? 'rx_hosts' : undefined;
  const renamed = new Set([srcAddrKey, dstAddrKey, srcPortKey, dstPortKey, txKey, rxKey, has('ts') ? 'ts' : undefined]);
  const copied = keys.filter((key) => !renamed.has(key));
  const hashOrder = javaHashMapOrder(keys);
  return {
    logType,
    keys,
    guide: keys.every(isPlainKey) ? keys : undefined,
    head: `${logType.toUpperCase()} |`,
    hashIndex: hashOrder.map((key) => keys.indexOf(key)),
    labels: hashOrder.map((key) => ` ${key}:`),
    copied,
    copiedIndex: copied.map((key) => keys.indexOf(key)),
    copiesProto: copied.includes('__proto__'),
    srcAddrAt: srcAddrKey === undefined ? -1 : keys.indexOf(srcAddrKey),
    dstAddrAt: dstAddrKey === undefined ? -1 : keys.indexOf(dstAddrKey),
    srcPortAt: srcPortKey === undefined ? -1 : keys.indexOf(srcPortKey),
    dstPortAt: dstPortKey === undefined ? -1 : keys.indexOf(dstPortKey),
    txAt: txKey === undefined ? -1 : keys.indexOf(txKey),
    rxAt: rxKey === undefined ? -1 : keys.indexOf(rxKey),
    tsAt: keys.indexOf('ts'),
    timestampAt: keys.indexOf('timestamp'),
    tsIndex: hashOrder.indexOf('ts'),
    textOrder: !keys.some(isArrayIndex),
  };
}

/** Scratch for scanJsonNumbers: where each payload member's number is written (one record at a time). */
const NUMBER_SPANS: number[] = [];

/** Whether text[start, end) is `key` (compared in place: no string made for the key). */
function keyWrittenAt(text: string, start: number, end: number, key: string): boolean {
  if (end - start !== key.length) return false;
  for (let i = 0; i < key.length; i++) if (text.charCodeAt(start + i) !== key.charCodeAt(i)) return false;
  return true;
}

/** Whether JSON writes `key` as it is, without escapes (no `"`, backslash, control character). */
function isPlainKey(key: string): boolean {
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c) return false;
  }
  return true;
}

const ARRAY_INDEX = /^(?:0|[1-9]\d{0,9})$/;

/** A key V8 keeps as an element, listed before the others whatever its place in the text. */
function isArrayIndex(key: string): boolean {
  return ARRAY_INDEX.test(key) && Number(key) < 2 ** 32 - 1;
}

/** Below 2^33 a double's ulp is under 10^-6 (see numberAsWritten). */
const DECIMAL_TEXT_LIMIT = 2 ** 33;

/**
 * How Metron prints `value`, the number written in text[start, end), taken from the text where it
 * reads the same, which spares the number-to-string conversion:
 * - an integer (a Long: the record holds no integral double) is written in its canonical digits,
 *   except `-0` and beyond 2^53, where Java prints what the double holds;
 * - a fraction of 1 to 6 digits not ending in 0, without exponent, below 2^33, is the double's
 *   shortest form (no other decimal of at most 6 fraction digits reads back as the same double, the
 *   ulp being under 10^-6), so DecimalFormat("0.0#####") prints those digits.
 * Anything else, or no span (start -1), is printed from the value.
 */
function numberAsWritten(text: string, start: number, end: number, value: number): string {
  if (start < 0) return javaValueToString(value);
  let p = start;
  let c = text.charCodeAt(p);
  if (c === 0x2d /* - */) c = text.charCodeAt(++p);
  while (c >= 0x30 && c <= 0x39 && p < end) c = text.charCodeAt(++p);
  if (p === end) {
    // an integer
    if (value === 0 || !(value <= Number.MAX_SAFE_INTEGER && value >= Number.MIN_SAFE_INTEGER)) return javaValueToString(value);
    return text.slice(start, end);
  }
  // a fraction of 1 to 6 digits up to the end (no exponent), the last not 0
  if (c !== 0x2e /* . */ || end - p > 7 || !(value < DECIMAL_TEXT_LIMIT && value > -DECIMAL_TEXT_LIMIT)) return javaValueToString(value);
  for (c = text.charCodeAt(++p); c >= 0x30 && c <= 0x39 && p < end; c = text.charCodeAt(++p));
  if (p !== end || text.charCodeAt(end - 1) === 0x30) return javaValueToString(value);
  return text.slice(start, end);
}

/** JSONCleaner: strips characters other than `._a-zA-Z0-9` from top-level keys (later duplicates win). */
function cleanTopLevel(root: Record<string, unknown>): Record<string, unknown> {
  let needed = false;
  for (const key in root) {
    if (!isCleanKey(key)) {
      needed = true;
      break;
    }
  }
  if (!needed) return root;
  // Java inserts the cleaned keys in the source map's HashMap order.
  const out: Record<string, unknown> = {};
  for (const key of javaHashMapOrder(Object.keys(root))) setField(out, key.replace(UNCLEAN_KEY_RUNS, ''), root[key]);
  return out;
}

/** Whether `key` is made of `[._a-zA-Z0-9]` only (a loop: a regex call costs more for such short keys). */
function isCleanKey(key: string): boolean {
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    // 0-9, A-Z, a-z, '.', '_'
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2e || c === 0x5f)) return false;
  }
  return true;
}

function setFirstHost(message: Record<string, unknown>, field: string, hosts: unknown): void {
  if (Array.isArray(hosts)) {
    if (hosts.length > 0) message[field] = unwrapJavaValues(hosts[0]);
  } else if (hosts !== null && hosts !== undefined) {
    message[field] = unwrapJavaValues(hosts);
  }
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T/;

/** Epoch seconds → Metron's `timestamp` (ms, truncated as Java's `(long)(d * 1000)`) and `bro_timestamp`. */
function convertTimestamp(ts: unknown): { millis: number; formatted: string } | undefined {
  let seconds: number | undefined;
  if (typeof ts === 'number') seconds = ts;
  else if (ts instanceof JavaDouble) seconds = ts.value;
  else if (typeof ts === 'string') {
    const trimmed = ts.trim();
    if (trimmed !== '' && Number.isFinite(Number(trimmed))) seconds = Number(trimmed);
    else if (ISO_8601.test(trimmed)) {
      const ms = Date.parse(trimmed);
      if (!Number.isNaN(ms)) return { millis: ms, formatted: ts };
    }
  }
  if (seconds === undefined || !Number.isFinite(seconds)) return undefined;
  return { millis: Math.trunc(seconds * 1000), formatted: javaDecimalFormat6(seconds) };
}
