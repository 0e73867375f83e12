import type { Message } from '@metron/core';

/** Metron's SearchRequest (metron-rest `/api/v1/search/search`). */
export interface SearchRequest {
  /** Sensor names (`bro`, `snort`, `error`); empty or absent means all indices. */
  indices?: string[];
  /** Lucene-syntax query; `*` matches everything. */
  query: string;
  from?: number;
  size?: number;
  sort?: Array<{ field: string; sortOrder: 'asc' | 'desc' | 'ASC' | 'DESC' }>;
  /** Fields to return; absent means all. */
  fields?: string[] | null;
  /** Fields to count values of. */
  facetFields?: string[] | null;
}

export interface SearchResult {
  id: string;
  index: string;
  source: Message;
  score: number;
}

/** Metron's SearchResponse. */
export interface SearchResponse {
  total: number;
  results: SearchResult[];
  /** field → value → count. */
  facetCounts?: Record<string, Record<string, number>>;
}

/** Metron's GetRequest for findOne. */
export interface GetRequest {
  guid: string;
  sensorType: string;
  index?: string;
}

/** How the buckets of one group level are ordered (Metron's GroupOrder; default TERM, DESC). */
export interface GroupOrder {
  sortOrder?: 'asc' | 'desc' | 'ASC' | 'DESC';
  groupOrderType?: 'TERM' | 'COUNT' | 'term' | 'count';
}

/** One level of grouping (Metron's Group). */
export interface Group {
  field: string;
  order?: GroupOrder;
}

/** Metron's GroupRequest (`/api/v1/search/group`): nested groups over the matching documents. */
export interface GroupRequest {
  indices?: string[];
  query: string;
  /** Numeric field summed into each group's `score` (e.g. `threat.triage.score`). */
  scoreField?: string | null;
  groups: Group[];
}

/** One bucket: its value as text, its document count, the sum of the score field, its sub-groups. */
export interface GroupResult {
  key: string;
  total: number;
  score: number;
  /** The field of the next level, when there is one. */
  groupedBy?: string;
  groupResults?: GroupResult[];
}

/** Metron's GroupResponse. */
export interface GroupResponse {
  groupedBy: string;
  groupResults: GroupResult[];
}

/** Document counts over time (or any numeric field) in fixed buckets; Metron has no such call. */
export interface HistogramRequest {
  indices?: string[];
  query: string;
  /** Numeric field to bucket (default `timestamp`). */
  field?: string;
  /** Bucket width: milliseconds, or a duration such as `5m`, `1h`, `1d` (units ms s m h d w). */
  interval: number | string;
}

export interface HistogramResponse {
  field: string;
  /** Bucket width as a number (milliseconds for `timestamp`). */
  interval: number;
  total: number;
  /** Non-empty buckets in key order; `key` is the bucket's lower bound. */
  buckets: Array<{ key: number; count: number }>;
}

/** Metron's FieldType names (`/api/v1/search/column/metadata`). */
export type MetronFieldType = 'keyword' | 'text' | 'ip' | 'long' | 'double' | 'boolean' | 'date' | 'other';

/** A search index: one index per sensor, documents keyed by `guid`. */
export interface SearchStore {
  /**
   * Writes messages to the sensor's index. Idempotent by `guid`: writing a guid that is already
   * present does not add a second document. Durable when it resolves.
   */
  write(sensor: string, messages: Message[]): Promise<void>;
  search(request: SearchRequest): Promise<SearchResponse>;
  findOne(request: GetRequest): Promise<Message | null>;
  /** The latest document of each request, in request order; guids not found are left out. */
  findAll(requests: GetRequest[]): Promise<Message[]>;
  group(request: GroupRequest): Promise<GroupResponse>;
  histogram(request: HistogramRequest): Promise<HistogramResponse>;
  /** Field → type over the given sensors (all when empty); a field with conflicting types is `other`. */
  columnMetadata(indices?: string[]): Promise<Record<string, MetronFieldType>>;
  /** Sensor names that have an index. */
  indices(): Promise<string[]>;
  close(): Promise<void>;
}
