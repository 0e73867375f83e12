import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile, defaultRegistry, JInt, JLong, StellarEvalError, type FunctionRegistry, type StellarValue } from '@metron/stellar';
import { EnrichmentTables, openLmdbStore, type KeyValueStore } from '@metron/storage';
import { installStellarModules, unavailableEnrichmentService } from './index.js';

const run = (registry: FunctionRegistry, expr: string, vars: Record<string, StellarValue> = {}): StellarValue => compile(expr, { functions: registry }).run(vars);

describe('kafka service', () => {
  let global: Record<string, unknown> = {};
  const registry = defaultRegistry();
  installStellarModules(registry, { globalConfig: () => global });

  it("gives Metron's default properties with their Java types", () => {
    global = {};
    const props = run(registry, 'KAFKA_PROPS()') as Map<string, StellarValue>;
    expect(Object.fromEntries(props)).toEqual({
      'bootstrap.servers': 'localhost:9092',
      'group.id': 'kafka-functions-stellar',
      'auto.offset.reset': 'latest',
      'max.poll.records': new JInt(1),
      'key.deserializer': 'org.apache.kafka.common.serialization.StringDeserializer',
      'value.deserializer': 'org.apache.kafka.common.serialization.StringDeserializer',
      'key.serializer': 'org.apache.kafka.common.serialization.StringSerializer',
      'value.serializer': 'org.apache.kafka.common.serialization.StringSerializer',
      'stellar.kafka.max.wait.millis': new JInt(5000),
      'stellar.kafka.poll.timeout': new JInt(500),
      'stellar.kafka.message.view': 'simple',
    });
  });

  it('lets the whole global config override the defaults, and the call override both', () => {
    global = { 'bootstrap.servers': 'foo.global.override.com:9092', 'stellar.kafka.max.wait.millis': 2000, 'es.date.format': 'yyyy.MM.dd.HH', big: 3000000000, ratio: 0.5 };
    const props = run(registry, 'KAFKA_PROPS()') as Map<string, StellarValue>;
    expect(props.get('bootstrap.servers')).toBe('foo.global.override.com:9092');
    expect(props.get('stellar.kafka.max.wait.millis')).toEqual(new JInt(2000));
    expect(props.get('es.date.format')).toBe('yyyy.MM.dd.HH');
    expect(props.get('big')).toEqual(new JLong(3000000000n));
    expect(props.get('ratio')).toBe(0.5);
    expect(props.get('group.id')).toBe('kafka-functions-stellar');
    const user = run(registry, "KAFKA_PROPS({ 'bootstrap.servers' : 'foo.user.override.com:9092', 'max.poll.records' : 7 })") as Map<string, StellarValue>;
    expect(user.get('bootstrap.servers')).toBe('foo.user.override.com:9092');
    expect(user.get('max.poll.records')).toEqual(new JInt(7));
    // the global config is read at each call
    global = {};
    expect((run(registry, 'KAFKA_PROPS()') as Map<string, StellarValue>).get('bootstrap.servers')).toBe('localhost:9092');
  });

  it.each([
    ["KAFKA_GET('t')", 'KAFKA_GET'],
    ["KAFKA_TAIL('t', 2)", 'KAFKA_TAIL'],
    ["KAFKA_PUT('t', ['m'])", 'KAFKA_PUT'],
    ["KAFKA_FIND('t', m -> true)", 'KAFKA_FIND'],
    ["KAFKA_SEEK('t', 0, 0)", 'KAFKA_SEEK'],
  ])('%s fails naming the missing broker connection', (expr, fn) => {
    global = { 'bootstrap.servers': 'kafka1:6667' };
    let error: unknown;
    try {
      run(registry, expr);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StellarEvalError);
    expect((error as Error).message).toMatch(new RegExp(`^${fn} needs a Kafka broker connection, which is not configured`));
    expect((error as Error).message).toContain("bootstrap.servers 'kafka1:6667' for topic 't'");
  });
});

describe('enrichment service over LMDB', () => {
  let dir: string;
  let store: KeyValueStore;
  const registry = defaultRegistry();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'metron-stellar-modules-'));
    store = openLmdbStore({ path: join(dir, 'kv') });
    const tables = new EnrichmentTables(store);
    await tables.load('enrichments', 'cf', [
      { type: 'et', indicator: 'indicator0', value: { key0: 'value0' } },
      { type: 'et', indicator: '10.0.0.1', value: '{"asset":"db01","owner":{"team":"ops"},"ports":[22,5432],"risk":0.5,"id":9007199254740993}' },
      { type: 'et', indicator: 'broken', value: '[1, 2]' },
    ]);
    installStellarModules(registry, { enrichment: tables });
  });
  afterAll(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('gets the value map with Java types, or an empty map', () => {
    const v = run(registry, "ENRICHMENT_GET('et', ip, 'enrichments', 'cf')", { ip: '10.0.0.1' }) as Map<string, StellarValue>;
    expect([...v.keys()]).toEqual(['asset', 'owner', 'ports', 'risk', 'id']);
    expect(v.get('ports')).toEqual([new JInt(22), new JInt(5432)]);
    expect(v.get('risk')).toBe(0.5);
    expect(v.get('id')).toEqual(new JLong(9007199254740993n));
    expect(v.get('owner')).toEqual(new Map([['team', 'ops']]));
    expect(run(registry, "ENRICHMENT_GET('et', 'indicator7', 'enrichments', 'cf')")).toEqual(new Map());
    expect(run(registry, "ENRICHMENT_GET('et', 'indicator0', 'enrichments', 'other')")).toEqual(new Map());
    expect(run(registry, "ENRICHMENT_GET('et', 'indicator0', 'no_table', 'cf')")).toEqual(new Map());
    expect(() => run(registry, "ENRICHMENT_GET('et', 'broken', 'enrichments', 'cf')")).toThrow(/not a JSON map/);
  });

  it('tells whether a row exists', () => {
    expect(run(registry, "ENRICHMENT_EXISTS('et', 'indicator0', 'enrichments', 'cf')")).toBe(true);
    expect(run(registry, "ENRICHMENT_EXISTS('et', 'indicator7', 'enrichments', 'cf')")).toBe(false);
  });

  it('fails clearly where there is no store', () => {
    const bare = defaultRegistry();
    bare.installService('enrichment', unavailableEnrichmentService('no enrichment store at /x/kv'));
    expect(() => run(bare, "ENRICHMENT_GET('et', 'indicator0', 'enrichments', 'cf')")).toThrow(/ENRICHMENT_GET: no enrichment store at \/x\/kv/);
  });
});
