/**
 * Metron's search endpoints (`/api/v1/search/search`, `/group`, `/findOne`, `/findAll`,
 * `/column/metadata`), with Metron's request and response shapes, plus `/histogram` for the
 * console's time chart (Metron has none). Queries are Lucene syntax; the store parses them and
 * binds every value, and answers QUERY_INVALID / INPUT_INVALID (400) with what to fix.
 */
import type { FastifyInstance } from 'fastify';
import type { GetRequest, GroupRequest, HistogramRequest, SearchRequest, SearchStore } from '@metron/storage';
import { HttpError } from '../errors.js';

/** Largest page a search may ask for (Metron caps it through `search.max.results`). */
export const MAX_SEARCH_SIZE = 10_000;

const stringList = { type: 'array', items: { type: 'string', minLength: 1, maxLength: 1024 }, maxItems: 1000 } as const;

/** JSON schema of Metron's SearchRequest. */
export const searchRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['query'],
  properties: {
    indices: stringList,
    query: { type: 'string', maxLength: 100_000 },
    from: { type: 'integer', minimum: 0, maximum: 1_000_000 },
    size: { type: 'integer', minimum: 0, maximum: MAX_SEARCH_SIZE },
    sort: {
      type: 'array',
      maxItems: 32,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['field'],
        properties: {
          field: { type: 'string', minLength: 1, maxLength: 1024 },
          sortOrder: { type: 'string', enum: ['asc', 'desc', 'ASC', 'DESC'], default: 'desc' },
        },
      },
    },
    fields: { anyOf: [stringList, { type: 'null' }] },
    facetFields: { anyOf: [stringList, { type: 'null' }] },
  },
} as const;

/** JSON schema of Metron's GetRequest. */
export const getRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['guid', 'sensorType'],
  properties: {
    guid: { type: 'string', minLength: 1, maxLength: 1024 },
    sensorType: { type: 'string', minLength: 1, maxLength: 1024 },
    index: { type: 'string', minLength: 1, maxLength: 1024 },
  },
} as const;

/** Most guids in one findAll (the store's own limit, checked here first to answer early). */
export const MAX_FIND_ALL = 1_000;

const sortOrder = { type: 'string', enum: ['asc', 'desc', 'ASC', 'DESC'] } as const;

/** JSON schema of Metron's GroupRequest. */
export const groupRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['query', 'groups'],
  properties: {
    indices: stringList,
    query: { type: 'string', maxLength: 100_000 },
    scoreField: { anyOf: [{ type: 'string', minLength: 1, maxLength: 1024 }, { type: 'null' }] },
    groups: {
      type: 'array',
      minItems: 1,
      maxItems: 8,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['field'],
        properties: {
          field: { type: 'string', minLength: 1, maxLength: 1024 },
          order: {
            type: 'object',
            additionalProperties: false,
            properties: {
              sortOrder,
              groupOrderType: { type: 'string', enum: ['TERM', 'COUNT', 'term', 'count'] },
            },
          },
        },
      },
    },
  },
} as const;

/** JSON schema of the histogram request. */
export const histogramRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['query', 'interval'],
  properties: {
    indices: stringList,
    query: { type: 'string', maxLength: 100_000 },
    field: { type: 'string', minLength: 1, maxLength: 1024 },
    interval: { anyOf: [{ type: 'number', exclusiveMinimum: 0 }, { type: 'string', minLength: 2, maxLength: 16 }] },
  },
} as const;

export function registerSearchRoutes(app: FastifyInstance, searchStore: SearchStore): void {
  app.post<{ Body: SearchRequest }>('/api/v1/search/search', {
    schema: { summary: 'Searches the indexing store (Lucene query syntax)', body: searchRequestSchema },
  }, async (request) => searchStore.search(request.body));

  app.post<{ Body: GetRequest }>('/api/v1/search/findOne', {
    schema: { summary: 'Returns the latest document for a guid and sensor', body: getRequestSchema },
  }, async (request) => {
    const doc = await searchStore.findOne(request.body);
    if (doc === null) throw new HttpError(404, 'NOT_FOUND', `no document with guid '${request.body.guid}' in sensor '${request.body.sensorType}'`);
    return doc;
  });

  app.post<{ Body: GetRequest[] }>('/api/v1/search/findAll', {
    schema: {
      summary: 'Returns the latest document of each guid and sensor, in request order; unknown guids are left out',
      body: { type: 'array', items: getRequestSchema, maxItems: MAX_FIND_ALL },
    },
  }, async (request) => searchStore.findAll(request.body));

  app.post<{ Body: GroupRequest }>('/api/v1/search/group', {
    schema: { summary: 'Searches the indexing store and returns nested field groups with counts and summed scores', body: groupRequestSchema },
  }, async (request) => searchStore.group(request.body));

  app.post<{ Body: string[] }>('/api/v1/search/column/metadata', {
    schema: { summary: 'Field types of the given sensors (all when empty), duplicates merged; conflicting types are other', body: stringList },
  }, async (request) => searchStore.columnMetadata(request.body));

  app.post<{ Body: HistogramRequest }>('/api/v1/search/histogram', {
    schema: { summary: 'Counts matching documents per time (or numeric) bucket', body: histogramRequestSchema },
  }, async (request) => searchStore.histogram(request.body));
}
