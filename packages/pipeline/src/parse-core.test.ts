import { afterEach, describe, expect, it } from 'vitest';
import type { ParserRunnerConfig } from '@metron/parsers';
import { openDuckDbSearchStore, type DuckDbSearchStore } from '@metron/storage';
import { TelemetryGenerator } from './demo/generator.js';
import { buildParsers, parseBatch, type ParseBatchInput, type ParseBatchOutput } from './parse-core.js';
import { buildEnrichers } from './enrich-core.js';
import { parseEnrichBatch } from './parse-enrich.js';

const SENSORS: Record<string, ParserRunnerConfig> = {
  bro: { parserClassName: 'org.apache.metron.parsers.bro.BasicBroParser', parserConfig: {} },
  snort: { parserClassName: 'org.apache.metron.parsers.snort.BasicSnortParser', parserConfig: {} },
  json: { parserClassName: 'org.apache.metron.parsers.json.JSONMapParser', parserConfig: {} },
  // a transformation whose values are of every kind
  stellar: {
    parserClassName: 'org.apache.metron.parsers.json.JSONMapParser',
    parserConfig: {},
    fieldTransformations: [{
      transformation: 'STELLAR',
      output: ['list', 'map', 'ratio', 'flag', 'nothing'],
      config: { list: '[1, 2.5, "x"]', map: "{ 'k' : [1], 'n' : 1.5 }", ratio: 'n / 4', flag: 'n > 1', nothing: 'null' },
    }],
  },
};
const parsers = buildParsers(SENSORS);

function input(sensor: string, records: string[], from = 0): ParseBatchInput {
  const values = records.map((r) => Buffer.from(r));
  return {
    sensor,
    topic: sensor,
    partition: values.map(() => 0),
    epoch: 'e1',
    offset: Float64Array.from(values, (_, i) => from + i),
    values: Buffer.concat(values),
    lengths: Uint32Array.from(values, (v) => v.length),
    now: 1_700_000_000_000,
  };
}

function lines(out: ParseBatchOutput): Buffer[] {
  const all = Buffer.from(out.messages.buffer, out.messages.byteOffset, out.messages.byteLength);
  const result: Buffer[] = [];
  let at = 0;
  for (const n of out.lengths) {
    result.push(all.subarray(at, at + n));
    at += n;
  }
  return result;
}

const stores: DuckDbSearchStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

describe('parse batches: the field types the index gets with the messages', () => {
  it('are the types the index reads from the same lines, for the parsers of every value kind', async () => {
    const gen = new TelemetryGenerator(77, () => 1_700_000_000_000);
    const batches: Array<[string, string[]]> = [
      ['bro', Array.from({ length: 400 }, () => gen.bro())],
      ['snort', Array.from({ length: 50 }, () => gen.snort())],
      ['json', [
        '{"n":1,"s":"a","arr":[1,"x",[true]],"obj":{"k":{"d":1.5}},"big":12345678901234567890,"neg":-1,"frac":0.5,"timestamp":1700000000000.5}',
        '{"n":"text now","ctl":"a\\u0001b","nested":["\\n"],"none":null,"b":false}',
      ]],
      ['stellar', ['{"n":1}', '{"n":2,"timestamp":5}']],
    ];
    for (const [sensor, records] of batches) {
      const out = parseBatch(parsers, input(sensor, records));
      expect(out.errors).toEqual([]);
      expect(out.fields, sensor).toBeDefined();
      const typed = await openDuckDbSearchStore({ path: ':memory:' });
      const scanned = await openDuckDbSearchStore({ path: ':memory:' });
      stores.push(typed, scanned);
      await typed.writeJson(sensor, lines(out), out.fields);
      await scanned.writeJson(sensor, lines(out));
      expect(typed.fields(sensor), sensor).toEqual(scanned.fields(sensor));
      const all = (store: DuckDbSearchStore) => store.search({ indices: [sensor], query: '*', size: 1000, sort: [{ field: 'guid', sortOrder: 'asc' }] });
      const got = await all(typed);
      expect(got.total).toBe(out.lengths.length);
      expect(got).toEqual(await all(scanned));
    }
  });

  it('are left out when a message brings its own guid, and when there is no message', () => {
    expect(parseBatch(parsers, input('json', ['{"a":1}', '{"a":2}'])).fields?.get('a')).toEqual({ type: 'BIGINT', flags: 1 });
    expect(parseBatch(parsers, input('json', ['{"a":1}', '{"a":2,"guid":"mine"}'])).fields).toBeUndefined();
    expect(parseBatch(parsers, input('json', ['{"a":1,"guid":7}'])).fields).toBeUndefined();
    expect(parseBatch(parsers, input('json', ['not json'])).fields).toBeUndefined();
  });
});

describe('parse + enrich batches: the field types the index gets with the enriched messages', () => {
  const bro = { bro: SENSORS['bro']! };
  const broParsers = buildParsers(bro);
  const config = (extra: Record<string, unknown> = {}, rules: unknown[] = [{ name: 'dns', rule: "protocol == 'dns'", score: 10 }]) => ({
    enrichment: { fieldMap: { geo: ['ip_dst_addr', 'ip_src_addr'], stellar: { config: { proto_upper: 'TO_UPPER(protocol)', ...extra } } } },
    threatIntel: {
      // alerts go the whole-JSON way, the others as their input plus a tail
      fieldMap: { stellar: { config: { is_alert: "protocol == 'dns'" } } },
      triageConfig: { riskLevelRules: rules, aggregator: 'MAX' },
    },
  });
  const enrichersOf = (enrichment: unknown) => buildEnrichers({ configs: { bro: enrichment }, global: {} });
  const records = () => {
    const gen = new TelemetryGenerator(5, () => 1_700_000_000_000);
    return Array.from({ length: 300 }, () => gen.bro());
  };

  it('are the types the index reads from the enriched lines', async () => {
    const enrichers = await enrichersOf(config());
    const out = await parseEnrichBatch(broParsers, enrichers, input('bro', records()));
    expect(out.enrich?.alerts.reduce((a, b) => a + b, 0)).toBeGreaterThan(10);
    expect(out.fields).toBeDefined();
    expect(out.fields?.has('enrichments.geo.ip_dst_addr.country')).toBe(true);
    expect(out.fields?.get('threat.triage.score')?.type).toBe('BIGINT');
    const typed = await openDuckDbSearchStore({ path: ':memory:' });
    const scanned = await openDuckDbSearchStore({ path: ':memory:' });
    stores.push(typed, scanned);
    await typed.writeJson('bro', lines(out), out.fields);
    await scanned.writeJson('bro', lines(out));
    // The same columns; the typed batch lists the parser's fields before the enrichment's.
    const byName = (store: DuckDbSearchStore) => store.fields('bro').sort((a, b) => a.field.localeCompare(b.field));
    expect(byName(typed)).toEqual(byName(scanned));
    expect(typed.fields('bro').slice(0, 5).map((f) => f.field)).not.toContain('proto_upper');
    const all = (store: DuckDbSearchStore) => store.search({ indices: ['bro'], query: '*', size: 1000, sort: [{ field: 'guid', sortOrder: 'asc' }] });
    expect(await all(typed)).toEqual(await all(scanned));
    await enrichers.close();
  });

  it('are left out when a message is dropped, or an enrichment changes the type of a field it had', async () => {
    const failing = await enrichersOf(config({}, [{ name: 'fails', rule: "protocol == 'dns'", score: 'ip_dst_port / 0' }]));
    const dropped = await parseEnrichBatch(broParsers, failing, input('bro', records()));
    expect(dropped.enrich?.errors.some((e) => e.fatal)).toBe(true);
    expect(dropped.fields).toBeUndefined();
    await failing.close();
    // alerts (written whole) get a text for a number field
    const retyping = await enrichersOf({ ...config(), threatIntel: { ...config().threatIntel, fieldMap: { stellar: { config: { is_alert: "protocol == 'dns'", ip_dst_port: "if protocol == 'dns' then 'fifty-three' else ip_dst_port" } } } } });
    const retyped = await parseEnrichBatch(broParsers, retyping, input('bro', records()));
    expect(retyped.enrich?.errors).toEqual([]);
    expect(retyped.fields).toBeUndefined();
    await retyping.close();
  });
});
