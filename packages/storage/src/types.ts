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

/** A search index: one index per sensor, documents keyed by `guid`. */
export interface SearchStore {
  /**
   * Writes messages to the sensor's index. Idempotent by `guid`: writing a guid that is already
   * present does not add a second document. Durable when it resolves.
   */
  write(sensor: string, messages: Message[]): Promise<void>;
  search(request: SearchRequest): Promise<SearchResponse>;
  findOne(request: GetRequest): Promise<Message | null>;
  /** Sensor names that have an index. */
  indices(): Promise<string[]>;
  close(): Promise<void>;
}
