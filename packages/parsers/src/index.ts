export type { MessageParser, ParseContext, ParseOutcome, ParserDefinition, ParserFactory } from './types.js';
export { PARSER_DEFINITIONS, findParserDefinition, getParserDefinition } from './registry.js';
export {
  createSensorParser,
  type ParserRunnerConfig,
  type SensorParserOptions,
  type RecordContext,
  type ParseError,
  type ParseErrorType,
  type SensorParseResult,
  type SensorParser,
} from './sensor-parser.js';
export {
  compileFieldTransformations,
  SUPPORTED_FIELD_TRANSFORMATIONS,
  PENDING_FIELD_TRANSFORMATIONS,
  type FieldTransform,
} from './field-transformations.js';
export { decodeUtf8Strict, firstInvalidUtf8Offset, type DecodeResult } from './utf8.js';
export {
  jsonMapParserDefinition,
  JsonMapParser,
  readJsonMapConfig,
  MAP_STRATEGIES,
  compileJsonPath,
  evaluateJsonPath,
  JsonPathSyntaxError,
  type JsonMapConfig,
  type MapStrategy,
  type CompiledPath,
  type PathSegment,
} from './json-map/index.js';
export { broParserDefinition, BroParser } from './bro/index.js';
export { cefParserDefinition, CefParser, parseCefExtensions, parseCefDate } from './cef/index.js';
export { leefParserDefinition, LeefParser } from './leef/index.js';
export { csvParserDefinition, CsvParser, readCsvConfig, CSV_CONFIG_KEYS, type CsvConfig } from './csv/index.js';
export {
  regularExpressionsParserDefinition,
  RegularExpressionsParser,
  readRegularExpressionsConfig,
  REGULAR_EXPRESSIONS_CONFIG_KEYS,
  type RegularExpressionsConfig,
} from './regex/index.js';
export { snortParserDefinition, SnortParser, SNORT_FIELDS, readSnortConfig, DEFAULT_SNORT_DATE_FORMAT, type SnortConfig } from './snort/index.js';
export {
  syslog5424ParserDefinition,
  Syslog5424Parser,
  readSyslog5424Config,
  NIL_POLICIES,
  type NilPolicy,
  type Syslog5424Config,
} from './syslog-5424/index.js';
export { syslog3164ParserDefinition, Syslog3164Parser, FUTURE_TOLERANCE_MS, readSyslog3164Config, type Syslog3164Config } from './syslog-3164/index.js';
export { SyslogKeys } from './util/syslog.js';
export { resolveTimeZone, type TimeZone } from './util/time-zone.js';
export { compileJavaDatePattern, DatePatternError, type CompiledDatePattern } from './util/java-date-format.js';
export {
  grokParserDefinition,
  GrokParser,
  compileGrok,
  parsePatternFile,
  GrokError,
  readGrokConfig,
  GROK_CONFIG_KEYS,
  DEFAULT_GROK_DATE_FORMAT,
  COMMON_PATTERNS,
  BUNDLED_PATTERN_FILES,
  type CompiledGrok,
  type GrokType,
  type GrokParserConfig,
} from './grok/index.js';
