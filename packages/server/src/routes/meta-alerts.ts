/**
 * Metron's meta-alert endpoints (metron-rest README, MetaAlertController): create from alerts,
 * add and remove alerts, set ACTIVE/INACTIVE, find the meta-alerts of an alert; plus
 * `POST /api/v1/metaalert/search` (a SearchRequest over meta-alerts). Changes need the `user`
 * role. `withMetaAlertSearch` makes `/api/v1/search/search` list active meta-alerts beside the
 * alerts and hide their children, and `/api/v1/search/group` leave both out, as Metron's
 * meta-alert DAO does; `/api/v1/search/histogram` counts what search lists.
 */
import type { FastifyInstance } from 'fastify';
import type { AlertRef, AlertStore, GroupRequest, HistogramRequest, SearchRequest, SearchStore } from '@metron/storage';
import { principalOf, requireRole } from '../auth/authenticate.js';
import { HttpError } from '../errors.js';
import { getRequestSchema, searchRequestSchema } from './search.js';

const guid = { type: 'string', minLength: 1, maxLength: 1024 } as const;
const alertList = { type: 'array', minItems: 1, maxItems: 10_000, items: getRequestSchema } as const;

export const metaAlertCreateSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['alerts'],
  properties: {
    alerts: alertList,
    groups: { type: 'array', maxItems: 100, items: { type: 'string', maxLength: 1024 } },
  },
} as const;

export const metaAlertAddRemoveSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['metaAlertGuid', 'alerts'],
  properties: { metaAlertGuid: guid, alerts: alertList },
} as const;

/** The alert layer's search in place of the store's, every other method the store's own. */
export function withMetaAlertSearch<S extends SearchStore>(store: S, alerts: AlertStore): S {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'search') return (request: SearchRequest) => alerts.search(request);
      if (property === 'group') return (request: GroupRequest) => alerts.group(request);
      if (property === 'histogram') return (request: HistogramRequest) => alerts.histogram(request);
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export function registerMetaAlertRoutes(app: FastifyInstance, alerts: AlertStore): void {
  const analyst = requireRole('user');

  app.post<{ Body: { alerts: AlertRef[]; groups?: string[] } }>('/api/v1/metaalert/create', {
    schema: { summary: 'Creates an active meta-alert from alerts; answers its guid', body: metaAlertCreateSchema },
    preHandler: analyst,
  }, async (request) => alerts.createMetaAlert(principalOf(request).username, { alerts: request.body.alerts, groups: request.body.groups ?? [] }));

  app.post<{ Body: { metaAlertGuid: string; alerts: AlertRef[] } }>('/api/v1/metaalert/add/alert', {
    schema: { summary: 'Adds alerts to an active meta-alert; true when it changed', body: metaAlertAddRemoveSchema },
    preHandler: analyst,
  }, async (request) => alerts.addAlertsToMetaAlert(principalOf(request).username, request.body.metaAlertGuid, request.body.alerts));

  app.post<{ Body: { metaAlertGuid: string; alerts: AlertRef[] } }>('/api/v1/metaalert/remove/alert', {
    schema: { summary: 'Removes alerts from an active meta-alert; true when it changed', body: metaAlertAddRemoveSchema },
    preHandler: analyst,
  }, async (request) => alerts.removeAlertsFromMetaAlert(principalOf(request).username, request.body.metaAlertGuid, request.body.alerts));

  app.post<{ Params: { guid: string; status: string } }>('/api/v1/metaalert/update/status/:guid/:status', {
    schema: {
      summary: 'Sets a meta-alert ACTIVE or INACTIVE; true when it changed',
      params: { type: 'object', required: ['guid', 'status'], properties: { guid, status: { type: 'string', maxLength: 32 } } },
    },
    preHandler: analyst,
  }, async (request) => alerts.updateMetaAlertStatus(principalOf(request).username, request.params.guid, request.params.status));

  // Metron takes the guid as the raw body; a JSON string or `{"guid": ...}` works too.
  app.post<{ Body: string | { guid: string } }>('/api/v1/metaalert/searchByAlert', {
    schema: {
      summary: 'The active meta-alerts holding an alert',
      body: { anyOf: [{ ...guid }, { type: 'object', additionalProperties: false, required: ['guid'], properties: { guid } }] },
    },
  }, async (request) => {
    const body = request.body;
    const alertGuid = (typeof body === 'string' ? body : body.guid).trim();
    if (alertGuid === '') throw new HttpError(400, 'INPUT_INVALID', 'the body must be an alert guid');
    return alerts.searchByAlert(alertGuid);
  });

  app.post<{ Body: SearchRequest }>('/api/v1/metaalert/search', {
    schema: { summary: 'Searches meta-alerts (matched by their own fields or their alerts\')', body: searchRequestSchema },
  }, async (request) => alerts.search({ ...request.body, indices: ['metaalert'] }));
}
