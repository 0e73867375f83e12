/**
 * The scale-out search store: Metron's search index on OpenSearch, behind the same SearchStore
 * interface as the embedded DuckDB store, so the REST routes and the pipeline use either.
 *
 * Writes go through the bulk writer (writer.ts) to one index per sensor per hour. Reads render
 * the Lucene query once per group of indices that share a mapping (query-dsl.ts, with the types
 * of that group's fields), so a query means on every index what it means on the DuckDB table of
 * the same sensor; groups are told apart by an `_index` filter. The searched documents, their
 * order (missing values last, ties by index then guid), facet keys and group keys follow the
 * DuckDB store's rules; the shared corpus checks the hits of both.
 */
import { isIP } from 'node:net';
import { MetronError, errorMessage, type Message } from '@metron/core';
import type { QueryNode } from '../query/ast.js';
import { resolveDates } from '../query/dates.js';
import { parseQuery, type ParseOptions } from '../query/parser.js';
import type {
  GetRequest, GroupRequest, GroupResponse, GroupResult, HistogramRequest, HistogramResponse, MetronFieldType, SearchRequest,
  SearchResponse, SearchResult, SearchStore,
} from '../types.js';
import { DEFAULT_AGGREGATE_LIMITS, parseInterval, validateGroups, type AggregateLimits } from '../duckdb/aggregate.js';
import type { AlertBackend, AlertTransaction, AlertUpdate } from '../duckdb/alerts/alert-store.js';
import { AUDIT_SENSOR, type AuditRecord } from '../duckdb/alerts/audit.js';
import { ALERT_FIELD, METAALERT_TYPE, METAALERTS_FIELD, SOURCE_TYPE_FIELD, STATUS_FIELD } from '../duckdb/alerts/meta-alerts.js';
import { validatePaging, type SearchLimits } from '../duckdb/search.js';
import { openSearchSettings, type OpenSearchSettings } from './config.js';
import { OpenSearchClient, OpenSearchHttpError, parseJson } from './http.js';
import { renderQueryDsl, type QueryDsl } from './query-dsl.js';
import {
  INDEX_PATTERN, KEYWORD_SUBFIELD, flattenMapping, indexName, indexNamePattern, sensorPrefix, type MappedField,
} from './templates.js';
import { BulkWriter, type BulkWriterStats } from './writer.js';

export interface OpenSearchStoreOptions extends Partial<Omit<OpenSearchSettings, 'urls'>> {
  /** Node URLs (`http://127.0.0.1:9200`). */
  urls: string[];
  /** Make each write visible to search before it resolves (default false: OpenSearch's 1 s refresh). */
  refreshOnWrite?: boolean;
  /** Largest `from + size` (default 10,000, OpenSearch's `index.max_result_window`). */
  maxResultWindow?: number;
  /** Most values per facet field (default 1,000). */
  facetLimit?: number;
  /** `size` when a request has none (default 10, as Metron). */
  defaultSize?: number;
  query?: ParseOptions;
  aggregateLimits?: Partial<AggregateLimits>;
  /** The clock date math in queries resolves against (default Date.now). */
  clock?: () => number;
  /** Told of documents the writer dropped to the error index. */
  onDropped?: (sensor: string, count: number) => void;
  /** Per request (default 60 s). */
  timeoutMs?: number;
}

/** The OpenSearch store: SearchStore plus what operations and tests need. */
export interface OpenSearchSearchStore extends SearchStore {
  readonly urls: string[];
  /** Writes messages given as their JSON text (one object per buffer), as the bus holds them. */
  writeJson(sensor: string, lines: Buffer[]): Promise<void>;
  /** Makes everything written so far visible to search. */
  refresh(): Promise<void>;
  /** What the writer did so far. */
  writeStats(): BulkWriterStats;
  /** Installs the index template (done before the first write anyway). */
  ensureTemplate(): Promise<void>;
  /** Concrete index names of a sensor (all Metron indices without one), sorted. */
  indexNames(sensor?: string): Promise<string[]>;
  /** Deletes the sensor's documents whose `timestamp` is before `cutoffMs`, keeping what active meta-alerts hold (retentionQuery); hourly indices left empty are removed; returns how many. */
  deleteBefore(sensor: string, cutoffMs: number): Promise<number>;
  search(request: SearchRequest, options?: SearchOptions): Promise<SearchResponse>;
  group(request: GroupRequest, options?: SearchOptions): Promise<GroupResponse>;
  histogram(request: HistogramRequest, options?: SearchOptions): Promise<HistogramResponse>;
  /**
   * The store as the alert layer's backend (openAlertStoreOn): alert updates, the audit trail
   * and meta-alerts. Changes made through one store run one at a time; each document is written
   * back to its own index only if nobody changed it since it was read (sequence numbers), and is
   * visible to search when the change resolves. OpenSearch has no transactions: a change that
   * touches several documents (a meta-alert and its children) can fail part-way, with an error.
   */
  alertBackend(): AlertBackend;
}

/** Turns the parsed query into the one run (the alert layer hides meta-alert children with it). */
export interface SearchOptions {
  rewrite?: (query: QueryNode) => QueryNode;
}

/** Opens the store from Metron's global config keys (config.ts). */
export function openOpenSearchStoreFromConfig(global: Record<string, unknown>, file: string, extra: Partial<OpenSearchStoreOptions> = {}): OpenSearchSearchStore {
  return openOpenSearchStore({ ...openSearchSettings(global, file), ...extra });
}

/** Opens a store on the given nodes (no request is made until the first call). */
export function openOpenSearchStore(options: OpenSearchStoreOptions): OpenSearchSearchStore {
  return new OpenSearchStore(options);
}

/** One group of indices with identical field types: a query is rendered once per group. */
interface IndexGroup {
  indices: string[];
  fields: Record<string, MetronFieldType>;
  mapped: Map<string, MappedField>;
}

interface Resolved {
  groups: IndexGroup[];
  /** Every field over all groups. */
  all: Map<string, MappedField[]>;
}

const MAPPING_TTL_MS = 2_000;

class OpenSearchStore implements OpenSearchSearchStore {
  private readonly client: OpenSearchClient;
  private readonly writer: BulkWriter;
  private readonly limits: SearchLimits;
  private readonly aggregateLimits: AggregateLimits;
  private readonly clock: () => number;
  private readonly dateFormat: string;
  private readonly namePattern: RegExp;
  private readonly mappingCache = new Map<string, { at: number; value: Promise<Record<string, Map<string, MappedField>>> }>();
  private closed = false;
  /** Alert changes, one at a time. */
  private alertTail: Promise<unknown> = Promise.resolve();
  /** Sensor → fields, as of the alert backend's last `indices()`. */
  private sensorFields = new Map<string, Array<{ field: string }>>();

  constructor(private readonly options: OpenSearchStoreOptions) {
    this.client = new OpenSearchClient({
      urls: options.urls,
      ...(options.username !== undefined && { username: options.username }),
      ...(options.password !== undefined && { password: options.password }),
      ...(options.ca !== undefined && { ca: options.ca }),
      insecure: options.insecure ?? false,
      ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    });
    this.dateFormat = options.dateFormat ?? 'yyyy.MM.dd.HH';
    this.namePattern = indexNamePattern(this.dateFormat);
    this.writer = new BulkWriter(this.client, {
      dateFormat: this.dateFormat,
      shards: options.shards ?? 1,
      replicas: options.replicas ?? 1,
      ...(options.refreshInterval !== undefined && { refreshInterval: options.refreshInterval }),
      bulkMaxDocs: options.bulkMaxDocs ?? 5000,
      bulkMaxBytes: options.bulkMaxBytes ?? 10 * 1024 * 1024,
      retryMaxMs: options.retryMaxMs ?? 300_000,
      refresh: options.refreshOnWrite === true ? 'wait_for' : false,
      ...(options.onDropped !== undefined && { onDropped: options.onDropped }),
    });
    this.limits = { maxResultWindow: options.maxResultWindow ?? 10_000, facetLimit: options.facetLimit ?? 1_000, defaultSize: options.defaultSize ?? 10 };
    this.aggregateLimits = { ...DEFAULT_AGGREGATE_LIMITS, ...options.aggregateLimits };
    this.clock = options.clock ?? Date.now;
  }

  get urls(): string[] {
    return this.client.urls;
  }

  private ensureOpen(): void {
    if (this.closed) throw new MetronError('STORAGE_FAILED', 'search store is closed');
  }

  // ---- writes --------------------------------------------------------------------------------

  ensureTemplate(): Promise<void> {
    return this.writer.ensureTemplate();
  }

  async write(sensor: string, messages: Message[]): Promise<void> {
    this.ensureOpen();
    if (messages.length === 0) return;
    try {
      await this.writer.write(sensor, messages);
    } finally {
      this.mappingCache.clear();
    }
  }

  async writeJson(sensor: string, lines: Buffer[]): Promise<void> {
    this.ensureOpen();
    if (lines.length === 0) return;
    try {
      await this.writer.writeJson(sensor, lines);
    } finally {
      this.mappingCache.clear();
    }
  }

  writeStats(): BulkWriterStats {
    return { ...this.writer.stats };
  }

  async refresh(): Promise<void> {
    this.ensureOpen();
    await this.call('POST', `/${INDEX_PATTERN}/_refresh?ignore_unavailable=true&allow_no_indices=true`);
  }

  // ---- index resolution ----------------------------------------------------------------------

  /** Index patterns of the requested sensors (`bro`, or Metron's `bro_index`); all Metron indices when none. */
  private patterns(indices: string[] | undefined): string[] {
    if (indices === undefined || indices.length === 0) return [INDEX_PATTERN];
    const out = new Set<string>();
    for (const name of indices) {
      const sensor = String(name).replace(/_index$/i, '');
      try {
        out.add(`${sensorPrefix(sensor)}*`);
      } catch {
        // an invalid name selects nothing, as on the DuckDB store
      }
    }
    return [...out];
  }

  /** Field mappings of the concrete indices behind the patterns (only names of Metron's form), cached briefly. */
  private mappings(patterns: string[]): Promise<Record<string, Map<string, MappedField>>> {
    const key = patterns.join(',');
    const cached = this.mappingCache.get(key);
    if (cached !== undefined && this.clock() - cached.at < MAPPING_TTL_MS) return cached.value;
    const value = (async () => {
      const answer = await this.call<Record<string, { mappings?: { properties?: Record<string, never> } }>>(
        'GET', `/${patterns.map(encodeURIComponent).join(',')}/_mapping?ignore_unavailable=true&allow_no_indices=true`,
      );
      const out: Record<string, Map<string, MappedField>> = {};
      for (const [index, body] of Object.entries(answer)) {
        if (!this.namePattern.test(index)) continue;
        out[index] = flattenMapping(body.mappings?.properties);
      }
      return out;
    })();
    value.catch(() => this.mappingCache.delete(key));
    this.mappingCache.set(key, { at: this.clock(), value });
    return value;
  }

  private async resolve(indices: string[] | undefined): Promise<Resolved> {
    const patterns = this.patterns(indices);
    if (patterns.length === 0) return { groups: [], all: new Map() };
    const mappings = await this.mappings(patterns);
    const bySignature = new Map<string, IndexGroup>();
    const all = new Map<string, MappedField[]>();
    for (const index of Object.keys(mappings).sort()) {
      const mapped = mappings[index]!;
      const fields: Record<string, MetronFieldType> = {};
      for (const [field, info] of [...mapped].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        if (info.searchable || info.nested) fields[field] = info.type;
        let list = all.get(field);
        if (list === undefined) all.set(field, (list = []));
        list.push(info);
      }
      const signature = JSON.stringify(fields);
      let group = bySignature.get(signature);
      if (group === undefined) bySignature.set(signature, (group = { indices: [], fields, mapped }));
      group.indices.push(index);
    }
    return { groups: [...bySignature.values()], all };
  }

  /** The query over all groups; null when no index can match. */
  private renderQuery(parsed: QueryNode, groups: IndexGroup[]): QueryDsl | null {
    if (groups.length === 0) return null;
    const query = withEmptyChildLists(parsed);
    const rendered = groups.map((group) => adaptToMapping(renderQueryDsl(query, group.fields), group.mapped));
    if (groups.length === 1) return rendered[0]!;
    return {
      bool: {
        should: groups.map((group, i) => ({ bool: { filter: [{ terms: { _index: group.indices } }, rendered[i]!] } })),
        minimum_should_match: 1,
      },
    };
  }

  private parse(query: unknown): QueryNode {
    return resolveDates(parseQuery(typeof query === 'string' ? query : '*', this.options.query ?? {}), this.clock());
  }

  // ---- reads ---------------------------------------------------------------------------------

  async search(request: SearchRequest, options: SearchOptions = {}): Promise<SearchResponse> {
    this.ensureOpen();
    const parsed = this.parse(request.query);
    const query = options.rewrite ? options.rewrite(parsed) : parsed;
    const { from, size, sort } = validatePaging(request, this.limits);
    const facetFields = request.facetFields ?? null;
    const fields = request.fields ?? null;
    const facetCounts = facetFields === null ? undefined : Object.fromEntries(facetFields.map((field) => [field, {} as Record<string, number>]));
    const resolved = await this.resolve(request.indices);
    const dsl = this.renderQuery(query, resolved.groups);
    if (dsl === null) return { total: 0, results: [], ...(facetCounts && { facetCounts }) };

    const sortClauses: unknown[] = [];
    for (const key of sort) {
      const infos = resolved.all.get(key.field)?.filter((info) => info.searchable);
      if (infos === undefined || infos.length === 0) continue; // unknown sort fields are ignored, as on DuckDB
      const target = sortTarget(key.field, infos);
      sortClauses.push({ [target.field]: { order: key.descending ? 'desc' : 'asc', missing: '_last', unmapped_type: target.unmappedType } });
    }
    sortClauses.push({ _index: { order: 'asc' } }, { guid: { order: 'asc', unmapped_type: 'keyword' } });

    const aggs: Record<string, unknown> = {};
    (facetFields ?? []).forEach((field, i) => {
      const infos = resolved.all.get(field)?.filter((info) => info.searchable);
      if (infos === undefined || infos.length === 0) return;
      aggs[`f${i}`] = { terms: { field: aggregateField(field, infos), size: this.limits.facetLimit, order: [{ _count: 'desc' }, { _key: 'asc' }], shard_size: Math.max(this.limits.facetLimit * 2, 100) } };
    });
    const body: Record<string, unknown> = {
      query: { constant_score: { filter: dsl } },
      from: size === 0 ? 0 : from,
      size,
      track_total_hits: true,
      sort: sortClauses,
      ...(fields !== null && { _source: { includes: [...new Set(fields)] } }),
      ...(Object.keys(aggs).length > 0 && { aggs }),
    };
    const answer = await this.searchCall(request.indices, body);
    const total = answer.hits?.total?.value ?? 0;
    const results: SearchResult[] = (answer.hits?.hits ?? []).map((hit) => ({
      id: hit._id,
      index: hit._index,
      source: (hit._source ?? {}) as Message,
      score: 1,
    }));
    if (facetCounts !== undefined) {
      (facetFields ?? []).forEach((field, i) => {
        const buckets = answer.aggregations?.[`f${i}`]?.buckets ?? [];
        const counts: Record<string, number> = {};
        for (const bucket of buckets) counts[bucketKey(bucket)] = bucket.doc_count;
        facetCounts[field] = counts;
      });
    }
    return { total, results, ...(facetCounts && { facetCounts }) };
  }

  async group(request: GroupRequest, options: SearchOptions = {}): Promise<GroupResponse> {
    this.ensureOpen();
    const parsed = this.parse(request.query);
    const query = options.rewrite ? options.rewrite(parsed) : parsed;
    const levels = validateGroups(request, this.aggregateLimits);
    const resolved = await this.resolve(request.indices);
    const dsl = this.renderQuery(query, resolved.groups);
    const empty = { groupedBy: levels[0]!.field, groupResults: [] };
    if (dsl === null) return empty;
    const scoreField = request.scoreField ?? null;
    const scoreInfos = scoreField === null ? [] : (resolved.all.get(scoreField) ?? []).filter((info) => info.type === 'long' || info.type === 'double');
    const scoreAgg = scoreField !== null && scoreInfos.length > 0 ? { score: { sum: { field: scoreField } } } : {};
    let aggs: Record<string, unknown> | undefined;
    for (let depth = levels.length - 1; depth >= 0; depth--) {
      const level = levels[depth]!;
      const infos = (resolved.all.get(level.field) ?? []).filter((info) => info.searchable);
      if (infos.length === 0) {
        // a level no index has: no buckets at this level or below
        aggs = undefined;
        if (depth === 0) return empty;
        continue;
      }
      const direction = level.descending ? 'desc' : 'asc';
      aggs = {
        [`g${depth}`]: {
          terms: {
            field: aggregateField(level.field, infos),
            size: this.aggregateLimits.maxGroupsPerLevel,
            order: level.byCount ? [{ _count: direction }, { _key: 'asc' }] : [{ _key: direction }],
          },
          aggs: { ...scoreAgg, ...(aggs ?? {}) },
        },
      };
    }
    const answer = await this.searchCall(request.indices, { query: { constant_score: { filter: dsl } }, size: 0, track_total_hits: false, aggs });
    const build = (container: Record<string, AggBucketList | undefined> | undefined, depth: number): GroupResult[] => {
      const buckets = container?.[`g${depth}`]?.buckets ?? [];
      return buckets.map((bucket) => {
        const result: GroupResult = { key: bucketKey(bucket), total: bucket.doc_count, score: Number(bucket.score?.value ?? 0) };
        if (depth + 1 < levels.length) {
          result.groupedBy = levels[depth + 1]!.field;
          result.groupResults = build(bucket as unknown as Record<string, AggBucketList>, depth + 1);
        }
        return result;
      });
    };
    return { groupedBy: levels[0]!.field, groupResults: build(answer.aggregations as Record<string, AggBucketList>, 0) };
  }

  async histogram(request: HistogramRequest, options: SearchOptions = {}): Promise<HistogramResponse> {
    this.ensureOpen();
    const parsed = this.parse(request.query);
    const query = options.rewrite ? options.rewrite(parsed) : parsed;
    const interval = parseInterval(request.interval);
    const field = request.field ?? 'timestamp';
    const resolved = await this.resolve(request.indices);
    const numeric = (resolved.all.get(field) ?? []).filter((info) => info.type === 'long' || info.type === 'double' || info.type === 'date');
    const dsl = this.renderQuery(query, resolved.groups);
    if (dsl === null || numeric.length === 0) return { field, interval, total: 0, buckets: [] };
    const answer = await this.searchCall(request.indices, {
      query: { constant_score: { filter: dsl } }, size: 0, track_total_hits: false,
      aggs: { h: { histogram: { field, interval, min_doc_count: 1 } } },
    });
    const raw = answer.aggregations?.h?.buckets ?? [];
    if (raw.length > this.aggregateLimits.maxHistogramBuckets) {
      throw new MetronError('INPUT_INVALID', `the histogram has more than ${this.aggregateLimits.maxHistogramBuckets} buckets; use a larger interval or a narrower time range`);
    }
    const buckets = raw.map((b) => ({ key: Number(b.key), count: b.doc_count }));
    return { field, interval, total: buckets.reduce((sum, b) => sum + b.count, 0), buckets };
  }

  async findOne(request: GetRequest): Promise<Message | null> {
    const found = await this.findAll([request]);
    return found[0] ?? null;
  }

  async findAll(requests: GetRequest[]): Promise<Message[]> {
    this.ensureOpen();
    if (requests.length > this.aggregateLimits.maxFindAll) {
      throw new MetronError('INPUT_INVALID', `findAll takes at most ${this.aggregateLimits.maxFindAll} requests, got ${requests.length}`);
    }
    const bySensor = new Map<string, Set<string>>();
    for (const request of requests) {
      let prefix: string;
      try {
        prefix = sensorPrefix(String(request.sensorType));
      } catch {
        continue;
      }
      let guids = bySensor.get(prefix);
      if (guids === undefined) bySensor.set(prefix, (guids = new Set()));
      guids.add(String(request.guid));
    }
    const found = new Map<string, Message>();
    for (const [prefix, guids] of bySensor) {
      const answer = await this.call<SearchAnswer>('POST', `/${encodeURIComponent(`${prefix}*`)}/_search?ignore_unavailable=true&allow_no_indices=true`, {
        query: { ids: { values: [...guids] } },
        size: guids.size * 4,
        // the newest copy of a guid wins if it ever sits in two indices
        sort: [{ timestamp: { order: 'desc', unmapped_type: 'long', missing: '_last' } }, { _index: { order: 'desc' } }],
      });
      checkShards(answer);
      for (const hit of answer.hits?.hits ?? []) {
        if (!this.namePattern.test(hit._index)) continue;
        const key = `${prefix}\u0000${hit._id}`;
        if (!found.has(key)) found.set(key, (hit._source ?? {}) as Message);
      }
    }
    const result: Message[] = [];
    for (const request of requests) {
      let prefix: string;
      try {
        prefix = sensorPrefix(String(request.sensorType));
      } catch {
        continue;
      }
      const message = found.get(`${prefix}\u0000${String(request.guid)}`);
      if (message !== undefined) result.push(message);
    }
    return result;
  }

  async columnMetadata(indices: string[] = []): Promise<Record<string, MetronFieldType>> {
    this.ensureOpen();
    const resolved = await this.resolve(indices);
    const result: Record<string, MetronFieldType> = {};
    for (const [field, infos] of [...resolved.all].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const types = new Set(infos.map((info) => info.type));
      result[field] = types.size === 1 ? [...types][0]! : 'other';
    }
    return result;
  }

  async indexNames(sensor?: string): Promise<string[]> {
    this.ensureOpen();
    const pattern = sensor === undefined ? INDEX_PATTERN : `${sensorPrefix(sensor)}*`;
    const answer = await this.call<Record<string, unknown>>('GET', `/${encodeURIComponent(pattern)}/_settings/index.creation_date?ignore_unavailable=true&allow_no_indices=true`);
    return Object.keys(answer).filter((name) => this.namePattern.test(name)).sort();
  }

  async indices(): Promise<string[]> {
    const sensors = new Set<string>();
    for (const name of await this.indexNames()) sensors.add(this.namePattern.exec(name)![1]!);
    return [...sensors].sort();
  }

  async deleteBefore(sensor: string, cutoffMs: number): Promise<number> {
    this.ensureOpen();
    const pattern = `${sensorPrefix(sensor)}*`;
    const answer = await this.call<{ deleted?: number }>(
      'POST', `/${encodeURIComponent(pattern)}/_delete_by_query?ignore_unavailable=true&allow_no_indices=true&conflicts=proceed&refresh=true`,
      { query: retentionQuery(sensor, cutoffMs) },
    );
    // Hourly indices left empty by it are removed.
    const empty = await this.call<Array<{ index: string; 'docs.count': string }>>('GET', `/_cat/indices/${encodeURIComponent(pattern)}?format=json&h=index,docs.count`);
    const drop = empty.filter((row) => this.namePattern.test(row.index) && Number(row['docs.count']) === 0).map((row) => row.index);
    if (drop.length > 0) await this.call('DELETE', `/${drop.map(encodeURIComponent).join(',')}?ignore_unavailable=true`);
    this.mappingCache.clear();
    return answer.deleted ?? 0;
  }

  // ---- alert backend -------------------------------------------------------------------------

  alertBackend(): AlertBackend {
    return {
      search: (request, options) => this.search(request, options),
      group: (request, options) => this.group(request, options),
      histogram: (request, options) => this.histogram(request, options),
      indices: async () => {
        const mappings = await this.mappings([INDEX_PATTERN]);
        const bySensor = new Map<string, Set<string>>();
        for (const [index, fields] of Object.entries(mappings)) {
          const sensor = this.namePattern.exec(index)![1]!;
          let set = bySensor.get(sensor);
          if (set === undefined) bySensor.set(sensor, (set = new Set()));
          for (const field of fields.keys()) set.add(field);
        }
        this.sensorFields = new Map([...bySensor].map(([sensor, set]) => [sensor, [...set].map((field) => ({ field }))]));
        return [...bySensor.keys()].sort();
      },
      fields: (sensor) => this.sensorFields.get(String(sensor).toLowerCase()) ?? [],
      exclusive: <T>(task: (tx: AlertTransaction) => Promise<T>): Promise<T> => {
        this.ensureOpen();
        const run = this.alertTail.then(() => this.alertTask(task));
        this.alertTail = run.catch(() => undefined);
        return run;
      },
    };
  }

  private async alertTask<T>(task: (tx: AlertTransaction) => Promise<T>): Promise<T> {
    const located = new Map<string, { index: string; seqNo: number; primaryTerm: number }>();
    const key = (sensor: string, guid: string) => `${sensor.toLowerCase()}\u0000${guid}`;
    const tx: AlertTransaction = {
      read: async (sensor, guid) => {
        let prefix: string;
        try {
          prefix = sensorPrefix(sensor);
        } catch {
          return null;
        }
        let index = await this.locate(prefix, guid);
        if (index === undefined) {
          // written less than a refresh interval ago: make it visible, then look again
          await this.call('POST', `/${encodeURIComponent(`${prefix}*`)}/_refresh?ignore_unavailable=true&allow_no_indices=true`);
          index = await this.locate(prefix, guid);
        }
        if (index === undefined) return null;
        const got = await this.client.request('GET', `/${encodeURIComponent(index)}/_doc/${encodeURIComponent(guid)}`);
        if (got.status === 404) return null;
        const doc = JSON.parse(got.body) as { found?: boolean; _source?: Message; _seq_no?: number; _primary_term?: number };
        if (got.status !== 200 || doc.found !== true || doc._source === undefined) {
          throw new MetronError('STORAGE_FAILED', `OpenSearch GET ${index}/${guid}: HTTP ${got.status}`);
        }
        located.set(key(sensor, guid), { index, seqNo: doc._seq_no ?? 0, primaryTerm: doc._primary_term ?? 1 });
        return doc._source;
      },
      write: (updates, audit) => this.writeAlertChanges(updates, audit, (sensor, guid) => located.get(key(sensor, guid))),
    };
    return task(tx);
  }

  /** The index holding a guid of a sensor (the newest copy), from search. */
  private async locate(prefix: string, guid: string): Promise<string | undefined> {
    const answer = await this.call<SearchAnswer>('POST', `/${encodeURIComponent(`${prefix}*`)}/_search?ignore_unavailable=true&allow_no_indices=true`, {
      query: { ids: { values: [guid] } }, size: 1, _source: false,
      sort: [{ timestamp: { order: 'desc', unmapped_type: 'long', missing: '_last' } }, { _index: { order: 'desc' } }],
    });
    checkShards(answer);
    return answer.hits?.hits?.find((hit) => this.namePattern.test(hit._index))?._index;
  }

  /** Writes an alert change in one bulk: documents back to their index if unchanged since read, new ones and audit records created. */
  private async writeAlertChanges(
    updates: AlertUpdate[], audit: AuditRecord[], locate: (sensor: string, guid: string) => { index: string; seqNo: number; primaryTerm: number } | undefined,
  ): Promise<void> {
    await this.writer.ensureTemplate();
    const lines: string[] = [];
    const what: string[] = [];
    for (const update of updates) {
      const at = update.before === null ? undefined : locate(update.sensor, update.guid);
      if (at === undefined) {
        const ts = update.after['timestamp'];
        const index = indexName(update.sensor, typeof ts === 'number' && Number.isFinite(ts) ? ts : this.clock(), this.dateFormat);
        lines.push(JSON.stringify({ create: { _index: index, _id: update.guid } }));
      } else {
        lines.push(JSON.stringify({ index: { _index: at.index, _id: update.guid, if_seq_no: at.seqNo, if_primary_term: at.primaryTerm } }));
      }
      lines.push(JSON.stringify(update.after));
      what.push(`${update.sensor}/${update.guid}`);
    }
    for (const record of audit) {
      lines.push(JSON.stringify({ create: { _index: indexName(AUDIT_SENSOR, record.timestamp, this.dateFormat), _id: record.guid } }), JSON.stringify(record));
      what.push(`audit/${record.guid}`);
    }
    this.mappingCache.clear();
    const response = await this.client.request('POST', '/_bulk?refresh=wait_for', `${lines.join('\n')}\n`, 'application/x-ndjson');
    const answer = parseJson<{ items: Array<Record<string, { status?: number; error?: { type?: string; reason?: string } }>> }>(response, 'POST', '/_bulk');
    const failures = answer.items.map((item, i) => ({ result: Object.values(item)[0] ?? {}, what: what[i] ?? '?' })).filter(({ result }) => (result.status ?? 0) >= 300);
    if (failures.length === 0) return;
    const first = failures[0]!;
    const reason = `${first.what}: ${first.result.error?.type ?? ''} ${first.result.error?.reason ?? ''}`.slice(0, 500);
    const written = answer.items.length - failures.length;
    const partly = written > 0 ? ` (${written} of ${answer.items.length} writes of this change were made)` : '';
    if (first.result.status === 409) throw new MetronError('STORAGE_FAILED', `the document was changed by someone else meanwhile; try again${partly}: ${reason}`);
    if (first.result.status === 400) throw new MetronError('INPUT_INVALID', `OpenSearch refused the change${partly}: ${reason}`);
    throw new MetronError('STORAGE_FAILED', `OpenSearch failed the change${partly}: ${reason}`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.client.close();
  }

  // ---- plumbing ------------------------------------------------------------------------------

  private async searchCall(indices: string[] | undefined, body: Record<string, unknown>): Promise<SearchAnswer> {
    const patterns = this.patterns(indices);
    const answer = await this.call<SearchAnswer>('POST', `/${patterns.map(encodeURIComponent).join(',')}/_search?ignore_unavailable=true&allow_no_indices=true`, body);
    checkShards(answer);
    return answer;
  }

  /** A request; OpenSearch's refusals of the request itself are the user's (4xx), the rest are storage failures. */
  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    try {
      return await this.client.json<T>(method, path, body);
    } catch (err) {
      if (err instanceof OpenSearchHttpError && err.status === 400 && /too_many_(buckets|clauses)|query_shard_exception|search_phase_execution/.test(`${err.errorType ?? ''} ${err.message}`)) {
        throw new MetronError('QUERY_INVALID', `OpenSearch refused the search: ${err.message}`, undefined, { cause: err });
      }
      if (err instanceof MetronError) throw err;
      throw new MetronError('STORAGE_FAILED', `OpenSearch: ${errorMessage(err)}`, undefined, { cause: err });
    }
  }
}

interface AggBucket {
  key: string | number;
  key_as_string?: string;
  doc_count: number;
  score?: { value?: number | null };
}

interface AggBucketList {
  buckets?: AggBucket[];
}

interface SearchAnswer {
  _shards?: { failed?: number; failures?: Array<{ index?: string; reason?: { type?: string; reason?: string } }> };
  hits?: { total?: { value: number }; hits?: Array<{ _id: string; _index: string; _source?: Record<string, unknown> }> };
  aggregations?: Record<string, AggBucketList | undefined>;
}

/** A search some shards failed is refused rather than answered in part. */
function checkShards(answer: SearchAnswer): void {
  const failed = answer._shards?.failed ?? 0;
  if (failed === 0) return;
  const first = answer._shards?.failures?.[0];
  throw new MetronError('STORAGE_FAILED', `OpenSearch: ${failed} shard(s) failed the search${first ? ` (${first.index ?? ''}: ${first.reason?.type ?? ''} ${first.reason?.reason ?? ''})` : ''}`);
}

/** A facet or group key as Metron reports it: booleans as `true`/`false`, numbers in JS formatting. */
function bucketKey(bucket: AggBucket): string {
  if (typeof bucket.key === 'number') {
    return bucket.key_as_string === 'true' || bucket.key_as_string === 'false' ? bucket.key_as_string : String(bucket.key);
  }
  return String(bucket.key);
}

/** Ip fields aggregate and sort by their keyword sub-field: every stored value, in text order, as on DuckDB. */
function keywordOf(field: string, infos: MappedField[]): string {
  return infos.every((info) => info.esType === 'ip' && info.subfields.includes(KEYWORD_SUBFIELD)) ? `${field}.${KEYWORD_SUBFIELD}` : field;
}

function aggregateField(field: string, infos: MappedField[]): string {
  return keywordOf(field, infos);
}

const UNMAPPED_TYPE: Record<MetronFieldType, string> = {
  keyword: 'keyword', text: 'keyword', ip: 'keyword', long: 'long', double: 'double', boolean: 'boolean', date: 'date', other: 'keyword',
};

function sortTarget(field: string, infos: MappedField[]): { field: string; unmappedType: string } {
  const target = keywordOf(field, infos);
  const type = target === field ? infos[0]!.type : 'keyword';
  return { field: target, unmappedType: UNMAPPED_TYPE[type] };
}

/** True for an IPv4/IPv6 address or a CIDR block of one. */
function isAddressOrBlock(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const slash = value.indexOf('/');
  if (slash < 0) return isIP(value) !== 0;
  const version = isIP(value.slice(0, slash));
  const bits = value.slice(slash + 1);
  return version !== 0 && /^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128);
}

/**
 * `_exists_:metron_alert` as on the DuckDB store, where a meta-alert whose alerts were all removed
 * keeps an empty child list that still exists: OpenSearch indexes nothing for an empty list (and
 * an hourly index may not even map the field), so there it also matches every document of
 * `source.type` `metaalert`, which the alert layer always writes with a child list. The alert
 * layer tells meta-alerts by this test, so such a meta-alert stays hidden once inactive and is
 * left out of groups, as on DuckDB.
 */
export function withEmptyChildLists(node: QueryNode): QueryNode {
  switch (node.kind) {
    case 'exists':
      return node.field === ALERT_FIELD
        ? { kind: 'or', children: [node, { kind: 'term', field: SOURCE_TYPE_FIELD, value: METAALERT_TYPE, phrase: true }] }
        : node;
    case 'and':
    case 'or':
      return { ...node, children: node.children.map(withEmptyChildLists) };
    case 'not':
      return { ...node, child: withEmptyChildLists(node.child) };
    default:
      return node;
  }
}

/**
 * What index retention deletes of a sensor, as on the DuckDB store (docs/alerts.md, "Retention"):
 * documents older than the cutoff, except alerts held by an active meta-alert (their `metaalerts`
 * list is set) and, in the meta-alert index, active meta-alerts.
 */
export function retentionQuery(sensor: string, cutoffMs: number): QueryDsl {
  const keep: QueryDsl[] = [{ exists: { field: METAALERTS_FIELD } }];
  if (String(sensor).toLowerCase() === METAALERT_TYPE) keep.push({ term: { [STATUS_FIELD]: 'active' } });
  return { bool: { filter: [{ range: { timestamp: { lt: cutoffMs, format: 'epoch_millis' } } }], must_not: keep } };
}

/**
 * Points clauses on `ip` fields at their keyword sub-field wherever the `ip` type could not take
 * them: wildcards, and terms or ranges whose values are not addresses. The renderer's meaning is
 * kept (exact text match, text order), and OpenSearch never fails a request on a non-address.
 */
export function adaptToMapping(dsl: QueryDsl, mapped: Map<string, MappedField>): QueryDsl {
  const keywordField = (field: string): string | null => {
    const info = mapped.get(field);
    return info !== undefined && info.esType === 'ip' && info.subfields.includes(KEYWORD_SUBFIELD) ? `${field}.${KEYWORD_SUBFIELD}` : null;
  };
  const nestedField = (clause: unknown): string | null => {
    if (typeof clause !== 'object' || clause === null || Array.isArray(clause)) return null;
    const entries = Object.entries(clause as Record<string, unknown>);
    if (entries.length !== 1) return null;
    const [key, value] = entries[0]!;
    if (!['term', 'wildcard', 'range', 'prefix', 'exists'].includes(key) || typeof value !== 'object' || value === null) return null;
    const field = key === 'exists' ? (value as { field?: unknown }).field : Object.keys(value)[0];
    return typeof field === 'string' && mapped.get(field)?.nested === true ? `${key}:${field}` : null;
  };
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (typeof node !== 'object' || node === null) return node;
    // a nested list: `_exists_` is "has an entry"; nothing else can match inside it
    const nested = nestedField(node);
    if (nested !== null) {
      const [kind, ...rest] = nested.split(':');
      return kind === 'exists' ? { nested: { path: rest.join(':'), query: { match_all: {} } } } : { match_none: {} };
    }
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'wildcard' || key === 'term' || key === 'range' || key === 'prefix') && typeof value === 'object' && value !== null && !Array.isArray(value)) {
        const entries = Object.entries(value as Record<string, unknown>);
        if (entries.length === 1) {
          const [field, spec] = entries[0]!;
          const target = keywordField(field);
          if (target !== null) {
            const values = key === 'range'
              ? Object.entries(spec as Record<string, unknown>).filter(([bound]) => ['gt', 'gte', 'lt', 'lte'].includes(bound)).map(([, v]) => v)
              : [typeof spec === 'object' && spec !== null ? (spec as { value?: unknown }).value : spec];
            const onIp = key !== 'wildcard' && key !== 'prefix' && values.every(isAddressOrBlock);
            out[key] = { [onIp ? field : target]: spec };
            continue;
          }
        }
      }
      out[key] = visit(value);
    }
    return out;
  };
  return visit(dsl) as QueryDsl;
}
