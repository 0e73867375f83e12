import { createHash } from 'node:crypto';

/**
 * A deterministic, UUID-shaped guid for the i-th message parsed from the record at
 * (topic epoch, topic, partition, offset). Re-delivery of the same record after a crash yields
 * the same guid, so the index (unique by guid) absorbs the duplicate. The topic epoch is a random
 * id made when the topic was created, so a wiped log never reuses guids. Shaped as an RFC 4122
 * name-based (SHA-1, version 5) UUID.
 */
export function recordGuid(epoch: string, topic: string, partition: number, offset: bigint, index: number): string {
  const h = createHash('sha1').update(`${epoch}\u0000${topic}\u0000${partition}\u0000${offset}\u0000${index}`).digest();
  h[6] = ((h[6] as number) & 0x0f) | 0x50;
  h[8] = ((h[8] as number) & 0x3f) | 0x80;
  const hex = h.toString('hex', 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
