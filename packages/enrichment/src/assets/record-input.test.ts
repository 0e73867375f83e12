/** Reading inventory and identity inputs: CSV, NDJSON and JSON arrays, bad records by line. */
import { describe, expect, it } from 'vitest';
import { detectFormat, readRecords, RecordInputError, streamRecords, type RecordFormat } from './record-input.js';

describe('CSV input', () => {
  it('names cells by the header, reads quoted cells (commas, doubled quotes, line breaks) and skips blank lines', () => {
    const text = 'ip,hostname,owner,tags\r\n10.0.0.1,web01,"Ops, EU","a;b"\n\n10.0.0.2,db01,"say ""hi""","multi\nline"\n10.0.0.3,x,y,z';
    expect(readRecords(text, 'csv')).toEqual([
      { line: 2, fields: { ip: '10.0.0.1', hostname: 'web01', owner: 'Ops, EU', tags: 'a;b' } },
      { line: 4, fields: { ip: '10.0.0.2', hostname: 'db01', owner: 'say "hi"', tags: 'multi\nline' } },
      { line: 6, fields: { ip: '10.0.0.3', hostname: 'x', owner: 'y', tags: 'z' } },
    ]);
  });

  it('reports a row with the wrong number of cells, and an unclosed quote, by line', () => {
    const text = 'ip,owner\n10.0.0.1\n10.0.0.2,a,b\n10.0.0.3,ok\n10.0.0.4,"never closed\nmore';
    expect(readRecords(text, 'csv')).toEqual([
      { line: 2, error: '1 cells, but the header has 2 columns' },
      { line: 3, error: '3 cells, but the header has 2 columns' },
      { line: 4, fields: { ip: '10.0.0.3', owner: 'ok' } },
      { line: 5, error: 'a quoted cell is never closed (the rest of the file is in it)' },
    ]);
  });

  it('refuses an input without a usable header', () => {
    expect(() => readRecords('', 'csv')).toThrow(RecordInputError);
    expect(() => readRecords('ip,,owner\n1,2,3', 'csv')).toThrow('line 1: header column 2 has no name');
    expect(() => readRecords('ip,IP\n1,2', 'csv')).toThrow('the header names column "IP" twice');
  });

  it('drops a UTF-8 byte order mark', () => {
    expect(readRecords('\ufeffip\n10.0.0.1', 'csv')).toEqual([{ line: 2, fields: { ip: '10.0.0.1' } }]);
  });
});

describe('NDJSON input', () => {
  it('reads one object per line, reporting lines that are not JSON objects', () => {
    const text = '{"ip":"10.0.0.1"}\n\n{"ip":\n[1]\n{"ip":"10.0.0.2","tags":["a"]}\n';
    expect(readRecords(text, 'ndjson')).toEqual([
      { line: 1, fields: { ip: '10.0.0.1' } },
      { line: 3, error: expect.stringMatching(/^not JSON: /) },
      { line: 4, error: 'not a JSON object' },
      { line: 5, fields: { ip: '10.0.0.2', tags: ['a'] } },
    ]);
  });
});

describe('JSON array input', () => {
  it('parses each element on its own, with the line it starts on', () => {
    const text = '[\n  {"ip": "10.0.0.1",\n   "tags": ["a", "b,c"], "note": "}]"},\n  {"ip": 10.0.0.2},\n  "text",\n  {"hostname": "db"}\n]\n';
    expect(readRecords(text, 'json')).toEqual([
      { line: 2, fields: { ip: '10.0.0.1', tags: ['a', 'b,c'], note: '}]' } },
      { line: 4, error: expect.stringMatching(/^not JSON: /) },
      { line: 5, error: 'not a JSON object' },
      { line: 6, fields: { hostname: 'db' } },
    ]);
  });

  it('reads an empty array, and refuses what is not an array', () => {
    expect(readRecords(' [ ] ', 'json')).toEqual([]);
    expect(() => readRecords('{"ip": 1}', 'json')).toThrow('a JSON input must be an array of objects');
    expect(() => readRecords('[{"ip": "1"},\n', 'json')).toThrow('line 2: the JSON array is not closed');
    expect(() => readRecords('[] x', 'json')).toThrow('text after the end of the JSON array');
  });
});

describe('format detection', () => {
  it('goes by the extension, else by the first character', () => {
    expect(detectFormat('a.csv', '[')).toBe('csv');
    expect(detectFormat('a.ndjson', '[')).toBe('ndjson');
    expect(detectFormat('a.jsonl', '')).toBe('ndjson');
    expect(detectFormat('a.json', ' [{}]')).toBe('json');
    expect(detectFormat('a.json', '{"ip":1}\n{"ip":2}')).toBe('ndjson');
    expect(detectFormat('-', '\n [')).toBe('json');
    expect(detectFormat('-', '{')).toBe('ndjson');
    expect(detectFormat('inventory.txt', 'ip,owner')).toBe('csv');
  });
});

describe('streamRecords: the same records from text read in pieces', () => {
  /** `text` as pieces of `size` characters (splitting CRLF, doubled quotes and quoted line breaks somewhere). */
  async function* pieces(text: string, size: number): AsyncGenerator<string> {
    for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
  }
  async function streamed(text: string, format: RecordFormat | undefined, size: number, name = ''): Promise<unknown> {
    const out = [];
    try {
      for await (const record of streamRecords(pieces(text, size), format, name)) out.push(record);
    } catch (err) {
      return { records: out, error: err instanceof RecordInputError ? err.message : err };
    }
    return out;
  }
  function whole(text: string, format: RecordFormat): unknown {
    try {
      return readRecords(text, format);
    } catch (err) {
      return { records: [], error: (err as Error).message };
    }
  }

  const CASES: Array<[RecordFormat, string]> = [
    ['csv', 'ip,hostname,owner,tags\r\n10.0.0.1,web01,"Ops, EU","a;b"\n\n10.0.0.2,db01,"say ""hi""","multi\nline"\r\n10.0.0.3,x,y,z'],
    ['csv', 'ip,owner\n10.0.0.1\n10.0.0.2,a,b\n10.0.0.3,ok\n10.0.0.4,"never closed\nmore'],
    ['csv', '\ufeffip,note\n"1","ends on a quote"""\n2,"""starts with one"\r\n3,x"y\r\n'],
    ['csv', ''],
    ['csv', 'ip,ip\n1,2'],
    ['csv', '"ip\n'],
    ['ndjson', '{"ip":"10.0.0.1","user":"a"}\r\n\n[1]\nnot json\n  {"ip":"10.0.0.2"}  \n{"ip":"é☃𝄞"}'],
    ['json', '[\n {"ip":"10.0.0.1"},\n {"ip":\n "10.0.0.2"}, 3\n]'],
    ['json', '{"ip":1}'],
  ];

  it('gives what reading the whole text gives, at every piece size', async () => {
    for (const [format, text] of CASES) {
      for (const size of [1, 2, 3, 5, 8, 64, 100_000]) expect(await streamed(text, format, size), `${format} in pieces of ${size}: ${JSON.stringify(text)}`).toEqual(whole(text, format));
    }
  });

  it('detects the format from the name, else from the first text after blank pieces', async () => {
    expect(await streamed('   \n\n  {"a":1}\n', undefined, 1)).toEqual([{ line: 3, fields: { a: 1 } }]);
    expect(await streamed('a,b\n1,2\n', undefined, 2, 'x.csv')).toEqual([{ line: 2, fields: { a: '1', b: '2' } }]);
    expect(await streamed('[{"a":1}]', undefined, 3, 'x.json')).toEqual([{ line: 1, fields: { a: 1 } }]);
  });

  it('yields records as the text arrives, before the end of the input', async () => {
    let sent = 0;
    async function* slow(): AsyncGenerator<string> {
      yield 'ip,user\n';
      for (let i = 0; i < 1000; i++) {
        sent++;
        yield `10.0.0.${i % 250},u${i}\n`;
      }
    }
    const seenAt: number[] = [];
    for await (const record of streamRecords(slow(), 'csv')) {
      expect(record.error).toBeUndefined();
      seenAt.push(sent);
    }
    expect(seenAt).toHaveLength(1000);
    // the first record came out while most of the input was still to come
    expect(seenAt[0]).toBeLessThan(5);
  });
});
