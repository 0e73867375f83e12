import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSensorParser } from '../sensor-parser.js';
import { findParserDefinition } from '../registry.js';
import { testGuid } from '../test-support/conformance.js';
import { SuricataParser } from './suricata-parser.js';

const EVE = readFileSync(new URL('./fixtures/eve.json', import.meta.url), 'utf8').split('\n').filter((l) => l !== '');
const parser = new SuricataParser();
const messageOf = (text: string): Record<string, unknown> => {
  const outcome = parser.parse(text);
  if (!outcome.ok) throw new Error(outcome.reason);
  expect(outcome.messages).toHaveLength(1);
  return outcome.messages[0]!;
};
const byType = (type: string) => EVE.filter((l) => (JSON.parse(l) as { event_type: string }).event_type === type);

describe('Suricata EVE parser', () => {
  it('reads every event type of the fixture', () => {
    const types = EVE.map((l) => messageOf(l)['event_type']);
    expect(new Set(types)).toEqual(new Set(['alert', 'flow', 'dns', 'http', 'tls', 'fileinfo', 'anomaly', 'ssh', 'smtp', 'dhcp', 'stats', 'netflow', 'smb', 'krb5']));
    for (const line of EVE) {
      const m = messageOf(line);
      expect(Number.isInteger(m['timestamp'])).toBe(true);
      expect(m['original_string']).toBe(line);
      // nothing nested is left: every value is a scalar or a list
      for (const v of Object.values(m)) expect(typeof v === 'object' && v !== null && !Array.isArray(v)).toBe(false);
    }
  });

  it('maps an alert: 5-tuple, lower-case protocol, unfolded alert/http/flow objects, exact flow_id', () => {
    const line = byType('alert')[0]!;
    expect(messageOf(line)).toEqual({
      timestamp: Date.UTC(2024, 2, 12, 9, 14, 22, 331),
      flow_id: '1484385536290553856',
      in_iface: 'ens192',
      event_type: 'alert',
      ip_src_addr: '10.20.30.61',
      ip_src_port: 50211,
      ip_dst_addr: '203.0.113.80',
      ip_dst_port: 80,
      protocol: 'tcp',
      pkt_src: 'wire/pcap',
      community_id: '1:LQU9qZlK+B5F3KDmev6m5PMibrg=',
      tx_id: 0,
      'alert.action': 'allowed',
      'alert.gid': 1,
      'alert.signature_id': 2024897,
      'alert.rev': 4,
      'alert.signature': 'ET MALWARE Observed Malicious Gate POST',
      'alert.category': 'A Network Trojan was detected',
      'alert.severity': 1,
      'alert.metadata.affected_product': ['Windows_XP_Vista_7_8_10_Server_32_64_Bit'],
      'alert.metadata.attack_target': ['Client_Endpoint'],
      'alert.metadata.created_at': ['2017_10_25'],
      'alert.metadata.deployment': ['Perimeter'],
      'alert.metadata.signature_severity': ['Major'],
      'alert.metadata.updated_at': ['2023_08_21'],
      'http.hostname': '203.0.113.80',
      'http.url': '/gate.php',
      'http.http_user_agent': 'Mozilla/4.0 (compatible; MSIE 8.0)',
      'http.http_content_type': 'application/octet-stream',
      'http.http_method': 'POST',
      'http.protocol': 'HTTP/1.1',
      'http.status': 404,
      'http.length': 0,
      app_proto: 'http',
      direction: 'to_server',
      'flow.pkts_toserver': 4,
      'flow.pkts_toclient': 3,
      'flow.bytes_toserver': 1418,
      'flow.bytes_toclient': 402,
      'flow.start': '2024-03-12T09:14:22.101002+0000',
      'flow.src_ip': '10.20.30.61',
      'flow.dest_ip': '203.0.113.80',
      'flow.src_port': 50211,
      'flow.dest_port': 80,
      is_alert: 'true',
      original_string: line,
    });
  });

  it('keeps flow_id\'s exact digits as a string beyond 2^53 (JSON.parse would round them)', () => {
    expect(JSON.parse('{"flow_id":1484385536290553856}').flow_id).toBe(1484385536290553900); // the rounding we avoid
    const ids = EVE.map((l) => messageOf(l)['flow_id']).filter((id) => id !== undefined);
    for (const id of ids) expect(typeof id).toBe('string');
    expect(ids).toContain('1484385536290553856');
    expect(ids).toContain('2262357410355347721');
    expect(ids).toContain('9007199254740993'); // 2^53 + 1, the first integer a double cannot hold
    expect(ids).toContain('1852429713452785'); // below 2^53: a string too, so the field keeps one type
    for (const line of EVE) {
      const written = /"flow_id":(\d+)/.exec(line)?.[1];
      if (written !== undefined) expect(messageOf(line)['flow_id']).toBe(written);
    }
    // spaces, a nested flow_id and a parent_id; the key also inside a string must not mislead
    const text =
      '{"timestamp":"2024-03-12T09:14:22.331942+0000", "note":"\\"flow_id\\": 1484385536290553999", "flow_id" : 18446744073709551615, "parent_id":1484385536290553857, "tunnel":{"flow_id":12345678901234567890}, "event_type":"flow"}';
    expect(messageOf(text)).toMatchObject({ flow_id: '18446744073709551615', parent_id: '1484385536290553857', 'tunnel.flow_id': '12345678901234567890' });
    expect(messageOf('{"timestamp":"2024-03-12T09:14:22Z","flow_id":"77"}')['flow_id']).toBe('77');
  });

  it('reads the timestamp with its offset, truncating microseconds', () => {
    expect(messageOf(byType('alert')[1]!)['timestamp']).toBe(Date.UTC(2024, 2, 12, 9, 14, 22, 331)); // +0100
    expect(messageOf(byType('alert')[2]!)['timestamp']).toBe(Date.UTC(2024, 2, 12, 14, 15, 3, 4)); // -0500
    expect(messageOf('{"timestamp":"2024-03-12T09:14:22.999999+00:00","event_type":"x"}')['timestamp']).toBe(Date.UTC(2024, 2, 12, 9, 14, 22, 999));
  });

  it('maps each event type\'s objects', () => {
    const icmp = messageOf(byType('alert')[2]!);
    expect(icmp).toMatchObject({ protocol: 'ipv6-icmp', icmp_type: 128, 'alert.severity': 3, 'packet_info.linktype': 1, ip_src_addr: '2001:db8:0:0:0:0:0:1' });
    expect(icmp).not.toHaveProperty('ip_src_port');
    expect(messageOf(byType('alert')[3]!)['dns.query']).toEqual([{ type: 'query', id: 29871, rrname: 'x7qk2mz9w.badcdn.top', rrtype: 'TXT', tx_id: 0, opcode: 0 }]);
    expect(messageOf(byType('flow')[0]!)).toMatchObject({ 'flow.state': 'closed', 'flow.alerted': false, 'tcp.tcp_flags': '1b', 'tcp.syn': true, app_proto: 'tls' });
    const [query, answer, nx] = byType('dns').map(messageOf);
    expect(query).toMatchObject({ 'dns.type': 'query', 'dns.rrname': 'www.example.com', 'dns.id': 48212 });
    expect(answer).toMatchObject({ 'dns.rcode': 'NOERROR', 'dns.grouped.A': ['93.184.216.34'], 'dns.answers': [{ rrname: 'www.example.com', rrtype: 'A', ttl: 3600, rdata: '93.184.216.34' }] });
    expect(nx).toMatchObject({ 'dns.rcode': 'NXDOMAIN', 'dns.authorities': [{ rrname: 'top', rrtype: 'SOA', ttl: 900 }] });
    expect(messageOf(byType('http')[0]!)).toMatchObject({ 'http.http_port': 8080, 'http.request_headers': [{ name: 'Host', value: 'updates.example.org:8080' }, { name: 'Accept', value: '*/*' }] });
    expect(messageOf(byType('http')[1]!)).toMatchObject({ 'http.url': '/café/menü.html?q=a%09b', 'http.xff': '10.1.1.1', 'http.redirect': '' });
    expect(messageOf(byType('tls')[0]!)).toMatchObject({ 'tls.sni': 'www.example.com', 'tls.ja3.hash': 'cd08e31494f9531f560d64c695473da9', 'tls.ja3s.string': '772,4866,43-51', 'tls.notafter': '2025-02-10T23:59:59' });
    expect(messageOf(byType('fileinfo')[0]!)).toMatchObject({ 'fileinfo.sha256': '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824', 'fileinfo.size': 18232, 'fileinfo.stored': false, 'http.url': '/pkg/agent-3.2.1.msi?channel=stable' });
    const anomalies = byType('anomaly').map(messageOf);
    expect(anomalies[0]).toMatchObject({ 'anomaly.type': 'decode', 'anomaly.event': 'decoder.udp.pkt_too_small', ip_src_port: 0 });
    expect(anomalies[1]).toEqual({ timestamp: Date.UTC(2024, 2, 12, 9, 19, 5, 771), event_type: 'anomaly', 'anomaly.type': 'stream', 'anomaly.event': 'stream.pkt_invalid_timestamp', 'anomaly.code': 58, original_string: byType('anomaly')[1] });
    expect(messageOf(byType('ssh')[0]!)).toMatchObject({ 'ssh.client.software_version': 'libssh2_1.10.0', 'ssh.server.hassh.hash': 'b12d2871a1189eff20364cf5333619ee', flow_id: '9007199254740993' });
    expect(messageOf(byType('smtp')[0]!)).toMatchObject({ 'smtp.rcpt_to': ['<ap@corp.example>', '<cfo@corp.example>'], 'email.attachment': ['invoice-2024-0311.pdf.exe'], 'email.status': 'PARSE_DONE' });
    expect(messageOf(byType('dhcp')[0]!)).toMatchObject({ 'dhcp.dhcp_type': 'ack', 'dhcp.id': 3923911331, 'dhcp.dns_servers': ['10.20.0.53', '10.20.0.54'], ip_src_port: 67, protocol: 'udp' });
    const stats = messageOf(byType('stats')[0]!);
    expect(stats).toMatchObject({ 'stats.capture.kernel_drops': 1207, 'stats.decoder.bytes': 391226773120, 'stats.app_layer.flow.dns_udp': 301123, 'stats.detect.engines': [{ id: 0, last_reload: '2024-03-11T09:30:00.000000+0000', rules_loaded: 41233, rules_failed: 2 }] });
    expect(stats).not.toHaveProperty('protocol');
    expect(stats).not.toHaveProperty('is_alert');
    expect(messageOf(byType('netflow')[0]!)).toMatchObject({ 'netflow.bytes': 50503, 'netflow.min_ttl': 54, ip_src_port: 443 });
    expect(messageOf(byType('smb')[0]!)).toMatchObject({ 'smb.share': '\\\\DC01\\SYSVOL', 'smb.session_id': 17592186044449 });
    expect(messageOf(byType('krb5')[0]!)).toMatchObject({ 'krb5.error_code': 'KDC_ERR_S_PRINCIPAL_UNKNOWN', 'krb5.weak_encryption': false });
  });

  it('rejects what it cannot read, with a reason', () => {
    expect(parser.parse('{"timestamp":"2024-03-12T09:14:22.331942+0000",')).toMatchObject({ ok: false, reason: expect.stringMatching(/^invalid JSON: /) });
    expect(parser.parse('[{"timestamp":"2024-03-12T09:14:22Z"}]')).toEqual({ ok: false, reason: 'EVE record is not a JSON object' });
    expect(parser.parse('{"event_type":"alert"}')).toEqual({ ok: false, reason: 'EVE record has no timestamp' });
    expect(parser.parse('{"timestamp":"12/03/2024 09:14","event_type":"alert"}')).toEqual({ ok: false, reason: 'EVE timestamp "12/03/2024 09:14" is not ISO 8601 with a zone' });
    expect(parser.parse('{"timestamp":"2024-03-12T09:14:22.331942","event_type":"alert"}')).toMatchObject({ ok: false });
    expect(parser.parse('{"timestamp":1710234862,"event_type":"alert"}')).toMatchObject({ ok: false });
  });

  it('runs in the pipeline by its names', () => {
    for (const name of ['Suricata', 'SuricataEve', 'eve', 'metron.parsers.suricata.SuricataParser']) expect(findParserDefinition(name)?.id).toBe('suricata');
    const sensor = createSensorParser('suricata', { parserClassName: 'EVE' });
    const result = sensor.parse(Buffer.from(EVE[0]!), { guid: testGuid(3) });
    expect(result.errors).toEqual([]);
    expect(result.messages[0]).toMatchObject({ 'source.type': 'suricata', guid: testGuid(3)(0), flow_id: '1484385536290553856', 'alert.signature_id': 2024897 });
  });

  it('unfolds objects whose keys change order and set from record to record under one prefix', () => {
    const local = new SuricataParser();
    const read = (text: string) => {
      const outcome = local.parse(text);
      if (!outcome.ok) throw new Error(outcome.reason);
      return outcome.messages[0]!;
    };
    const t = '"timestamp":"2024-03-12T09:14:22Z"';
    expect(read(`{${t},"x":{"a":1,"b":2,"n":{"c":3}}}`)).toMatchObject({ 'x.a': 1, 'x.b': 2, 'x.n.c': 3 });
    const swapped = read(`{${t},"x":{"b":4,"a":5,"n":{"d":6,"c":7}}}`);
    expect(Object.keys(swapped)).toEqual(['x.b', 'x.a', 'x.n.d', 'x.n.c', 'timestamp', 'original_string']);
    expect(swapped).toMatchObject({ 'x.b': 4, 'x.a': 5, 'x.n.d': 6, 'x.n.c': 7 });
    expect(read(`{${t},"x":{"z":8}}`)).toMatchObject({ 'x.z': 8 });
    expect(read(`{${t},"x":{"a":9}}`)).not.toHaveProperty('x.z');
    // proto in lower case, whatever its case, every time
    for (const [proto, lower] of [['TCP', 'tcp'], ['Udp', 'udp'], ['TCP', 'tcp'], ['IPv6-ICMP', 'ipv6-icmp']]) expect(read(`{${t},"proto":"${proto}"}`)['protocol']).toBe(lower);
    // a __proto__ field stays a field
    const m = read(`{${t},"__proto__":{"a":1},"p":{"__proto__":2}}`);
    expect(Object.getPrototypeOf(m)).toBe(Object.prototype);
    expect(m).toMatchObject({ '__proto__.a': 1, 'p.__proto__': 2 });
  });
});
