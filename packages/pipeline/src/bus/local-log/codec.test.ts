import { describe, expect, it } from 'vitest';
import { crc32, crc32Table } from './crc32.js';
import { murmur2, partitionForKey } from './murmur2.js';
import { FRAME_CORRUPT, FRAME_INCOMPLETE, decodeConsumerRecord, decodeFrame, encodeBatch, frameSize } from './record-codec.js';
import { OffsetIndex } from './offset-index.js';

describe('crc32', () => {
  it('matches the standard check value and the table fallback', () => {
    const check = Buffer.from('123456789');
    expect(crc32(check)).toBe(0xcbf43926);
    expect(crc32Table(check)).toBe(0xcbf43926);
    const random = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7919) & 0xff));
    expect(crc32Table(random)).toBe(crc32(random));
  });
});

describe('murmur2', () => {
  it("gives Kafka's Utils.murmur2 values", () => {
    const expected: Record<string, number> = {
      '1': -1993445489,
      '12': 126087238,
      '123': -267702483,
      '1234': -1614185708,
      '12345': -1188365604,
      '21': -973932308,
      foobar: -790332482,
      kafka: -798503068,
    };
    for (const [key, hash] of Object.entries(expected)) expect(murmur2(Buffer.from(key))).toBe(hash);
  });

  it('maps a key to a stable partition in range', () => {
    for (let i = 0; i < 100; i++) {
      const p = partitionForKey(`host-${i}`, 7);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(7);
      expect(partitionForKey(Buffer.from(`host-${i}`), 7)).toBe(p);
    }
  });
});

describe('record framing', () => {
  it('round-trips key, value, headers, timestamp and offset', () => {
    const batch = encodeBatch(
      [
        { key: 'k1', value: 'héllo', timestamp: 1_700_000_000_123, headers: { a: '1', 'b-c': 'ü' } },
        { value: Buffer.from([0, 1, 2]) },
        { key: Buffer.alloc(0), value: '' },
      ],
      5_000_000_000,
      42,
    );
    expect(batch.count).toBe(3);
    const decoded = [0, 1, 2].map((i) => {
      const start = batch.positions[i]!;
      const size = frameSize(batch.buffer, start, batch.buffer.length);
      expect(size).toBeGreaterThan(0);
      return decodeFrame(batch.buffer, start, size)!;
    });
    expect(decoded[0]).toMatchObject({ offset: 5_000_000_000, timestamp: 1_700_000_000_123, headers: { a: '1', 'b-c': 'ü' } });
    expect(decoded[0]!.key!.toString()).toBe('k1');
    expect(decoded[0]!.value.toString()).toBe('héllo');
    expect(decoded[1]).toMatchObject({ offset: 5_000_000_001, timestamp: 42, key: null, headers: {} });
    expect([...decoded[1]!.value]).toEqual([0, 1, 2]);
    expect(decoded[2]!.key!.length).toBe(0);
    expect(batch.maxTimestamp).toBe(1_700_000_000_123);
  });

  it('reports torn and corrupt frames', () => {
    const { buffer } = encodeBatch([{ value: 'abcdef' }], 0, 1);
    expect(frameSize(buffer, 0, buffer.length)).toBe(buffer.length);
    expect(frameSize(buffer, 0, buffer.length - 1)).toBe(FRAME_INCOMPLETE);
    const flipped = Buffer.from(buffer);
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] as number) ^ 0xff;
    expect(frameSize(flipped, 0, flipped.length)).toBe(FRAME_CORRUPT);
  });
});

describe('offset index', () => {
  it('finds the nearest entry at or before an offset and drops a bad suffix when parsed', () => {
    const index = new OffsetIndex(100, 2);
    index.add(100, 0);
    index.add(110, 4096);
    index.add(125, 8200);
    expect(index.floor(100)).toBe(0);
    expect(index.floor(109)).toBe(0);
    expect(index.floor(110)).toBe(4096);
    expect(index.floor(500)).toBe(8200);
    const data = Buffer.concat([index.toBuffer(), Buffer.from([0, 0, 0, 1, 0, 0, 0, 1])]);
    const parsed = OffsetIndex.fromBuffer(100, data, 9000);
    expect(parsed.length).toBe(3);
    expect(OffsetIndex.fromBuffer(100, data, 8200).length).toBe(2);
  });
});

describe('record headers', () => {
  it('decodes each record\'s headers, sharing one frozen object between records whose header bytes are equal', () => {
    const batch = encodeBatch([
      { value: 'a', headers: { sensor: 'bro' } },
      { value: 'b', headers: { sensor: 'bro' } },
      { value: 'c', headers: { sensor: 'snort', 'x-é': 'ü' } },
      { value: 'd' },
      { value: 'e', headers: { sensor: 'bro' } },
      { value: 'f', headers: { sensor: 'brp' } },
    ], 0, 1000);
    const records = Array.from(batch.positions, (start, i) => {
      const end = i + 1 < batch.count ? batch.positions[i + 1]! : batch.buffer.length;
      return decodeConsumerRecord(batch.buffer, start, end - start, 't', 3)!;
    });
    expect(records.map((r) => [r.value.toString(), r.headers, r.offset, r.topic, r.partition])).toEqual([
      ['a', { sensor: 'bro' }, 0n, 't', 3], ['b', { sensor: 'bro' }, 1n, 't', 3], ['c', { sensor: 'snort', 'x-é': 'ü' }, 2n, 't', 3],
      ['d', {}, 3n, 't', 3], ['e', { sensor: 'bro' }, 4n, 't', 3], ['f', { sensor: 'brp' }, 5n, 't', 3],
    ]);
    expect(records[1]!.headers).toBe(records[0]!.headers);
    expect(Object.isFrozen(records[0]!.headers)).toBe(true);
    expect(Object.isFrozen(records[3]!.headers)).toBe(true);
    // decodeFrame gives the same parts
    const first = decodeFrame(batch.buffer, 0, batch.positions[1]!)!;
    expect([first.offset, first.timestamp, first.value.toString(), first.headers]).toEqual([0, 1000, 'a', { sensor: 'bro' }]);
  });
});
