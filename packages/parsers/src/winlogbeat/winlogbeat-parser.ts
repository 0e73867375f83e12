/**
 * Windows event log records as Winlogbeat ships them (https://www.elastic.co/guide/en/beats/winlogbeat/current/exported-fields.html):
 * - 7.x/8.x (ECS): objects unfolded with dots as Metron's JSONMap parser does with
 *   `mapStrategy: UNFOLD` (`winlog.event_data.TargetUserName`, `host.os.version`); lists kept;
 *   `@timestamp` → `timestamp` (epoch ms); `source.ip`/`source.port`/`destination.ip`/
 *   `destination.port` → `ip_src_addr`/`ip_src_port`/`ip_dst_addr`/`ip_dst_port`, and
 *   `network.transport` → `protocol` (lower case);
 * - 6.x: the same, with its top-level fields renamed to the 7.x names Elastic's 6-to-7 migration
 *   aliases give them (`event_id` → `winlog.event_id`, `log_name` → `winlog.channel`,
 *   `computer_name` → `winlog.computer_name`, `event_data.*` → `winlog.event_data.*`, ...), and
 *   `event.code` from the event id as 7.x sets it, so that one rule reads both.
 * `winlog.event_id` and `event.code` are numbers (8.x writes them as strings, 6.x/7.x as numbers).
 * Without ECS addresses, the 5-tuple comes from the event data fields Windows uses for them
 * (`IpAddress`/`IpPort` in logon events, `SourceAddress`/`DestAddress`/... in WFP 5156,
 * `SourceIp`/`DestinationIp`/... in Sysmon 3); those fields stay.
 */
import type { Message } from '@metron/core';
import { protocolName } from '../transformations/ip-protocol.js';
import type { MessageParser, ParseOutcome } from '../types.js';
import { dottedKey } from '../suricata/dotted-keys.js';
import { isJsonObject, setField } from '../util/fields.js';
import { isoToMillis } from '../zeek/iso-timestamp.js';

/** Winlogbeat 6.x top-level fields → their 7.x names (Elastic's `migration.6_to_7` aliases). */
const LEGACY_NAMES: ReadonlyMap<string, string> = new Map([
  ['type', 'winlog.api'],
  ['activity_id', 'winlog.activity_id'],
  ['computer_name', 'winlog.computer_name'],
  ['event_id', 'winlog.event_id'],
  ['keywords', 'winlog.keywords'],
  ['log_name', 'winlog.channel'],
  ['message_error', 'error.message'],
  ['record_number', 'winlog.record_id'],
  ['related_activity_id', 'winlog.related_activity_id'],
  ['opcode', 'winlog.opcode'],
  ['provider_guid', 'winlog.provider_guid'],
  ['process_id', 'winlog.process.pid'],
  ['source_name', 'winlog.provider_name'],
  ['task', 'winlog.task'],
  ['thread_id', 'winlog.process.thread.id'],
  ['user.identifier', 'winlog.user.identifier'],
  ['user.type', 'winlog.user.type'],
  ['version', 'winlog.version'],
  ['xml', 'event.original'],
  ['level', 'log.level'],
  ['event_data', 'winlog.event_data'],
  ['user_data', 'winlog.user_data'],
]);

/** Event data fields that hold the 5-tuple when the record has no ECS `source`/`destination`. */
const SRC_ADDR_FIELDS = ['IpAddress', 'SourceAddress', 'SourceIp', 'ClientAddress'] as const;
const SRC_PORT_FIELDS = ['IpPort', 'SourcePort'] as const;
const DST_ADDR_FIELDS = ['DestAddress', 'DestinationIp'] as const;
const DST_PORT_FIELDS = ['DestPort', 'DestinationPort'] as const;

export class WinlogbeatParser implements MessageParser {
  parse(text: string): ParseOutcome {
    let root: unknown;
    try {
      root = JSON.parse(text);
    } catch (err) {
      return { ok: false, reason: `invalid JSON: ${(err as Error).message}` };
    }
    if (!isJsonObject(root)) return { ok: false, reason: 'Winlogbeat record is not a JSON object' };

    // 6.x has its event fields at the top level; 7.x and later under `winlog`.
    const legacy = !Object.hasOwn(root, 'winlog') && (Object.hasOwn(root, 'event_id') || Object.hasOwn(root, 'log_name') || Object.hasOwn(root, 'event_data'));
    const message: Record<string, unknown> = {};
    const collector = new Collector(message, legacy);
    for (const key in root) collector.put(key, root[key]);

    if (collector.time === undefined) return { ok: false, reason: 'Winlogbeat record has no @timestamp' };
    const millis = typeof collector.time === 'string' ? isoToMillis(collector.time) : undefined;
    if (millis === undefined) return { ok: false, reason: `@timestamp ${JSON.stringify(collector.time)} is not ISO 8601 with a zone` };
    message['timestamp'] = millis;

    normalizeEventId(message, 'winlog.event_id');
    if (legacy && message['event.code'] === undefined && message['winlog.event_id'] !== undefined) message['event.code'] = message['winlog.event_id'];
    normalizeEventId(message, 'event.code');
    if (message['ip_src_addr'] === undefined && message['ip_dst_addr'] === undefined) fiveTupleFromEventData(message);
    message['original_string'] = text;
    return { ok: true, messages: [message as Message] };
  }
}

/** Unfolds one record into the message, renaming as it goes. */
class Collector {
  time: unknown;

  constructor(
    private readonly message: Record<string, unknown>,
    private readonly legacy: boolean,
  ) {}

  put(key: string, value: unknown): void {
    if (isJsonObject(value)) {
      // A 6.x object renamed as a whole (event_data → winlog.event_data), then unfolded.
      const renamed = this.legacy ? LEGACY_NAMES.get(key) : undefined;
      const prefix = renamed ?? key;
      for (const inner in value) this.put(dottedKey(prefix, inner), value[inner]);
      return;
    }
    switch (key) {
      case '@timestamp':
        this.time = value;
        return;
      case 'source.ip':
        this.message['ip_src_addr'] = value;
        return;
      case 'source.port':
        this.message['ip_src_port'] = value;
        return;
      case 'destination.ip':
        this.message['ip_dst_addr'] = value;
        return;
      case 'destination.port':
        this.message['ip_dst_port'] = value;
        return;
      case 'network.transport':
        this.message['protocol'] = typeof value === 'string' ? value.toLowerCase() : value;
        return;
    }
    const renamed = this.legacy ? LEGACY_NAMES.get(key) : undefined;
    setField(this.message, renamed ?? key, value);
  }
}

const DIGITS = /^\d{1,10}$/;

/** An event id written as a digit string (8.x) becomes the number 6.x and 7.x write. */
function normalizeEventId(message: Record<string, unknown>, field: string): void {
  const value = message[field];
  if (typeof value === 'string' && DIGITS.test(value)) message[field] = Number(value);
}

/** A usable address from event data: Windows writes `-` (or nothing) when there is none. */
function address(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' && value !== '-' ? value : undefined;
}

/** A port from event data (a string there), or undefined for `-`, `0` or junk. */
function port(value: unknown): number | undefined {
  const n = typeof value === 'string' && DIGITS.test(value) ? Number(value) : typeof value === 'number' ? value : NaN;
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : undefined;
}

function firstOf<T>(message: Record<string, unknown>, names: readonly string[], read: (v: unknown) => T | undefined): T | undefined {
  for (const name of names) {
    const value = read(message[`winlog.event_data.${name}`]);
    if (value !== undefined) return value;
  }
  return undefined;
}

function fiveTupleFromEventData(message: Record<string, unknown>): void {
  const srcAddr = firstOf(message, SRC_ADDR_FIELDS, address);
  if (srcAddr === undefined) return; // not a network event
  message['ip_src_addr'] = srcAddr;
  const srcPort = firstOf(message, SRC_PORT_FIELDS, port);
  if (srcPort !== undefined) message['ip_src_port'] = srcPort;
  const dstAddr = firstOf(message, DST_ADDR_FIELDS, address);
  if (dstAddr !== undefined) message['ip_dst_addr'] = dstAddr;
  const dstPort = firstOf(message, DST_PORT_FIELDS, port);
  if (dstPort !== undefined) message['ip_dst_port'] = dstPort;
  if (message['protocol'] === undefined) {
    // Sysmon writes `tcp`; the filtering platform (5156) the IANA number, e.g. `6`.
    const protocol = message['winlog.event_data.Protocol'];
    if (typeof protocol === 'string' && protocol !== '' && protocol !== '-') {
      message['protocol'] = DIGITS.test(protocol) ? (protocolName(Number(protocol))?.toLowerCase() ?? protocol) : protocol.toLowerCase();
    }
  }
}
