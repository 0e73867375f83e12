/**
 * readMispEvent against mapMispEvent: for the same text, the same rows (every field, in JSON text),
 * issues and counts, whatever the pieces the text comes in and whether the rows are settled in
 * memory or on disk.
 */
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '@metron/core';
import { DEFAULT_INDICATOR_TYPES, mapMispEvent, parseIndicatorTypes, type LoadIssue, type MispChunk, type MispMapOptions } from '@metron/enrichment';
import { MispReadError, readMispEvent } from './misp-stream.js';
import { mispEvent, type MispEventShape } from './test-support/misp-events.js';
import { attr, LOADABLE_TYPES_EVENT, ONE_ATTRIBUTE_EVENT, SKIPS_AND_ISSUES_EVENT } from '../../../enrichment/src/threat-intel/test-support/misp-fixtures.js';

const OPTIONS: MispMapOptions = { types: DEFAULT_INDICATOR_TYPES, feed: 'feed' };

interface Streamed extends MispChunk {
  /** Most rows, and most issues, in one chunk. */
  largest: { rows: number; issues: number };
}

async function* pieces(text: string, size: number): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

/** readMispEvent's chunks of `text` (in pieces of `size`), added up. */
async function streamed(text: string, size: number, options: MispMapOptions = OPTIONS, groupSize?: number): Promise<Streamed> {
  const out: Streamed = { rows: [], issues: [], attributes: 0, indicators: 0, skipped: 0, deleted: 0, largest: { rows: 0, issues: 0 } };
  for await (const chunk of readMispEvent(() => pieces(text, size), 'e.json', { ...options, ...(groupSize === undefined ? {} : { groupSize }) })) {
    out.rows.push(...chunk.rows);
    out.issues.push(...chunk.issues);
    out.attributes += chunk.attributes;
    out.indicators += chunk.indicators;
    out.skipped += chunk.skipped;
    out.deleted += chunk.deleted;
    out.largest.rows = Math.max(out.largest.rows, chunk.rows.length);
    out.largest.issues = Math.max(out.largest.issues, chunk.issues.length);
  }
  return out;
}

const rowTexts = (chunk: MispChunk) => chunk.rows.map((row) => JSON.stringify(row));
const counts = ({ attributes, indicators, skipped, deleted }: MispChunk) => ({ attributes, indicators, skipped, deleted });

/**
 * Checks the streamed reading of `text` gives what mapMispEvent gives: issues in the same order,
 * the same counts, the same rows (as JSON, so every field and its order counts); in the same order
 * too when they are settled in memory, as a set when `groupSize` sends them to disk.
 */
async function expectSameAsWhole(text: string, sizes: number[], options: MispMapOptions = OPTIONS, groupSize?: number): Promise<MispChunk> {
  const whole = mapMispEvent(text, 'e.json', options);
  for (const size of sizes) {
    const result = await streamed(text, size, options, groupSize);
    expect(result.issues, `pieces of ${size}`).toEqual(whole.issues);
    expect(counts(result), `pieces of ${size}`).toEqual(counts(whole));
    if (groupSize === undefined) expect(rowTexts(result), `pieces of ${size}`).toEqual(rowTexts(whole));
    else {
      expect(rowTexts(result).sort(), `pieces of ${size}`).toEqual(rowTexts(whole).sort());
      expect(result.largest.rows).toBeLessThanOrEqual(groupSize);
    }
  }
  return whole;
}

describe('readMispEvent gives what mapMispEvent gives for the whole text', () => {
  it('for the events of the mapping tests', async () => {
    const texts = [
      ONE_ATTRIBUTE_EVENT,
      LOADABLE_TYPES_EVENT,
      SKIPS_AND_ISSUES_EVENT,
      '{"event": {}}',
      '{"Event": {"Attribute": {}}}',
      '[{"Event": {}}]',
      '{"Event": {}}',
      '{"Event": {"Object": 5, "Attribute": [{"type": "ip-dst", "value": "10.0.0.1", "to_ids": true}]}}',
    ];
    for (const text of texts) {
      await expectSameAsWhole(text, [1, 5, text.length]);
      await expectSameAsWhole(text, [7], { ...OPTIONS, allAttributes: true });
    }
  });

  const shapes: Array<[string, MispEventShape, number | string | undefined]> = [
    ['metadata first, compact', { attributes: 60, objects: 12, order: 'metadata-first' }, undefined],
    ['tags and metadata after the lists, indented', { attributes: 60, objects: 12, order: 'lists-first' }, 2],
    ['Object before Attribute, tab-indented', { attributes: 40, objects: 20, order: 'objects-first' }, '\t'],
    ['members in any order', { attributes: 50, objects: 15, order: 'shuffled' }, 1],
    ['attributes only', { attributes: 80, objects: 0, order: 'lists-first' }, undefined],
    ['objects only', { attributes: 0, objects: 30, order: 'shuffled' }, 2],
  ];

  it.each(shapes)('for generated events: %s', async (_name, shape, indent) => {
    for (let seed = 1; seed <= 6; seed++) {
      const text = JSON.stringify(mispEvent(seed * 7919 + shape.attributes, shape), null, indent);
      const whole = await expectSameAsWhole(text, [1, 97, 4096]);
      // the events hold what the comparison is about: rows to settle, issues of each kind
      if (shape.attributes + shape.objects >= 50) {
        expect(whole.rows.length).toBeGreaterThan(10);
        expect(whole.issues.filter((i) => i.kind === 'failed').length).toBeGreaterThan(0);
        expect(whole.issues.filter((i) => i.kind === 'unsupported').length).toBeGreaterThan(0);
      }
      await expectSameAsWhole(text, [4096], { ...OPTIONS, allAttributes: true });
      await expectSameAsWhole(text, [4096], { types: parseIndicatorTypes('ip=bad,domain=bad,url=bad') });
    }
  });

  it('settling rows on disk gives the same rows as settling them in memory', async () => {
    const before = (await readdir(tmpdir())).filter((n) => n.startsWith('metron-misp-settle-'));
    let removals = 0;
    for (let seed = 1; seed <= 8; seed++) {
      const text = JSON.stringify(mispEvent(seed, { attributes: 300, objects: 40, order: seed % 2 === 0 ? 'objects-first' : 'lists-first' }));
      for (const groupSize of [1, 7, 100]) {
        const whole = await expectSameAsWhole(text, [1000], { ...OPTIONS, allAttributes: seed % 3 === 0 }, groupSize);
        removals += whole.rows.filter((r) => r.remove === true).length;
      }
    }
    // the events repeat indicators, live and deleted, so settling has work to do
    expect(removals).toBeGreaterThan(0);
    // and the scratch stores are gone
    expect((await readdir(tmpdir())).filter((n) => n.startsWith('metron-misp-settle-') && !before.includes(n))).toEqual([]);
  });

  it('a live row of an indicator wins over a later deletion of it, across groups settled on disk, as in memory', async () => {
    const attributes = [attr(1, 'ip-dst', '10.9.9.9'), ...Array.from({ length: 30 }, (_, i) => attr(100 + i, 'ip-dst', `10.8.0.${i}`)), attr(2, 'ip-dst', '10.9.9.9', { deleted: true }), attr(3, 'domain', 'x.example', { deleted: true }), attr(4, 'domain', 'X.example.', { deleted: '1' })];
    const text = JSON.stringify({ Event: { Attribute: attributes, info: 'after' } });
    const whole = await expectSameAsWhole(text, [64], OPTIONS, 4);
    expect(whole.rows.find((r) => r.indicator === '10.9.9.9')).toMatchObject({ value: { misp_attribute_uuid: attr(1, '', '').uuid } });
    expect(whole.rows.find((r) => r.indicator === '10.9.9.9')?.remove).toBeUndefined();
    expect(whole.rows.find((r) => r.indicator === 'x.example')).toMatchObject({ remove: true, value: { misp_attribute_uuid: attr(4, '', '').uuid } });
  });

  it('reads the last of repeated member names, as JSON.parse keeps it', async () => {
    const a = (n: number) => JSON.stringify(attr(n, 'ip-dst', `10.1.0.${n}`));
    const texts = [
      `{"Event": {"info": "first", "Attribute": [${a(1)}]}, "Event": {"Attribute": [${a(2)}], "info": "second", "Attribute": [${a(3)}, ${a(4)}]}}`,
      `{"Event": {"Attribute": [${a(1)}]}, "Event": 7}`,
      `{"Event": {"Object": [{"Attribute": [${a(1)}], "name": "x", "Attribute": [${a(2)}]}, {"Attribute": [${a(5)}], "Attribute": {}}], "Object": [{"Attribute": [${a(6)}]}, {"Attribute": [${a(7)}], "Attribute": [${a(8)}], "Attribute": [${a(9)}]}], "info": "i", "info": "j"}}`,
      `{"Event": {"Attribute": [${a(1)}], "Object": [{"Attribute": [${a(2)}]}], "Attribute": [${a(3)}]}}`,
      `{"Event": {"Tag": [{"name": "a"}], "Attribute": [${a(1)}], "Tag": [{"name": "b"}], "Orgc": {"name": "X"}, "Orgc": 5}}`,
    ];
    for (const text of texts) await expectSameAsWhole(text, [1, 9, text.length]);
  });

  it('hands out rows and issues in groups, not all of a large event at once', async () => {
    const text = JSON.stringify({ Event: { Attribute: Array.from({ length: 2500 }, (_, i) => (i % 2 === 0 ? attr(i, 'ip-dst', `10.${i >> 8}.${i & 255}.1`) : attr(i, 'regkey', 'x'))), info: 'i' } });
    const result = await streamed(text, 512, OPTIONS, 100);
    expect(result.rows).toHaveLength(1250);
    expect(result.issues).toHaveLength(1250);
    expect(result.largest.rows).toBeLessThanOrEqual(100);
    // issues come out once a group's worth of attributes is read (a piece may hold a few more)
    expect(result.largest.issues).toBeLessThan(100);
  });
});

describe('readMispEvent on input that is not a MISP event', () => {
  /**
   * The one issue of a file that is not JSON: at the place of mapMispEvent's, no rows, nothing
   * counted (its reason words the error as V8 does, without V8's offset and excerpt). Returns it.
   */
  async function expectRefusedAsWhole(text: string): Promise<LoadIssue> {
    const whole = mapMispEvent(text, 'e.json', OPTIONS);
    expect(whole.issues).toEqual([{ kind: 'failed', where: expect.stringMatching(/^e\.json:\d+:\d+$/), reason: expect.stringMatching(/^invalid JSON: /) }]);
    let issue: LoadIssue | undefined;
    for (const size of [1, 64, text.length + 1]) {
      const result = await streamed(text, size, OPTIONS, 5);
      expect(result.issues).toEqual([{ ...whole.issues[0], reason: expect.stringMatching(/^invalid JSON: /) }]);
      expect(result.rows).toEqual([]);
      expect(counts(result)).toEqual(counts(whole));
      issue = result.issues[0];
    }
    return issue!;
  }

  const event = JSON.stringify(mispEvent(99, { attributes: 40, objects: 8, order: 'lists-first' }), null, 2);

  it('refuses a truncated file at its end, with none of its rows', async () => {
    const lines = event.split('\n');
    for (const cut of [event.length - 1, Math.floor(event.length / 2), 1]) {
      const text = event.slice(0, cut);
      const before = text.split('\n');
      expect(await expectRefusedAsWhole(text)).toMatchObject({ where: `e.json:${before.length}:${before.at(-1)!.length + 1}` });
    }
    expect(lines.length).toBeGreaterThan(100);
  });

  it('refuses a stray character where it is, however late in the file', async () => {
    const last = event.lastIndexOf(']');
    await expectRefusedAsWhole(`${event.slice(0, last)}x${event.slice(last)}`);
    await expectRefusedAsWhole(`${event} }`);
    await expectRefusedAsWhole(`${event.slice(0, 200)}\u0007${event.slice(200)}`);
  });

  it('refuses a file with invalid JSON inside one attribute, and maps none of the others', async () => {
    const text = `{"Event": {\n  "Attribute": [\n    ${JSON.stringify(attr(1, 'ip-dst', '10.0.0.1'))},\n    {"type": "ip-dst", "value": "10.0.0.2",},\n    ${JSON.stringify(attr(3, 'ip-dst', '10.0.0.3'))}\n  ]\n}}`;
    expect(await expectRefusedAsWhole(text)).toMatchObject({ where: 'e.json:4:44', reason: 'invalid JSON: Expected double-quoted property name' });
  });

  it('refuses corrupted events where JSON.parse refuses them, and reads those still valid as it does', async () => {
    const rnd = seededRandom(4242);
    const chars = ['{', '}', '[', ']', ',', ':', '"', '\\', ' ', '\n', 't', '1', '-', 'x'];
    let refused = 0;
    for (let n = 0; n < 150; n++) {
      const at = Math.floor(rnd() * event.length);
      const change = Math.floor(rnd() * 3);
      const char = chars[Math.floor(rnd() * chars.length)]!;
      const text = change === 0 ? event.slice(0, at) + char + event.slice(at) : change === 1 ? event.slice(0, at) + event.slice(at + 1) : event.slice(0, at) + char + event.slice(at + 1);
      if (mapMispEvent(text, 'e.json', OPTIONS).issues[0]?.reason.startsWith('invalid JSON')) {
        refused++;
        await expectRefusedAsWhole(text);
      } else await expectSameAsWhole(text, [333]);
    }
    expect(refused).toBeGreaterThan(30);
  });

  it('reports attributes that are not attributes at their path, and maps the others', async () => {
    const text = JSON.stringify({
      Event: {
        Attribute: [attr(1, 'ip-dst', '10.0.0.1'), 5, null, { type: 'ip-dst', uuid: 'u-1' }, 'text'],
        Object: [{ Attribute: [attr(2, 'ip-dst', '10.0.0.2'), [], attr(3, 'domain', 'x.example')] }, 7, { Attribute: 'x' }],
      },
    });
    const whole = await expectSameAsWhole(text, [1, 50]);
    expect(whole.issues.map((i) => i.where)).toEqual([
      'e.json: Event.Attribute[1]',
      'e.json: Event.Attribute[2]',
      'e.json: Event.Attribute[3]',
      'e.json: Event.Attribute[4]',
      'e.json: Event.Object[0].Attribute[1]',
      'e.json: Event.Object[1]',
      'e.json: Event.Object[2].Attribute',
    ]);
    expect(whole.rows.map((r) => r.indicator)).toEqual(['10.0.0.1', '10.0.0.2', 'x.example']);
  });

  it('throws MispReadError when the text cannot be read, before any row', async () => {
    async function* failing(): AsyncGenerator<string> {
      yield '{"Event": {"Attribute": [';
      throw new Error('EIO: i/o error, read');
    }
    const chunks: MispChunk[] = [];
    await expect(async () => {
      for await (const chunk of readMispEvent(failing, 'e.json', OPTIONS)) chunks.push(chunk);
    }).rejects.toThrow(new MispReadError('EIO: i/o error, read'));
    expect(chunks).toEqual([]);
  });
});
