import { describe, expect, it } from 'vitest';
import { ConfigError } from '@metron/core';
import { defaultRegistry } from '@metron/stellar';
import { createExtractor, parseTime, type Extraction } from './extractor.js';

const functions = defaultRegistry();
const make = (json: unknown, global: Record<string, unknown> = {}) => createExtractor(json, 'extractor.json', { global, functions });
const row = (e: Extraction) => {
  if (e.kind !== 'row') throw new Error(`expected a row, got ${JSON.stringify(e)}`);
  return e.row;
};
const refusal = (json: unknown): string => {
  try {
    make(json);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('the config was accepted');
};

describe("Metron's CSV extractor", () => {
  // CSVExtractorTest's config and lines
  const metronTestConfig = { config: { columns: { host: 0, meta: 2 }, indicator_column: 'host', type: 'threat', separator: ',' }, extractor: 'CSV' };

  it('turns a line into (type, indicator) -> every configured column, skipping blank and comment lines', () => {
    const ex = make(metronTestConfig);
    expect(row(ex.extract('google.com,1.0,foo'))).toEqual({ type: 'threat', indicator: 'google.com', value: { host: 'google.com', meta: 'foo' } });
    expect(ex.extract('#google.com,1.0,foo')).toEqual({ kind: 'skipped' });
    expect(ex.extract('  # indented comment')).toEqual({ kind: 'skipped' });
    expect(ex.extract('')).toEqual({ kind: 'skipped' });
    expect(ex.extract(' ')).toEqual({ kind: 'skipped' });
    expect(ex.notes).toEqual([]);
    expect(ex.wholeFile).toBe(false);
  });

  it('splits as opencsv: quotes, doubled quotes, escapes; values keep their spaces (Metron does not trim them)', () => {
    const ex = make({ config: { columns: ['ip', 'note'], indicator_column: 'ip', type: 'malicious_ip' }, extractor: 'CSV' });
    expect(row(ex.extract('10.0.0.1,"seen in ""phish"", twice"')).value).toEqual({ ip: '10.0.0.1', note: 'seen in "phish", twice' });
    expect(row(ex.extract('10.0.0.2, padded ')).value).toEqual({ ip: '10.0.0.2', note: ' padded ' });
    expect(row(ex.extract('10.0.0.3,a\\"b')).value).toEqual({ ip: '10.0.0.3', note: 'a"b' });
    expect(ex.extract('10.0.0.4,"unterminated')).toEqual({ kind: 'failed', reason: 'un-terminated quoted field at end of CSV line' });
    expect(ex.extract('10.0.0.5')).toEqual({ kind: 'failed', reason: "the line has 1 column(s); column 'note' is at index 1" });
  });

  it('reads the three forms of columns, another separator, and the type from a column', () => {
    const fromString = make({ config: { columns: 'ip,src:3', indicator_column: 'ip', type_column: 'src', separator: '|' }, extractor: 'CSV' });
    expect(row(fromString.extract('1.2.3.4|x|y|feedA'))).toEqual({ type: 'feedA', indicator: '1.2.3.4', value: { ip: '1.2.3.4', src: 'feedA' } });
    const fromList = make({ config: { columns: ['ip', 'skip:2'], indicator_column: 'skip', type: 't' }, extractor: 'CSV' });
    expect(row(fromList.extract('a,b,c'))).toEqual({ type: 't', indicator: 'c', value: { ip: 'a', skip: 'c' } });
    const tab = make({ config: { columns: { a: 0, b: 1 }, indicator_column: 'a', type: 't', separator: '\t' }, extractor: 'CSV' });
    expect(row(tab.extract('x\ty,z')).value).toEqual({ a: 'x', b: 'y,z' });
  });

  it("runs value_transform, indicator_transform and the filters as Metron's decorator does", () => {
    // SimpleEnrichmentFlatFileLoaderIntegrationTest's stellar extractor config and global config
    const ex = make(
      {
        config: {
          zk_quorum: 'localhost:2181',
          columns: { host: 0, empty: 1, meta: 2 },
          value_transform: { host: 'TO_UPPER(host)', empty: 'enrichment_property' },
          value_filter: 'LENGTH(host) > 0',
          indicator_column: 'host',
          indicator_transform: { indicator: 'TO_UPPER(indicator)' },
          indicator_filter: 'LENGTH(indicator) > 0',
          type: 'enrichment',
          separator: ',',
        },
        extractor: 'CSV',
      },
      { enrichment_property: 'valfromglobalconfig' },
    );
    expect(row(ex.extract('google7.com,7,foo7'))).toEqual({
      type: 'enrichment',
      indicator: 'GOOGLE7.COM',
      value: { host: 'GOOGLE7.COM', empty: 'valfromglobalconfig', meta: 'foo7' },
    });
    expect(ex.extract(',1,foo')).toEqual({ kind: 'filtered' });
    expect(ex.notes).toEqual(['$.config.zk_quorum is ignored: the global config comes from --config-dir']);
  });

  it('drops a field whose transform gives null, and a row whose indicator becomes null; fails a non-string indicator', () => {
    const ex = make({
      config: {
        columns: { ip: 0, note: 1 },
        indicator_column: 'ip',
        type: 't',
        value_transform: { note: "if note == '-' then null else note", ip_len: 'LENGTH(ip)' },
        indicator_transform: { indicator: "if indicator == 'none' then null else indicator" },
      },
      extractor: 'CSV',
    });
    expect(row(ex.extract('1.1.1.1,-'))).toEqual({ type: 't', indicator: '1.1.1.1', value: { ip: '1.1.1.1', ip_len: 7 } });
    expect(ex.extract('none,x')).toEqual({ kind: 'filtered' });
    const numeric = make({ config: { columns: { ip: 0 }, indicator_column: 'ip', type: 't', indicator_transform: { indicator: 'LENGTH(indicator)' } }, extractor: 'CSV' });
    expect(numeric.extract('abc')).toEqual({ kind: 'failed', reason: 'indicator_transform must give a string indicator, got 3' });
    const failing = make({ config: { columns: { ip: 0 }, indicator_column: 'ip', type: 't', value_filter: 'ip' }, extractor: 'CSV' });
    const failed = failing.extract('abc');
    expect(failed.kind).toBe('failed');
    expect((failed as { reason: string }).reason).toMatch(/^value_filter: .*boolean/);
  });

  it("loads the docs' top-domains config: TLDs removed from the value and the indicator", () => {
    const ex = make({
      config: {
        zk_quorum: 'node1:2181',
        columns: { rank: 0, domain: 1 },
        value_transform: { domain: 'DOMAIN_REMOVE_TLD(domain)' },
        value_filter: 'LENGTH(domain) > 0',
        indicator_column: 'domain',
        indicator_transform: { indicator: 'DOMAIN_REMOVE_TLD(indicator)' },
        indicator_filter: 'LENGTH(indicator) > 0',
        type: 'top_domains',
        separator: ',',
      },
      extractor: 'CSV',
    });
    expect(row(ex.extract('1,google.com'))).toEqual({ type: 'top_domains', indicator: 'google', value: { rank: '1', domain: 'google' } });
    expect(row(ex.extract('5,mail.yahoo.co.uk'))).toEqual({ type: 'top_domains', indicator: 'mail.yahoo', value: { rank: '5', domain: 'mail.yahoo' } });
  });

  it('reads the expiry column (epoch ms or ISO 8601), refusing what is neither', () => {
    const ex = make({ config: { columns: { ip: 0, until: 1 }, indicator_column: 'ip', type: 't', expires_at_column: 'until' }, extractor: 'CSV' });
    expect(row(ex.extract('1.1.1.1,1767225600000')).expiresAt).toBe(1767225600000);
    expect(row(ex.extract('1.1.1.1,2026-01-01T00:00:00Z')).expiresAt).toBe(Date.UTC(2026, 0, 1));
    expect(row(ex.extract('1.1.1.1,2026-01-01')).expiresAt).toBe(Date.UTC(2026, 0, 1));
    expect(row(ex.extract('1.1.1.1,')).expiresAt).toBeUndefined();
    expect(ex.extract('1.1.1.1,next week')).toEqual({ kind: 'failed', reason: "expires_at_column: 'next week' is neither epoch ms nor an ISO 8601 date-time" });
  });

  it('accepts WHOLE_FILE input and the class names Metron also takes', () => {
    const ex = make({ config: { columns: { host: 0 }, indicator_column: 'host', type: 't' }, extractor: 'org.apache.metron.dataloads.extractor.csv.CSVExtractor', inputFormat: 'WHOLE_FILE' });
    expect(ex.wholeFile).toBe(true);
    expect(row(ex.extract('google1.com,1,foo2')).indicator).toBe('google1.com');
  });

  it('refuses what it cannot load, naming the JSON path and the reason', () => {
    expect(refusal({ config: { stix_address_categories: 'IPV_4_ADDR' }, extractor: 'STIX' })).toMatch(/^extractor\.json: \$\.extractor: the STIX extractor is not supported/);
    expect(refusal({ config: {}, extractor: 'com.example.MyExtractor' })).toMatch(/\$\.extractor: unknown extractor 'com\.example\.MyExtractor'/);
    expect(refusal({ config: { columns: { rank: 0, domain: 1 }, state_init: 'BLOOM_INIT()', state_update: { state: 'BLOOM_ADD(state, domain)' }, state_merge: 'BLOOM_MERGE(states)' }, extractor: 'CSV' })).toMatch(
      /\$\.config\.state_init: this is a summarizer config/,
    );
    expect(refusal({ config: { columns: { ip: 0 }, type: 't' }, extractor: 'CSV' })).toMatch(/\$\.config\.indicator_column: is required/);
    expect(refusal({ config: { columns: { ip: 0 }, indicator_column: 'ip' }, extractor: 'CSV' })).toMatch(/\$\.config\.type: is required/);
    expect(refusal({ config: { columns: { ip: 0 }, indicator_column: 'addr', type: 't' }, extractor: 'CSV' })).toMatch(/\$\.config\.indicator_column: names no column: "addr"/);
    expect(refusal({ config: { indicator_column: 'ip', type: 't' }, extractor: 'CSV' })).toMatch(/\$\.config\.columns: is required/);
    expect(refusal({ config: { columns: { ip: 'first' }, indicator_column: 'ip', type: 't' }, extractor: 'CSV' })).toMatch(/\$\.config\.columns\.ip: must be a column index/);
    expect(refusal({ config: { columns: { ip: 0 }, indicator_column: 'ip', type: 't', value_filter: 'LENGTH(ip' }, extractor: 'CSV' })).toMatch(/\$\.config\.value_filter: /);
    expect(refusal({ config: { columns: { ip: 0 }, indicator_column: 'ip', type: 't', value_transform: ['x'] }, extractor: 'CSV' })).toMatch(/\$\.config\.value_transform: must be an object/);
    expect(refusal({ config: { columns: { ip: 0 }, indicator_column: 'ip', type: 't', lookup_converter: 'OTHER' }, extractor: 'CSV' })).toMatch(/lookup_converter: only ENRICHMENT/);
    expect(refusal({ config: { columns: { ip: 0 }, indicator_column: 'ip', type: 't' }, extractor: 'CSV', inputFormat: 'SOMETHING' })).toMatch(/\$\.inputFormat: must be BY_LINE or WHOLE_FILE/);
    expect(refusal({ config: { columns: { ip: 0 }, indicator_column: 'ip', type: 't', separator: '"' }, extractor: 'CSV' })).toMatch(/separator: must not be the quote/);
    expect(refusal([])).toMatch(/\$: an extractor config is a JSON object/);
    expect(refusal({ config: {} })).toMatch(/\$\.extractor: is required/);
  });

  it('notes keys it ignores', () => {
    const ex = make({ config: { columns: { ip: 0 }, indicator_column: 'ip', type: 't', colour: 'red' }, extractor: 'CSV', enrichmentConfig: {} });
    expect(ex.notes).toEqual(['$.enrichmentConfig is not an extractor setting: ignored', '$.config.colour is not a CSV extractor setting: ignored']);
  });
});

describe('parseTime', () => {
  it('reads epoch ms and ISO 8601 (UTC unless an offset is given)', () => {
    expect(parseTime('0')).toBe(0);
    expect(parseTime('2026-03-01T12:30:00+02:00')).toBe(Date.UTC(2026, 2, 1, 10, 30));
    expect(parseTime('2026-03-01 12:30')).toBe(Date.UTC(2026, 2, 1, 12, 30));
    expect(parseTime('2026-03-01T12:30:00.250Z')).toBe(Date.UTC(2026, 2, 1, 12, 30, 0, 250));
    expect(parseTime('March 1')).toBeUndefined();
    expect(parseTime('99999999999999999999')).toBeUndefined();
  });
});
