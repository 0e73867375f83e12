import { describe, expect, it } from 'vitest';
import { ConfigError, MetronError, errorMessage } from '@metron/core';

describe('errors', () => {
  it('ConfigError names file, JSON path and reason', () => {
    const err = new ConfigError('parsers/bro.json', '$.parserConfig', 'expected an object');
    expect(err).toBeInstanceOf(MetronError);
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toBe('parsers/bro.json: $.parserConfig: expected an object');
  });
  it('errorMessage reads non-errors', () => {
    expect(errorMessage('x')).toBe('x');
    expect(errorMessage(new Error('y'))).toBe('y');
  });
});
