import { describe, expect, it } from 'vitest';
import { readStixDocument, type LoadIssue, type LocatedObject } from '@metron/enrichment';
import { streamStixObjects, StixStreamError } from './stix-stream.js';

/** Streams `text` cut into pieces of `size` characters; returns the objects, the issues, and a structural error if any. */
async function stream(text: string, size: number, chunkSize = 3): Promise<{ objects: LocatedObject[]; issues: LoadIssue[]; error?: string }> {
  async function* pieces(): AsyncGenerator<string> {
    for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
  }
  const objects: LocatedObject[] = [];
  const issues: LoadIssue[] = [];
  try {
    for await (const chunk of streamStixObjects(pieces(), 'f.json', (issue) => issues.push(issue), chunkSize)) {
      expect(chunk.length).toBeLessThanOrEqual(chunkSize);
      objects.push(...chunk);
    }
  } catch (err) {
    if (!(err instanceof StixStreamError)) throw err;
    return { objects, issues, error: err.message };
  }
  return { objects, issues };
}

const tricky = { type: 'indicator', id: 'indicator--2', pattern: "[url:value = 'http://x/{[\"a\\\\']}']", name: 'brackets ] } [ { and "quotes" \\ \n', list: [[1, [2]], {}] };
const DOCUMENTS: Record<string, unknown> = {
  bundle: { type: 'bundle', id: 'bundle--1', objects: [{ type: 'identity', id: 'identity--1', name: 'x' }, tricky, { type: 'indicator', id: 'indicator--3', pattern: "[ipv4-addr:value = '10.0.0.1']" }] },
  'envelope': { more: false, objects: [tricky] },
  'type after objects': { objects: [tricky, { type: 'x', id: 'x--1' }], spec_version: '2.1', type: 'bundle' },
  'a list': [tricky, 7, 'text', null],
  'one object': tricky,
  'an empty bundle': { type: 'bundle', id: 'bundle--2', objects: [] },
  'no objects': { type: 'bundle', id: 'bundle--3' },
  'observed-data with an objects map': { type: 'observed-data', id: 'observed-data--1', objects: { 0: { type: 'ipv4-addr' } } },
};

describe('streamStixObjects', () => {
  it.each(Object.entries(DOCUMENTS))('reads %s as readStixDocument does, whatever the piece boundaries', async (_name, document) => {
    for (const spacing of [undefined, 2]) {
      const text = JSON.stringify(document, null, spacing);
      const expected = readStixDocument(text, 'f.json');
      for (const size of [1, 2, 7, 64, text.length]) {
        const result = await stream(text, size);
        expect(result, `pieces of ${size}`).toEqual({ objects: expected.objects, issues: expected.issues });
      }
    }
  });

  it('reports an element that is not JSON at its line and column, and reads the others', async () => {
    const text = '{\n  "type": "bundle",\n  "objects": [\n    {"type": "indicator",},\n    {"type": "identity", "id": "identity--9"}\n  ]\n}\n';
    const result = await stream(text, 5);
    expect(result.objects).toEqual([{ object: { type: 'identity', id: 'identity--9' }, where: 'f.json: objects[1] (identity--9)' }]);
    expect(result.issues).toEqual([{ kind: 'failed', where: 'f.json:4:26', reason: expect.stringMatching(/^invalid JSON: /) }]);
  });

  it('stops a file on a structural error, with its position, after the objects before it', async () => {
    expect(await stream('[{"type": "x"}, {"type": "y"', 4)).toMatchObject({ objects: [{ object: { type: 'x' } }], error: 'f.json:1:28: the document ends inside a value (truncated?)' });
    expect((await stream('{"type": "bundle"} {', 3)).error).toBe('f.json:1:20: unexpected text after the document');
    expect((await stream('"just text"', 3)).error).toMatch(/^f.json:1:1: not a STIX document/);
    expect((await stream('{"objects" [1]}', 3)).error).toBe("f.json:1:12: expected ':' after a member name");
    expect((await stream('', 3)).error).toBe('f.json:1:0: empty document');
  });

  it('hands out objects while the input is still being read', async () => {
    let produced = 0;
    async function* lazyBundle(): AsyncGenerator<string> {
      yield '{"type": "bundle", "objects": [';
      for (let i = 0; i < 100_000; i++) {
        produced++;
        yield `${i === 0 ? '' : ','}{"type": "indicator", "id": "indicator--${i}", "pattern": "[ipv4-addr:value = '10.0.0.1']"}`;
      }
      yield ']}';
    }
    const producedAtChunk: number[] = [];
    let total = 0;
    for await (const chunk of streamStixObjects(lazyBundle(), 'big.json', () => undefined, 1_000)) {
      producedAtChunk.push(produced);
      total += chunk.length;
    }
    expect(total).toBe(100_000);
    // the first 1,000 objects come out when about 1,000 have been read, not after all 100,000
    expect(producedAtChunk[0]).toBeLessThanOrEqual(1_001);
    expect(producedAtChunk).toHaveLength(100);
  });
});
