import { describe, expect, it } from 'vitest';
import { enrichmentGroups, threatIntelHits, triageRules } from './doc-groups.ts';

const message = {
  guid: 'g1',
  'source.type': 'bro',
  ip_src_addr: '10.0.0.1',
  ip_dst_addr: '203.0.113.66',
  domain: 'evil.example',
  'threat.triage.score': 90,
  'threat.triage.rules.1.name': 'Critical asset',
  'threat.triage.rules.1.score': 90,
  'threat.triage.rules.1.reason': 'critical asset db1 is involved',
  'threat.triage.rules.0.name': 'Known-bad address',
  'threat.triage.rules.0.comment': 'watch list',
  'threat.triage.rules.0.score': 70,
  'threat.triage.rules.0.reason': '10.0.0.1 talked to 203.0.113.66',
  'threatintels.hbaseThreatIntel.ip_dst_addr.malicious_ip': 'alert',
  'threatintels.hbaseThreatIntel.domain.malicious_domain': 'alert',
  'threatintels.triage.level': 'high',
  'enrichments.geo.ip_dst_addr.country': 'US',
  'enrichments.geo.ip_dst_addr.city': 'New York',
  'enrichments.asset.ip_src_addr.hostname': 'db1',
  'enrichments.asset.ip_src_addr.tags': ['pci', 'db'],
};

describe('details pane grouping', () => {
  it('collects triage rules in rule order with name, comment, score and reason', () => {
    expect(triageRules(message)).toEqual([
      { index: 0, name: 'Known-bad address', comment: 'watch list', score: 70, reason: '10.0.0.1 talked to 203.0.113.66' },
      { index: 1, name: 'Critical asset', score: 90, reason: 'critical asset db1 is involved' },
    ]);
    expect(triageRules({ guid: 'x' })).toEqual([]);
  });

  it('names the indicator that matched each threat intel hit', () => {
    const { hits, other } = threatIntelHits(message);
    expect(hits).toEqual([
      { adapter: 'hbaseThreatIntel', field: 'ip_dst_addr', type: 'malicious_ip', indicator: '203.0.113.66', value: 'alert' },
      { adapter: 'hbaseThreatIntel', field: 'domain', type: 'malicious_domain', indicator: 'evil.example', value: 'alert' },
    ]);
    expect(other).toEqual([['threatintels.triage.level', 'high']]);
  });

  it('groups enrichments by adapter and field, keys sorted', () => {
    expect(enrichmentGroups(message)).toEqual([
      { title: 'asset · ip_src_addr', entries: [['hostname', 'db1'], ['tags', ['pci', 'db']]] },
      { title: 'geo · ip_dst_addr', entries: [['city', 'New York'], ['country', 'US']] },
    ]);
  });
});
