/**
 * The output of a parse or enrich batch: JSON messages written back to back into one buffer as
 * they are made, with each one's byte length. Writing each message at once (rather than keeping
 * the batch's strings and joining them at the end) lets the strings and objects of a message die
 * young: a batch's thousands of strings no longer survive the worker's scavenges.
 */
export class JsonOutput {
  private buffer: Buffer;
  private at = 0;
  private readonly lengths: number[] = [];

  /** `estimate`: expected bytes of the whole output (the buffer grows past it if needed). */
  constructor(estimate: number) {
    // Not from the shared pool: the buffer's memory is transferred to another thread whole.
    this.buffer = Buffer.allocUnsafeSlow(Math.max(4096, Math.ceil(estimate)));
  }

  /** Messages written so far. */
  get count(): number {
    return this.lengths.length;
  }

  push(json: string): void {
    // A UTF-16 unit takes at most 3 bytes in UTF-8.
    const most = json.length * 3;
    if (this.at + most > this.buffer.length) this.grow(this.at + most);
    const n = this.buffer.write(json, this.at, 'utf8');
    this.at += n;
    this.lengths.push(n);
  }

  /**
   * Writes a message given as the UTF-8 bytes of a JSON object with `tail` (JSON text of more
   * members, starting with a comma; '' for none) inserted before its closing brace: the bytes are
   * copied, only the tail is encoded.
   */
  pushWithTail(object: Uint8Array, tail: string): void {
    const most = object.length + tail.length * 3;
    if (this.at + most > this.buffer.length) this.grow(this.at + most);
    const start = this.at;
    if (tail === '') {
      this.buffer.set(object, start);
      this.at += object.length;
    } else {
      this.buffer.set(object.subarray(0, object.length - 1), start);
      this.at += object.length - 1;
      this.at += this.buffer.write(tail, this.at, 'utf8');
      this.buffer[this.at++] = 0x7d; // }
    }
    this.lengths.push(this.at - start);
  }

  private grow(needed: number): void {
    const next = Buffer.allocUnsafeSlow(Math.max(needed, this.buffer.length * 2));
    this.buffer.copy(next, 0, 0, this.at);
    this.buffer = next;
  }

  /** The messages (a view of the written part of the buffer) and their byte lengths. */
  finish(): { messages: Uint8Array; lengths: Uint32Array } {
    return { messages: new Uint8Array(this.buffer.buffer, this.buffer.byteOffset, this.at), lengths: Uint32Array.from(this.lengths) };
  }
}
