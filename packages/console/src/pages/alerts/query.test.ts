import { describe, expect, it } from 'vitest';
import { buildQuery, escapeField, fieldPrefixAt, quoteValue, scoreClass, suggestFields } from './query.ts';

describe('alerts page query', () => {
  it('joins the query, time range, alerts-only and facet filters with AND', () => {
    const q = buildQuery({
      query: 'protocol:dns OR protocol:http',
      range: { kind: 'relative', ms: 3_600_000, label: 'Last hour' },
      alertsOnly: true,
      filters: [
        { field: 'source:type', value: 'bro', exclude: false },
        { field: 'ip_src_addr', value: '10.0.0.1', exclude: false },
        { field: 'ip_src_addr', value: '10.0.0.2', exclude: false },
        { field: 'alert_status', value: 'DISMISS', exclude: true },
      ],
      now: 1_700_003_600_000,
    });
    expect(q).toBe('(protocol:dns OR protocol:http) AND timestamp:[1700000000000 TO 1700003600000] AND is_alert:true'
      + ' AND source\\:type:"bro" AND (ip_src_addr:"10.0.0.1" OR ip_src_addr:"10.0.0.2") AND -alert_status:"DISMISS"');
  });

  it('answers * for nothing, and keeps exclusions alone meaningful', () => {
    expect(buildQuery({ query: ' * ', range: { kind: 'all' }, alertsOnly: false, filters: [], now: 0 })).toBe('*');
    expect(buildQuery({ query: '', range: { kind: 'all' }, alertsOnly: false, filters: [{ field: 'a', value: 'b', exclude: true }], now: 0 })).toBe('* AND -a:"b"');
    expect(buildQuery({ query: '', range: { kind: 'absolute', from: 1, to: 2 }, alertsOnly: false, filters: [], now: 0 })).toBe('timestamp:[1 TO 2]');
  });

  it('escapes field names and quotes values', () => {
    expect(escapeField('source:type')).toBe('source\\:type');
    expect(escapeField('enrichments.geo.ip_dst_addr.country')).toBe('enrichments.geo.ip_dst_addr.country');
    expect(quoteValue('say "hi" \\o/')).toBe('"say \\"hi\\" \\\\o/"');
  });

  it('finds the field being typed, not values', () => {
    expect(fieldPrefixAt('ip_sr', 5)).toEqual({ prefix: 'ip_sr', start: 0 });
    expect(fieldPrefixAt('a:1 AND enrich', 14)).toEqual({ prefix: 'enrich', start: 8 });
    expect(fieldPrefixAt('-alert_st', 9)).toEqual({ prefix: 'alert_st', start: 1 });
    expect(fieldPrefixAt('ip_src_addr:10.0', 16)).toBeUndefined();
    expect(fieldPrefixAt('msg:"two wor', 12)).toBeUndefined();
    expect(fieldPrefixAt('a AND', 5)).toBeUndefined();
  });

  it('suggests fields starting with the prefix first', () => {
    const fields = ['ip_src_addr', 'ip_dst_addr', 'enrichments.geo.ip_src_addr.country', 'protocol'];
    expect(suggestFields(fields, 'ip_s')).toEqual(['ip_src_addr', 'enrichments.geo.ip_src_addr.country']);
    expect(suggestFields(fields, 'src')).toEqual(['enrichments.geo.ip_src_addr.country', 'ip_src_addr']);
    expect(suggestFields(fields, 'IP_')).toEqual(['ip_dst_addr', 'ip_src_addr', 'enrichments.geo.ip_src_addr.country']);
  });

  it('colours scores by band', () => {
    expect([undefined, 0, 10, 30, 60, 80, 100, '90'].map(scoreClass)).toEqual([
      'score-none', 'score-none', 'score-low', 'score-medium', 'score-high', 'score-critical', 'score-critical', 'score-critical',
    ]);
  });
});
