/**
 * One Zeek log record → one Metron message, with the conventions of Metron's BasicBroParser
 * (see ../bro/bro-parser.ts) so that a Zeek sensor and a Bro sensor index alike:
 * - field names kept as Zeek writes them, dots included (`id.orig_h` → renamed, `uid`, `conn_state`);
 * - `id.orig_h`/`id.orig_p`/`id.resp_h`/`id.resp_p` → `ip_src_addr`/`ip_src_port`/`ip_dst_addr`/
 *   `ip_dst_port`; without an address, the first of `tx_hosts`/`rx_hosts` (files log), which is then
 *   removed, as Metron does;
 * - `ts` (epoch seconds; also ISO 8601 or epoch ms from JSON) → `timestamp` (ms, truncated as
 *   Java's `(long)(ts * 1000)`) and `bro_timestamp` (the seconds printed as Metron prints them,
 *   `0.0#####`, whatever form `ts` had);
 * - `protocol` = the log type (`conn`, `dns`, ...).
 * Differences, chosen so that the TSV and JSON forms of one record give one message: unset and empty
 * values (`-`, `(empty)`, JSON null, `""`, `[]`) are left out; a record without `ts` gets "now"
 * (Metron would mark it invalid); `original_string` is the raw line.
 */
import type { Message } from '@metron/core';
import { setField } from '../util/fields.js';
import { javaDecimalFormat6 } from '../util/java-compat.js';
import { isoToEpochSeconds } from './iso-timestamp.js';

/** What a field becomes in the message. */
export const Role = {
  PLAIN: 0,
  TS: 1,
  SRC_ADDR: 2,
  SRC_PORT: 3,
  DST_ADDR: 4,
  DST_PORT: 5,
  TX_HOSTS: 6,
  RX_HOSTS: 7,
} as const;
export type Role = (typeof Role)[keyof typeof Role];

/** The role of a Zeek field name. */
export function roleOf(name: string): Role {
  switch (name) {
    case 'ts':
      return Role.TS;
    case 'id.orig_h':
      return Role.SRC_ADDR;
    case 'id.orig_p':
      return Role.SRC_PORT;
    case 'id.resp_h':
      return Role.DST_ADDR;
    case 'id.resp_p':
      return Role.DST_PORT;
    case 'tx_hosts':
      return Role.TX_HOSTS;
    case 'rx_hosts':
      return Role.RX_HOSTS;
    default:
      return Role.PLAIN;
  }
}

/** Collects the fields of one record; `finish` turns it into the message. */
export class ZeekMessageBuilder {
  readonly message: Record<string, unknown> = {};
  private ts: unknown = undefined;
  private txHosts: unknown = undefined;
  private rxHosts: unknown = undefined;

  /** Adds a present (set, non-empty) value under `name`, whose role is `role`. */
  add(role: Role, name: string, value: unknown): void {
    switch (role) {
      case Role.PLAIN:
        setField(this.message, name, value);
        return;
      case Role.TS:
        this.ts = value;
        return;
      case Role.SRC_ADDR:
        this.message['ip_src_addr'] = value;
        return;
      case Role.SRC_PORT:
        this.message['ip_src_port'] = value;
        return;
      case Role.DST_ADDR:
        this.message['ip_dst_addr'] = value;
        return;
      case Role.DST_PORT:
        this.message['ip_dst_port'] = value;
        return;
      case Role.TX_HOSTS:
        this.txHosts = value;
        return;
      case Role.RX_HOSTS:
        this.rxHosts = value;
        return;
    }
  }

  /** The message, or the reason the record is invalid. */
  finish(logType: string | undefined, raw: string, now: number): Message | string {
    const message = this.message;
    if (this.txHosts !== undefined) {
      if (message['ip_src_addr'] === undefined) setFirstHost(message, 'ip_src_addr', this.txHosts);
      else message['tx_hosts'] = this.txHosts;
    }
    if (this.rxHosts !== undefined) {
      if (message['ip_dst_addr'] === undefined) setFirstHost(message, 'ip_dst_addr', this.rxHosts);
      else message['rx_hosts'] = this.rxHosts;
    }
    if (this.ts === undefined) {
      message['timestamp'] = now;
    } else {
      const seconds = epochSeconds(this.ts);
      if (seconds === undefined) return `ts ${JSON.stringify(this.ts)} is not epoch seconds or an ISO 8601 time`;
      if (seconds >= MILLIS_THRESHOLD) {
        // JSON::TS_MILLIS writes integral epoch milliseconds.
        if (!Number.isInteger(seconds) || seconds >= MILLIS_THRESHOLD * 1000) return `ts ${JSON.stringify(this.ts)} is not epoch seconds or milliseconds`;
        message['timestamp'] = seconds;
        message['bro_timestamp'] = javaDecimalFormat6(seconds / 1000);
      } else {
        message['timestamp'] = Math.trunc(seconds * 1000);
        message['bro_timestamp'] = javaDecimalFormat6(seconds);
      }
    }
    if (logType !== undefined) message['protocol'] = logType;
    message['original_string'] = raw;
    return message as Message;
  }
}

function setFirstHost(message: Record<string, unknown>, field: string, hosts: unknown): void {
  if (Array.isArray(hosts)) {
    if (hosts.length > 0 && hosts[0] !== null) message[field] = hosts[0];
  } else {
    message[field] = hosts;
  }
}

/** A `ts` this large is epoch ms (year 5138 in seconds; March 1973 in ms). */
const MILLIS_THRESHOLD = 1e11;

/** Epoch seconds of a `ts` value: a number, a numeric string or ISO 8601 text. */
function epochSeconds(ts: unknown): number | undefined {
  let seconds: number | undefined;
  if (typeof ts === 'number') seconds = ts;
  else if (typeof ts === 'string') seconds = ts.trim() !== '' && Number.isFinite(Number(ts)) ? Number(ts) : isoToEpochSeconds(ts);
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return undefined;
  return seconds;
}

/**
 * Zeek's JSON::TS_ISO8601 form of a `time` value (`2015-08-24T20:24:40.931272Z`) as epoch seconds,
 * the form TSV and default JSON logs use; undefined for other strings. Cheap rejection first.
 */
export function zeekIsoTime(value: string): number | undefined {
  const length = value.length;
  if (length < 20 || length > 30 || value.charCodeAt(10) !== 84 /* T */ || value.charCodeAt(4) !== 45 /* - */) return undefined;
  if (value.charCodeAt(length - 1) !== 90 /* Z */) return undefined;
  return isoToEpochSeconds(value);
}

/** Fields that only one standard log type has, to name the log type of a record that does not say it. */
const LOG_TYPE_SIGNATURES: readonly (readonly [string, readonly string[]])[] = [
  ['x509', ['certificate.serial', 'certificate.subject', 'certificate.version']],
  ['notice', ['note']],
  ['sip', ['call_id', 'request_from']],
  ['smtp', ['helo', 'mailfrom', 'rcptto', 'last_reply']],
  ['ssh', ['auth_success', 'auth_attempts', 'host_key', 'kex_alg', 'cipher_alg']],
  ['dhcp', ['msg_types', 'assigned_addr', 'assigned_ip', 'lease_time']],
  ['dns', ['qtype', 'qtype_name', 'rcode', 'rcode_name', 'qclass']],
  ['ssl', ['cipher', 'established', 'cert_chain_fuids', 'cert_chain_fps', 'validation_status']],
  ['http', ['method', 'status_code', 'request_body_len', 'resp_mime_types']],
  ['files', ['fuid', 'seen_bytes', 'mime_type']],
  ['conn', ['conn_state', 'history', 'orig_ip_bytes']],
];

const SIGNATURE_RANK: ReadonlyMap<string, number> = new Map(LOG_TYPE_SIGNATURES.flatMap(([, names], rank) => names.map((name) => [name, rank] as const)));
const NO_SIGNATURE = LOG_TYPE_SIGNATURES.length;

/**
 * Names the standard log type (conn, dns, http, ssl, files, x509, notice, weird, smtp, ssh, dhcp,
 * sip) from the field names `see` is given, one Map lookup each. Only used when neither the record
 * (`#path`, `_path`, `{"<type>": ...}`) nor `parserConfig.path` names the type.
 */
export class LogTypeGuess {
  private best = NO_SIGNATURE;
  private hasName = false;
  private hasNoticeOrPeer = false;
  private hasSoftwareType = false;

  see(field: string): void {
    const rank = SIGNATURE_RANK.get(field);
    if (rank !== undefined) {
      if (rank < this.best) this.best = rank;
      return;
    }
    if (field === 'name') this.hasName = true;
    else if (field === 'notice' || field === 'peer') this.hasNoticeOrPeer = true;
    else if (field === 'software_type') this.hasSoftwareType = true;
  }

  /** The log type, or undefined when the fields seen are no standard log's. */
  result(): string | undefined {
    if (this.best < NO_SIGNATURE) return LOG_TYPE_SIGNATURES[this.best]![0];
    if (this.hasName && this.hasNoticeOrPeer && !this.hasSoftwareType) return 'weird';
    return undefined;
  }
}
