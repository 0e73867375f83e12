/**
 * Metron's flat-file extractor config (metron-data-management README, "Extractor Framework"; the
 * classes ExtractorHandler, CSVExtractor, TransformFilterExtractorDecorator): a JSON document
 *   { "config": { "columns", "indicator_column", "type" | "type_column", "separator",
 *                 "value_transform", "value_filter", "indicator_transform", "indicator_filter",
 *                 "zk_quorum", "lookup_converter" },
 *     "extractor": "CSV", "inputFormat": "BY_LINE" | "WHOLE_FILE" }
 * turning each line of a CSV file into one enrichment row (type, indicator) -> value map:
 * - the value map holds every configured column (the indicator's too), as the line's raw strings;
 * - a line that is blank or starts with `#` (after trimming) gives nothing;
 * - `value_transform` assigns value-map fields in order (a null result removes the field);
 *   `indicator_transform` assigns `indicator` (and other variables); variables resolve from the
 *   value map, then `indicator`, then the global config; a missing one is null;
 * - the row is kept when `indicator_filter` and `value_filter` (Stellar predicates; none: true)
 *   both hold and the indicator is not null.
 * Refused with their reason, since loading them would be wrong: the STIX extractor (a separate
 * loader's job), custom extractor classes (Metron's CSVExtractor class name is read as CSV), and summarizer configs
 * (`state_init`/`state_update`/`state_merge`, for Metron's flatfile_summarizer).
 * Stricter than Metron, which silently reads column 0: `indicator_column` and one of
 * `type`/`type_column` are required. `zk_quorum` is ignored (the global config comes from the
 * config directory). This project adds one key, `expires_at_column`: a column holding the row's
 * expiry (epoch ms or an ISO 8601 date-time).
 */
import { ConfigError, errorMessage } from '@metron/core';
import { splitOpenCsvLine } from '@metron/parsers';
import { compile, fromJson, toJson, type CompiledExpression, type FunctionRegistry, type StellarValue } from '@metron/stellar';

/** One row for the table. */
export interface ExtractedRow {
  type: string;
  indicator: string;
  value: Record<string, unknown>;
  /** Epoch ms, from the expires_at_column; undefined when none. */
  expiresAt?: number;
}

export type Extraction =
  | { kind: 'row'; row: ExtractedRow }
  /** a blank or comment line */
  | { kind: 'skipped' }
  /** dropped by a filter, or by an indicator transform giving null */
  | { kind: 'filtered' }
  | { kind: 'failed'; reason: string };

export interface FlatFileExtractor {
  /** Extracts the row of one line (with WHOLE_FILE input: of a whole file, its lines joined without separator). */
  extract(line: string): Extraction;
  /** `inputFormat` WHOLE_FILE: each file is one record, its lines joined without separator (as Metron reads it). */
  readonly wholeFile: boolean;
  /** Remarks about the config worth showing (ignored keys). */
  readonly notes: readonly string[];
}

export interface ExtractorOptions {
  /** The global config: Stellar variables after the row's own, as Metron resolves them. */
  global: Readonly<Record<string, unknown>>;
  functions: FunctionRegistry;
}

/** Keys of `config` that the CSV extractor reads. */
const CSV_KEYS = new Set([
  'columns',
  'indicator_column',
  'type',
  'type_column',
  'separator',
  'lookup_converter',
  'value_transform',
  'value_filter',
  'indicator_transform',
  'indicator_filter',
  'zk_quorum',
  'expires_at_column',
]);
const SUMMARIZER_KEYS = ['state_init', 'state_update', 'state_merge'];
/** Metron's class names that mean what the short names do. */
const CSV_EXTRACTOR_CLASS = 'org.apache.metron.dataloads.extractor.csv.CSVExtractor';
const WHOLE_FILE_CLASS = 'org.apache.metron.dataloads.extractor.inputformat.WholeFileFormat';
const JAVA_INT = /^[+-]?\d+$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Reads and checks an extractor config; ConfigError naming the JSON path when it cannot be loaded. */
export function createExtractor(json: unknown, file: string, options: ExtractorOptions): FlatFileExtractor {
  if (!isObject(json)) throw new ConfigError(file, '$', 'an extractor config is a JSON object with "config" and "extractor"');
  const notes: string[] = [];
  const extractor = json['extractor'];
  if (typeof extractor !== 'string') throw new ConfigError(file, '$.extractor', 'is required: "CSV"');
  if (extractor === 'STIX') {
    throw new ConfigError(file, '$.extractor', 'the STIX extractor is not supported by `metron load flatfile`: STIX documents need a STIX/TAXII loader, not a line-by-line CSV load');
  }
  if (extractor !== 'CSV' && extractor !== CSV_EXTRACTOR_CLASS) {
    throw new ConfigError(file, '$.extractor', `unknown extractor '${extractor}': only CSV is supported (Metron's custom extractor classes are Java and cannot run here)`);
  }
  let wholeFile = false;
  for (const key of ['inputFormat', 'inputFormatHandler']) {
    const format = json[key];
    if (format === undefined || format === 'BY_LINE') continue;
    if (format === 'WHOLE_FILE' || format === WHOLE_FILE_CLASS) wholeFile = true;
    else throw new ConfigError(file, `$.${key}`, `must be BY_LINE or WHOLE_FILE, got ${JSON.stringify(format)}`);
  }
  for (const key of Object.keys(json)) {
    if (!['config', 'extractor', 'inputFormat', 'inputFormatHandler'].includes(key)) notes.push(`$.${key} is not an extractor setting: ignored`);
  }
  const config = json['config'];
  if (!isObject(config)) throw new ConfigError(file, '$.config', 'is required: an object with columns, indicator_column and type');

  const summarizer = SUMMARIZER_KEYS.filter((k) => k in config);
  if (summarizer.length > 0) {
    throw new ConfigError(
      file,
      `$.config.${summarizer[0]!}`,
      "this is a summarizer config (state_init/state_update/state_merge): Metron's flatfile_summarizer folds a file into one object " +
        '(such as a Bloom filter) and writes no table rows; `metron load flatfile` loads rows and does not run summarizers',
    );
  }
  for (const key of Object.keys(config)) {
    if (key === 'zk_quorum') notes.push('$.config.zk_quorum is ignored: the global config comes from --config-dir');
    else if (!CSV_KEYS.has(key)) notes.push(`$.config.${key} is not a CSV extractor setting: ignored`);
  }

  const columns = readColumns(config['columns'], file);
  const column = (key: string): number | undefined => {
    const name = config[key];
    if (name === undefined || name === null) return undefined;
    const index = columns.get(String(name));
    if (index === undefined) throw new ConfigError(file, `$.config.${key}`, `names no column: ${JSON.stringify(name)} is not in $.config.columns (${[...columns.keys()].join(', ')})`);
    return index;
  };
  const indicatorColumn = column('indicator_column');
  if (indicatorColumn === undefined) throw new ConfigError(file, '$.config.indicator_column', 'is required: the column holding the indicator (the row key)');
  const fixedType = config['type'] === undefined || config['type'] === null ? undefined : String(config['type']);
  const typeColumn = fixedType === undefined ? column('type_column') : undefined;
  if (fixedType === undefined && typeColumn === undefined) {
    throw new ConfigError(file, '$.config.type', 'is required (or type_column): the enrichment type of the rows, such as malicious_ip');
  }
  if (fixedType === '') throw new ConfigError(file, '$.config.type', 'must not be empty');
  const expiresAtColumn = column('expires_at_column');

  let separator = ',';
  const separatorValue = config['separator'];
  if (separatorValue !== undefined && separatorValue !== null) {
    const s = String(separatorValue);
    if (s.length === 0) throw new ConfigError(file, '$.config.separator', 'must not be empty');
    separator = s[0]!;
    if (separator === '"' || separator === '\\') throw new ConfigError(file, '$.config.separator', 'must not be the quote or escape character');
  }
  const converter = config['lookup_converter'];
  if (converter !== undefined && converter !== 'ENRICHMENT') {
    throw new ConfigError(file, '$.config.lookup_converter', `only ENRICHMENT is supported, got ${JSON.stringify(converter)}`);
  }

  const compileAt = (expression: unknown, path: string): CompiledExpression => {
    if (typeof expression !== 'string') throw new ConfigError(file, path, `must be a Stellar expression (a string), got ${JSON.stringify(expression)}`);
    try {
      return compile(expression, { functions: options.functions });
    } catch (err) {
      throw new ConfigError(file, path, errorMessage(err));
    }
  };
  const transforms = (key: string): Array<[string, CompiledExpression]> => {
    const value = config[key];
    if (value === undefined || value === null) return [];
    if (!isObject(value)) throw new ConfigError(file, `$.config.${key}`, 'must be an object of variable name to Stellar expression');
    return Object.entries(value).map(([name, expression]) => [name, compileAt(expression, `$.config.${key}.${name}`)]);
  };
  const filter = (key: string): CompiledExpression | undefined => {
    const value = config[key];
    if (value === undefined || value === null || value === '') return undefined;
    return compileAt(value, `$.config.${key}`);
  };
  const valueTransforms = transforms('value_transform');
  const indicatorTransforms = transforms('indicator_transform');
  const valueFilter = filter('value_filter');
  const indicatorFilter = filter('indicator_filter');
  const global = options.global;
  const stellarContext = { missingVariables: 'null' as const };

  return {
    notes,
    wholeFile,
    extract(line: string): Extraction {
      const trimmed = line.trim();
      if (trimmed === '' || trimmed.startsWith('#')) return { kind: 'skipped' };
      const split = splitOpenCsvLine(line, separator);
      if (!split.ok) return { kind: 'failed', reason: split.reason };
      const tokens = split.tokens;
      const values = new Map<string, StellarValue>();
      for (const [name, index] of columns) {
        const token = tokens[index];
        if (token === undefined) return { kind: 'failed', reason: `the line has ${tokens.length} column(s); column '${name}' is at index ${index}` };
        values.set(name, token);
      }
      const type = fixedType ?? tokens[typeColumn!]!;
      const variables = new Map<string, StellarValue>([['indicator', tokens[indicatorColumn]!]]);
      const resolve = (name: string): StellarValue | undefined => {
        if (values.has(name)) return values.get(name);
        if (variables.has(name)) return variables.get(name);
        return name in global ? fromJson(global[name]) : undefined;
      };
      let stage = '';
      try {
        for (const [name, expression] of valueTransforms) {
          stage = `value_transform.${name}`;
          assign(values, name, expression.run(resolve, stellarContext));
        }
        for (const [name, expression] of indicatorTransforms) {
          stage = `indicator_transform.${name}`;
          assign(variables, name, expression.run(resolve, stellarContext));
        }
        const indicator = variables.get('indicator');
        if (indicator === undefined || indicator === null) return { kind: 'filtered' };
        if (typeof indicator !== 'string') return { kind: 'failed', reason: `indicator_transform must give a string indicator, got ${JSON.stringify(toJson(indicator))}` };
        stage = 'indicator_filter';
        if (indicatorFilter !== undefined && !indicatorFilter.predicate(resolve, stellarContext)) return { kind: 'filtered' };
        stage = 'value_filter';
        if (valueFilter !== undefined && !valueFilter.predicate(resolve, stellarContext)) return { kind: 'filtered' };
        const row: ExtractedRow = { type, indicator, value: toJson(values) as Record<string, unknown> };
        if (expiresAtColumn !== undefined) {
          const text = tokens[expiresAtColumn]!.trim();
          if (text !== '') {
            const expiresAt = parseTime(text);
            if (expiresAt === undefined) return { kind: 'failed', reason: `expires_at_column: '${text}' is neither epoch ms nor an ISO 8601 date-time` };
            row.expiresAt = expiresAt;
          }
        }
        return { kind: 'row', row };
      } catch (err) {
        return { kind: 'failed', reason: `${stage}: ${errorMessage(err)}` };
      }
    },
  };
}

/** A time as epoch ms: an integer (epoch ms) or an ISO 8601 date / date-time (UTC unless an offset is given). */
export function parseTime(text: string): number | undefined {
  if (JAVA_INT.test(text)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : undefined;
  }
  if (!ISO_DATE.test(text)) return undefined;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(text) && text.length > 10;
  const n = Date.parse(hasZone ? text.replace(' ', 'T') : `${text.replace(' ', 'T')}${text.length > 10 ? 'Z' : ''}`);
  return Number.isFinite(n) ? n : undefined;
}

/** Metron's column map: a map of name → index, or a list (or comma-separated string) of `name` / `name:index`. */
function readColumns(value: unknown, file: string): Map<string, number> {
  const columns = new Map<string, number>();
  const index = (text: string, path: string): number => {
    const n = JAVA_INT.test(text.trim()) ? Number(text.trim()) : NaN;
    if (!Number.isInteger(n) || n < 0 || n > 2147483647) throw new ConfigError(file, path, `must be a column index (a non-negative integer), got ${JSON.stringify(text)}`);
    return n;
  };
  const entry = (column: string, i: number, path: string) => {
    if (column.includes(':')) {
      const parts = column.split(':');
      columns.set(parts[0]!, index(parts[parts.length - 1]!, path));
    } else {
      columns.set(column, i);
    }
  };
  if (typeof value === 'string') value.split(',').forEach((c, i) => entry(c, i, '$.config.columns'));
  else if (Array.isArray(value)) value.forEach((c, i) => entry(String(c), i, `$.config.columns[${i}]`));
  else if (isObject(value)) for (const [name, i] of Object.entries(value)) columns.set(name, index(String(i), `$.config.columns.${name}`));
  else throw new ConfigError(file, '$.config.columns', 'is required: a map of column name to index, or a list of names (`name` or `name:index`)');
  if (columns.size === 0) throw new ConfigError(file, '$.config.columns', 'names no column');
  return columns;
}

function assign(target: Map<string, StellarValue>, name: string, value: StellarValue): void {
  if (value === null || value === undefined) target.delete(name);
  else target.set(name, value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
