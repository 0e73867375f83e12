/**
 * SensorEnricher.enrichJson gives exactly what enrich() on the parsed message, stringified, gives:
 * same JSON text, same alert flag, same errors, on Metron's parsed samples, on crafted edge cases
 * and on fixed-seed random messages, for configs that take the text path (geo, host,
 * hbaseEnrichment, hbaseThreatIntel, triage) and one that does not (Stellar).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom, type Message } from '@metron/core';
import { defaultRegistry } from '@metron/stellar';
import { EnrichmentTables, openLmdbStore, type KeyValueStore } from '@metron/storage';
import { GeoDatabase } from '../geo/geo-database.js';
import { expectedMessages } from '../test-support/conformance.js';
import { geoLite2CityPath } from '../test-support/fixtures.js';
import { parseKnownHosts } from './known-hosts.js';
import { compileSensorEnrichment, type SensorEnricher } from './sensor-enricher.js';
import type { SensorEnrichmentDeps } from './types.js';

let dir: string;
let store: KeyValueStore;
let deps: SensorEnrichmentDeps;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'metron-enrich-json-'));
  store = openLmdbStore({ path: join(dir, 'kv') });
  const tables = new EnrichmentTables(store);
  await tables.load('threatintel', 't', [
    { type: 'malicious_ip', indicator: '216.160.83.56', value: { source: 'feed' } },
    { type: 'malicious_ip', indicator: '10.0.2.3', value: {} },
  ]);
  await tables.load('enrichment', 't', [
    { type: 'asset', indicator: '10.0.2.15', value: { owner: 'printer team', criticality: 3, tags: ['printer'] } },
    { type: 'asset', indicator: '10.0.2.16', value: { 'a.b': 'x', a: { nested: [1, { '2': 'two', '1': 'one' }] } } },
    { type: 'broken', indicator: '10.0.2.15', value: '{not json' },
  ]);
  deps = {
    functions: defaultRegistry(),
    geo: await GeoDatabase.open(geoLite2CityPath()),
    tables,
    knownHosts: parseKnownHosts('[{"ip":"10.0.2.15","local":"YES","type":"printer","asset_value":"important"}]'),
    now: () => 1_500_000_000_000,
  };
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const TRIAGE = {
  riskLevelRules: [
    { name: 'bad source', rule: 'exists(threatintels.hbaseThreatIntel.ip_src_addr.malicious_ip)', score: 80, reason: "FORMAT('%s is bad', ip_src_addr)" },
    { name: 'country', rule: "enrichments.geo.ip_src_addr.country == 'US'", score: '10 + 5' },
    { rule: 'ip_dst_port == 53', score: 5, comment: 'dns' },
    { name: 'fails', rule: "TO_INTEGER(fail_me) > 1 || fail_me == 'boom' && 1/0 > 1", score: 1 },
  ],
  aggregator: 'SUM',
};

const CONFIGS: Record<string, unknown> = {
  'geo, threat intel and triage': {
    enrichment: { fieldMap: { geo: ['ip_src_addr', 'ip_dst_addr'] } },
    threatIntel: {
      fieldMap: { hbaseThreatIntel: ['ip_src_addr', 'ip_dst_addr'] },
      fieldToTypeMap: { ip_src_addr: ['malicious_ip'], ip_dst_addr: ['malicious_ip'] },
      triageConfig: TRIAGE,
    },
  },
  'host and hbaseEnrichment (keys from the data)': {
    enrichment: {
      fieldMap: { host: ['ip_dst_addr'], hbaseEnrichment: ['ip_dst_addr', 'ip_src_addr'] },
      fieldToTypeMap: { ip_dst_addr: ['asset', 'broken'], ip_src_addr: ['asset'] },
    },
    threatIntel: { fieldMap: { hbaseThreatIntel: ['ip_src_addr'] }, fieldToTypeMap: { ip_src_addr: ['malicious_ip'] } },
  },
  'stellar (the general path)': {
    enrichment: { fieldMap: { geo: ['ip_dst_addr'], stellar: { config: { dst_upper: 'TO_UPPER(ip_dst_addr)', blank: "''" } } } },
    threatIntel: { fieldMap: { hbaseThreatIntel: ['ip_src_addr'] }, fieldToTypeMap: { ip_src_addr: ['malicious_ip'] }, triageConfig: TRIAGE },
  },
  'no adapters': {},
};

/** What the enrich stage gave before enrichJson: JSON.parse, enrich, JSON.stringify. */
function reference(enricher: SensorEnricher, text: string): unknown {
  let message: Message;
  try {
    message = JSON.parse(text) as Message;
  } catch (err) {
    return { threw: (err as Error).message };
  }
  const result = enricher.enrich(message);
  const out = result.message;
  const flag = out?.['is_alert'];
  return { json: out === null ? null : JSON.stringify(out), alert: flag === true || flag === 'true', errors: result.errors };
}

function viaText(enricher: SensorEnricher, text: string): unknown {
  try {
    return enricher.enrichJson(text);
  } catch (err) {
    return { threw: (err as Error).message };
  }
}

const PUBLIC = ['216.160.83.56', '81.2.69.160', '2.125.160.216', '89.160.20.112', '175.16.199.1'];
const PRIVATE = ['10.0.2.15', '10.0.2.16', '10.0.2.3', '192.168.1.1'];

/** Crafted texts: plain ones and every kind the text path hands to the general path. */
function craftedTexts(): string[] {
  const base = { ip_src_addr: '216.160.83.56', ip_dst_addr: '10.0.2.15', ip_dst_port: 53, 'source.type': 'bro', timestamp: 1 };
  const s = JSON.stringify(base).slice(1, -1);
  return [
    JSON.stringify(base),
    JSON.stringify({ ...base, ip_src_addr: '81.2.69.160' }),
    JSON.stringify({ ...base, ip_src_addr: '10.0.2.16', ip_dst_addr: '10.0.2.16' }),
    '{}',
    '{"x":1}',
    `{${s},"fail_me":"boom"}`,
    `{${s},"fail_me":"2"}`,
    `{${s},"note":"café 🚀 \\"quoted\\" back\\\\slash\\n"}`,
    `{${s},"note":"caf\\u00e9"}`,
    `{${s},"note":"a\\/b"}`,
    `{${s},"n":1.0}`,
    `{${s},"n":-0}`,
    `{${s},"n":12345678901234567890}`,
    `{${s},"n":1E3}`,
    `{"7":"first",${s}}`,
    `{${s},"ip_src_addr":"81.2.69.160"}`,
    `{${s},"nested":{"b":{"2":1,"1":2}}}`,
    `{${s},"empty":""}`,
    `{${s},"nothing":null}`,
    `{"ip_src_addr":"","ip_dst_addr":"81.2.69.160"}`,
    `{"ip_src_addr":null,"ip_dst_addr":"81.2.69.160"}`,
    `{${s},"enrichments.geo.ip_src_addr.country":"XX"}`,
    `{${s},"is_alert":true}`,
    `{${s},"is_alert":"false"}`,
    `{${s},"is_alert":"maybe"}`,
    `{${s},"threatintels.other":"alert"}`,
    `{${s},"threatintels.other.ts":"1"}`,
    '{"ip_src_addr":3639104312,"ip_dst_addr":["81.2.69.160"]}',
    '{"ip_src_addr":true}',
    `{ ${s} }`,
    JSON.stringify(base, null, 2),
    `{${s},}`,
    '{"ip_src_addr":"216.160.83.56"',
    'not json',
    `{${s},"tab":"a\tb"}`,
  ];
}

/** Fixed-seed random flat messages: addresses, numbers of every size, strings with escapes and non-ASCII. */
function randomTexts(count: number): string[] {
  const random = seededRandom(4242);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const chars = ['a', 'Z', '0', ' ', '"', '\\', '\n', '\t', '/', 'é', '🚀', '\u2028', '\u0001', '<', '{', ':', ','];
  const value = (): unknown => {
    const r = random();
    if (r < 0.25) return Array.from({ length: Math.floor(random() * 12) }, () => pick(chars)).join('');
    if (r < 0.4) return Math.floor(random() * 1e6) * (random() < 0.2 ? -1 : 1);
    if (r < 0.5) return (random() - 0.5) * 10 ** Math.floor(random() * 40 - 20);
    if (r < 0.55) return random() < 0.5;
    if (r < 0.6) return null;
    if (r < 0.65) return '';
    if (r < 0.75) return [pick(PUBLIC), Math.floor(random() * 100), [pick(chars)]];
    if (r < 0.78) return { inner: pick(chars) };
    return pick([...PUBLIC, ...PRIVATE]);
  };
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const message: Record<string, unknown> = {};
    if (random() < 0.9) message['ip_src_addr'] = pick([...PUBLIC, ...PRIVATE]);
    if (random() < 0.9) message['ip_dst_addr'] = pick([...PUBLIC, ...PRIVATE]);
    const fields = Math.floor(random() * 8);
    for (let f = 0; f < fields; f++) message[`${pick(['f', 'field.', 'x_'])}${f}`] = value();
    if (random() < 0.3) message['ip_dst_port'] = pick([53, 80, 443]);
    if (random() < 0.1) message['fail_me'] = pick(['2', 'boom', 'fine']);
    message['source.type'] = 'bro';
    out.push(JSON.stringify(message));
  }
  return out;
}

describe('SensorEnricher.enrichJson', () => {
  for (const [name, config] of Object.entries(CONFIGS)) {
    describe(name, () => {
      const pair = () => [compileSensorEnrichment('bro', config, deps, 'enrichments/bro.json'), compileSensorEnrichment('bro', config, deps, 'enrichments/bro.json')] as const;

      it("gives what enrich() gives on Metron's parsed samples", () => {
        const [text, object] = pair();
        for (const sensor of ['bro', 'snort', 'yaf']) {
          for (const m of expectedMessages(sensor)) {
            const json = JSON.stringify(m);
            expect(viaText(text, json), json).toEqual(reference(object, json));
          }
        }
      });

      it('gives what enrich() gives on crafted edge cases, errors and unreadable text included', () => {
        const [text, object] = pair();
        for (const json of craftedTexts()) expect(viaText(text, json), json).toEqual(reference(object, json));
      });

      it('gives what enrich() gives on random messages, in batches (table reads remembered) and one by one', () => {
        const [text, object] = pair();
        const texts = randomTexts(3000);
        for (let i = 0; i < texts.length; i++) {
          if (i % 250 === 0) text.beginBatch();
          expect(viaText(text, texts[i]!), texts[i]).toEqual(reference(object, texts[i]!));
          if (i % 250 === 249) text.endBatch();
        }
        for (const json of texts.slice(0, 500)) expect(viaText(text, json), json).toEqual(reference(object, json));
      });
    });
  }

  it('appends the enrichment to the text of a plain message, keeping its bytes', () => {
    const enricher = compileSensorEnrichment('bro', CONFIGS['geo, threat intel and triage'], deps, 'enrichments/bro.json');
    const text = '{"ip_src_addr":"81.2.69.160","ip_dst_addr":"10.0.2.15","n":1.5,"s":"\\"q\\"","source.type":"bro"}';
    const result = enricher.enrichJson(text);
    expect(result.alert).toBe(false);
    expect(result.json!.startsWith(`${text.slice(0, -1)},"enrichments.geo.ip_src_addr.`)).toBe(true);
    expect(JSON.parse(result.json!)).toMatchObject({ 'enrichments.geo.ip_src_addr.country': 'GB', 'enrichments.geo.ip_src_addr.city': expect.any(String) });
  });

  it('triages an alert found on the text path', () => {
    const enricher = compileSensorEnrichment('bro', CONFIGS['geo, threat intel and triage'], deps, 'enrichments/bro.json');
    const result = enricher.enrichJson('{"ip_src_addr":"216.160.83.56","ip_dst_addr":"10.0.2.15","ip_dst_port":53}');
    expect(result.alert).toBe(true);
    expect(JSON.parse(result.json!)).toMatchObject({
      'threatintels.hbaseThreatIntel.ip_src_addr.malicious_ip': 'alert',
      is_alert: 'true',
      'threat.triage.score': 100,
      'threat.triage.rules.0.name': 'bad source',
      'threat.triage.rules.0.reason': '216.160.83.56 is bad',
      'threat.triage.rules.2.comment': 'dns',
    });
  });
});
