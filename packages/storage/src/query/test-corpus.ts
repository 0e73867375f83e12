/**
 * A shared search corpus: documents of two sensors and Lucene queries with the guids each must
 * return. Every search backend runs it (the DuckDB store now, the OpenSearch backend when it
 * lands), so the backends agree on what a query means. `now` is fixed so date math is stable.
 */
import type { Message } from '@metron/core';

/** The clock reading queries are resolved against: 2023-11-15T00:00:00Z. */
export const CORPUS_NOW = Date.UTC(2023, 10, 15);
const HOUR = 3_600_000;

export const CORPUS_DOCUMENTS: Array<{ sensor: string; message: Message }> = [
  {
    sensor: 'bro',
    message: {
      guid: 'b1', 'source.type': 'bro', timestamp: CORPUS_NOW - 30 * HOUR, ip_src_addr: '10.0.0.1', ip_src_port: 50000,
      ip_dst_addr: '93.184.216.34', ip_dst_port: 80, protocol: 'http', method: 'GET', uri: '/index.html', status_code: 200,
      'enrichments.geo.ip_dst_addr.country': 'US', is_alert: false, tags: ['web', 'outbound'],
      original_string: 'HTTP GET /index.html from 10.0.0.1',
    },
  },
  {
    sensor: 'bro',
    message: {
      guid: 'b2', 'source.type': 'bro', timestamp: CORPUS_NOW - 20 * HOUR, ip_src_addr: '10.0.0.2', ip_src_port: 50001,
      ip_dst_addr: '151.101.1.69', ip_dst_port: 443, protocol: 'ssl', 'enrichments.geo.ip_dst_addr.country': 'DE',
      is_alert: true, 'threat.triage.score': 50, tags: ['tls'], original_string: 'TLS handshake to Example-Host',
    },
  },
  {
    sensor: 'bro',
    message: {
      guid: 'b3', 'source.type': 'bro', timestamp: CORPUS_NOW - 2 * HOUR, ip_src_addr: '10.0.0.1', ip_src_port: 50002,
      ip_dst_addr: '10.0.0.9', ip_dst_port: 22, protocol: 'ssh', 'enrichments.geo.ip_dst_addr.country': 'US',
      'threat.triage.score': 12.5, duration: 1.25, original_string: 'SSH login: user=root',
    },
  },
  {
    sensor: 'bro',
    message: {
      guid: 'b4', 'source.type': 'bro', timestamp: CORPUS_NOW - 1 * HOUR, ip_src_addr: '192.168.1.5', ip_src_port: 40000,
      ip_dst_addr: '8.8.8.8', ip_dst_port: 53, protocol: 'dns', query: 'www.example.com', 'source:type': 'odd',
      original_string: 'DNS query www.example.com',
    },
  },
  {
    sensor: 'snort',
    message: {
      guid: 's1', 'source.type': 'snort', timestamp: CORPUS_NOW - 25 * HOUR, ip_src_addr: '10.0.0.1', ip_dst_addr: '10.0.0.9',
      ip_dst_port: 22, protocol: 'TCP', sig_id: 1000, msg: "' OR 1=1 --", is_alert: true, 'threat.triage.score': 80,
      original_string: 'snort alert 1000',
    },
  },
  {
    sensor: 'snort',
    message: {
      guid: 's2', 'source.type': 'snort', timestamp: CORPUS_NOW - 3 * HOUR, ip_src_addr: '172.16.0.4', ip_dst_addr: '10.0.0.1',
      ip_dst_port: 8080, protocol: 'TCP', sig_id: 2000, msg: 'ET POLICY curl User-Agent', is_alert: true,
      'threat.triage.score': 20, original_string: 'snort alert 2000 curl',
    },
  },
];

export interface CorpusCase {
  query: string;
  /** Guids of the expected hits, in any order. */
  guids: string[];
  /** Restrict to these sensors (default: all). */
  indices?: string[];
}

export const CORPUS_CASES: CorpusCase[] = [
  { query: '*', guids: ['b1', 'b2', 'b3', 'b4', 's1', 's2'] },
  { query: '*:*', guids: ['b1', 'b2', 'b3', 'b4', 's1', 's2'] },
  { query: '', guids: ['b1', 'b2', 'b3', 'b4', 's1', 's2'] },
  // field:value, escapes, dotted names
  { query: 'ip_src_addr:10.0.0.1', guids: ['b1', 'b3', 's1'] },
  { query: 'ip_src_addr:10\\.0\\.0\\.1', guids: ['b1', 'b3', 's1'] },
  { query: 'ip_src_addr:"10.0.0.1"', guids: ['b1', 'b3', 's1'] },
  { query: 'enrichments.geo.ip_dst_addr.country:US', guids: ['b1', 'b3'] },
  { query: 'source\\:type:odd', guids: ['b4'] },
  { query: 'uri:\\/index.html', guids: ['b1'] },
  { query: 'msg:"\' OR 1=1 --"', guids: ['s1'] },
  { query: 'protocol:tcp', guids: [] },
  { query: 'protocol:TCP', guids: ['s1', 's2'] },
  // typed values
  { query: 'ip_dst_port:22', guids: ['b3', 's1'] },
  { query: 'ip_dst_port:abc', guids: [] },
  { query: 'threat.triage.score:12.5', guids: ['b3'] },
  { query: 'threat.triage.score:50', guids: ['b2'] },
  { query: 'is_alert:true', guids: ['b2', 's1', 's2'] },
  { query: 'is_alert:false', guids: ['b1'] },
  { query: 'is_alert:yes', guids: [] },
  { query: 'tags:web', guids: ['b1'] },
  { query: 'no_such_field:1', guids: [] },
  // default field: exact value in any field, or contained in original_string
  { query: '10.0.0.9', guids: ['b3', 's1'] },
  { query: '8080', guids: ['s2'] },
  { query: 'example-host', guids: ['b2'] },
  { query: '"alert 2000"', guids: ['s2'] },
  { query: 'curl', guids: ['s2'] },
  // wildcards
  { query: 'ip_src_addr:10.0.0.*', guids: ['b1', 'b2', 'b3', 's1'] },
  { query: 'ip_src_addr:10.0.0.?', guids: ['b1', 'b2', 'b3', 's1'] },
  { query: 'protocol:s*', guids: ['b2', 'b3'] },
  { query: 'query:*.example.com', guids: ['b4'] },
  { query: 'ip_dst_port:8*', guids: [] },
  { query: 'ET*', guids: ['s2'] },
  { query: 'protocol:*', guids: ['b1', 'b2', 'b3', 'b4', 's1', 's2'] },
  // ranges
  { query: 'ip_dst_port:[22 TO 80]', guids: ['b1', 'b3', 'b4', 's1'] },
  { query: 'ip_dst_port:{22 TO 80}', guids: ['b4'] },
  { query: 'ip_dst_port:[22 TO 80}', guids: ['b3', 'b4', 's1'] },
  { query: 'ip_dst_port:{443 TO *]', guids: ['s2'] },
  { query: 'ip_dst_port:>=443', guids: ['b2', 's2'] },
  { query: 'ip_dst_port:<53', guids: ['b3', 's1'] },
  { query: 'threat.triage.score:>20', guids: ['b2', 's1'] },
  { query: 'threat.triage.score:[12.5 TO 20]', guids: ['b3', 's2'] },
  { query: 'duration:[* TO *]', guids: ['b3'] },
  { query: 'ip_src_addr:[10.0.0.1 TO 10.0.0.2]', guids: ['b1', 'b2', 'b3', 's1'] },
  { query: 'protocol:[a TO m]', guids: ['b4', 'b1'] },
  { query: 'ip_dst_port:[abc TO 100]', guids: [] },
  // time ranges on timestamp: epoch ms, ISO 8601, date math
  { query: `timestamp:[${CORPUS_NOW - 24 * HOUR} TO ${CORPUS_NOW}]`, guids: ['b2', 'b3', 'b4', 's2'] },
  { query: 'timestamp:[now-24h TO now]', guids: ['b2', 'b3', 'b4', 's2'] },
  { query: 'timestamp:>=now-2h', guids: ['b3', 'b4'] },
  { query: 'timestamp:[2023-11-13T18:00:00Z TO 2023-11-14T12:00:00Z}', guids: ['b1', 'b2', 's1'] },
  { query: 'timestamp:[2023-11-13T18:00:00Z TO 2023-11-14T04:00:00Z}', guids: ['b1', 's1'] },
  { query: 'timestamp:["2023-11-14 22:00" TO *]', guids: ['b3', 'b4'] },
  { query: 'timestamp:{2023-11-14T04:00:00+01:00 TO now-1d}', guids: [] },
  // boolean operators, modifiers, grouping
  { query: 'ip_src_addr:10.0.0.1 AND protocol:ssh', guids: ['b3'] },
  { query: 'protocol:ssh OR protocol:dns', guids: ['b3', 'b4'] },
  { query: 'protocol:ssh || protocol:dns', guids: ['b3', 'b4'] },
  { query: 'ip_src_addr:10.0.0.1 && !protocol:http', guids: ['b3', 's1'] },
  { query: 'NOT is_alert:true', guids: ['b1', 'b3', 'b4'] },
  { query: 'ip_src_addr:10.0.0.1 NOT protocol:ssh', guids: ['b1', 's1'] },
  { query: '+ip_src_addr:10.0.0.1 -protocol:ssh', guids: ['b1', 's1'] },
  { query: '+is_alert:true protocol:ssl', guids: ['b2', 's1', 's2'] },
  { query: '-is_alert:true', guids: ['b1', 'b3', 'b4'] },
  { query: '(protocol:ssh OR protocol:TCP) AND ip_dst_port:22', guids: ['b3', 's1'] },
  { query: 'protocol:(ssh OR dns OR http)', guids: ['b1', 'b3', 'b4'] },
  { query: 'ip_dst_port:(22 OR >=8080)', guids: ['b3', 's1', 's2'] },
  { query: 'protocol:(+TCP -"TCP")', guids: [] },
  { query: '_exists_:threat.triage.score', guids: ['b2', 'b3', 's1', 's2'] },
  { query: 'NOT _exists_:threat.triage.score', guids: ['b1', 'b4'] },
  { query: '_exists_:no_such_field', guids: [] },
  // addresses on ip fields: CIDR blocks, IPv6 prefixes, ranges compared as addresses
  { query: 'ip_src_addr:10.0.0.0/8', guids: ['b1', 'b2', 'b3', 's1'] },
  { query: 'ip_src_addr:10.0.0.0\\/8', guids: ['b1', 'b2', 'b3', 's1'] },
  { query: 'ip_src_addr:"192.168.1.0/24"', guids: ['b4'] },
  { query: 'ip_src_addr:172.16.0.0/12', guids: ['s2'] },
  { query: 'ip_src_addr:10.0.0.1/32', guids: ['b1', 'b3', 's1'] },
  { query: 'ip_dst_addr:10.0.0.0/29', guids: ['s2'] },
  { query: 'ip_dst_addr:10.0.0.8/29', guids: ['b3', 's1'] },
  { query: 'ip_dst_addr:0.0.0.0/0', guids: ['b1', 'b2', 'b3', 'b4', 's1', 's2'] },
  { query: 'ip_src_addr:(10.0.0.2/31 OR 192.168.0.0/16)', guids: ['b2', 'b4'] },
  { query: 'NOT ip_src_addr:10.0.0.0/8', guids: ['b4', 's2'] },
  { query: '10.0.0.0/8', guids: ['b1', 'b2', 'b3', 's1', 's2'] },
  { query: 'ip_src_addr:10.0.0.0/33', guids: [] },
  { query: 'protocol:10.0.0.0/8', guids: [] },
  { query: 'ip_src_addr:"2001:db8::/32"', guids: [] },
  { query: 'ip_src_addr:2001\\:db8\\:\\:/32', guids: [] },
  { query: 'ip_src_addr:"::/0"', guids: ['b1', 'b2', 'b3', 'b4', 's1', 's2'] },
  { query: 'ip_src_addr:"::ffff:0a00:0001"', guids: ['b1', 'b3', 's1'] },
  { query: 'ip_dst_addr:[10.0.0.1 TO 10.0.0.255]', guids: ['b3', 's1', 's2'] },
  { query: 'ip_dst_addr:[8.8.8.8 TO 93.184.216.34]', guids: ['b1', 'b3', 'b4', 's1', 's2'] },
  { query: 'ip_dst_addr:{10.0.0.1 TO 10.0.0.9}', guids: [] },
  { query: 'ip_src_addr:>192.168.1.4', guids: ['b4'] },
  { query: 'ip_src_addr:[:: TO 10.0.0.1]', guids: ['b1', 'b3', 's1'] },
  { query: 'ip_src_addr:["::" TO "::ffff:10.0.0.1"]', guids: ['b1', 'b3', 's1'] },
  { query: 'ip_dst_addr:[10.0.0.1 TO abc]', guids: [] },
  { query: 'sig_id:1000', guids: ['s1'], indices: ['snort'] },
  { query: 'ip_dst_port:22', guids: ['b3'], indices: ['bro'] },
];
