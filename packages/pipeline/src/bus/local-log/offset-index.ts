/**
 * Sparse offset index of one segment: every few KiB of log, an entry (offset relative to the
 * segment's base offset, byte position of that record's frame). A lookup finds the nearest entry
 * at or before an offset, then the reader scans forward a few frames.
 *
 * File format: 8-byte entries, u32 relative offset + u32 position, big-endian, increasing.
 * The index is derived data: it is rebuilt from the log when missing or inconsistent.
 */
export const INDEX_ENTRY_BYTES = 8;

export class OffsetIndex {
  private relativeOffsets: Uint32Array;
  private positions: Uint32Array;
  private count = 0;

  constructor(readonly baseOffset: number, capacity = 64) {
    this.relativeOffsets = new Uint32Array(capacity);
    this.positions = new Uint32Array(capacity);
  }

  /** Parses an index file, keeping the increasing prefix of entries that point before `maxPosition`. */
  static fromBuffer(baseOffset: number, data: Buffer, maxPosition: number): OffsetIndex {
    const entries = Math.floor(data.length / INDEX_ENTRY_BYTES);
    const index = new OffsetIndex(baseOffset, Math.max(64, entries));
    for (let i = 0; i < entries; i++) {
      const relative = data.readUInt32BE(i * INDEX_ENTRY_BYTES);
      const position = data.readUInt32BE(i * INDEX_ENTRY_BYTES + 4);
      if (position >= maxPosition) break;
      if (index.count > 0) {
        const last = index.count - 1;
        if (relative <= index.relativeOffsets[last]! || position <= index.positions[last]!) break;
      } else if (position !== 0 || relative !== 0) {
        break; // the first entry always names the segment's first frame
      }
      index.push(relative, position);
    }
    return index;
  }

  get length(): number {
    return this.count;
  }

  private push(relative: number, position: number): void {
    if (this.count === this.relativeOffsets.length) {
      const grownOffsets = new Uint32Array(this.count * 2);
      grownOffsets.set(this.relativeOffsets);
      this.relativeOffsets = grownOffsets;
      const grownPositions = new Uint32Array(this.count * 2);
      grownPositions.set(this.positions);
      this.positions = grownPositions;
    }
    this.relativeOffsets[this.count] = relative;
    this.positions[this.count] = position;
    this.count++;
  }

  /** Adds an entry; offsets and positions must increase. */
  add(offset: number, position: number): void {
    this.push(offset - this.baseOffset, position);
  }

  /** Byte position of the nearest indexed frame at or before `offset` (0 when none). */
  floor(offset: number): number {
    const relative = offset - this.baseOffset;
    let low = 0;
    let high = this.count - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      if (this.relativeOffsets[mid]! <= relative) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found < 0 ? 0 : this.positions[found]!;
  }

  /** Entry `i` as absolute offset and position. */
  entry(i: number): { offset: number; position: number } {
    return { offset: this.baseOffset + this.relativeOffsets[i]!, position: this.positions[i]! };
  }

  /** Keeps only the first `length` entries. */
  truncate(length: number): void {
    this.count = Math.min(this.count, Math.max(0, length));
  }

  /** Serialized entries from entry `from` on. */
  toBuffer(from = 0): Buffer {
    const start = Math.min(from, this.count);
    const data = Buffer.allocUnsafe((this.count - start) * INDEX_ENTRY_BYTES);
    for (let i = start; i < this.count; i++) {
      data.writeUInt32BE(this.relativeOffsets[i]!, (i - start) * INDEX_ENTRY_BYTES);
      data.writeUInt32BE(this.positions[i]!, (i - start) * INDEX_ENTRY_BYTES + 4);
    }
    return data;
  }
}
