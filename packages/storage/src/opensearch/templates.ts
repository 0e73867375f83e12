/**
 * Index names and the index template, after Metron's Elasticsearch writer and templates
 * (metron-elasticsearch README; metron-platform/metron-elasticsearch/src/main/config/schema):
 *
 * - One index per sensor per hour: `<sensor>_index_<es.date.format>`, e.g. `bro_index_2023.11.14.06`
 *   (UTC). Metron took the hour of the write; this writer takes the hour of the message's
 *   `timestamp` (the write time when it has none), so a re-delivered message lands in the same
 *   index and is absorbed by its guid, and retention by index age follows the data's own time.
 * - One composable template for every `*_index_*` index. Metron's standard fields are mapped as
 *   its templates map them: `guid` keyword, `timestamp` date (epoch ms), `ip_src_addr` and
 *   `ip_dst_addr` ip (with a `.keyword` sub-field, so wildcards and non-address values keep
 *   keyword semantics as on the DuckDB store), ports long, `threat.triage.score` double, `is_alert`
 *   boolean. Other strings are keyword (Metron's dynamic template); other numbers are double, so
 *   a field first seen as 0 and later as 1.25 is never truncated. The alert workflow's list
 *   fields (`comments`, a meta-alert's `metron_alert` children) are kept, not indexed.
 */
import { MetronError } from '@metron/core';
import type { MetronFieldType } from '../types.js';

/** The template every Metron index takes. */
export const TEMPLATE_NAME = 'metron_index';
export const INDEX_PATTERN = '*_index_*';
/** Longest keyword that is indexed (OpenSearch refuses terms over 32,766 bytes; 4 bytes per char worst case). */
export const KEYWORD_IGNORE_ABOVE = 8191;
/** Fields mapped `ip`, each with a `.keyword` sub-field. */
export const IP_FIELDS = ['ip_src_addr', 'ip_dst_addr'] as const;
export const KEYWORD_SUBFIELD = 'keyword';

const SENSOR_NAME = /^[a-z0-9][a-z0-9_.-]{0,199}$/;

/** The index-name prefix of a sensor (`bro` → `bro_index_`), or throws INPUT_INVALID. */
export function sensorPrefix(sensor: string): string {
  const name = String(sensor).toLowerCase();
  if (!SENSOR_NAME.test(name) || name === '.' || name === '..') {
    throw new MetronError('INPUT_INVALID', `invalid sensor name ${JSON.stringify(sensor)}: use letters, digits, '_', '.', '-'`);
  }
  return `${name}_index_`;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Formats epoch ms with Metron's `es.date.format` letters (yyyy MM dd HH mm), in UTC. */
export function formatIndexDate(epochMs: number, format: string): string {
  const d = new Date(epochMs);
  return format.replace(/yyyy|MM|dd|HH|mm/g, (token) => {
    switch (token) {
      case 'yyyy': return pad(d.getUTCFullYear(), 4);
      case 'MM': return pad(d.getUTCMonth() + 1);
      case 'dd': return pad(d.getUTCDate());
      case 'HH': return pad(d.getUTCHours());
      default: return pad(d.getUTCMinutes());
    }
  });
}

/** A message's index: `<sensor>_index_<date of its timestamp>`. */
export function indexName(sensor: string, epochMs: number, format: string): string {
  return sensorPrefix(sensor) + formatIndexDate(epochMs, format);
}

/** Matches index names of the given date format and captures the sensor. */
export function indexNamePattern(format: string): RegExp {
  const suffix = format.replace(/yyyy|MM|dd|HH|mm|[.]/g, (token) => (token === 'yyyy' ? '\\d{4}' : token === '.' ? '\\.' : '\\d{2}'));
  return new RegExp(`^(.+)_index_${suffix}$`);
}

/**
 * The index template body (`PUT _index_template/metron_index`). Every rule is a dynamic template,
 * so an index's mapping holds only the fields its documents have (as a DuckDB table's columns
 * are), and a field takes its standard type the first time it appears.
 */
export function indexTemplate(options: { shards: number; replicas: number; refreshInterval?: string | undefined }): Record<string, unknown> {
  const keyword = { type: 'keyword', ignore_above: KEYWORD_IGNORE_ABOVE };
  const ip = { type: 'ip', ignore_malformed: true, fields: { [KEYWORD_SUBFIELD]: keyword } };
  const port = { type: 'long', coerce: false };
  const named = (name: string, path: string, mapping: Record<string, unknown>, matchType = '*') => ({ [name]: { path_match: path, match_mapping_type: matchType, mapping } });
  return {
    index_patterns: [INDEX_PATTERN],
    priority: 10,
    _meta: { description: 'Metron-TS: standard fields of every sensor index' },
    template: {
      settings: {
        number_of_shards: options.shards,
        number_of_replicas: options.replicas,
        ...(options.refreshInterval !== undefined && { refresh_interval: options.refreshInterval }),
        'mapping.total_fields.limit': 10_000,
      },
      mappings: {
        dynamic_templates: [
          named('guid', 'guid', keyword),
          named('timestamp', 'timestamp', { type: 'date', format: 'epoch_millis' }),
          named('source_type', 'source.type', keyword),
          named('ip_src_addr', 'ip_src_addr', ip),
          named('ip_dst_addr', 'ip_dst_addr', ip),
          named('ip_src_port', 'ip_src_port', port),
          named('ip_dst_port', 'ip_dst_port', port),
          named('threat_triage_score', 'threat.triage.score', { type: 'double' }),
          named('is_alert', 'is_alert', { type: 'boolean' }),
          // the alert workflow's lists: their entries' fields are kept, not indexed, yet `_exists_` works
          named('comments', 'comments', { type: 'nested', dynamic: false }, 'object'),
          named('metron_alert', 'metron_alert', { type: 'nested', dynamic: false }, 'object'),
          // the audit trail's values: any JSON, kept, not indexed
          named('old_value', 'old_value', { type: 'object', enabled: false }),
          named('new_value', 'new_value', { type: 'object', enabled: false }),
          // the error index's raw bytes: kept, not searched
          named('raw_message_bytes', 'raw_message_bytes', { type: 'keyword', index: false, doc_values: false }),
          { strings: { match_mapping_type: 'string', mapping: keyword } },
          { whole_numbers: { match_mapping_type: 'long', mapping: { type: 'double' } } },
          { numbers: { match_mapping_type: 'double', mapping: { type: 'double' } } },
        ],
      },
    },
  };
}

/** One field of an index mapping, flattened to its dotted path. */
export interface MappedField {
  type: MetronFieldType;
  /** The OpenSearch type (`keyword`, `ip`, `double`...; `object` for a kept-not-indexed object). */
  esType: string;
  /** False for fields kept in the source only (`enabled: false` objects, nested lists, `index: false`). */
  searchable: boolean;
  /** True for a nested list: only `_exists_` can be asked of it. */
  nested: boolean;
  /** Names of its multi-fields (`keyword` under an ip field). */
  subfields: string[];
}

/** The Metron FieldType of an OpenSearch field type. */
export function metronTypeOf(esType: string): MetronFieldType {
  switch (esType) {
    case 'keyword': case 'constant_keyword': case 'wildcard': return 'keyword';
    case 'text': case 'match_only_text': return 'text';
    case 'ip': return 'ip';
    case 'long': case 'integer': case 'short': case 'byte': case 'unsigned_long': return 'long';
    case 'double': case 'float': case 'half_float': case 'scaled_float': return 'double';
    case 'boolean': return 'boolean';
    case 'date': case 'date_nanos': return 'date';
    default: return 'other';
  }
}

interface MappingNode {
  type?: string;
  enabled?: boolean;
  index?: boolean;
  properties?: Record<string, MappingNode>;
  fields?: Record<string, MappingNode>;
}

/** Flattens an index's `mappings.properties` to dotted field paths. */
export function flattenMapping(properties: Record<string, MappingNode> | undefined): Map<string, MappedField> {
  const out = new Map<string, MappedField>();
  const walk = (nodes: Record<string, MappingNode>, prefix: string) => {
    for (const [name, node] of Object.entries(nodes)) {
      const path = prefix + name;
      if (node.properties !== undefined && (node.type === undefined || node.type === 'object' || node.type === 'nested')) {
        walk(node.properties, `${path}.`);
        continue;
      }
      if (node.type === undefined || node.type === 'object' || node.type === 'nested') {
        out.set(path, { type: 'other', esType: node.type ?? 'object', searchable: false, nested: node.type === 'nested', subfields: [] });
        continue;
      }
      out.set(path, { type: metronTypeOf(node.type), esType: node.type, searchable: node.index !== false, nested: false, subfields: Object.keys(node.fields ?? {}) });
    }
  };
  walk(properties ?? {}, '');
  return out;
}
