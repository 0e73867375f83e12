/**
 * On-disk record framing of the local log (big-endian):
 *
 *   u32 length        bytes that follow this field
 *   u32 crc           CRC-32 of every byte after this field (magic .. end of value)
 *   u8  magic         format version, 1
 *   u32 offsetHi, u32 offsetLo        absolute offset in the partition
 *   i32 timestampHi, u32 timestampLo  epoch ms
 *   i32 keyLength     -1 for a null key
 *   ... key
 *   u16 headerCount, then per header: u16 nameLength, name, u32 valueLength, value (UTF-8)
 *   u32 valueLength
 *   ... value
 *
 * A frame whose length runs past the end of the file is torn; one whose CRC differs is corrupt.
 * Either marks the end of the valid log at recovery.
 */
import type { ConsumerRecord, ProducerRecord } from '../types.js';
import { crc32 } from './crc32.js';

export const RECORD_MAGIC = 1;
/** length + crc + magic + offset + timestamp + keyLength + headerCount + valueLength */
export const RECORD_OVERHEAD = 4 + 4 + 1 + 8 + 8 + 4 + 2 + 4;
/** Frames larger than this are treated as corruption (a length field hit by garbage). */
export const MAX_FRAME_BYTES = 256 * 1024 * 1024;
const TWO_32 = 4294967296;

/** A record decoded from a frame; offsets are plain numbers inside the log (safe below 2^53). */
export interface StoredRecord {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer;
  headers: Record<string, string>;
}

/** Records of one append, framed into a single buffer. */
export interface EncodedBatch {
  buffer: Buffer;
  /** Start of each frame inside `buffer`. */
  positions: Uint32Array;
  firstOffset: number;
  count: number;
  maxTimestamp: number;
}

function byteLength(data: Buffer | string): number {
  return typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : data.length;
}

function put(buffer: Buffer, pos: number, data: Buffer | string, length: number): void {
  if (typeof data === 'string') buffer.write(data, pos, length, 'utf8');
  else data.copy(buffer, pos);
}

/** Frames `records` with consecutive offsets from `firstOffset`; `now` stands in for a missing timestamp. */
export function encodeBatch(records: readonly ProducerRecord[], firstOffset: number, now: number): EncodedBatch {
  const count = records.length;
  const keyLengths = new Int32Array(count);
  const valueLengths = new Uint32Array(count);
  let total = 0;
  for (let i = 0; i < count; i++) {
    const record = records[i]!;
    const key = record.key;
    const keyLength = key === null || key === undefined ? -1 : byteLength(key);
    keyLengths[i] = keyLength;
    const valueLength = byteLength(record.value);
    valueLengths[i] = valueLength;
    let size = RECORD_OVERHEAD + Math.max(0, keyLength) + valueLength;
    if (record.headers) {
      for (const name in record.headers) {
        size += 6 + Buffer.byteLength(name, 'utf8') + Buffer.byteLength(String(record.headers[name]), 'utf8');
      }
    }
    total += size;
  }
  const buffer = Buffer.allocUnsafe(total);
  const positions = new Uint32Array(count);
  let maxTimestamp = -Infinity;
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const record = records[i]!;
    const start = pos;
    positions[i] = start;
    const offset = firstOffset + i;
    const timestamp = Math.trunc(record.timestamp ?? now);
    if (timestamp > maxTimestamp) maxTimestamp = timestamp;
    pos += 8; // length and crc, written last
    buffer[pos++] = RECORD_MAGIC;
    buffer.writeUInt32BE(Math.floor(offset / TWO_32), pos);
    buffer.writeUInt32BE(offset % TWO_32, pos + 4);
    const timestampHi = Math.floor(timestamp / TWO_32);
    buffer.writeInt32BE(timestampHi, pos + 8);
    buffer.writeUInt32BE(timestamp - timestampHi * TWO_32, pos + 12);
    const keyLength = keyLengths[i]!;
    buffer.writeInt32BE(keyLength, pos + 16);
    pos += 20;
    if (keyLength > 0) {
      put(buffer, pos, record.key!, keyLength);
      pos += keyLength;
    }
    const headerCountPos = pos;
    pos += 2;
    let headerCount = 0;
    if (record.headers) {
      for (const name in record.headers) {
        const value = String(record.headers[name]);
        const nameLength = buffer.write(name, pos + 2, 'utf8');
        buffer.writeUInt16BE(nameLength, pos);
        pos += 2 + nameLength;
        const valueLength = buffer.write(value, pos + 4, 'utf8');
        buffer.writeUInt32BE(valueLength, pos);
        pos += 4 + valueLength;
        headerCount++;
      }
    }
    buffer.writeUInt16BE(headerCount, headerCountPos);
    const valueLength = valueLengths[i]!;
    buffer.writeUInt32BE(valueLength, pos);
    pos += 4;
    put(buffer, pos, record.value, valueLength);
    pos += valueLength;
    buffer.writeUInt32BE(pos - start - 4, start);
    buffer.writeUInt32BE(crc32(buffer.subarray(start + 8, pos)), start + 4);
  }
  return { buffer, positions, firstOffset, count, maxTimestamp: count ? maxTimestamp : 0 };
}

/** `frameSize` result: the frame runs past `end` (torn, or not read yet). */
export const FRAME_INCOMPLETE = -1;
/** `frameSize` result: the frame is damaged. */
export const FRAME_CORRUPT = -2;

/**
 * Size of the frame at `pos` after checking its length and CRC, or FRAME_INCOMPLETE /
 * FRAME_CORRUPT. Bytes at and past `end` are not looked at.
 */
export function frameSize(buffer: Buffer, pos: number, end: number): number {
  if (end - pos < 4) return FRAME_INCOMPLETE;
  const length = buffer.readUInt32BE(pos);
  if (length < RECORD_OVERHEAD - 4 || length > MAX_FRAME_BYTES) return FRAME_CORRUPT;
  if (end - pos < length + 4) return FRAME_INCOMPLETE;
  if (buffer[pos + 8] !== RECORD_MAGIC) return FRAME_CORRUPT;
  if (crc32(buffer.subarray(pos + 8, pos + 4 + length)) !== buffer.readUInt32BE(pos + 4)) return FRAME_CORRUPT;
  return length + 4;
}

/** Offset stored in the (already checked) frame at `pos`. */
export function frameOffset(buffer: Buffer, pos: number): number {
  return buffer.readUInt32BE(pos + 9) * TWO_32 + buffer.readUInt32BE(pos + 13);
}

/** Timestamp stored in the (already checked) frame at `pos`. */
export function frameTimestamp(buffer: Buffer, pos: number): number {
  return buffer.readInt32BE(pos + 17) * TWO_32 + buffer.readUInt32BE(pos + 21);
}

/** Headers of a record without any (shared: headers of consumer records are read, never changed). */
const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * The last header block decoded and its object. Records of a topic mostly carry the same headers
 * (the pipeline's `sensor`), so the object is shared (frozen) rather than built and its strings
 * decoded for every record.
 */
let lastHeaderBytes: Buffer | null = null;
let lastHeaders: Record<string, string> = NO_HEADERS;

/**
 * The headers at [start, end) of `buffer` (a block of `count` headers already bounds-checked by
 * the caller's walk), reusing the previous block's object when the bytes are the same.
 */
function headersAt(buffer: Buffer, start: number, end: number, count: number): Record<string, string> {
  if (count === 0) return NO_HEADERS;
  const length = end - start;
  const last = lastHeaderBytes;
  if (last !== null && last.length === length) {
    let i = 0;
    while (i < length && last[i] === buffer[start + i]) i++;
    if (i === length) return lastHeaders;
  }
  const headers: Record<string, string> = {};
  let p = start;
  for (let i = 0; i < count; i++) {
    const nameLength = buffer.readUInt16BE(p);
    p += 2;
    const name = buffer.toString('utf8', p, p + nameLength);
    p += nameLength;
    const valueLength = buffer.readUInt32BE(p);
    p += 4;
    headers[name] = buffer.toString('utf8', p, p + valueLength);
    p += valueLength;
  }
  if (length <= 256) {
    lastHeaderBytes = Buffer.from(buffer.subarray(start, end));
    lastHeaders = Object.freeze(headers) as Record<string, string>;
  }
  return headers;
}

/** Where the parts of a checked frame are, or null when its inner lengths disagree with its size. */
interface FrameLayout {
  key: Buffer | null;
  headers: Record<string, string>;
  value: Buffer;
}

function layoutOf(buffer: Buffer, pos: number, size: number): FrameLayout | null {
  const end = pos + size;
  let p = pos + 25;
  const keyLength = buffer.readInt32BE(p);
  p += 4;
  let key: Buffer | null = null;
  if (keyLength >= 0) {
    if (p + keyLength > end) return null;
    key = buffer.subarray(p, p + keyLength);
    p += keyLength;
  }
  if (p + 2 > end) return null;
  const headerCount = buffer.readUInt16BE(p);
  p += 2;
  const headersStart = p;
  for (let i = 0; i < headerCount; i++) {
    if (p + 2 > end) return null;
    const nameLength = buffer.readUInt16BE(p);
    p += 2;
    if (p + nameLength + 4 > end) return null;
    p += nameLength;
    const valueLength = buffer.readUInt32BE(p);
    p += 4;
    if (p + valueLength > end) return null;
    p += valueLength;
  }
  const headers = headersAt(buffer, headersStart, p, headerCount);
  if (p + 4 > end) return null;
  const valueLength = buffer.readUInt32BE(p);
  p += 4;
  if (p + valueLength !== end) return null;
  return { key, headers, value: buffer.subarray(p, end) };
}

/**
 * Decodes the checked frame at `pos` of `size` bytes. Key and value are views of `buffer` (no
 * copy); the headers object may be shared with other records (it is frozen). Returns null when the
 * inner lengths disagree with the frame size.
 */
export function decodeFrame(buffer: Buffer, pos: number, size: number): StoredRecord | null {
  const layout = layoutOf(buffer, pos, size);
  if (layout === null) return null;
  return { offset: frameOffset(buffer, pos), timestamp: frameTimestamp(buffer, pos), key: layout.key, value: layout.value, headers: layout.headers };
}

/** decodeFrame straight into a consumer record of `topic`/`partition` (one object per record, not two). */
export function decodeConsumerRecord(buffer: Buffer, pos: number, size: number, topic: string, partition: number): ConsumerRecord | null {
  const layout = layoutOf(buffer, pos, size);
  if (layout === null) return null;
  return {
    topic,
    partition,
    offset: BigInt(frameOffset(buffer, pos)),
    timestamp: frameTimestamp(buffer, pos),
    key: layout.key,
    value: layout.value,
    headers: layout.headers,
  };
}
