/**
 * Line framing shared by syslog over TCP (RFC 6587 §3.4.2, non-transparent framing) and file tail.
 *
 * Terminators: LF; CRLF (the CR is stripped); NUL too when `nulTerminates` is set (RFC 6587 lists
 * it as seen in the wild). Decoding is exact across arbitrary chunk boundaries: the state carries
 * the unterminated tail of the previous chunk. Memory is bounded: at most `maxRecordBytes + 1`
 * bytes of an unterminated line are kept; a longer line is reported once as `oversize` (with its
 * first `maxRecordBytes` bytes) and the rest of it is skipped up to the next terminator.
 */

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;

export interface LineSplitOptions {
  maxRecordBytes: number;
  /** Also end a line at NUL (syslog over TCP); file tail uses LF/CRLF only. */
  nulTerminates?: boolean;
}

export interface LineSplitState {
  readonly maxRecordBytes: number;
  readonly nulTerminates: boolean;
  /** Copies of the kept bytes of the current unterminated line (at most `maxRecordBytes + 1`). */
  parts: Buffer[];
  partBytes: number;
  /** Bytes of the current unterminated line seen so far, including skipped ones. */
  lineBytes: number;
  /** The current line was already refused as over-long; skip to the next terminator. */
  discarding: boolean;
}

export type LineEvent =
  /** `end`: index in the buffer just past the terminator (where the next line starts). */
  | { kind: 'line'; data: Buffer; end: number }
  | { kind: 'oversize'; head: Buffer; reason: string };

export interface SplitLinesResult {
  events: LineEvent[];
  /** Index in `buf` up to which bytes were consumed (== buf.length unless `maxFrames` stopped early). */
  consumed: number;
  /** Number of lines terminated in this call (oversize ones included). */
  frames: number;
}

/** Fresh decoder state. */
export function createLineSplitState(options: LineSplitOptions): LineSplitState {
  if (!Number.isInteger(options.maxRecordBytes) || options.maxRecordBytes < 1) {
    throw new RangeError(`maxRecordBytes must be a positive integer, got ${options.maxRecordBytes}`);
  }
  return {
    maxRecordBytes: options.maxRecordBytes,
    nulTerminates: options.nulTerminates ?? false,
    parts: [],
    partBytes: 0,
    lineBytes: 0,
    discarding: false,
  };
}

function oversizeReason(max: number): string {
  return `record longer than maxRecordBytes (${max} bytes); skipped to the next line terminator`;
}

function findTerminator(buf: Buffer, from: number, nulTerminates: boolean): number {
  const lf = buf.indexOf(LF, from);
  if (!nulTerminates) return lf;
  // Search NUL only up to the LF so that scanning stays linear when called frame by frame.
  const limit = lf === -1 ? buf.length : lf;
  const nul = buf.subarray(from, limit).indexOf(NUL);
  return nul === -1 ? lf : from + nul;
}

function resetLine(state: LineSplitState): void {
  state.parts = [];
  state.partBytes = 0;
  state.lineBytes = 0;
  state.discarding = false;
}

/**
 * Decodes the lines in `buf` (from `start`), continuing the line left open by earlier calls.
 * Emitted records may be views into `buf`: the caller must not reuse `buf` afterwards.
 * Empty lines are emitted as empty records; callers decide whether they matter.
 * `maxFrames` stops after that many terminated lines (syslog TCP switches framing per frame).
 */
export function splitLines(
  buf: Buffer,
  state: LineSplitState,
  options: { start?: number; maxFrames?: number } = {},
): SplitLinesResult {
  const max = state.maxRecordBytes;
  const maxFrames = options.maxFrames ?? Number.POSITIVE_INFINITY;
  const events: LineEvent[] = [];
  let pos = options.start ?? 0;
  let frames = 0;

  while (pos < buf.length && frames < maxFrames) {
    const end = findTerminator(buf, pos, state.nulTerminates);
    if (end === -1) {
      const rest = buf.subarray(pos);
      state.lineBytes += rest.length;
      if (!state.discarding) {
        // Keep one byte beyond the limit: it may be the CR of a CRLF that the next chunk completes.
        const room = max + 1 - state.partBytes;
        if (rest.length > room) {
          const head = Buffer.concat([...state.parts, rest.subarray(0, Math.max(0, max - state.partBytes))]).subarray(0, max);
          events.push({ kind: 'oversize', head, reason: oversizeReason(max) });
          state.parts = [];
          state.partBytes = 0;
          state.discarding = true;
        } else {
          state.parts.push(Buffer.from(rest)); // copy: the partial may outlive the caller's buffer
          state.partBytes += rest.length;
        }
      }
      pos = buf.length;
      break;
    }

    if (!state.discarding) {
      const piece = buf.subarray(pos, end);
      let line = state.partBytes === 0 ? piece : Buffer.concat([...state.parts, piece]);
      if (buf[end] === LF && line.length > 0 && line[line.length - 1] === CR) {
        line = line.subarray(0, line.length - 1);
      }
      if (line.length > max) {
        events.push({ kind: 'oversize', head: Buffer.from(line.subarray(0, max)), reason: oversizeReason(max) });
      } else {
        events.push({ kind: 'line', data: line, end: end + 1 });
      }
    }
    resetLine(state);
    frames++;
    pos = end + 1;
  }
  return { events, consumed: pos, frames };
}

/**
 * Takes the unterminated line kept in `state` (e.g. at end of stream, or after an idle timeout)
 * and resets the state. Returns null when nothing is kept (empty, or an over-long line being skipped).
 */
export function takePartialLine(state: LineSplitState): Buffer | null {
  const kept = state.discarding || state.partBytes === 0 ? null : Buffer.concat(state.parts);
  resetLine(state);
  return kept;
}
