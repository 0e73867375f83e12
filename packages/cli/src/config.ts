import { z } from 'zod';
import { ConfigError, indexingWriterSettings, type ConfigSet } from '@metron/core';
import type { PipelineSensor, SourceConfig } from '@metron/pipeline';

/** Sensors the pipeline runs: every sensor with a parser config, with its indexing config. */
export function pipelineSensorsFrom(configs: ConfigSet): Record<string, PipelineSensor> {
  const out: Record<string, PipelineSensor> = {};
  for (const [sensor, parser] of Object.entries(configs.parsers)) {
    const indexing = configs.indexing[sensor];
    const writers: PipelineSensor['indexing'] = {};
    for (const writer of Object.keys(indexing ?? {})) {
      const s = indexingWriterSettings(sensor, writer, indexing);
      writers[writer] = { index: s.index, enabled: s.enabled, batchSize: s.batchSize, batchTimeout: s.batchTimeout };
    }
    const enrichment = configs.enrichments[sensor];
    out[sensor] = { parser: parser as PipelineSensor['parser'], indexing: writers, ...(enrichment !== undefined ? { enrichment } : {}) };
  }
  return out;
}

const Host = z.string().min(1).default('127.0.0.1');
const Port = z.number().int().min(0).max(65535);
const MaxBytes = z.number().int().positive().optional();

/** `sources.json`: this project's addition to the config dir (Metron's sensors wrote to Kafka). */
export const SourcesConfigSchema = z.array(
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('syslog-udp'), sensor: z.string(), host: Host, port: Port, maxRecordBytes: MaxBytes, recvBufferSize: MaxBytes }),
    z.strictObject({ type: z.literal('syslog-tcp'), sensor: z.string(), host: Host, port: Port, maxRecordBytes: MaxBytes, maxConnections: z.number().int().positive().optional() }),
    z.strictObject({
      type: z.literal('file'),
      sensor: z.string(),
      path: z.string().min(1),
      startAt: z.enum(['beginning', 'end']).default('beginning'),
      pollMs: z.number().int().positive().optional(),
      maxRecordBytes: MaxBytes,
    }),
  ]),
);

/** Parses and checks `sources.json`; refuses it with its path and the JSON path of the fault. */
export function parseSourcesConfig(text: string, file: string, sensors: string[]): SourceConfig[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(file, '$', `invalid JSON: ${(err as Error).message}`);
  }
  const parsed = SourcesConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = '$' + (issue?.path ?? []).map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    throw new ConfigError(file, path, issue?.message ?? 'invalid');
  }
  parsed.data.forEach((s, i) => {
    if (!sensors.includes(s.sensor)) throw new ConfigError(file, `$[${i}].sensor`, `no parser config for sensor '${s.sensor}'`);
  });
  return parsed.data as SourceConfig[];
}
