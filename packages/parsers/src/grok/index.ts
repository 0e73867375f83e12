import { ConfigError } from '@metron/core';
import type { ParserDefinition } from '../types.js';
import { GROK_CONFIG_KEYS, readGrokConfig } from './config.js';
import { GrokParser } from './grok-parser.js';
import { GrokError } from './grok.js';

/** Metron's GrokParser: a grok pattern file and label turn each line into named fields. */
export const grokParserDefinition: ParserDefinition = {
  id: 'grok',
  className: 'org.apache.metron.parsers.GrokParser',
  shortName: 'Grok',
  aliases: ['GrokParser'],
  description: 'Matches each record against a grok pattern (grokPath file + patternLabel) and emits its named captures.',
  configKeys: GROK_CONFIG_KEYS,
  build: (parserConfig, file) => {
    const config = readGrokConfig(parserConfig, file);
    try {
      return new GrokParser(config);
    } catch (err) {
      if (err instanceof GrokError) throw new ConfigError(file, '$.parserConfig.patternLabel', err.message);
      throw err;
    }
  },
};

export { GrokParser } from './grok-parser.js';
export { compileGrok, parsePatternFile, GrokError, type CompiledGrok, type GrokType } from './grok.js';
export { readGrokConfig, GROK_CONFIG_KEYS, DEFAULT_GROK_DATE_FORMAT, type GrokParserConfig } from './config.js';
export { COMMON_PATTERNS, BUNDLED_PATTERN_FILES } from './patterns.js';
