import { describe, expect, it } from 'vitest';
import { ConfigError } from '@metron/core';
import { logDefaults } from './start.js';
import { parseSourcesConfig } from './config.js';

describe('logDefaults', () => {
  it('reads retention and segment size from the global config', () => {
    expect(logDefaults({ 'local.log.retention.hours': 2, 'local.log.retention.bytes': '1000', 'local.log.segment.bytes': 512 }, 'g.json')).toEqual({
      retentionMs: 7_200_000,
      retentionBytes: 1000,
      segmentBytes: 512,
    });
    expect(logDefaults({}, 'g.json')).toEqual({});
  });
  it('refuses a bad value with the file and key', () => {
    const err = (() => {
      try {
        logDefaults({ 'local.log.retention.hours': 'soon' }, 'cfg/global.json');
      } catch (e) {
        return e;
      }
    })() as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toBe(`cfg/global.json: $['local.log.retention.hours']: expected a positive number, got "soon"`);
  });
});

describe('parseSourcesConfig', () => {
  it('accepts the three source types with defaults', () => {
    const text = JSON.stringify([
      { type: 'syslog-udp', sensor: 's', port: 5514 },
      { type: 'syslog-tcp', sensor: 's', host: '127.0.0.1', port: 0 },
      { type: 'file', sensor: 's', path: '/var/log/x.log' },
      { type: 'syslog-udp', sensor: 's', port: 5515, recvBufferSize: 1 << 20 },
    ]);
    expect(parseSourcesConfig(text, 'sources.json', ['s'])).toEqual([
      { type: 'syslog-udp', sensor: 's', host: '127.0.0.1', port: 5514 },
      { type: 'syslog-tcp', sensor: 's', host: '127.0.0.1', port: 0 },
      { type: 'file', sensor: 's', path: '/var/log/x.log', startAt: 'beginning' },
      { type: 'syslog-udp', sensor: 's', host: '127.0.0.1', port: 5515, recvBufferSize: 1 << 20 },
    ]);
  });
  it('refuses bad entries with the JSON path', () => {
    expect(() => parseSourcesConfig('[{"type":"syslog-udp","sensor":"s","port":70000}]', 'sources.json', ['s'])).toThrow(/^sources\.json: \$\[0\]\.port: /);
    expect(() => parseSourcesConfig('[{"type":"syslog-udp","sensor":"nope","port":1}]', 'sources.json', ['s'])).toThrow(
      "sources.json: $[0].sensor: no parser config for sensor 'nope'",
    );
    expect(() => parseSourcesConfig('[{"type":"carrier-pigeon","sensor":"s"}]', 'sources.json', ['s'])).toThrow(/\$\[0\]/);
    expect(() => parseSourcesConfig('{', 'sources.json', ['s'])).toThrow(/^sources\.json: \$: invalid JSON/);
  });
});

describe('startEmbedded with a malformed config', () => {
  it('refuses to start, naming the file, the JSON path and the reason', async () => {
    const { mkdtemp, mkdir, writeFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { startEmbedded } = await import('./start.js');
    const dir = await mkdtemp(join(tmpdir(), 'metron-badcfg-'));
    await mkdir(join(dir, 'parsers'));
    await writeFile(join(dir, 'parsers', 'bro.json'), '{"parserClassName": "org.apache.metron.parsers.bro.BasicBroParser", "parserConfig": "oops"}');
    const quiet = { info() {}, warn() {}, error() {} };
    await expect(startEmbedded({ configDir: dir, dataDir: join(dir, 'data'), port: 0, host: '127.0.0.1', log: quiet })).rejects.toThrow(
      /parsers\/bro\.json.*\$\.parserConfig.*expected an object/s,
    );
    await writeFile(join(dir, 'parsers', 'bro.json'), '{"parserClassName": "NoSuchParser"}');
    await expect(startEmbedded({ configDir: dir, dataDir: join(dir, 'data'), port: 0, host: '127.0.0.1', log: quiet })).rejects.toThrow(/parserClassName/);
    await rm(dir, { recursive: true, force: true });
  });
});

/** A config dir with the Bro parser and the given global config, and its removal. */
async function broConfigDir(global: Record<string, unknown>): Promise<{ dir: string; remove(): Promise<void> }> {
  const { mkdtemp, mkdir, writeFile, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = await mkdtemp(join(tmpdir(), 'metron-duckcfg-'));
  await mkdir(join(dir, 'parsers'));
  await writeFile(join(dir, 'parsers', 'bro.json'), '{"parserClassName": "org.apache.metron.parsers.bro.BasicBroParser", "sensorTopic": "bro"}');
  await writeFile(join(dir, 'global.json'), JSON.stringify(global));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

describe('startEmbedded with DuckDB settings in the global config', () => {
  it('opens the search index with the configured threads and memory limit', async () => {
    const { join } = await import('node:path');
    const { startEmbedded } = await import('./start.js');
    const { dir, remove } = await broConfigDir({ 'index.duckdb.threads': 2, 'index.duckdb.memory.limit': '512MB' });
    const lines: string[] = [];
    const log = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) };
    const handle = await startEmbedded({ configDir: dir, dataDir: join(dir, 'data'), port: 0, host: '127.0.0.1', adminPassword: 'test-password-1', fsync: 'never', log });
    try {
      expect(lines.find((l) => l.startsWith('search index '))).toBe(`search index ${join(dir, 'data', 'index', 'metron.duckdb')} (DuckDB, 2 threads, memory limit 512MB)`);
    } finally {
      await handle.stop();
      await remove();
    }
  });

  it('refuses a bad DuckDB setting with the file and key', async () => {
    const { join } = await import('node:path');
    const { startEmbedded } = await import('./start.js');
    const { dir, remove } = await broConfigDir({ 'index.duckdb.threads': 'many' });
    const quiet = { info() {}, warn() {}, error() {} };
    await expect(startEmbedded({ configDir: dir, dataDir: join(dir, 'data'), port: 0, host: '127.0.0.1', log: quiet })).rejects.toThrow(/global\.json: \$\['index\.duckdb\.threads'\]/);
    await remove();
  });
});
