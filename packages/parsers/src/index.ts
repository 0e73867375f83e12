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
  readMetadataSettings,
  RAW_MESSAGE_STRATEGIES,
  DEFAULT_METADATA_PREFIX,
  type MetadataSettings,
  type RawMessageConfig,
  type RawMessageStrategyName,
} from './raw-message-strategy.js';
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
export {
  zeekParserDefinition,
  ZeekParser,
  readZeekConfig,
  ZEEK_CONFIG_KEYS,
  ZEEK_FORMATS,
  parseIsoInstant,
  isoToMillis,
  isoToEpochSeconds,
  type ZeekConfig,
  type ZeekFormat,
  type IsoInstant,
} from './zeek/index.js';
export { suricataParserDefinition, SuricataParser } from './suricata/index.js';
export { winlogbeatParserDefinition, WinlogbeatParser } from './winlogbeat/index.js';
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
export { splitOpenCsvLine, type CsvSplit } from './util/opencsv.js';
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
export { createGrokStellarService, discoverGrok } from './grok/stellar-service.js';
export { asaParserDefinition, AsaParser, ASA_MESSAGE_PATTERNS, parseAsaTimestamp, readAsaConfig, type AsaConfig } from './asa/index.js';
export { webSphereParserDefinition, WebSphereParser, WEBSPHERE_DEFAULTS } from './websphere/index.js';
export { paloAltoParserDefinition, PaloAltoParser, splitPanOsFields, javaUrlHost } from './paloalto/index.js';
export { fireEyeParserDefinition, FireEyeParser } from './fireeye/index.js';
export { iseParserDefinition, IseParser } from './ise/index.js';
export { lancopeParserDefinition, LancopeParser } from './lancope/index.js';
export { sourcefireParserDefinition, SourcefireParser } from './sourcefire/index.js';
export { logstashParserDefinition, LogstashParser } from './logstash/index.js';
