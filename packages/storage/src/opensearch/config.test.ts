import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { indexBackend, openSearchSettings } from './config.js';
import { backoffMs, classifyItem } from './retry.js';
import { adaptToMapping } from './store.js';
import { flattenMapping, formatIndexDate, indexName, indexNamePattern, indexTemplate } from './templates.js';

describe('OpenSearch settings from the global config', () => {
  it("reads Metron's es.* keys, this project's opensearch.* keys, and defaults", () => {
    expect(openSearchSettings({})).toMatchObject({ urls: ['http://127.0.0.1:9200'], dateFormat: 'yyyy.MM.dd.HH', replicas: 1, shards: 1, insecure: false, bulkMaxDocs: 5000 });
    expect(openSearchSettings({ 'es.ip': 'node1,node2:9201', 'es.port': '9300' }).urls).toEqual(['http://node1:9300', 'http://node2:9201']);
    expect(openSearchSettings({ 'es.ip': ['a', 'b'] }).urls).toEqual(['http://a:9200', 'http://b:9200']);
    expect(openSearchSettings({ 'opensearch.url': 'https://os1:9200, https://os2:9200/', 'es.ip': 'ignored' }).urls).toEqual(['https://os1:9200', 'https://os2:9200']);
    expect(openSearchSettings({ 'es.date.format': 'yyyy.MM.dd', 'opensearch.index.replicas': 0, 'opensearch.tls.insecure': true })).toMatchObject({ dateFormat: 'yyyy.MM.dd', replicas: 0, insecure: true });
    expect(openSearchSettings({}).refreshInterval).toBeUndefined();
    expect(openSearchSettings({ 'opensearch.index.refresh.interval': '30s' }).refreshInterval).toBe('30s');
    expect(openSearchSettings({ 'opensearch.index.refresh.interval': '-1' }).refreshInterval).toBe('-1');
    expect(indexBackend({})).toBe('duckdb');
    expect(indexBackend({ 'index.backend': 'opensearch' })).toBe('opensearch');
  });

  it('reads the password from a file or the environment, never from the URL', () => {
    const dir = mkdtempSync(join(tmpdir(), 'metron-os-config-'));
    writeFileSync(join(dir, 'pw'), 's3cret\n');
    expect(openSearchSettings({ 'es.xpack.username': 'metron', 'es.xpack.password.file': join(dir, 'pw') })).toMatchObject({ username: 'metron', password: 's3cret' });
    expect(openSearchSettings({ 'opensearch.username': 'u' }, 'g.json', { METRON_OPENSEARCH_PASSWORD: 'envpw' })).toMatchObject({ username: 'u', password: 'envpw' });
    expect(() => openSearchSettings({ 'opensearch.url': 'http://u:s3cret@host:9200' })).toThrow(/not in the URL/);
    try {
      openSearchSettings({ 'opensearch.url': 'ftp://u:s3cret@host' });
    } catch (err) {
      expect(String(err)).not.toContain('s3cret');
    }
    expect(() => openSearchSettings({ 'opensearch.username': 'u', 'opensearch.password.file': join(dir, 'missing') })).toThrow(/opensearch\.password\.file.*cannot read/);
  });

  it('refuses bad values with their path', () => {
    expect(() => indexBackend({ 'index.backend': 'solr' }, 'global.json')).toThrow("global.json: $['index.backend']: must be \"duckdb\" or \"opensearch\"");
    expect(() => openSearchSettings({ 'es.port': 'x', 'es.ip': 'h' })).toThrow(/\$\['es\.port'\]/);
    expect(() => openSearchSettings({ 'es.ip': 5 })).toThrow(/\$\['es\.ip'\]/);
    expect(() => openSearchSettings({ 'es.date.format': 'yyyy/MM' })).toThrow(/\$\['es\.date\.format'\]/);
    expect(() => openSearchSettings({ 'opensearch.bulk.max.docs': 0 })).toThrow(/\$\['opensearch\.bulk\.max\.docs'\]/);
    for (const bad of ['30 seconds', '0s', '1.5s', 30]) {
      expect(() => openSearchSettings({ 'opensearch.index.refresh.interval': bad })).toThrow(/\$\['opensearch\.index\.refresh\.interval'\]/);
    }
    expect(() => openSearchSettings({ 'opensearch.tls.insecure': 'yes' })).toThrow(/\$\['opensearch\.tls\.insecure'\]/);
    expect(() => openSearchSettings({ 'opensearch.password.file': '/x' }, 'g', {})).toThrow(/cannot read|no user name/);
  });
});

describe('OpenSearch index names', () => {
  it("names an index <sensor>_index_<es.date.format> of the message's UTC hour", () => {
    const t = Date.UTC(2023, 10, 14, 6, 59, 59);
    expect(indexName('bro', t, 'yyyy.MM.dd.HH')).toBe('bro_index_2023.11.14.06');
    expect(indexName('Bro', t, 'yyyy.MM.dd')).toBe('bro_index_2023.11.14');
    expect(formatIndexDate(t, 'yyyy-MM-dd_HH.mm')).toBe('2023-11-14_06.59');
    expect(indexNamePattern('yyyy.MM.dd.HH').exec('web_logs_index_2023.11.14.06')?.[1]).toBe('web_logs');
    expect(indexNamePattern('yyyy.MM.dd.HH').test('bro_index_2023.11.14')).toBe(false);
    expect(() => indexName('a/b', t, 'yyyy')).toThrow(/invalid sensor name/);
  });

  it('flattens a mapping to dotted fields with Metron types', () => {
    const fields = flattenMapping({
      ip_src_addr: { type: 'ip', fields: { keyword: { type: 'keyword' } } },
      enrichments: { properties: { geo: { properties: { country: { type: 'keyword' } } } } },
      n: { type: 'integer' }, comments: { type: 'object', enabled: false }, raw: { type: 'keyword', index: false }, ts: { type: 'date' },
    });
    expect([...fields].map(([k, v]) => [k, v.type, v.searchable])).toEqual([
      ['ip_src_addr', 'ip', true], ['enrichments.geo.country', 'keyword', true], ['n', 'long', true], ['comments', 'other', false], ['raw', 'keyword', false], ['ts', 'date', true],
    ]);
  });
});

describe('OpenSearch retry classification', () => {
  it('retries 429 and 5xx, absorbs 409 on create, drops other refusals', () => {
    expect([200, 201, 409, 429, 500, 503, 400, 403, 404].map(classifyItem)).toEqual(['ok', 'ok', 'ok', 'retry', 'retry', 'retry', 'drop', 'drop', 'drop']);
    expect(backoffMs(0, () => 0)).toBe(50);
    expect(backoffMs(3, () => 1)).toBe(800);
    expect(backoffMs(30, () => 1)).toBe(10_000);
  });

  it('points clauses on ip fields at the keyword sub-field where the ip type cannot take them', () => {
    const mapped = flattenMapping({ ip_src_addr: { type: 'ip', fields: { keyword: { type: 'keyword' } } }, protocol: { type: 'keyword' } });
    expect(adaptToMapping({ bool: { should: [
      { term: { ip_src_addr: { value: '10.0.0.0/8' } } }, { term: { ip_src_addr: { value: 'host-a' } } }, { wildcard: { ip_src_addr: { value: '10.*' } } },
      { range: { ip_src_addr: { gte: '10.0.0.1', lte: '10.0.0.9' } } }, { range: { ip_src_addr: { gte: 'a' } } }, { wildcard: { protocol: { value: 't*' } } },
    ] } }, mapped)).toEqual({ bool: { should: [
      { term: { ip_src_addr: { value: '10.0.0.0/8' } } }, { term: { 'ip_src_addr.keyword': { value: 'host-a' } } }, { wildcard: { 'ip_src_addr.keyword': { value: '10.*' } } },
      { range: { ip_src_addr: { gte: '10.0.0.1', lte: '10.0.0.9' } } }, { range: { 'ip_src_addr.keyword': { gte: 'a' } } }, { wildcard: { protocol: { value: 't*' } } },
    ] } });
  });
});

describe('OpenSearch index template', () => {
  it('carries the shards, replicas and refresh interval of the settings, and leaves the refresh to OpenSearch when none is set', () => {
    const settings = (t: Record<string, unknown>) => (t['template'] as { settings: Record<string, unknown> }).settings;
    expect(settings(indexTemplate({ shards: 3, replicas: 0, refreshInterval: '30s' }))).toMatchObject({ number_of_shards: 3, number_of_replicas: 0, refresh_interval: '30s' });
    expect(settings(indexTemplate({ shards: 1, replicas: 1 }))).not.toHaveProperty('refresh_interval');
  });
});
