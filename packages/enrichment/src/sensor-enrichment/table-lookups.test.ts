/**
 * The table lookups planned for a batch prefetch: those of the hbase adapters (as they resolve
 * types and column families) and of Stellar's ENRICHMENT_GET / ENRICHMENT_EXISTS with literal
 * type, table and column family.
 */
import { describe, expect, it } from 'vitest';
import type { Message } from '@metron/core';
import { normalizeSensorEnrichmentConfig } from './config.js';
import { planTableLookups } from './table-lookups.js';

function lookups(config: unknown, message: Message, locations = {}): string[] {
  const plan = planTableLookups(normalizeSensorEnrichmentConfig(config, 'enrichments/x.json'), 'enrichments/x.json', locations);
  const out: string[] = [];
  plan.collect(message, (table, cf, type, indicator) => out.push(`${table}:${cf}:${type}:${indicator}`));
  return out;
}

describe('planTableLookups', () => {
  it('lists the rows the hbase adapters read: types by field (or its last segment), column families by type', () => {
    const config = {
      enrichment: { fieldMap: { hbaseEnrichment: ['ip_dst_addr', 'dns.query'], geo: ['ip_dst_addr'] }, fieldToTypeMap: { ip_dst_addr: ['whois', 'asset'], query: ['domain'] }, config: { typeToColumnFamily: { asset: 'a' } } },
      threatIntel: { fieldMap: { hbaseThreatIntel: ['ip_src_addr', 'port'] }, fieldToTypeMap: { ip_src_addr: ['malicious_ip'], port: ['bad_port'] } },
    };
    const message = { ip_dst_addr: '8.8.8.8', 'dns.query': 'x.biz', ip_src_addr: ['10.0.0.1', '10.0.0.2'], port: 22.5, other: 1 };
    expect(lookups(config, message)).toEqual([
      'enrichment:t:whois:8.8.8.8',
      'enrichment:a:asset:8.8.8.8',
      'enrichment:t:domain:x.biz',
      'threatintel:t:malicious_ip:10.0.0.1',
      'threatintel:t:bad_port:22.5',
    ]);
    expect(lookups(config, { ip_dst_addr: null }, { enrichmentTable: { table: 'e2', columnFamily: 'c' } })).toEqual([]);
    expect(lookups(config, { ip_dst_addr: '1.1.1.1' }, { enrichmentTable: { table: 'e2', columnFamily: 'c' } })).toEqual(['e2:c:whois:1.1.1.1', 'e2:a:asset:1.1.1.1']);
  });

  it('lists ENRICHMENT_GET / ENRICHMENT_EXISTS calls of Stellar groups and triage rules with literal locations', () => {
    const config = {
      enrichment: {
        fieldMap: {
          stellar: {
            config: {
              geo: ["owner := MAP_GET('owner', ENRICHMENT_GET('whois', ip_dst_addr, 'enrichment', 't'))", "n := 1 + 2"],
              dynamic: ["x := ENRICHMENT_GET(kind, ip_dst_addr, 'enrichment', 't')", "y := ENRICHMENT_EXISTS('flag', 'global', 'settings', 'f')"],
            },
          },
        },
      },
      threatIntel: {
        triageConfig: { riskLevelRules: [{ rule: "ENRICHMENT_EXISTS('malicious_ip', ip_src_addr, 'threatintel', 't')", score: 10 }] },
      },
    };
    expect(lookups(config, { ip_dst_addr: '8.8.8.8', ip_src_addr: '10.0.0.1', kind: 'whois' })).toEqual([
      'enrichment:t:whois:8.8.8.8',
      'threatintel:t:malicious_ip:10.0.0.1',
      'settings:f:flag:global',
    ]);
    expect(planTableLookups(normalizeSensorEnrichmentConfig({ enrichment: { fieldMap: { geo: ['a'] } } }, 'x'), 'x').empty).toBe(true);
  });
});
