/** Metron's search endpoints: `POST /api/v1/search/search` and `POST /api/v1/search/findOne`. */
import type { FastifyInstance } from 'fastify';
import type { GetRequest, SearchRequest, SearchStore } from '@metron/storage';
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
}
