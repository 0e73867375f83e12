/**
 * The enrich step's output bytes: a message the enrichment only appends to is written as its input
 * bytes plus the new members, and must be byte for byte what encoding the enriched text gives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEnrichers, enrichBatch, type SensorEnrichers } from './enrich-core.js';

const CONFIG = { enrichment: { fieldMap: { geo: ['ip_src_addr', 'ip_dst_addr'] } } };

let enrichers: SensorEnrichers;
beforeAll(async () => {
  enrichers = await buildEnrichers({ configs: { bro: CONFIG }, global: {} });
});
afterAll(async () => {
  await enrichers.close();
});

const TEXTS = [
  '{"ip_src_addr":"81.2.69.160","ip_dst_addr":"10.0.2.15","n":1,"source.type":"bro"}',
  // non-ASCII text in the message, kept as its bytes
  '{"ip_src_addr":"8.8.8.8","ip_dst_addr":"1.1.1.1","note":"héllo ☃ 𝄞","source.type":"bro"}',
  // nothing to add (private addresses), an empty object, and texts the scanner leaves to the general path
  '{"ip_src_addr":"10.0.0.1","ip_dst_addr":"192.168.1.1"}',
  '{}',
  '{ "ip_src_addr": "81.2.69.160" }',
  '{"ip_src_addr":"81.2.69.160","nested":{"a":1}}',
  '{"ip_src_addr":"81.2.69.160","ip_dst_addr":null}',
];

async function run(values: Buffer[]): Promise<string[]> {
  const all = Buffer.concat(values);
  const out = await enrichBatch(enrichers, { sensors: values.map(() => 'bro'), values: new Uint8Array(all), lengths: Uint32Array.from(values, (v) => v.length) });
  expect(out.errors).toEqual([]);
  const bytes = Buffer.from(out.messages.buffer, out.messages.byteOffset, out.messages.byteLength);
  const texts: string[] = [];
  let at = 0;
  for (const n of out.lengths) {
    texts.push(bytes.toString('utf8', at, at + n));
    at += n;
  }
  // every output is one valid UTF-8 JSON object
  for (const t of texts) expect(typeof JSON.parse(t)).toBe('object');
  return texts;
}

describe('enrichBatch output', () => {

  it("is, message for message, the encoding of enrichJson's text (appended messages copied as bytes)", async () => {
    const enricher = enrichers.get('bro')!;
    const values = TEXTS.map((t) => Buffer.from(t));
    const out = await run(values);
    expect(out).toEqual(TEXTS.map((t) => enricher.enrichJson(t).json));
    // the appended form kept the input's bytes in front
    expect(out[1]!.startsWith(TEXTS[1]!.slice(0, -1) + ',"enrichments.geo.ip_src_addr.')).toBe(true);
    expect(JSON.parse(out[0]!)).toMatchObject({ 'enrichments.geo.ip_src_addr.country': 'GB', n: 1 });
    expect(out[3]).toBe('{}');
  });

  it('writes a batch that is not valid UTF-8 from the decoded text, as before', async () => {
    const enricher = enrichers.get('bro')!;
    const bad = Buffer.concat([Buffer.from('{"ip_src_addr":"81.2.69.160","junk":"a'), Buffer.from([0xff, 0xfe]), Buffer.from('b"}')]);
    const values = [Buffer.from(TEXTS[0]!), bad];
    const out = await run(values);
    expect(out).toEqual(values.map((v) => enricher.enrichJson(v.toString('utf8')).json));
    expect(JSON.parse(out[1]!).junk).toBe('a\ufffd\ufffdb');
  });
});
