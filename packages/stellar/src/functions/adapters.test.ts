import { describe, expect, it } from 'vitest';
import { JInt, JLong, float, int, long } from '../values.js';
import type { StellarLambda, StellarValue } from '../values.js';
import { StellarFunctionError } from './types.js';
import type { StellarFunction } from './types.js';
import { caller, fakeContext, m } from './test-support/service-fakes.js';
import { functions as geo } from './geo.js';
import type { GeoService } from './geo.js';
import { functions as asn } from './asn.js';
import type { AsnService } from './asn.js';
import { functions as enrichment } from './enrichment.js';
import type { EnrichmentKey, EnrichmentService, ObjectService } from './enrichment.js';
import { functions as profiler, toMillis } from './profiler.js';
import type { ProfileQuery, ProfilerService } from './profiler.js';
import { functions as maas } from './maas.js';
import type { MaasService } from './maas.js';
import { functions as kafka } from './kafka.js';
import type { KafkaService } from './kafka.js';
import { functions as rest } from './rest.js';
import type { HttpService, RestRequest } from './rest.js';
import { functions as shell, javaString, renderTable, wordWrap } from './shell.js';
import type { ShellService } from './shell.js';
import { functions as filesystem } from './filesystem.js';
import type { FileSystem, FileSystemService } from './filesystem.js';
import { functions as grok } from './grok.js';
import type { GrokService } from './grok.js';
import { functions as triage } from './triage.js';
import type { TriageService } from './triage.js';
import { functions as config } from './config.js';
import type { ConfigService, ParserService } from './config.js';

const lambda = (fn: (args: StellarValue[]) => StellarValue): StellarLambda => ({ kind: 'lambda', params: ['x'], call: fn });

function checkMetadata(list: readonly StellarFunction[], service: string | string[]): void {
  const services = Array.isArray(service) ? service : [service];
  for (const f of list) {
    expect(f.description.length, f.name).toBeGreaterThan(10);
    expect(f.returns.length, f.name).toBeGreaterThan(3);
    if (f.requires !== undefined) expect(services, f.name).toContain(f.requires);
  }
}

describe('missing services', () => {
  it('report the module that is not installed', () => {
    const call = caller(geo, fakeContext());
    expect(() => call('GEO_GET', '1.2.3.4')).toThrow(new StellarFunctionError('GEO_GET needs the geo module, which is not installed'));
    const callEnrich = caller(enrichment, fakeContext());
    expect(() => callEnrich('ENRICHMENT_GET', 't', 'i', 'tab', 'cf')).toThrow(/needs the enrichment module/);
  });
});

describe('GEO_GET / ASN_GET', () => {
  const record = new Map<string, StellarValue>([
    ['country', 'US'],
    ['city', 'Milton'],
    ['latitude', '47.2513'],
  ]);
  const geoService: GeoService = { lookup: (ip) => (ip === '216.160.83.56' ? record : null) };
  const call = caller(geo, fakeContext({ geo: geoService }));

  it('returns the full record, one field, or a map of fields', () => {
    checkMetadata(geo, 'geo');
    expect(call('GEO_GET', '216.160.83.56')).toBe(record);
    expect(call('GEO_GET', '216.160.83.56', ['city'])).toBe('Milton');
    expect(call('GEO_GET', '216.160.83.56', ['city', 'country', 'dmaCode'])).toEqual(m([['city', 'Milton'], ['country', 'US'], ['dmaCode', null]]));
  });
  it('is lenient like Metron on unknown or blank input', () => {
    expect(call('GEO_GET', '10.0.0.1')).toEqual(new Map());
    expect(call('GEO_GET', '10.0.0.1', ['city'])).toBeNull();
    expect(call('GEO_GET', '  ')).toBeNull();
    expect(call('GEO_GET', null)).toBeNull();
    expect(() => call('GEO_GET', '1.2.3.4', ['a'], 'x')).toThrow(StellarFunctionError);
    expect(call('GEO_GET', '1.2.3.4', int(3))).toBeNull();
    expect(call('GEO_GET', '216.160.83.56', null)).toBeNull();
    expect(() => call('GEO_GET', '216.160.83.56', [int(3)])).toThrow(/fields must be/);
  });
  it('ASN_GET selects fields the same way', () => {
    checkMetadata(asn, 'asn');
    const asnService: AsnService = {
      lookup: () => new Map<string, StellarValue>([['autonomous_system_number', int(209)], ['network', '216.160.83.0/24']]),
    };
    const callAsn = caller(asn, fakeContext({ asn: asnService }));
    expect(callAsn('ASN_GET', '216.160.83.56', ['autonomous_system_number'])).toEqual(new JInt(209));
    expect((callAsn('ASN_GET', '216.160.83.56') as Map<string, unknown>).get('network')).toBe('216.160.83.0/24');
  });
});

describe('ENRICHMENT_* / OBJECT_GET', () => {
  const seen: EnrichmentKey[] = [];
  const store: EnrichmentService = {
    get: (key) => {
      seen.push(key);
      return key.indicator === 'indicator0' ? new Map<string, StellarValue>([['key', 'value0']]) : null;
    },
    exists: (key) => key.indicator === 'indicator0',
  };
  const objects: ObjectService = { get: (path) => (path === '/obj' ? m([['a', long(1)]]) : path === '/str' ? 'x' : null) };
  const call = caller(enrichment, fakeContext({ enrichment: store, object: objects }));

  it('gets and checks indicators', () => {
    checkMetadata(enrichment, ['enrichment', 'object']);
    expect(call('ENRICHMENT_GET', 'et', 'indicator0', 'enrichments', 'cf')).toEqual(m([['key', 'value0']]));
    expect(seen[0]).toEqual({ type: 'et', indicator: 'indicator0', table: 'enrichments', columnFamily: 'cf' });
    expect(call('ENRICHMENT_GET', 'et', 'missing', 'enrichments', 'cf')).toEqual(new Map());
    expect(call('ENRICHMENT_GET', 'et', null, 'enrichments', 'cf')).toEqual(new Map());
    expect(call('ENRICHMENT_GET', null, 'indicator0', 'enrichments', 'cf')).toEqual(new Map());
    expect(call('ENRICHMENT_EXISTS', 'et', 'indicator0', null, 'cf')).toBe(false);
    expect(call('ENRICHMENT_EXISTS', 'et', 'indicator0', 'enrichments', 'cf')).toBe(true);
    expect(call('ENRICHMENT_EXISTS', 'et', 'nope', 'enrichments', 'cf')).toBe(false);
    expect(() => call('ENRICHMENT_GET', 'et', 'indicator0', 'enrichments')).toThrow(/all parameters are required/);
  });
  it('reads cached objects', () => {
    expect(call('OBJECT_GET', '/obj')).toEqual(m([['a', long(1)]]));
    expect(call('OBJECT_GET', null)).toBeNull();
    expect(call('OBJECT_GET')).toBeNull();
    expect(() => call('OBJECT_GET', int(1))).toThrow(/not a path/);
    expect(call('ENRICHMENT_OBJECT_GET', '/obj', 'a')).toEqual(new JLong(1n));
    expect(call('ENRICHMENT_OBJECT_GET', '/obj', 'b')).toBeNull();
    expect(call('ENRICHMENT_OBJECT_GET', '/missing', 'b')).toBeNull();
    expect(() => call('ENRICHMENT_OBJECT_GET', '/str', 'b')).toThrow(/must be a map/);
  });
});

describe('PROFILE_* / PROFILER_*', () => {
  const queries: ProfileQuery[] = [];
  const ranges: [number, number][] = [];
  const runner = { runner: true, applied: [] as StellarValue[] };
  const service: ProfilerService = {
    get: (q) => {
      queries.push(q);
      return [long(1), long(2)];
    },
    getVerbose: (q) => [m([['profile', q.profile]])],
    periodsBetween: (s, e) => {
      ranges.push([s, e]);
      return [{ period: 1 }];
    },
    periodsOfWindow: (selector, now) => [{ selector, now }],
    createRunner: () => runner,
    isRunner: (v): v is object => v === runner,
    apply: (_r, msgs) => {
      runner.applied.push(...msgs);
    },
    flush: () => [m([['value', long(2)]])],
  };
  const call = caller(profiler, fakeContext({ profiler: service }, 1_000_000));

  it('reads profiles', () => {
    checkMetadata(profiler, 'profiler');
    const periods = [{ p: 1 }];
    expect(call('PROFILE_GET', 'p', 'e', periods)).toEqual([long(1), long(2)]);
    expect(queries[0]).toEqual({ profile: 'p', entity: 'e', periods, groups: [], overrides: new Map() });
    call('PROFILE_GET', 'p', 'e', periods, ['weekend'], m([['profiler.client.period.duration', int(15)]]));
    expect(queries[1]?.groups).toEqual(['weekend']);
    expect(queries[1]?.overrides.size).toBe(1);
    call('PROFILE_GET', 'p', 'e', periods, m([['profiler.client.period.duration', int(15)]]));
    expect(queries[2]?.groups).toEqual([]);
    expect(queries[2]?.overrides.size).toBe(1);
    expect(call('PROFILE_VERBOSE', 'p', 'e', periods)).toEqual([m([['profile', 'p']])]);
    expect(() => call('PROFILE_GET', 'p', 'e')).toThrow(/at least 3/);
    expect(() => call('PROFILE_GET', 'p', 'e', 'x')).toThrow(/periods must be a list/);
  });
  it('selects periods', () => {
    call('PROFILE_FIXED', int(4), 'HOURS');
    expect(ranges[0]).toEqual([1_000_000 - 4 * 3_600_000, 1_000_000]);
    expect(toMillis(2, 'minute')).toBe(120_000);
    expect(() => call('PROFILE_FIXED', int(4), 'FORTNIGHTS')).toThrow(/unknown time unit/);
    expect(call('PROFILE_WINDOW', '1 hour window')).toEqual([{ selector: '1 hour window', now: 1_000_000 }]);
    expect(call('PROFILE_WINDOW', '1 hour window', long(5))).toEqual([{ selector: '1 hour window', now: 5 }]);
  });
  it('runs a local profiler', () => {
    const r = call('PROFILER_INIT', '{"profiles":[]}');
    expect(call('PROFILER_APPLY', ['{"a":1}', '{"a":2}'], r)).toBe(runner);
    expect(runner.applied).toEqual(['{"a":1}', '{"a":2}']);
    expect(call('PROFILER_FLUSH', r)).toEqual([m([['value', long(2)]])]);
    expect(() => call('PROFILER_FLUSH', 'x')).toThrow(/PROFILER_INIT/);
  });
});

describe('MAAS_*', () => {
  const calls: unknown[] = [];
  const service: MaasService = {
    getEndpoint: (name, version) => (name === 'dga' ? { name, version: version ?? '1.0', url: 'http://localhost:1500' } : null),
    apply: (endpoint, path, args) => {
      calls.push([endpoint.url, path, args.get('host')]);
      return m([['is_malicious', 'legit']]);
    },
  };
  const call = caller(maas, fakeContext({ maas: service }));
  it('finds endpoints and applies models', () => {
    checkMetadata(maas, 'maas');
    const endpoint = call('MAAS_GET_ENDPOINT', 'dga');
    expect(endpoint).toEqual(m([['name', 'dga'], ['version', '1.0'], ['url', 'http://localhost:1500']]));
    expect(call('MAAS_GET_ENDPOINT', 'nope')).toBeNull();
    expect(call('MAAS_MODEL_APPLY', endpoint, m([['host', 'x.com']]))).toEqual(m([['is_malicious', 'legit']]));
    call('MAAS_MODEL_APPLY', endpoint, 'score', m([['host', 'y.com']]));
    expect(calls).toEqual([['http://localhost:1500', 'apply', 'x.com'], ['http://localhost:1500', 'score', 'y.com']]);
    expect(() => call('MAAS_MODEL_APPLY', m([]), m([]))).toThrow(/url/);
  });
});

describe('KAFKA_*', () => {
  const service: KafkaService = {
    properties: (o) => m([['bootstrap.servers', (o.get('bootstrap.servers') as string | undefined) ?? 'kafka:9092']]),
    get: (topic, count) => Array.from({ length: count }, (_, i) => `${topic}-${i}`),
    tail: () => [],
    put: (topic, msgs) => msgs.map((_, i) => m([['topic', topic], ['partition', int(0)], ['offset', long(i)]])),
    find: (_t, filter, count) => ['{"a":1}', '{"a":2}', 'not json'].filter(filter).slice(0, count),
    seek: (_t, p, o) => (p === 0 && o === 0 ? 'first' : null),
  };
  const call = caller(kafka, fakeContext({ kafka: service }));
  it('adapts every call', () => {
    checkMetadata(kafka, 'kafka');
    expect(call('KAFKA_PROPS')).toEqual(m([['bootstrap.servers', 'kafka:9092']]));
    expect(call('KAFKA_PROPS', m([['bootstrap.servers', 'foo.global.override.com:9092']]))).toEqual(
      m([['bootstrap.servers', 'foo.global.override.com:9092']]),
    );
    expect(call('KAFKA_GET', 't')).toEqual(['t-0']);
    expect(call('KAFKA_GET', 't', int(2))).toEqual(['t-0', 't-1']);
    const put = call('KAFKA_PUT', 't', 'message1') as Map<string, StellarValue>[];
    expect(put).toHaveLength(1);
    expect(put[0]?.get('partition')).toEqual(int(0));
    expect(put[0]?.get('offset')).toEqual(long(0));
    const isTwo = lambda(([msg]) => msg instanceof Map && (msg.get('a') as JLong).value === 2n);
    expect(call('KAFKA_FIND', 't', isTwo, int(5))).toEqual(['{"a":2}']);
    expect(call('KAFKA_SEEK', 't', int(0), int(0))).toBe('first');
    expect(call('KAFKA_SEEK', 't', int(0), int(9))).toBeNull();
    expect(() => call('KAFKA_FIND', 't', 'not a lambda')).toThrow(/lambda/);
    expect(() => call('KAFKA_PUT', 't', int(3))).toThrow(/messages/);
  });
});

describe('REST_*', () => {
  const requests: unknown[] = [];
  const service: HttpService = {
    get: (r: RestRequest) => {
      requests.push(r);
      return m([['get', 'success']]);
    },
    post: (r, body) => {
      requests.push([r.url, body]);
      return m([['post', 'success']]);
    },
  };
  const call = caller(rest, fakeContext({ http: service }));
  it('passes url, config, query and body', () => {
    checkMetadata(rest, 'http');
    expect(call('REST_GET', 'http://h/get', m([['timeout', int(1000)]]), m([['q', 'v']]))).toEqual(m([['get', 'success']]));
    expect(requests[0]).toEqual({ url: 'http://h/get', config: m([['timeout', int(1000)]]), query: m([['q', 'v']]) });
    expect(call('REST_POST', 'http://h/post', '{"a":1}')).toEqual(m([['post', 'success']]));
    expect(requests[1]).toEqual(['http://h/post', '{"a":1}']);
    expect(() => call('REST_POST', 'http://h/post', int(1))).toThrow(/post_data/);
    expect(() => call('REST_GET', int(1))).toThrow(/url must be a string/);
  });
});

describe('SHELL_* / HDFS_* / LOCAL_*', () => {
  const shellService: ShellService = {
    variables: () => [
      { name: 'x', value: int(2), expression: '1 + 1' },
      { name: 'y', value: 'a', expression: null },
    ],
    edit: (initial) => `${initial}!`,
  };
  const call = caller(shell, fakeContext({ shell: shellService }));
  it('draws tables like FlipTable', () => {
    checkMetadata(shell, 'shell');
    expect(renderTable(['KEY', 'VALUE'], [])).toBe('╔═════╤═══════╗\n║ KEY │ VALUE ║\n╚═════╧═══════╝\n');
    expect(call('SHELL_MAP2TABLE', m([['foo', 'bar'], ['k', int(1)]]))).toBe(
      '╔═════╤═══════╗\n║ KEY │ VALUE ║\n╠═════╪═══════╣\n║ foo │ bar   ║\n╟─────┼───────╢\n║ k   │ 1     ║\n╚═════╧═══════╝\n',
    );
    expect(call('SHELL_MAP2TABLE', null)).toBe(renderTable(['KEY', 'VALUE'], []));
    expect(call('SHELL_MAP2TABLE')).toBeNull();
    expect(javaString(m([['a', [1, int(2), 1e10, 0.5]], ['b', m([['c', null]])]]))).toBe('{a=[1.0, 2, 1.0E10, 0.5], b={c=null}}');
    expect(javaString(float(0.1))).toBe('0.1');
    expect(wordWrap('metron is great', 6)).toBe('metron\nis\ngreat');
    expect(wordWrap('abcdefghij', 3)).toBe('abcdefghij');
  });
  it('reads the session', () => {
    expect(call('SHELL_GET_EXPRESSION', 'x')).toBe('1 + 1');
    expect(call('SHELL_GET_EXPRESSION', 'y')).toBeNull();
    expect(call('SHELL_VARS2MAP', 'x', null, 'y', 'z')).toEqual(m([['x', '1 + 1']]));
    expect(call('SHELL_GET_EXPRESSION', null)).toBeNull();
    expect(call('SHELL_EDIT', 'abc')).toBe('abc!');
    expect(call('SHELL_LIST_VARS') as string).toContain('║ x        │ 2     │ 1 + 1      ║');
  });
  it('reads and writes files', () => {
    checkMetadata(filesystem, 'fs');
    const files = new Map<string, string>([['/a.txt', 'one\ntwo\n']]);
    const local: FileSystem = {
      list: (path) => [
        { name: 'b.txt', owner: 'me', group: 'g', permissions: 'rw-r--r--', modified: 5, size: 8 },
        { name: path === null ? 'home.txt' : 'a.txt', owner: 'me', group: 'g', permissions: 'rw-r--r--', modified: 0, size: 8 },
      ],
      read: (p) => files.get(p) ?? null,
      write: (p, c) => {
        files.set(p, c);
        return true;
      },
      remove: (p) => files.delete(p),
    };
    const fsService: FileSystemService = { fileSystem: (kind) => (kind === 'local' ? local : undefined) };
    const callFs = caller(filesystem, fakeContext({ fs: fsService }));
    expect(callFs('LOCAL_READ', '/a.txt')).toBe('one\ntwo\n');
    expect(callFs('LOCAL_READ_LINES', '/a.txt')).toEqual(['one', 'two']);
    expect(callFs('LOCAL_READ', '/none')).toBeNull();
    expect(callFs('LOCAL_WRITE', 'hi', '/b.txt')).toBe(true);
    expect(files.get('/b.txt')).toBe('hi');
    expect(callFs('LOCAL_RM', '/b.txt')).toBe(true);
    const ls = callFs('LOCAL_LS', '/') as string;
    expect(ls).toContain('║ PERMISSION │ OWNER │ GROUP │ SIZE │ LAST MOD TIME            │ NAME  ║');
    expect(ls.indexOf('a.txt')).toBeLessThan(ls.indexOf('b.txt'));
    expect(callFs('LOCAL_LS') as string).toContain('home.txt');
    expect(callFs('LOCAL_LS', null) as string).not.toContain('txt');
    expect(callFs('LOCAL_READ', null)).toBeNull();
    expect(callFs('LOCAL_WRITE', null, '/x')).toBe(false);
    expect(callFs('LOCAL_RM', null)).toBe(false);
    files.set('/crlf.txt', 'a\r\nb\rc');
    expect(callFs('LOCAL_READ_LINES', '/crlf.txt')).toEqual(['a', 'b', 'c']);
    expect(() => callFs('HDFS_READ', '/a.txt')).toThrow(/hdfs file system is not available/);
  });
});

describe('GROK_*', () => {
  const service: GrokService = {
    compile: (expr) =>
      expr === 'bad'
        ? null
        : {
            match: (text) => {
              const mm = /^(\S+) (\d+)$/.exec(text);
              return mm ? new Map<string, StellarValue>([['word', mm[1]!], ['num', mm[2]!]]) : new Map();
            },
          },
    discover: () => '%{WORD}',
  };
  const call = caller(grok, fakeContext({ grok: service }));
  it('tabulates captures', () => {
    checkMetadata(grok, 'grok');
    const table = call('GROK_EVAL', '%{WORD:word} %{INT:num}', ['TCP_MISS 494', 'nothing']) as string;
    expect(table).toContain('║ num     │ word     ║');
    expect(table).toContain('TCP_MISS');
    expect(table).toContain('MISSING');
    expect(call('GROK_EVAL', 'x', 'no match here')).toBe('NO MATCH');
    expect(call('GROK_EVAL', 'bad', 'a 1')).toBeNull();
    expect(call('GROK_EVAL', null, 'a 1')).toBeNull();
    expect(call('GROK_PREDICT', 'abc')).toBe('%{WORD}');
  });
});

describe('THREAT_TRIAGE_*', () => {
  const engine = { engine: true };
  const service: TriageService = {
    createEngine: () => engine,
    isEngine: (v): v is object => v === engine,
    score: (_e, msg) => m([['score', msg.has('ip') ? 10 : 0]]),
    engineConfig: () => '{}',
    printRules: (src) => (typeof src === 'string' ? 'from config' : 'from engine'),
    addRules: (_c, rules) => JSON.stringify(rules),
    removeRules: (_c, names) => names.join(','),
    setAggregator: (_c, agg) => agg,
  };
  const call = caller(triage, fakeContext({ triage: service }));
  it('adapts engine and config edits', () => {
    checkMetadata(triage, 'triage');
    const e = call('THREAT_TRIAGE_INIT');
    expect(call('THREAT_TRIAGE_SCORE', '{"ip":"1.2.3.4"}', e)).toEqual(m([['score', 10]]));
    expect(call('THREAT_TRIAGE_SCORE', m([]), e)).toEqual(m([['score', 0]]));
    expect(call('THREAT_TRIAGE_CONFIG', e)).toBe('{}');
    expect(call('THREAT_TRIAGE_PRINT', e)).toBe('from engine');
    expect(call('THREAT_TRIAGE_PRINT', '{}')).toBe('from config');
    expect(call('THREAT_TRIAGE_ADD', '{}', [m([['rule', 'x > 1'], ['score', int(10)], ['name', 'r']]), m([['rule', 'no score']])])).toBe(
      JSON.stringify([{ rule: 'x > 1', score: 10, name: 'r' }]),
    );
    expect(call('THREAT_TRIAGE_ADD', e, m([['rule', 'y'], ['score', '2.5']]))).toBe(JSON.stringify([{ rule: 'y', score: 2.5 }]));
    expect(call('THREAT_TRIAGE_REMOVE', '{}', ['r', 's'])).toBe('r,s');
    expect(call('THREAT_TRIAGE_SET_AGGREGATOR', e, 'max')).toBe('MAX');
    expect(() => call('THREAT_TRIAGE_SET_AGGREGATOR', '{}', 'MEDIAN')).toThrow(/aggregator must be one of/);
    expect(() => call('THREAT_TRIAGE_ADD', null, m([['rule', 'x'], ['score', int(1)]]))).toThrow(/got null/);
    expect(() => call('THREAT_TRIAGE_ADD', '{}', 'x')).toThrow(/map or list/);
    // a score that is not a number is a Stellar expression, handed over as written (trimmed)
    expect(call('THREAT_TRIAGE_ADD', e, m([['rule', 'y'], ['score', ' severity * 10 ']]))).toBe(JSON.stringify([{ rule: 'y', score: 'severity * 10' }]));
    expect(() => call('THREAT_TRIAGE_ADD', '{}', m([['rule', 'x'], ['score', '  ']]))).toThrow(/'score' must be a number or a Stellar expression/);
    expect(() => call('THREAT_TRIAGE_ADD', '{}', m([['rule', 'x'], ['score', true]]))).toThrow(/'score'/);
    expect(() => call('THREAT_TRIAGE_INIT', null)).toThrow(/unable to deserialize/);
    expect(() => call('THREAT_TRIAGE_SCORE', 'not json', e)).toThrow(/JSON/);
    expect(() => call('THREAT_TRIAGE_CONFIG', 'x')).toThrow(/THREAT_TRIAGE_INIT/);
  });
});

describe('CONFIG_* / *_STELLAR_TRANSFORM_* / INDEXING_* / PARSER_*', () => {
  const log: unknown[] = [];
  const record = (...a: unknown[]): string => {
    log.push(a);
    return 'ok';
  };
  const service: ConfigService = {
    get: (type, sensor, empty) => `${type}:${sensor ?? ''}:${empty}`,
    put: (...a) => {
      log.push(a);
    },
    enrichmentTransformAdd: record,
    enrichmentTransformPrint: record,
    enrichmentTransformRemove: record,
    parserTransformAdd: record,
    parserTransformPrint: record,
    parserTransformRemove: record,
    indexingSetBatch: record,
    indexingSetEnabled: record,
    indexingSetIndex: record,
  };
  const parser = { parser: true };
  const parsers: ParserService = {
    create: () => parser,
    isParser: (v): v is object => v === parser,
    parse: (_p, input) => input.map((i) => m([['original_string', i]])),
    config: () => '{"sensorTopic":"bro"}',
  };
  const call = caller(config, fakeContext({ config: service, parser: parsers }));
  it('reads and writes configs', () => {
    checkMetadata(config, ['config', 'parser']);
    expect(call('CONFIG_GET', 'GLOBAL')).toBe('GLOBAL::true');
    expect(call('CONFIG_GET', 'parser', 'bro', false)).toBe('PARSER:bro:false');
    expect(() => call('CONFIG_GET', 'PARSER')).toThrow(/sensor must be a string/);
    expect(() => call('CONFIG_GET', 'NOPE')).toThrow(/type must be one of/);
    expect(call('CONFIG_GET', 'GLOBAL', 'ignored')).toBe('GLOBAL::true');
    expect(call('CONFIG_PUT', 'GLOBAL', '{}')).toBeNull();
    expect(log.at(-1)).toEqual(['GLOBAL', '{}', undefined]);
    const before = log.length;
    expect(call('CONFIG_PUT', 'PARSER', '{}', null)).toBeNull();
    expect(call('CONFIG_PUT', 'GLOBAL', null)).toBeNull();
    expect(log.length).toBe(before);
  });
  it('edits sensor configs', () => {
    call('ENRICHMENT_STELLAR_TRANSFORM_ADD', null, 'ENRICHMENT', m([['foo', '1 + 1']]), 'g');
    expect(log.at(-1)).toEqual([null, 'ENRICHMENT', m([['foo', '1 + 1']]), 'g']);
    call('ENRICHMENT_STELLAR_TRANSFORM_REMOVE', '{}', 'THREAT_INTEL', ['foo']);
    expect(log.at(-1)).toEqual(['{}', 'THREAT_INTEL', ['foo'], undefined]);
    expect(() => call('ENRICHMENT_STELLAR_TRANSFORM_PRINT', '{}', 'OTHER')).toThrow(/ENRICHMENT or THREAT_INTEL/);
    call('PARSER_STELLAR_TRANSFORM_ADD', '{}', m([['a', 'b']]));
    call('PARSER_STELLAR_TRANSFORM_REMOVE', '{}', ['a']);
    expect(log.at(-1)).toEqual(['{}', ['a']]);
    call('INDEXING_SET_BATCH', '{}', 'elasticsearch', int(5));
    expect(log.at(-1)).toEqual(['{}', 'elasticsearch', 5, 0]);
    call('INDEXING_SET_ENABLED', '{}', 'hdfs');
    expect(log.at(-1)).toEqual(['{}', 'hdfs', true]);
    call('INDEXING_SET_INDEX', '{}', 'solr', 'bro_index');
    expect(log.at(-1)).toEqual(['{}', 'solr', 'bro_index']);
    expect(() => call('INDEXING_SET_BATCH', '{}', 'hdfs', int(0))).toThrow(/at least 1/);
  });
  it('runs parsers', () => {
    const p = call('PARSER_INIT', 'bro', '{}');
    expect(call('PARSER_PARSE', p, 'raw')).toEqual([m([['original_string', 'raw']])]);
    expect(call('PARSER_CONFIG', p)).toBe('{"sensorTopic":"bro"}');
    expect(() => call('PARSER_PARSE', 'x', 'raw')).toThrow(/PARSER_INIT/);
  });
});
