/**
 * Metron's config endpoints (metron-rest README: GlobalConfigController, SensorParserConfigController,
 * SensorEnrichmentConfigController, SensorIndexingConfigController), on the config directory:
 *
 *   GET/POST          /api/v1/global/config
 *   GET               /api/v1/sensor/{parser|enrichment|indexing}/config          all, by sensor name
 *   GET/POST/DELETE   /api/v1/sensor/{parser|enrichment|indexing}/config/:name
 *   POST              /api/v1/sensor/parser/config/parseMessage                   Metron's parse test
 *   GET               /api/v1/sensor/parser/config/list/available                  parser classes
 *   GET               /api/v1/sensor/enrichment/config/list/available/enrichments
 *   GET               /api/v1/sensor/enrichment/config/list/available/threat/triage/aggregators
 *   POST              /api/v1/sensor/sample                                        "test with a sample"
 *
 * Reads need a logged-in user; saves, deletes and tests of unsaved configs (sample with configs,
 * parseMessage) the admin role. A save answers 201 (created) or
 * 200 with the saved config, after it was applied to the running pipeline; a config the schema or
 * the pipeline refuses answers 400 CONFIG_INVALID naming the file, the JSON path and the reason.
 */
import type { FastifyInstance } from 'fastify';
import { MetronError, type SensorConfigKind } from '@metron/core';
import { PARSER_DEFINITIONS } from '@metron/parsers';
import { principalOf, requireRole } from '../auth/authenticate.js';
import { HttpError } from '../errors.js';
import type { ConfigStore } from './config-store.js';

const KINDS: readonly SensorConfigKind[] = ['parser', 'enrichment', 'indexing'];
const nameParams = { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 64 } } } as const;
const configBody = { type: 'object' } as const;

/** Most raw lines one sample request takes, and most bytes per line. */
export const MAX_SAMPLE_LINES = 1000;
const MAX_SAMPLE_LINE_BYTES = 64 * 1024;
/** Most bytes of raw records one sample request takes (the body limit adds room for the configs). */
const MAX_SAMPLE_BYTES = 4 * 1024 * 1024;

export const sampleRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['sensorType', 'sampleData'],
  properties: {
    sensorType: { type: 'string', minLength: 1, maxLength: 64 },
    /** Raw records: one string per record, or one text of lines. */
    sampleData: {
      anyOf: [
        { type: 'array', minItems: 1, maxItems: MAX_SAMPLE_LINES, items: { type: 'string', maxLength: MAX_SAMPLE_LINE_BYTES } },
        { type: 'string', minLength: 1, maxLength: MAX_SAMPLE_BYTES },
      ],
    },
    /** Unsaved configs to test instead of the saved ones. */
    sensorParserConfig: { type: 'object' },
    sensorEnrichmentConfig: { type: 'object' },
    globalConfig: { type: 'object' },
  },
} as const;

interface SampleBody {
  sensorType: string;
  sampleData: string[] | string;
  sensorParserConfig?: Record<string, unknown>;
  sensorEnrichmentConfig?: Record<string, unknown>;
  globalConfig?: Record<string, unknown>;
}

/** Metron's ParseMessageRequest. */
const parseMessageSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['sensorParserConfig', 'sampleData'],
  properties: {
    sensorParserConfig: { type: 'object' },
    sampleData: { type: 'string', minLength: 1, maxLength: MAX_SAMPLE_LINE_BYTES },
    grokStatement: { anyOf: [{ type: 'string', maxLength: 65_536 }, { type: 'null' }] },
  },
} as const;

/** A text of records: one per non-blank line (CRLF or LF). */
function linesOf(data: string[] | string): string[] {
  const lines = Array.isArray(data) ? data : data.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new MetronError('INPUT_INVALID', 'body.sampleData: holds no record');
  if (lines.length > MAX_SAMPLE_LINES) throw new HttpError(413, 'INPUT_TOO_LARGE', `body.sampleData: at most ${MAX_SAMPLE_LINES} records, got ${lines.length}`);
  return lines;
}

/** Metron's aggregators of threat triage scores. */
const TRIAGE_AGGREGATORS = ['MAX', 'MIN', 'SUM', 'MEAN', 'POSITIVE_MEAN'];
/** The enrichment adapters of this implementation (the `fieldMap` keys of a sensor enrichment config). */
const ENRICHMENT_ADAPTERS = ['geo', 'asn', 'host', 'asset', 'identity', 'stellar', 'hbaseEnrichment', 'hbaseThreatIntel'];

export function registerSensorConfigRoutes(app: FastifyInstance, store: ConfigStore): void {
  const admin = requireRole('admin');

  app.get('/api/v1/global/config', {
    schema: { summary: 'The global config' },
  }, async () => store.readGlobal());

  app.post<{ Body: Record<string, unknown> }>('/api/v1/global/config', {
    schema: { summary: 'Saves the global config and applies it to the running pipeline', body: configBody },
    preHandler: admin,
  }, async (request) => {
    await store.saveGlobal(request.body);
    return request.body;
  });

  for (const kind of KINDS) {
    const base = `/api/v1/sensor/${kind}/config`;
    app.get(base, {
      schema: { summary: `Every sensor's ${kind} config, by sensor name` },
    }, async () => store.list(kind));

    app.get<{ Params: { name: string } }>(`${base}/:name`, {
      schema: { summary: `A sensor's ${kind} config`, params: nameParams },
    }, async (request) => {
      const config = await store.read(kind, request.params.name);
      if (config === null) throw new HttpError(404, 'NOT_FOUND', `sensor '${request.params.name}' has no ${kind} config`);
      return config;
    });

    app.post<{ Params: { name: string }; Body: Record<string, unknown> }>(`${base}/:name`, {
      schema: { summary: `Saves a sensor's ${kind} config and applies it to the running pipeline`, params: nameParams, body: configBody },
      preHandler: admin,
    }, async (request, reply) => {
      const created = await store.save(kind, request.params.name, request.body);
      return reply.code(created ? 201 : 200).send(request.body);
    });

    app.delete<{ Params: { name: string } }>(`${base}/:name`, {
      schema: { summary: `Deletes a sensor's ${kind} config (applied to the running pipeline)`, params: nameParams },
      preHandler: admin,
    }, async (request, reply) => {
      if (!(await store.remove(kind, request.params.name))) throw new HttpError(404, 'NOT_FOUND', `sensor '${request.params.name}' has no ${kind} config`);
      return reply.code(200).send({ deleted: true });
    });
  }

  app.get('/api/v1/sensor/parser/config/list/available', {
    schema: { summary: 'The parsers: short name → Metron parser class name (with id, description and parserConfig keys)' },
  }, async () => Object.fromEntries(PARSER_DEFINITIONS.map((d) => [d.shortName, d.className])));

  app.get('/api/v1/sensor/parser/config/list/available/details', {
    schema: { summary: 'The parsers with their description and the parserConfig keys each reads (for the console forms)' },
  }, async () => PARSER_DEFINITIONS.map((d) => ({ id: d.id, shortName: d.shortName, className: d.className, description: d.description, configKeys: d.configKeys })));

  app.get('/api/v1/sensor/enrichment/config/list/available/enrichments', {
    schema: { summary: 'The enrichment adapters a sensor enrichment config may name' },
  }, async () => ENRICHMENT_ADAPTERS);

  app.get('/api/v1/sensor/enrichment/config/list/available/threat/triage/aggregators', {
    schema: { summary: 'The threat triage score aggregators' },
  }, async () => TRIAGE_AGGREGATORS);

  app.post<{ Body: SampleBody }>('/api/v1/sensor/sample', {
    schema: {
      summary: 'Runs raw records through parse, enrichment, threat intel and triage as the pipeline does (nothing is written); unsaved configs may be given',
      body: sampleRequestSchema,
    },
    bodyLimit: MAX_SAMPLE_BYTES + 1024 * 1024,
  }, async (request) => {
    const body = request.body;
    const unsaved = body.sensorParserConfig !== undefined || body.sensorEnrichmentConfig !== undefined || body.globalConfig !== undefined;
    // Unsaved configs run the caller's own Stellar with the pipeline's services: as saving them, an admin's act.
    if (unsaved && !principalOf(request).roles.includes('admin')) throw new HttpError(403, 'FORBIDDEN', 'testing unsaved configs needs the admin role (the saved ones need none)');
    const results = await store.sample(body.sensorType, linesOf(body.sampleData), {
      ...(body.sensorParserConfig !== undefined ? { parser: body.sensorParserConfig } : {}),
      ...(body.sensorEnrichmentConfig !== undefined ? { enrichment: body.sensorEnrichmentConfig } : {}),
      ...(body.globalConfig !== undefined ? { global: body.globalConfig } : {}),
    });
    return { sensorType: body.sensorType, results };
  });

  app.post<{ Body: { sensorParserConfig: Record<string, unknown>; sampleData: string } }>('/api/v1/sensor/parser/config/parseMessage', {
    schema: { summary: "Parses a sample message with a sensor parser config (Metron's parse test): the first message, or 400 with the parser's reason", body: parseMessageSchema },
    preHandler: admin,
  }, async (request) => {
    const config = request.body.sensorParserConfig;
    const sensor = typeof config['sensorTopic'] === 'string' && config['sensorTopic'] !== '' ? config['sensorTopic'] : 'sample';
    // The parser alone: the sensor's enrichment is not applied (Metron's parseMessage parses only).
    const parser = { ...config };
    delete parser['outputTopic'];
    const results = (await store.sample(sensor, [request.body.sampleData], { parser, enrichment: null })) as Array<{
      messages: unknown[];
      errors: Array<{ reason: string }>;
    }>;
    const first = results[0];
    if (first?.errors[0] !== undefined) throw new HttpError(400, 'PARSE_FAILED', first.errors[0].reason);
    if (first?.messages[0] === undefined) throw new HttpError(400, 'PARSE_FAILED', 'the parser produced no message (filtered or a header line)');
    return first.messages[0];
  });
}
