/**
 * Syslog over TCP framing, RFC 6587: octet counting (§3.4.1, `MSG-LEN SP SYSLOG-MSG`) and
 * non-transparent framing (§3.4.2, LF-terminated; CRLF and NUL accepted too), auto-detected per
 * frame: a frame starting with a digit is octet-counted, anything else is a line.
 *
 * Octet-counted messages are delivered exactly as counted (transparent). Empty lines between
 * frames (e.g. an LF after an octet-counted frame) carry nothing and are skipped.
 */
import { createLineSplitState, splitLines, takePartialLine, type LineSplitState } from './split-lines.js';

export type FrameEvent =
  | { kind: 'record'; data: Buffer }
  /** One frame refused; the stream stays usable. */
  | { kind: 'refused'; reason: string; raw: Buffer }
  /** Framing lost (invalid octet count): the connection must be closed; later input is ignored. */
  | { kind: 'fatal'; reason: string; raw: Buffer };

/** MSG-LEN digits accepted; a longer count cannot be a real frame and means the framing is lost. */
const MAX_LENGTH_DIGITS = 10;
/** Largest octet count accepted (larger than any sane record; bigger counts are treated as garbage). */
const MAX_OCTET_COUNT = 2 ** 31 - 1;
const SP = 0x20;

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x30 && byte <= 0x39;
}

type Mode = 'start' | 'length' | 'octets' | 'line' | 'failed';

/** Incremental RFC 6587 decoder for one connection. */
export class SyslogFrameDecoder {
  private mode: Mode = 'start';
  private readonly line: LineSplitState;
  /** Octet-count digits read so far. */
  private header = '';
  /** Octet-counted frame: declared length, bytes still to read, kept bytes. */
  private frameLength = 0;
  private remaining = 0;
  private parts: Buffer[] = [];
  private partBytes = 0;
  private frameRefused = false;

  constructor(private readonly maxRecordBytes: number) {
    this.line = createLineSplitState({ maxRecordBytes, nulTerminates: true });
  }

  /** Bytes held for incomplete frames (bounded by about maxRecordBytes). */
  get pendingBytes(): number {
    return this.line.partBytes + this.partBytes + this.header.length;
  }

  /** True once framing was lost; the connection should be closed. */
  get failed(): boolean {
    return this.mode === 'failed';
  }

  /** Decodes one chunk. Records may be views into `chunk`. */
  push(chunk: Buffer): FrameEvent[] {
    const events: FrameEvent[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      switch (this.mode) {
        case 'failed':
          return events;
        case 'start':
          this.mode = isDigit(chunk[pos]) ? 'length' : 'line';
          break;
        case 'length': {
          const headerStart = pos;
          while (pos < chunk.length && isDigit(chunk[pos]) && this.header.length <= MAX_LENGTH_DIGITS) {
            this.header += String.fromCharCode(chunk[pos]!);
            pos++;
          }
          if (this.header.length > MAX_LENGTH_DIGITS) {
            events.push(this.fail(`invalid octet count: more than ${MAX_LENGTH_DIGITS} digits`, chunk, headerStart, pos));
            return events;
          }
          if (pos === chunk.length) break; // header continues in the next chunk
          if (chunk[pos] !== SP) {
            events.push(this.fail(`invalid octet count: '${this.header}' not followed by a space`, chunk, headerStart, pos));
            return events;
          }
          const length = Number(this.header);
          if (this.header.startsWith('0') || length < 1 || length > MAX_OCTET_COUNT) {
            events.push(this.fail(`invalid octet count: ${this.header}`, chunk, headerStart, pos));
            return events;
          }
          pos++; // the SP
          this.header = '';
          this.frameLength = length;
          this.remaining = length;
          this.mode = 'octets';
          break;
        }
        case 'octets': {
          const take = Math.min(this.remaining, chunk.length - pos);
          const piece = chunk.subarray(pos, pos + take);
          pos += take;
          this.remaining -= take;
          if (!this.frameRefused) {
            const keep = Math.min(piece.length, this.maxRecordBytes - this.partBytes);
            if (this.remaining === 0 && this.partBytes === 0 && keep === piece.length) {
              events.push({ kind: 'record', data: piece }); // whole frame in this chunk: no copy
              this.endOctetFrame();
              break;
            }
            if (keep > 0) {
              this.parts.push(Buffer.from(piece.subarray(0, keep)));
              this.partBytes += keep;
            }
            if (this.frameLength > this.maxRecordBytes && this.partBytes === this.maxRecordBytes) {
              events.push({
                kind: 'refused',
                reason: `octet-counted frame of ${this.frameLength} bytes exceeds maxRecordBytes (${this.maxRecordBytes}); skipped`,
                raw: Buffer.concat(this.parts),
              });
              this.parts = [];
              this.partBytes = 0;
              this.frameRefused = true;
            }
          }
          if (this.remaining === 0) {
            if (!this.frameRefused) events.push({ kind: 'record', data: Buffer.concat(this.parts) });
            this.endOctetFrame();
          }
          break;
        }
        case 'line': {
          const result = splitLines(chunk, this.line, { start: pos, maxFrames: 1 });
          for (const event of result.events) {
            if (event.kind === 'oversize') events.push({ kind: 'refused', reason: event.reason, raw: event.head });
            else if (event.data.length > 0) events.push({ kind: 'record', data: event.data });
          }
          pos = result.consumed;
          if (result.frames > 0) this.mode = 'start';
          break;
        }
      }
    }
    return events;
  }

  /** End of stream: an unterminated line is still a record; a cut octet-counted frame is refused. */
  end(): FrameEvent[] {
    const events: FrameEvent[] = [];
    if (this.mode === 'line') {
      const partial = takePartialLine(this.line);
      if (partial && partial.length > 0) events.push({ kind: 'record', data: partial });
    } else if (this.mode === 'length' && this.header.length > 0) {
      events.push({ kind: 'refused', reason: 'connection closed inside an octet-count header', raw: Buffer.from(this.header) });
    } else if (this.mode === 'octets' && !this.frameRefused) {
      events.push({
        kind: 'refused',
        reason: `connection closed inside an octet-counted frame (${this.frameLength - this.remaining} of ${this.frameLength} bytes)`,
        raw: Buffer.concat(this.parts),
      });
    }
    this.endOctetFrame();
    this.header = '';
    this.mode = 'start';
    return events;
  }

  private endOctetFrame(): void {
    this.parts = [];
    this.partBytes = 0;
    this.remaining = 0;
    this.frameLength = 0;
    this.frameRefused = false;
    this.mode = 'start';
  }

  private fail(reason: string, chunk: Buffer, headerStart: number, pos: number): FrameEvent {
    // Raw: the header digits seen in earlier chunks plus this chunk from the frame start, capped.
    const earlier = this.header.slice(0, this.header.length - (pos - headerStart));
    const raw = Buffer.concat([Buffer.from(earlier), chunk.subarray(headerStart)]).subarray(0, this.maxRecordBytes);
    this.mode = 'failed';
    this.header = '';
    return { kind: 'fatal', reason, raw: Buffer.from(raw) };
  }
}
