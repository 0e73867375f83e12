import { createHash } from 'node:crypto';

const prefixes = new Map<string, string>();
const MAX_OFFSET = 2 ** 46;
const MAX_INDEX = 2 ** 16;

/** The 60 hash bits of a (topic epoch, topic, partition), as the first three UUID groups. */
function prefixFor(epoch: string, topic: string, partition: number): string {
  const key = `${epoch}\u0000${topic}\u0000${partition}`;
  let p = prefixes.get(key);
  if (p === undefined) {
    const hex = createHash('sha1').update(key).digest('hex');
    // 48 bits | version 8 | 12 bits
    p = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(12, 15)}`;
    if (prefixes.size > 10_000) prefixes.clear();
    prefixes.set(key, p);
  }
  return p;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/**
 * A deterministic, UUID-shaped guid for the i-th message parsed from the record at
 * (topic epoch, topic, partition, offset). Re-delivery of the same record after a crash yields
 * the same guid, so the index (unique by guid) absorbs the duplicate. The topic epoch is a random
 * id made when the topic was created, so a wiped log never reuses guids.
 *
 * Layout (RFC 9562 version 8, custom): 60 bits of SHA-1(epoch, topic, partition), then the
 * variant, then 46 bits of offset and 16 bits of message index — unique per position without
 * hashing each record. Positions past those widths fall back to a SHA-1 of the whole position.
 */
export function recordGuid(epoch: string, topic: string, partition: number, offset: bigint, index: number): string {
  const off = Number(offset);
  if (off < MAX_OFFSET && index < MAX_INDEX && index >= 0) {
    // 62 bits: variant '10' then offset(46) index(16) → 4 hex (variant + 14 bits) + 12 hex.
    const high = Math.floor(off / 2 ** 32); // top 14 bits of the 46-bit offset
    const low = off % 2 ** 32;
    return `${prefixFor(epoch, topic, partition)}-${hex(0x8000 | high, 4)}-${hex(low, 8)}${hex(index, 4)}`;
  }
  const h = createHash('sha1').update(`${epoch}\u0000${topic}\u0000${partition}\u0000${offset}\u0000${index}`).digest();
  h[6] = ((h[6] as number) & 0x0f) | 0x50;
  h[8] = ((h[8] as number) & 0x3f) | 0x80;
  const s = h.toString('hex', 0, 16);
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}
