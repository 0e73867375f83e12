import { ConfigError } from '@metron/core';
import { GROK_CONFIG_KEYS, readGrokConfig } from '../grok/config.js';
import { GrokError } from '../grok/grok.js';
import type { ParserDefinition } from '../types.js';
import { WebSphereParser } from './websphere-parser.js';

/**
 * The settings of Metron's shipped `websphere` sensor config, used for the keys a config leaves
 * out (Metron itself needs them all: without them its parser fails or stamps every message "now").
 */
export const WEBSPHERE_DEFAULTS = {
  grokPath: '/patterns/websphere',
  patternLabel: 'WEBSPHERE',
  timestampField: 'timestamp_string',
  dateFormat: 'yyyy MMM dd HH:mm:ss',
} as const;

/** The WebSphere `parserConfig` with Metron's sensor defaults filled in where a key is absent. */
export function withWebSphereDefaults(parserConfig: Record<string, unknown>): Record<string, unknown> {
  const config = { ...parserConfig };
  const absent = (key: string): boolean => config[key] === undefined || config[key] === null;
  if (absent('grokPath') && absent('grokPattern')) {
    config['grokPath'] = WEBSPHERE_DEFAULTS.grokPath;
    if (absent('patternLabel')) config['patternLabel'] = WEBSPHERE_DEFAULTS.patternLabel;
  }
  if (absent('timestampField')) config['timestampField'] = WEBSPHERE_DEFAULTS.timestampField;
  if (absent('dateFormat')) config['dateFormat'] = WEBSPHERE_DEFAULTS.dateFormat;
  return config;
}

/** Metron's GrokWebSphereParser: DataPower syslog via grok, then login/logout/process fields from the message. */
export const webSphereParserDefinition: ParserDefinition = {
  id: 'websphere',
  className: 'org.apache.metron.parsers.websphere.GrokWebSphereParser',
  shortName: 'WebSphere',
  aliases: ['GrokWebSphereParser'],
  description: 'Reads IBM WebSphere DataPower syslog lines with grok and splits login, logout and process messages into user, address and process fields.',
  configKeys: GROK_CONFIG_KEYS,
  build: (parserConfig, file) => {
    const config = readGrokConfig(withWebSphereDefaults(parserConfig), file);
    try {
      return new WebSphereParser(config);
    } catch (err) {
      if (err instanceof GrokError) throw new ConfigError(file, '$.parserConfig.patternLabel', err.message);
      throw err;
    }
  },
};

export { WebSphereParser } from './websphere-parser.js';
