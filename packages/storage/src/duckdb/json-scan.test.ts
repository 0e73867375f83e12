import { describe, expect, it } from 'vitest';
import { batchFromLines, batchFromLinesParsed, InvalidLineError, type JsonBatch } from './json-batch.js';
import { LineScanner, RAW_SPELLING } from './json-scan.js';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const buf = (text: string): Buffer => Buffer.from(text, 'utf8');

/** Everything a write path reads from a batch. */
function view(batch: JsonBatch) {
  return {
    count: batch.count,
    lines: batch.lines.map((line) => (typeof line === 'string' ? line : line.toString('latin1')).replace(UUID, 'random')),
    // RAW_SPELLING: the scanner sets it only for numbers not spelled as JSON.stringify spells them
    // (tested on its own below), the parsed path for every number inside a JSON value.
    fields: [...batch.fields].map(([name, state]) => [name, state.type, state.flags & ~RAW_SPELLING]),
    statementOnly: batch.statementOnly,
    stringified: batch.stringified,
    // guids of lines without one are random: compare the rest
    messages: batch.messages.map((m) => ({ ...m, guid: typeof m.guid === 'string' ? m.guid.replace(UUID, 'random') : m.guid })),
  };
}

function outcome(make: () => JsonBatch): unknown {
  try {
    return view(make());
  } catch (err) {
    return err instanceof InvalidLineError ? { index: err.index, message: err.message } : { other: String(err) };
  }
}

/** The scanner and the JSON.parse path agree on the batch (or on the error). */
function expectSame(lines: Buffer[]): void {
  expect(outcome(() => batchFromLines(lines))).toEqual(outcome(() => batchFromLinesParsed(lines)));
}

const ordinary = [
  '{"uid":"CHKxYHhT9hQZeF71f9","proto":"tcp","duration":19.141289,"orig_bytes":9839,"tunnel_parents":[],"original_string":"CONN | a:1 b:\\"x\\"","timestamp":1700000000000,"ip_src_addr":"10.0.1.12","ip_src_port":60005,"source.type":"bro","guid":"g-1"}',
  '{"uid":"C2","proto":"udp","duration":0.5,"orig_bytes":1,"tunnel_parents":["a"],"original_string":"DNS","timestamp":1700000000001,"ip_src_addr":"10.0.1.13","ip_src_port":53,"source.type":"bro","guid":"g-2","answers":["1.2.3.4"],"TTLs":[30,60.5],"AA":false,"RD":true}',
  '{"guid":"g-3","method":"GET","status_code":200,"resp_fuids":["F1","F2"],"tags":[],"uri":"/a?b=c&d=\\u00e9","user_agent":"Mozilla/5.0 (\\/)"}',
];

describe('json scan (index write path)', () => {
  it('reads ordinary lines exactly as JSON.parse and the type walk do', () => {
    expectSame(ordinary.map(buf));
    // the same key layout again, and the layouts interleaved
    expectSame([...ordinary, ...ordinary.map((l) => l.replace(/"g-(\d)"/, '"h-$1"'))].map(buf));
  });

  it('classifies the lines it reads without falling back to JSON.parse', () => {
    const scanner = new LineScanner();
    for (const line of ordinary) expect(scanner.scan(buf(line))).toMatch(/^g-\d$/);
  });

  it('marks numbers inside arrays as raw spellings only when JSON.stringify would spell them otherwise', () => {
    const flags = (line: string) => [...batchFromLines([buf(line)]).fields].map(([name, state]) => [name, state.flags & RAW_SPELLING]);
    expect(flags('{"guid":"a","ints":[1,-22,[333]],"f":[1.0],"e":[1e2],"x":[2E0],"s":["1.0"]}')).toEqual([
      ['ints', 0], ['f', RAW_SPELLING], ['e', RAW_SPELLING], ['x', RAW_SPELLING], ['s', 0],
    ]);
    // the parsed path cannot tell spellings apart
    expect(batchFromLinesParsed([buf('{"guid":"a","ints":[1]}')]).fields.get('ints')!.flags & RAW_SPELLING).toBe(RAW_SPELLING);
  });

  it('keeps the first of repeated guids, and reads only its fields', () => {
    expectSame(['{"guid":"a","x":1}', '{"guid":"a","x":"text","y":true}', '{"guid":"b","x":2.5}'].map(buf));
  });

  const hostile: Array<[string, string[]]> = [
    ['numbers of every spelling', [
      '{"guid":"n1","a":0,"b":-0,"c":1.0,"d":-1.5e3,"e":1e400,"f":-1e400,"g":9007199254740993,"h":123456789012345,"i":1234567890123456,"j":0.1,"k":-0.0,"l":1E2,"m":2e-400}',
    ]],
    ['fractional, huge and negative-zero timestamps', [
      '{"guid":"t1","timestamp":1.5}', '{"guid":"t2","timestamp":1e300}', '{"guid":"t3","timestamp":-0}', '{"guid":"t4","timestamp":12}',
    ]],
    ['escapes and control characters in strings and arrays', [
      '{"guid":"e1","a":"line\\nbreak","b":["tab\\there"],"c":["\\u001f"],"d":["\\u0020"],"e":"\\ud800","f":"\\"q\\"","g":["\\/"]}',
    ]],
    ['nested arrays with numbers, literals and negative zero', [
      '{"guid":"a1","a":[[1,2],[3.5]],"b":[true,false,null],"c":[-0],"d":[[[]]],"e":[1e400],"f":[9007199254740993]}',
    ]],
    ['nested objects and objects in arrays', ['{"guid":"o1","a":{"x":1},"b":[{"y":"z"}],"c":{"k":{"k":"v"}}}']],
    ['escaped, numeric, odd and duplicate keys', [
      '{"guid":"k1","a\\u0062":1}', '{"guid":"k2","0":1,"b":2}', '{"guid":"k3","1x":1}', '{"guid":"k4","__proto__":{"p":1},"constructor":"c"}',
      '{"guid":"k5","d":1,"d":"two"}', '{"guid":"k6","":"empty","é":"accent","a b":1}', '{"guid":"k7","Timestamp":1.5,"GUID":"x"}',
    ]],
    ['guids that are not plain strings', [
      '{"x":1}', '{"guid":null,"x":2}', '{"guid":5,"x":3}', '{"guid":"es\\u0063aped","x":4}', '{"guid":["a"],"x":5}', '{"guid":"","x":6}',
    ]],
    ['whitespace and line breaks', ['  { "guid" : "w1" , "a" : [ 1 , 2 ] , "b" : null }  ', '{"guid":"w2",\n"a":1}', '{"guid":"w3",\r"a":1}', '\t{"guid":"w4"}\t']],
    ['null values need no column', ['{"guid":"z1","a":null}', '{"guid":"z2","a":"now text"}']],
    ['empty objects', ['{}', '{ }']],
    ['invalid UTF-8 inside strings and keys', ['{"guid":"u1","a":"\u00ff"}']],
  ];
  for (const [name, lines] of hostile) {
    it(`agrees with JSON.parse on ${name}`, () => {
      expectSame(lines.map(buf));
      for (const line of lines) expectSame([buf(line)]);
    });
  }

  it('agrees on bytes that are not UTF-8', () => {
    expectSame([Buffer.concat([buf('{"guid":"b1","a":"'), Buffer.from([0xe2, 0x28, 0xa1, 0xff]), buf('"}')])]);
    expectSame([Buffer.concat([buf('{"guid":"b2","'), Buffer.from([0xc3]), buf('":1}')])]);
    expectSame([Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), buf('{"guid":"bom"}')])]);
  });

  const malformed = [
    '', ' ', 'nope', '[1,2]', '"text"', '5', 'null', '{', '{"guid":"m"', '{"guid":"m",}', '{"guid":"m" "a":1}', '{"guid":"m","a":01}',
    '{"guid":"m","a":1.}', '{"guid":"m","a":.5}', '{"guid":"m","a":1e}', '{"guid":"m","a":+1}', '{"guid":"m","a":tru}', '{"guid":"m","a":nul}',
    '{"guid":"m","a":"\\x"}', '{"guid":"m","a":"\\u12g4"}', '{"guid":"m","a":"raw\u0001control"}', '{"guid":"m","a":[1,]}', '{"guid":"m","a":[1 2]}',
    '{"guid":"m"} x', '{"guid":"m"}}', "{'guid':'m'}", '{"guid":"m","a":"unterminated}', '{"guid":"m","a":-}', '{"guid":"m","a":[}',
  ];
  it('reports malformed lines as JSON.parse does, with the line number', () => {
    for (const bad of malformed) {
      const lines = [buf('{"guid":"ok","a":1}'), buf(bad)];
      const scanned = outcome(() => batchFromLines(lines));
      expect(scanned).toEqual(outcome(() => batchFromLinesParsed(lines)));
      expect(scanned).toHaveProperty('index', 1);
    }
  });

  it('agrees on random mutations of ordinary lines', () => {
    // Fixed-seed mutations: flip, drop or insert structural characters, digits and escapes.
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const alphabet = ['"', '\\', ',', ':', '[', ']', '{', '}', '0', '1', '-', '.', 'e', ' ', '\n', 'u', 'n', 't', '\u0000', 'é'];
    for (let i = 0; i < 3000; i++) {
      const base = ordinary[i % ordinary.length]!;
      const chars = [...base];
      const edits = 1 + Math.floor(rnd() * 3);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(rnd() * chars.length);
        const op = rnd();
        if (op < 0.33) chars.splice(at, 1);
        else if (op < 0.66) chars.splice(at, 0, alphabet[Math.floor(rnd() * alphabet.length)]!);
        else chars[at] = alphabet[Math.floor(rnd() * alphabet.length)]!;
      }
      expectSame([buf(chars.join('').replace(/"g-\d"/, `"m-${i}"`))]);
    }
  });
});
