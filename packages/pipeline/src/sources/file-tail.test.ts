import { appendFileSync, mkdtempSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync, existsSync, openSync, writeSync, closeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileTailSource, type FileTailConfig, type FileTailSource, type TailPosition } from './file-tail.js';
import { createRecorder, waitFor, type Recorder } from './testing.js';

let dir: string;
let logPath: string;
let positionFile: string;
const sources: FileTailSource[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'metron-tail-'));
  logPath = path.join(dir, 'app.log');
  positionFile = path.join(dir, 'state', 'app.log.position.json');
});

afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function startTail(rec: Recorder, config: Partial<FileTailConfig> = {}): Promise<FileTailSource> {
  const source = createFileTailSource({ sensor: 'app', path: logPath, positionFile, pollMs: 20, ...config }, rec);
  sources.push(source);
  await source.start();
  return source;
}

async function stopTail(source: FileTailSource): Promise<void> {
  await source.stop();
  sources.splice(sources.indexOf(source), 1);
}

function savedPosition(): TailPosition | null {
  return existsSync(positionFile) ? (JSON.parse(readFileSync(positionFile, 'utf8')) as TailPosition) : null;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const lines = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix} ${i}`);

describe('file tail source', () => {
  it('reads existing and appended lines (LF and CRLF) and saves the position after the sink', async () => {
    writeFileSync(logPath, 'one\ntwo\r\n');
    const rec = createRecorder();
    await startTail(rec);
    await waitFor(() => rec.records.length === 2, 5_000, 'initial lines');
    appendFileSync(logPath, 'three\n\nfour\r\n');
    await waitFor(() => rec.records.length === 4, 5_000, 'appended lines');
    expect(rec.records).toEqual(['one', 'two', 'three', 'four']);
    expect(rec.received).toEqual({ n: 4, bytes: 15 });
    await waitFor(() => savedPosition()?.offset === readFileSync(logPath).length, 5_000, 'position');
  });

  it('starts at the end when asked, for a file found at first start', async () => {
    writeFileSync(logPath, 'old 1\nold 2\n');
    const rec = createRecorder();
    await startTail(rec, { startAt: 'end' });
    await waitFor(() => savedPosition() !== null, 5_000, 'position');
    appendFileSync(logPath, 'new 1\n');
    await waitFor(() => rec.records.length === 1, 5_000, 'new line');
    expect(rec.records).toEqual(['new 1']);
  });

  it('waits for a partial last line to be completed', async () => {
    writeFileSync(logPath, 'complete\npart');
    const rec = createRecorder();
    await startTail(rec);
    await waitFor(() => rec.records.length === 1, 5_000, 'first line');
    await pause(100);
    appendFileSync(logPath, 'ial');
    await pause(60);
    expect(rec.records).toEqual(['complete']);
    expect(savedPosition()?.offset).toBe('complete\n'.length); // not past the partial line
    appendFileSync(logPath, ' line\n');
    await waitFor(() => rec.records.length === 2, 5_000, 'completed line');
    expect(rec.records).toEqual(['complete', 'partial line']);
  });

  it('flushes a partial line after partialLineFlushMs idle', async () => {
    writeFileSync(logPath, 'a\nno newline yet');
    const rec = createRecorder();
    await startTail(rec, { partialLineFlushMs: 50 });
    await waitFor(() => rec.records.length === 2, 5_000, 'flushed partial');
    expect(rec.records).toEqual(['a', 'no newline yet']);
    await waitFor(() => savedPosition()?.offset === readFileSync(logPath).length, 5_000, 'position');
    appendFileSync(logPath, '\nb\n');
    await waitFor(() => rec.records.length === 3, 5_000, 'next line');
    expect(rec.records).toEqual(['a', 'no newline yet', 'b']);
  });

  it('follows rotation: finishes the old file, then reads the new one from its start', async () => {
    writeFileSync(logPath, `${lines('old', 3).join('\n')}\n`);
    const rec = createRecorder();
    await startTail(rec);
    await waitFor(() => rec.records.length === 3, 5_000, 'old lines');
    // The writer renames, keeps writing to its open descriptor for a moment, then reopens.
    const writer = openSync(logPath, 'a');
    renameSync(logPath, `${logPath}.1`);
    writeSync(writer, 'old 3\nold 4 unterminated');
    closeSync(writer);
    writeFileSync(logPath, `${lines('new', 3).join('\n')}\n`);
    await waitFor(() => rec.records.length === 8, 5_000, 'rotated lines');
    expect(rec.records).toEqual([...lines('old', 4), 'old 4 unterminated', ...lines('new', 3)]);
    appendFileSync(logPath, 'new 3\n');
    await waitFor(() => rec.records.length === 9, 5_000, 'appended after rotation');
    expect(rec.records.at(-1)).toBe('new 3');
  });

  it('restarts at 0 after truncation', async () => {
    writeFileSync(logPath, 'a long first line\nanother long line\n');
    const rec = createRecorder();
    await startTail(rec);
    await waitFor(() => rec.records.length === 2, 5_000, 'lines');
    truncateSync(logPath, 0);
    appendFileSync(logPath, 'after\n');
    await waitFor(() => rec.records.length === 3, 5_000, 'line after truncation');
    expect(rec.records).toEqual(['a long first line', 'another long line', 'after']);
  });

  it('resumes from the saved position after a restart, without loss', async () => {
    writeFileSync(logPath, `${lines('first', 5).join('\n')}\n`);
    const rec1 = createRecorder();
    const tail1 = await startTail(rec1);
    await waitFor(() => rec1.records.length === 5, 5_000, 'first run');
    await waitFor(() => savedPosition()?.offset === readFileSync(logPath).length, 5_000, 'position');
    await stopTail(tail1);
    appendFileSync(logPath, `${lines('while down', 3).join('\n')}\n`);
    const rec2 = createRecorder();
    await startTail(rec2, { startAt: 'end' }); // a saved position wins over startAt
    await waitFor(() => rec2.records.length === 3, 5_000, 'second run');
    expect(rec2.records).toEqual(lines('while down', 3));
  });

  it('saves the position only after the sink resolved; an unfinished batch is read again after restart', async () => {
    writeFileSync(logPath, 'x1\nx2\n');
    const rec1 = createRecorder();
    const tail1 = await startTail(rec1);
    await waitFor(() => rec1.records.length === 2 && savedPosition()?.offset === 6, 5_000, 'first lines');
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    rec1.gate = async () => {
      calls++;
      await blocked;
      throw new Error('log went away'); // never durable
    };
    appendFileSync(logPath, 'x3\nx4\n');
    await waitFor(() => calls === 1, 5_000, 'sink call');
    await pause(50);
    expect(savedPosition()?.offset).toBe(6);
    const stopping = stopTail(tail1); // stop while the sink is pending
    release();
    await stopping;
    expect(savedPosition()?.offset).toBe(6);
    const rec2 = createRecorder();
    await startTail(rec2);
    await waitFor(() => rec2.records.length === 2, 5_000, 'redelivered lines');
    expect(rec2.records).toEqual(['x3', 'x4']);
    await waitFor(() => savedPosition()?.offset === 12, 5_000, 'position');
  });

  it('finishes a file rotated while stopped before reading the new one', async () => {
    writeFileSync(logPath, 'a\n');
    const rec1 = createRecorder();
    const tail1 = await startTail(rec1);
    await waitFor(() => rec1.records.length === 1 && savedPosition()?.offset === 2, 5_000, 'first run');
    await stopTail(tail1);
    appendFileSync(logPath, 'b\n');
    renameSync(logPath, `${logPath}.1`);
    writeFileSync(logPath, 'c\n');
    const rec2 = createRecorder();
    await startTail(rec2);
    await waitFor(() => rec2.records.length === 2, 5_000, 'second run');
    expect(rec2.records).toEqual(['b', 'c']);
  });

  it('refuses an over-long line with its head and skips to the next newline', async () => {
    writeFileSync(logPath, `ok\n${'z'.repeat(100)}\nafter\n`);
    const rec = createRecorder();
    await startTail(rec, { maxRecordBytes: 16, readChunkBytes: 7 });
    await waitFor(() => rec.records.length === 2, 5_000, 'lines');
    expect(rec.records).toEqual(['ok', 'after']);
    expect(rec.refusals).toEqual([{ sensor: 'app', reason: expect.stringMatching(/maxRecordBytes \(16 bytes\)/), raw: 'z'.repeat(16) }]);
  });

  it('waits for a file that does not exist yet and reads it from the start', async () => {
    const rec = createRecorder();
    await startTail(rec, { startAt: 'end' });
    await pause(50);
    writeFileSync(logPath, 'born\n');
    await waitFor(() => rec.records.length === 1, 5_000, 'line');
    expect(rec.records).toEqual(['born']);
  });

  it('reads a large file in bounded batches, in order', async () => {
    const all = lines('bulk', 5_000);
    writeFileSync(logPath, `${all.join('\n')}\n`);
    const rec = createRecorder();
    await startTail(rec, { maxBatchRecords: 700 });
    await waitFor(() => rec.records.length === all.length, 10_000, 'all lines');
    expect(rec.records).toEqual(all);
    expect(Math.max(...rec.batches)).toBeLessThanOrEqual(700);
    await waitFor(() => savedPosition()?.offset === readFileSync(logPath).length, 5_000, 'position');
  });

  it('commits mid-chunk batches at line ends, so a restart after a failed batch resumes exactly', async () => {
    writeFileSync(logPath, `${lines('l', 10).join('\n')}\n`);
    const rec1 = createRecorder();
    let calls = 0;
    rec1.gate = async () => {
      if (++calls > 2) throw new Error('log full');
    };
    const tail1 = await startTail(rec1, { maxBatchRecords: 3 });
    await waitFor(() => calls > 2 && savedPosition()?.offset === 'l 0\nl 1\nl 2\nl 3\nl 4\nl 5\n'.length, 5_000, 'two batches');
    await stopTail(tail1);
    expect(rec1.records).toEqual(lines('l', 6));
    const rec2 = createRecorder();
    await startTail(rec2, { maxBatchRecords: 3 });
    await waitFor(() => rec2.records.length === 4, 5_000, 'rest');
    expect(rec2.records).toEqual(lines('l', 10).slice(6));
  });

  it('fails fast on bad config', () => {
    const rec = createRecorder();
    expect(() => createFileTailSource({ sensor: 'app', path: logPath, positionFile, pollMs: 0 }, rec)).toThrow(/file_tail\[app\]\.pollMs/);
    expect(() => createFileTailSource({ sensor: 'app', path: '', positionFile }, rec)).toThrow(/path is required/);
  });
});
