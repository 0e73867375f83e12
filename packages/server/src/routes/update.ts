/**
 * Metron's update endpoints (metron-rest README, UpdateController): `PATCH /api/v1/update/patch`
 * (RFC 6902), `POST /api/v1/update/replace`, `POST /api/v1/update/add/comment` and
 * `/update/remove/comment`; and this project's `POST /api/v1/update/status`,
 * `POST /api/v1/update/assign` and `GET /api/v1/update/history/:guid` (the audit trail of a
 * document). Changes need the `user` role (Metron's ROLE_USER); each answers Metron's Document,
 * `{guid, sensorType, timestamp, document}`, and is recorded in the audit index as the caller.
 */
import type { FastifyInstance } from 'fastify';
import type { Message } from '@metron/core';
import { ALERT_STATUSES, PATCH_OPS, type AlertRef, type AlertStore, type PatchOperation } from '@metron/storage';
import { principalOf, requireRole } from '../auth/authenticate.js';
import type { UserStore } from '../auth/user-store.js';
import { HttpError } from '../errors.js';

const name = { type: 'string', minLength: 1, maxLength: 1024 } as const;
/** The document a request is about: Metron's guid, sensorType and optional index (not needed: one table per sensor). */
const target = { guid: name, sensorType: name, index: { anyOf: [name, { type: 'null' }] } } as const;

export const patchRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['guid', 'sensorType', 'patch'],
  properties: {
    ...target,
    // Metron's PatchRequest may carry the document it was made from; the stored one is patched.
    source: { anyOf: [{ type: 'object' }, { type: 'null' }] },
    patch: {
      type: 'array',
      minItems: 1,
      maxItems: 1000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['op', 'path'],
        properties: {
          op: { type: 'string', enum: PATCH_OPS },
          path: { type: 'string', maxLength: 4096 },
          from: { type: 'string', maxLength: 4096 },
          value: {},
        },
      },
    },
  },
} as const;

export const replaceRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['guid', 'sensorType', 'replacement'],
  properties: { ...target, replacement: { type: 'object' } },
} as const;

const commentText = { type: 'string', minLength: 1, maxLength: 65_536 } as const;
const epochMillis = { type: 'integer', minimum: 0, maximum: 8_640_000_000_000_000 } as const;

export const commentAddSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['guid', 'sensorType', 'comment'],
  properties: { ...target, comment: commentText, username: name, timestamp: epochMillis },
} as const;

export const commentRemoveSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['guid', 'sensorType', 'comment', 'username', 'timestamp'],
  properties: { ...target, comment: commentText, username: name, timestamp: epochMillis },
} as const;

const statusSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['guid', 'sensorType', 'status'],
  properties: { ...target, status: { type: 'string', enum: ALERT_STATUSES } },
} as const;

const assignSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['guid', 'sensorType', 'assignee'],
  properties: { ...target, assignee: { anyOf: [name, { type: 'null' }] } },
} as const;

type Target = AlertRef;

export function registerUpdateRoutes(app: FastifyInstance, alerts: AlertStore, users: UserStore): void {
  const analyst = requireRole('user');
  const ref = (body: Target): AlertRef => ({ guid: body.guid, sensorType: body.sensorType });

  app.patch<{ Body: Target & { patch: PatchOperation[] } }>('/api/v1/update/patch', {
    schema: { summary: 'Updates a document with an RFC 6902 JSON patch', body: patchRequestSchema },
    preHandler: analyst,
  }, async (request) => alerts.patch(principalOf(request).username, ref(request.body), request.body.patch));

  app.post<{ Body: Target & { replacement: Message } }>('/api/v1/update/replace', {
    schema: { summary: 'Replaces a document (guid, source.type and meta-alert links are kept)', body: replaceRequestSchema },
    preHandler: analyst,
  }, async (request) => alerts.replace(principalOf(request).username, ref(request.body), request.body.replacement));

  app.post<{ Body: Target & { comment: string; username?: string; timestamp?: number } }>('/api/v1/update/add/comment', {
    schema: { summary: 'Adds a comment to an alert, as the caller', body: commentAddSchema },
    preHandler: analyst,
  }, async (request) => {
    const user = principalOf(request).username;
    const { comment, username, timestamp } = request.body;
    if (username !== undefined && username !== user) throw new HttpError(403, 'FORBIDDEN', `comments are written as the logged-in user '${user}', not '${username}'`);
    return alerts.addComment(user, ref(request.body), { comment, username: user, timestamp: timestamp ?? Date.now() });
  });

  app.post<{ Body: Target & { comment: string; username: string; timestamp: number } }>('/api/v1/update/remove/comment', {
    schema: { summary: "Removes a comment from an alert (someone else's needs the admin role)", body: commentRemoveSchema },
    preHandler: analyst,
  }, async (request) => {
    const principal = principalOf(request);
    const { comment, username, timestamp } = request.body;
    return alerts.removeComment(principal.username, ref(request.body), { comment, username, timestamp }, principal.roles.includes('admin'));
  });

  app.post<{ Body: Target & { status: string } }>('/api/v1/update/status', {
    schema: { summary: 'Sets alert_status (on a meta-alert, on its alerts too)', body: statusSchema },
    preHandler: analyst,
  }, async (request) => alerts.setStatus(principalOf(request).username, ref(request.body), request.body.status));

  app.post<{ Body: Target & { assignee: string | null } }>('/api/v1/update/assign', {
    schema: { summary: 'Sets or clears alert_assignee (on a meta-alert, on its alerts too)', body: assignSchema },
    preHandler: analyst,
  }, async (request) => {
    const { assignee } = request.body;
    if (assignee !== null && users.getUser(assignee) === null) throw new HttpError(400, 'INPUT_INVALID', `assignee '${assignee}' is not a user`);
    return alerts.assign(principalOf(request).username, ref(request.body), assignee);
  });

  app.get<{ Params: { guid: string }; Querystring: { from?: string; size?: string } }>('/api/v1/update/history/:guid', {
    schema: {
      summary: 'The recorded changes of a document, oldest first',
      params: { type: 'object', required: ['guid'], properties: { guid: name } },
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: { from: { type: 'string', pattern: '^[0-9]{1,7}$' }, size: { type: 'string', pattern: '^[0-9]{1,4}$' } },
      },
    },
  }, async (request) => {
    const from = Number(request.query.from ?? 0);
    const size = Number(request.query.size ?? 100);
    if (size < 1 || size > 1000) throw new HttpError(400, 'INPUT_INVALID', 'size must be between 1 and 1000');
    return alerts.history(request.params.guid, { from, size });
  });
}
