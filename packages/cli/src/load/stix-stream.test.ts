import { describe, expect, it } from 'vitest';
import { jsonErrorLocation, readStixDocument, type LoadIssue, type LocatedObject } from '@metron/enrichment';
import { MAX_KEY_CHARS } from './json-stream.js';
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

/** `:line:column` of JSON.parse's error on the whole text, as readStixDocument reports it. */
function parseErrorAt(text: string): string {
  try {
    JSON.parse(text);
  } catch (err) {
    return jsonErrorLocation(text, err);
  }
  throw new Error(`${text}: JSON.parse accepts it`);
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

  it('stops at an element that is not JSON, at the line and column given for JSON.parse, after the objects before it', async () => {
    // the whole text is checked as JSON: the scan cannot resume after the bad element to read the ones after it
    const text = '{\n  "type": "bundle",\n  "objects": [\n    {"type": "identity", "id": "identity--8"},\n    {"type": "indicator",},\n    {"type": "identity", "id": "identity--9"}\n  ]\n}\n';
    expect(`f.json${parseErrorAt(text)}`).toBe('f.json:5:26');
    for (const size of [1, 5, text.length]) {
      expect(await stream(text, size)).toEqual({
        objects: [{ object: { type: 'identity', id: 'identity--8' }, where: 'f.json: objects[0] (identity--8)' }],
        issues: [],
        error: 'f.json:5:26: invalid JSON: Expected double-quoted property name',
      });
    }
  });

  it('refuses a second "objects" member where it begins, after the objects of the first', async () => {
    const text = '{"type": "bundle", "objects": [{"type": "x", "id": "x--1"}],\n "objects": [{"type": "y", "id": "y--2"}]}';
    for (const size of [1, 7, text.length]) {
      expect(await stream(text, size)).toEqual({
        objects: [{ object: { type: 'x', id: 'x--1' }, where: 'f.json: objects[0] (x--1)' }],
        issues: [],
        error: 'f.json:2:13: a second "objects" member (STIX is I-JSON: member names are unique); the objects before it are read',
      });
    }
    // also after an "objects" that was not a list (read whole otherwise)
    expect((await stream('{"type": "bundle", "objects": 5, "objects": []}', 4)).error).toMatch(/^f.json:1:45: a second "objects" member/);
  });

  it('stops a file on a structural error, with its position, after the objects before it', async () => {
    const cases: Array<[string, string]> = [
      ['[{"type": "x"}, {"type": "y"', "f.json:1:29: invalid JSON: Expected ',' or '}' after property value"],
      ['{"type": "bundle"} {', 'f.json:1:20: invalid JSON: Unexpected non-whitespace character after JSON'],
      ['{"objects" [1]}', "f.json:1:12: invalid JSON: Expected ':' after property name"],
      ['', 'f.json:1:1: invalid JSON: Unexpected end of JSON input'],
    ];
    for (const [text, error] of cases) {
      // the position is the one given for JSON.parse's error on the whole text
      expect(error.startsWith(`f.json${parseErrorAt(text)}: `), text).toBe(true);
      expect((await stream(text, 3)).error, text).toBe(error);
    }
    expect(await stream('[{"type": "x"}, {"type": "y"', 4)).toMatchObject({ objects: [{ object: { type: 'x' } }] });
    expect((await stream('"just text"', 3)).error).toMatch(/^f.json:1:1: not a STIX document/);
    expect((await stream('\n  42', 2)).error).toMatch(/^f.json:2:3: not a STIX document/);
  });

  it.each([
    ['a trailing comma in the objects list', '{"type": "bundle", "objects": [{"type": "x", "id": "x--1"},\n]}', 'f.json:2:1: invalid JSON: Unexpected token "]"', 1],
    ['a trailing comma in a list of objects', '[{"type": "x"}, {"type": "y"},]', 'f.json:1:31: invalid JSON: Unexpected token "]"', 2],
    ['a stray character between elements', '{"type": "bundle", "objects": [{"type": "x"} x {"type": "y"}]}', "f.json:1:46: invalid JSON: Expected ',' or ']' after array element", 1],
    ['two commas between elements', '[{"type": "x"},, {"type": "y"}]', 'f.json:1:16: invalid JSON: Unexpected token ","', 1],
    ['no comma between members', '{"type": "bundle" "objects": [{"type": "x"}]}', "f.json:1:19: invalid JSON: Expected ',' or '}' after property value", 0],
    ['a trailing comma in one object', '{"type": "indicator", "id": "indicator--1",}', 'f.json:1:44: invalid JSON: Expected double-quoted property name', 0],
    // a document read whole gives nothing when its text is not JSON, as readStixDocument
    ['text after one object', '{"type": "indicator", "id": "indicator--1"} x', 'f.json:1:45: invalid JSON: Unexpected non-whitespace character after JSON', 0],
  ])('refuses %s, as JSON.parse does, at its position', async (_name, text, error, before) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(error.startsWith(`f.json${parseErrorAt(text)}: `)).toBe(true);
    for (const size of [1, 3, text.length]) {
      const result = await stream(text, size);
      expect(result.error, `pieces of ${size}`).toBe(error);
      expect(result.objects, `pieces of ${size}`).toHaveLength(before);
    }
  });

  it('reads a document with a member name too long to keep only when its objects are streamed', async () => {
    const long = 'x_'.padEnd(MAX_KEY_CHARS + 10, 'k');
    const bundle = JSON.stringify({ type: 'bundle', [long]: 1, objects: [{ type: 'x', id: 'x--1' }] });
    expect(await stream(bundle, 100)).toEqual({ objects: [{ object: { type: 'x', id: 'x--1' }, where: 'f.json: objects[0] (x--1)' }], issues: [] });
    // one object: its text cannot be put back together without the name (STIX names are at most 250 characters)
    expect(await stream(JSON.stringify({ type: 'x', id: 'x--1', [long]: 1 }), 100)).toEqual({
      objects: [],
      issues: [{ kind: 'failed', where: 'f.json', reason: `not a STIX document: a member name is over ${MAX_KEY_CHARS} characters (STIX allows 250)` }],
    });
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
