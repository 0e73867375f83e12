// Per-parser throughput on one core (one JS thread), through the production path: createSensorParser
// (strict UTF-8 decoding, the parser, the sensor's field transformations, guid, original_string,
// validation), from the built package (run `npm run build` first).
// For each format: a fixed-seed corpus of realistic lines (varied addresses, ports, names and
// lengths), one checking pass (every line must parse: `errors` counts those that did not), a warm-up,
// then repeated passes over the corpus for the measuring time, in 5 rounds. Reported: lines/s, MB/s
// and µs per line of the median round (wall clock; the machine may be shared, the median resists a
// busy neighbour), the best round's lines/s, CPU µs per line over all rounds, and the target with
// `met` (median against target). A parser that is not in the registry is reported as
// { parser, error: "not registered" }.
// Run: node bench/run.js parsers   (or: node bench/parsers.js [ParserName ...])
// Env: BENCH_PARSER_LINES (corpus lines, default 50000), BENCH_PARSER_WARMUP_MS (500),
//      BENCH_PARSER_MS (2000).
import { pathToFileURL } from 'node:url';
import { seededRandom } from '@metron/core';
import { createSensorParser, findParserDefinition } from '@metron/parsers';

const LINES = Math.max(50_000, Number(process.env.BENCH_PARSER_LINES ?? 50_000));
const WARMUP_MS = Number(process.env.BENCH_PARSER_WARMUP_MS ?? 500);
const MEASURE_MS = Number(process.env.BENCH_PARSER_MS ?? 2000);
const ROUNDS = 5;
const SEED = 20240615;
/** The corpora's clock: 2024-06-15T12:00:00Z, advancing a few ms per line. */
const T0 = Date.UTC(2024, 5, 15, 12, 0, 0);
/** "now" of every record, so that year-less dates resolve the same run to run. */
const NOW = Date.UTC(2024, 5, 16, 0, 0, 0);

// ---------------------------------------------------------------------------------------------
// Shared vocabulary of the generators

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'niaj', 'olivia', 'peggy', 'rupert', 'sybil', 'trent', 'victor', 'walter', 'svc_backup', 'admin', 'root', 'deploy', 'jenkins'];
const DOMAINS = ['example.com', 'cisco.com', 'cnn.com', 'nba.com', 'github.com', 'wikipedia.org', 'googleapis.com', 'akamaiedge.net', 'office365.com', 'slack.com', 'stackoverflow.com', 'amazonaws.com', 'cloudfront.net', 'bbc.co.uk', 'xn--80ak6aa92e.com', 'olx5x9ny.org.it'];
const SUBS = ['www', 'api', 'cdn', 'mail', 'login', 'static', 'img', 'updates', 'ws', 'portal', 'a1', 'edge-07'];
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima', 'mike', 'november', 'oscar', 'papa', 'quebec', 'romeo', 'sierra', 'tango', 'uniform', 'victor', 'whiskey', 'xray', 'yankee', 'zulu'];
const HOSTS = ['fw01', 'fw02', 'bastion-1', 'web-02', 'db-primary', 'mx1', 'vpn-gw', 'k8s-node-14', 'dc01.corp.local', 'proxy-3'];
const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'curl/8.5.0',
  'python-requests/2.31.0',
  'Microsoft-CryptoAPI/10.0',
  'Go-http-client/1.1',
];
const MIME = ['text/html', 'application/json', 'image/png', 'application/octet-stream', 'text/css', 'application/javascript', 'image/jpeg'];
const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'HEAD', 'DELETE', 'CONNECT'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SIGNATURES = [
  [2013028, 'ET POLICY curl User-Agent Outbound', 'Attempted Information Leak', 2],
  [2210045, 'SURICATA STREAM Packet with invalid ack', 'Generic Protocol Command Decode', 3],
  [2024897, 'ET USER_AGENTS Go HTTP Client User-Agent', 'Misc activity', 3],
  [2027865, 'ET INFO Observed DNS Query to .cloud TLD', 'Potentially Bad Traffic', 2],
  [2001219, 'ET SCAN Potential SSH Scan', 'Attempted Information Leak', 2],
  [2019401, 'ET POLICY Vulnerable Java Version 1.8.x Detected', 'Potential Corporate Privacy Violation', 1],
];

/** The generators' random source and helpers; one per corpus, seeded per format. */
function randomTools(seed) {
  const rnd = seededRandom(seed);
  const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = (list) => list[Math.floor(rnd() * list.length)];
  const chance = (p) => rnd() < p;
  const privateIp = () => (chance(0.6) ? `10.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}` : `192.168.${int(0, 255)}.${int(1, 254)}`);
  const publicIp = () => `${pick([23, 31, 52, 64, 72, 93, 104, 142, 151, 172, 185, 199, 203, 216])}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`;
  const ipv6 = () => `2001:db8:${int(0, 0xffff).toString(16)}::${int(1, 0xffff).toString(16)}`;
  const ip = () => (chance(0.03) ? ipv6() : chance(0.5) ? privateIp() : publicIp());
  const ephemeral = () => int(1024, 65535);
  const service = () => pick([22, 25, 53, 80, 80, 123, 389, 443, 443, 443, 445, 993, 3306, 3389, 5432, 8080, 8443]);
  const user = () => (chance(0.8) ? pick(USERS) : `${pick(USERS)}${int(1, 999)}`);
  const host = () => `${pick(SUBS)}.${pick(DOMAINS)}`;
  const word = () => pick(WORDS);
  const path = () => {
    let p = '';
    for (let i = int(0, 5); i >= 0; i--) p += `/${chance(0.3) ? int(1, 99999) : word()}`;
    if (chance(0.4)) p += `?id=${int(1, 1e6)}&q=${word()}${chance(0.3) ? `&session=${hex(16)}` : ''}`;
    return p;
  };
  const url = () => `${chance(0.7) ? 'https' : 'http'}://${host()}${path()}`;
  const hex = (n) => {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[int(0, 15)];
    return s;
  };
  const base62 = (n) => {
    const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    let s = '';
    for (let i = 0; i < n; i++) s += chars[int(0, 61)];
    return s;
  };
  const sentence = (min, max) => {
    const words = [];
    for (let i = int(min, max); i > 0; i--) words.push(word());
    return words.join(' ');
  };
  let clock = T0;
  const tick = () => (clock += int(0, 40));
  return { rnd, int, pick, chance, privateIp, publicIp, ip, ephemeral, service, user, host, word, path, url, hex, base62, sentence, tick };
}

const pad = (value, width) => String(value).padStart(width, ' ');
const two = (n) => String(n).padStart(2, '0');
const three = (n) => String(n).padStart(3, '0');
/** `yyyy-MM-dd HH:mm:ss.SSS` in UTC. */
const isoSpace = (ms) => new Date(ms).toISOString().slice(0, 23).replace('T', ' ');
/** `MMM dd HH:mm:ss` (syslog 3164, day space-padded). */
const bsdDate = (ms) => {
  const d = new Date(ms);
  return `${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate(), 2)} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
};
const epochSeconds = (ms, digits) => (ms / 1000).toFixed(digits);

// ---------------------------------------------------------------------------------------------
// One generator per format: (tools) => line

function jsonMapLine(r) {
  const event = {
    timestamp: r.tick(),
    event_type: r.pick(['login', 'logout', 'file_access', 'api_call', 'config_change', 'api_call']),
    user: r.user(),
    ip_src_addr: r.ip(),
    ip_src_port: r.ephemeral(),
    ip_dst_addr: r.ip(),
    ip_dst_port: r.service(),
    bytes_in: r.int(0, 5_000_000),
    bytes_out: r.int(0, 200_000),
    url: r.url(),
    status: r.pick([200, 200, 200, 201, 204, 301, 302, 400, 401, 403, 404, 500]),
    success: r.chance(0.9),
    duration_ms: Math.round(r.rnd() * 250_000) / 100,
  };
  if (r.chance(0.5)) event.user_agent = r.pick(USER_AGENTS);
  if (r.chance(0.3)) event.tags = [r.word(), r.word()];
  if (r.chance(0.3)) event.message = r.sentence(3, 30);
  if (r.chance(0.2)) event.geo = { country: r.pick(['US', 'DE', 'FR', 'BR', 'IN', 'JP']), city: r.word() }; // dropped (mapStrategy DROP)
  return JSON.stringify(event);
}

function broLine(r) {
  const ts = Number(epochSeconds(r.tick(), 6));
  const base = { ts, uid: `C${r.base62(17)}`, 'id.orig_h': r.ip(), 'id.orig_p': r.ephemeral(), 'id.resp_h': r.ip(), 'id.resp_p': r.service() };
  switch (r.int(0, 4)) {
    case 0:
    case 1:
      return JSON.stringify({
        conn: {
          ...base,
          proto: r.pick(['tcp', 'tcp', 'udp', 'icmp']),
          service: r.pick(['http', 'ssl', 'dns', 'ssh', '-']),
          duration: Math.round(r.rnd() * 1e6) / 1e3,
          orig_bytes: r.int(0, 100_000),
          resp_bytes: r.int(0, 5_000_000),
          conn_state: r.pick(['SF', 'S0', 'REJ', 'RSTO', 'SH', 'OTH']),
          local_orig: r.chance(0.5),
          missed_bytes: 0,
          history: r.pick(['ShADadfF', 'S', 'ShADadFf', 'Dd', 'ShAdDaFf']),
          orig_pkts: r.int(1, 400),
          orig_ip_bytes: r.int(40, 200_000),
          resp_pkts: r.int(0, 4000),
          resp_ip_bytes: r.int(0, 5_200_000),
          tunnel_parents: [],
        },
      });
    case 2:
      return JSON.stringify({
        http: {
          ...base,
          trans_depth: r.int(1, 4),
          method: r.pick(METHODS),
          host: r.host(),
          uri: r.path(),
          user_agent: r.pick(USER_AGENTS),
          request_body_len: r.int(0, 4000),
          response_body_len: r.int(0, 500_000),
          status_code: r.pick([200, 200, 301, 304, 404, 500]),
          status_msg: 'OK',
          tags: [],
          resp_fuids: [`F${r.base62(17)}`],
          resp_mime_types: [r.pick(MIME)],
        },
      });
    case 3:
      return JSON.stringify({
        dns: {
          ...base,
          proto: 'udp',
          trans_id: r.int(0, 65535),
          query: r.host(),
          qclass: 1,
          qclass_name: 'C_INTERNET',
          qtype: r.pick([1, 28, 5, 15]),
          qtype_name: r.pick(['A', 'AAAA', 'CNAME', 'MX']),
          rcode: 0,
          rcode_name: 'NOERROR',
          AA: false,
          TC: false,
          RD: true,
          RA: true,
          Z: 0,
          answers: [r.publicIp(), r.publicIp()],
          TTLs: [r.int(30, 86400), r.int(30, 3600)],
          rejected: false,
        },
      });
    default:
      return JSON.stringify({
        ssl: {
          ...base,
          version: r.pick(['TLSv12', 'TLSv13']),
          cipher: r.pick(['TLS_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384']),
          curve: 'x25519',
          server_name: r.host(),
          resumed: r.chance(0.3),
          established: true,
          subject: `CN=${r.host()}`,
          issuer: 'CN=R3,O=Let\'s Encrypt,C=US',
        },
      });
  }
}

function suricataLine(r) {
  const ms = r.tick();
  const micros = String(r.int(0, 999)).padStart(3, '0');
  const timestamp = `${new Date(ms).toISOString().slice(0, 23)}${micros}+0000`;
  const proto = r.pick(['TCP', 'TCP', 'UDP']);
  const base = {
    timestamp,
    flow_id: r.int(1e14, 9e15),
    in_iface: r.pick(['eth0', 'ens192', 'bond0']),
    event_type: '',
    src_ip: r.ip(),
    src_port: r.ephemeral(),
    dest_ip: r.ip(),
    dest_port: r.service(),
    proto,
  };
  switch (r.int(0, 4)) {
    case 0: {
      const [id, signature, category, severity] = r.pick(SIGNATURES);
      return JSON.stringify({
        ...base,
        event_type: 'alert',
        tx_id: r.int(0, 9),
        alert: { action: r.pick(['allowed', 'blocked']), gid: 1, signature_id: id, rev: r.int(1, 12), signature, category, severity },
        http: { hostname: r.host(), url: r.path(), http_user_agent: r.pick(USER_AGENTS), http_method: r.pick(METHODS), protocol: 'HTTP/1.1', status: 200, length: r.int(0, 90_000) },
        app_proto: 'http',
        flow: { pkts_toserver: r.int(1, 90), pkts_toclient: r.int(0, 90), bytes_toserver: r.int(60, 90_000), bytes_toclient: r.int(0, 900_000), start: timestamp },
      });
    }
    case 1:
      return JSON.stringify({
        ...base,
        event_type: 'flow',
        app_proto: r.pick(['tls', 'http', 'dns', 'failed']),
        flow: {
          pkts_toserver: r.int(1, 900),
          pkts_toclient: r.int(0, 900),
          bytes_toserver: r.int(60, 900_000),
          bytes_toclient: r.int(0, 9_000_000),
          start: timestamp,
          end: timestamp,
          age: r.int(0, 300),
          state: r.pick(['closed', 'new', 'established']),
          reason: r.pick(['timeout', 'shutdown']),
          alerted: false,
        },
        tcp: { tcp_flags: '1b', syn: true, fin: true, psh: true, ack: true, state: 'closed' },
      });
    case 2:
      return JSON.stringify({ ...base, event_type: 'dns', dns: { type: 'query', id: r.int(0, 65535), rrname: r.host(), rrtype: r.pick(['A', 'AAAA', 'TXT']), tx_id: 0 } });
    case 3:
      return JSON.stringify({
        ...base,
        event_type: 'http',
        tx_id: r.int(0, 9),
        http: { hostname: r.host(), url: r.path(), http_user_agent: r.pick(USER_AGENTS), http_content_type: r.pick(MIME), http_method: r.pick(METHODS), protocol: 'HTTP/1.1', status: r.pick([200, 302, 404]), length: r.int(0, 90_000) },
      });
    default:
      return JSON.stringify({
        ...base,
        event_type: 'tls',
        tls: { subject: `CN=${r.host()}`, issuerdn: 'C=US, O=Let\'s Encrypt, CN=R3', serial: r.hex(12).toUpperCase(), fingerprint: r.hex(40), sni: r.host(), version: 'TLS 1.2', notbefore: '2024-05-01T00:00:00', notafter: '2024-07-30T23:59:59', ja3: { hash: r.hex(32) } },
      });
  }
}

const ZEEK_CONN_FIELDS = ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'service', 'duration', 'orig_bytes', 'resp_bytes', 'conn_state', 'local_orig', 'local_resp', 'missed_bytes', 'history', 'orig_pkts', 'orig_ip_bytes', 'resp_pkts', 'resp_ip_bytes', 'tunnel_parents'];
const ZEEK_CONN_TYPES = ['time', 'string', 'addr', 'port', 'addr', 'port', 'enum', 'string', 'interval', 'count', 'count', 'string', 'bool', 'bool', 'count', 'string', 'count', 'count', 'count', 'count', 'set[string]'];

function zeekLine(r) {
  const established = r.chance(0.7);
  return [
    epochSeconds(r.tick(), 6),
    `C${r.base62(17)}`,
    r.ip(),
    r.ephemeral(),
    r.ip(),
    r.service(),
    r.pick(['tcp', 'tcp', 'udp', 'icmp']),
    established ? r.pick(['http', 'ssl', 'dns', 'ssh', 'smtp']) : '-',
    established ? (r.rnd() * 120).toFixed(6) : '-',
    established ? r.int(0, 100_000) : '-',
    established ? r.int(0, 5_000_000) : '-',
    established ? 'SF' : r.pick(['S0', 'REJ', 'OTH']),
    r.pick(['T', 'F']),
    r.pick(['T', 'F']),
    0,
    established ? r.pick(['ShADadfF', 'ShADadFf', 'ShAdDaFf']) : 'S',
    r.int(1, 400),
    r.int(40, 200_000),
    r.int(0, 4000),
    r.int(0, 5_200_000),
    r.chance(0.05) ? `C${r.base62(17)}` : '(empty)',
  ].join('\t');
}

function yafLine(r) {
  const start = r.tick();
  const duration = r.chance(0.5) ? 0 : r.int(1, 600_000);
  const proto = r.pick([6, 6, 17, 1]);
  const flags = () => r.pick(['S', 'AS', 'AP', 'APF', 'R', 'AR', '']);
  const cols = [
    isoSpace(start),
    isoSpace(start + duration),
    pad((duration / 1000).toFixed(3), 8),
    pad((r.int(0, 900) / 1000).toFixed(3), 8),
    pad(proto, 3),
    pad(r.ip(), 40),
    pad(r.ephemeral(), 5),
    pad(r.ip(), 40),
    pad(r.service(), 5),
    pad(flags(), 8),
    pad(flags(), 8),
    pad(flags(), 8),
    pad(flags(), 8),
    r.hex(8),
    r.hex(8),
    three(0),
    three(0),
    pad(r.int(1, 9000), 8),
    pad(r.int(40, 9_000_000), 8),
    pad(r.int(0, 9000), 8),
    pad(r.int(0, 9_000_000), 8),
    pad(r.pick([0, 0, 53, 80, 443]), 5),
    r.pick(['idle', 'active', 'eof', 'rsrc']),
  ];
  return cols.join('|');
}

function squidLine(r) {
  const action = r.pick(['TCP_MISS', 'TCP_MISS', 'TCP_HIT', 'TCP_TUNNEL', 'TCP_DENIED', 'TCP_REFRESH_MODIFIED']);
  const code = action === 'TCP_DENIED' ? 403 : r.pick([200, 200, 200, 304, 302, 404]);
  const method = action === 'TCP_TUNNEL' ? 'CONNECT' : r.pick(METHODS.filter((m) => m !== 'CONNECT'));
  const target = method === 'CONNECT' ? `${r.host()}:443` : r.url();
  const peer = action === 'TCP_DENIED' ? 'NONE/-' : `DIRECT/${r.publicIp()}`;
  return `${epochSeconds(r.tick(), 3)} ${pad(r.int(0, 90_000), 6)} ${r.privateIp()} ${action}/${code} ${r.int(200, 2_000_000)} ${method} ${target} ${r.chance(0.3) ? r.user() : '-'} ${peer} ${action === 'TCP_DENIED' ? 'text/html' : r.pick(MIME)}`;
}

function webSphereLine(r) {
  const host = `${r.pick(['ABC', 'PHI', 'ROB', 'SAGP'])}XML${r.int(1, 9)}${r.pick(['413', 'RWD', 'QRS', 'QA333'])}`;
  const when = bsdDate(r.tick());
  const ip = r.ip();
  switch (r.int(0, 3)) {
    case 0:
      return `<133>${when} ${host} [${r.word()}Out][0x81000033][auth][notice] user(${r.user()}): [${ip}]: User logged into '${r.word()}Out'.`;
    case 1:
      return `<134>${when} ${host} [0x81000019][auth][info] [${ip}]: User '${r.user()}' logged out from '${r.pick(['default', r.word()])}'.`;
    case 2:
      return `<131>${when} ${host} [0x80800018][auth][error] [${ip}]: Attempt to log in as user '${r.user()}' failed.`;
    default:
      return `<134>${when} ${host} [0x8240001c][audit][info] trans(${r.int(1, 9999)}): (admin:default:system:*): ntp-service '${r.word()} Service' - Operational state ${r.pick(['down', 'up'])}`;
  }
}

function cefLine(r) {
  const [, name, category, severity] = r.pick(SIGNATURES);
  const vendor = r.pick([
    ['Palo Alto Networks', 'PAN-OS', '10.1.6'],
    ['Security', 'threatmanager', '1.0'],
    ['CyberArk', 'Vault', '11.4.0000'],
    ['Trend Micro', 'Deep Security Agent', '20.0.1'],
    ['Imperva Inc.', 'SecureSphere', '14.7.0'],
  ]);
  const ext = [`rt=${r.chance(0.5) ? r.tick() : `${bsdDate(r.tick()).slice(0, 6)} 2024 ${bsdDate(r.tick()).slice(7)} GMT`}`, `src=${r.ip()}`, `spt=${r.ephemeral()}`, `dst=${r.ip()}`, `dpt=${r.service()}`];
  ext.push(`proto=${r.pick(['TCP', 'UDP'])}`, `act=${r.pick(['alert', 'blocked', 'allowed', 'reset-both'])}`);
  if (r.chance(0.6)) ext.push(`suser=${r.user()}`);
  if (r.chance(0.5)) ext.push(`request=${r.url()}`);
  if (r.chance(0.5)) ext.push(`cs1Label=Rule`, `cs1=${r.word()}-to-${r.word()}`);
  if (r.chance(0.4)) ext.push(`cs2Label=Category`, `cs2=${category}`);
  if (r.chance(0.4)) ext.push(`cn1Label=SessionID`, `cn1=${r.int(1, 9_999_999)}`);
  if (r.chance(0.4)) ext.push(`msg=${r.sentence(2, 20)}`);
  if (r.chance(0.3)) ext.push(`deviceExternalId=${r.hex(12)}`, `dvchost=${r.pick(HOSTS)}`);
  const body = `CEF:0|${vendor[0]}|${vendor[1]}|${vendor[2]}|${r.int(100, 999999)}|${name}|${severity * 3}|${ext.join(' ')}`;
  return r.chance(0.4) ? `<${r.int(8, 190)}>${bsdDate(r.tick())} ${r.pick(HOSTS)} ${body}` : body;
}

function leefLine(r) {
  const v2 = r.chance(0.5);
  const delimiter = v2 ? '^' : '\t';
  const attrs = [`src=${r.ip()}`, `dst=${r.ip()}`, `srcPort=${r.ephemeral()}`, `dstPort=${r.service()}`, `proto=${r.pick(['TCP', 'UDP'])}`, `sev=${r.int(1, 10)}`, `cat=${r.pick(['System', 'Anti-Malware', 'Web Reputation', 'Firewall'])}`];
  attrs.push(`devTime=${r.tick()}`);
  if (r.chance(0.7)) attrs.push(`usrName=${r.user()}`);
  if (r.chance(0.5)) attrs.push(`url=${r.url()}`);
  if (r.chance(0.4)) attrs.push(`msg=${r.sentence(2, 18)}`);
  if (r.chance(0.3)) attrs.push(`identHostName=${r.pick(HOSTS)}`, `identSrc=${r.privateIp()}`);
  const vendor = r.pick([
    ['IBM', 'QRadar', '7.5'],
    ['Trend Micro', 'Deep Security Manager', '20.0'],
    ['Lancope', 'StealthWatch', '7.3'],
  ]);
  const body = v2
    ? `LEEF:2.0|${vendor[0]}|${vendor[1]}|${vendor[2]}|${r.int(1, 9_999_999)}|${delimiter}|${attrs.join(delimiter)}`
    : `LEEF:1.0|${vendor[0]}|${vendor[1]}|${vendor[2]}|${r.int(1, 9_999_999)}|${attrs.join(delimiter)}`;
  return r.chance(0.3) ? `<13>${bsdDate(r.tick())} ${r.pick(HOSTS)} ${body}` : body;
}

function syslog3164Line(r) {
  const when = bsdDate(r.tick());
  const host = r.pick(HOSTS);
  switch (r.int(0, 4)) {
    case 0:
      return `<38>${when} ${host} sshd[${r.int(300, 65000)}]: ${r.pick(['Accepted publickey', 'Accepted password', 'Failed password'])} for ${r.user()} from ${r.ip()} port ${r.ephemeral()} ssh2${r.chance(0.5) ? `: ED25519 SHA256:${r.base62(43)}` : ''}`;
    case 1:
      return `<85>${when} ${host} sudo: ${pad(r.user(), 8)} : TTY=pts/${r.int(0, 9)} ; PWD=/home/${r.user()} ; USER=root ; COMMAND=/usr/bin/systemctl restart ${r.word()}`;
    case 2:
      return `<78>${when} ${host} CRON[${r.int(300, 65000)}]: (${r.user()}) CMD (${r.pick(['run-parts /etc/cron.hourly', `/usr/local/bin/${r.word()}.sh`, 'test -x /usr/sbin/anacron'])})`;
    case 3:
      return `<4>${when} ${host} kernel: [${r.int(1, 9_999_999)}.${r.int(100000, 999999)}] IN=eth0 OUT= SRC=${r.ip()} DST=${r.ip()} LEN=${r.int(40, 1500)} PROTO=${r.pick(['TCP', 'UDP'])} SPT=${r.ephemeral()} DPT=${r.service()}`;
    default:
      return `<22>${when} ${host} postfix/smtp[${r.int(300, 65000)}]: ${r.hex(10).toUpperCase()}: to=<${r.user()}@${r.host()}>, relay=${r.host()}[${r.publicIp()}]:25, delay=${(r.rnd() * 5).toFixed(2)}, status=sent (250 2.0.0 OK ${r.sentence(1, 6)})`;
  }
}

function syslog5424Line(r) {
  const ms = r.tick();
  const app = r.pick(['sshd', 'nginx', 'kubelet', 'loggregator', 'evntslog', 'su']);
  const sd = r.chance(0.5)
    ? `[exampleSDID@32473 iut="${r.int(1, 9)}" eventSource="${r.word()}" eventID="${r.int(1000, 9999)}"]${r.chance(0.4) ? `[origin@0 ip="${r.ip()}" software="${r.word()}"]` : ''}`
    : '-';
  const msg = r.chance(0.9) ? ` ${r.pick(['Removing instance', 'Accepted connection', `GET ${r.path()} 200`, `user ${r.user()} logged in from ${r.ip()}`])} ${r.sentence(0, 12)}` : '';
  return `<${r.int(8, 190)}>1 ${new Date(ms).toISOString()} ${r.pick(HOSTS)} ${app} ${r.chance(0.7) ? r.int(1, 65000) : '-'} ${r.chance(0.5) ? `MSG-${two(r.int(1, 99))}` : '-'} ${sd}${msg}`;
}

function asaLine(r) {
  const head = `<${r.pick([142, 166, 174, 182])}>${bsdDate(r.tick())} ${r.privateIp()} %ASA-`;
  const outside = `${r.pick(['outside', 'Outside_VPN'])}:${r.publicIp()}/${r.ephemeral()}`;
  const inside = () => `${r.pick(['inside', 'DMZ-Inside'])}:${r.privateIp()}/${r.service()}`;
  switch (r.int(0, 6)) {
    case 0: {
      const src = r.publicIp();
      const sp = r.ephemeral();
      const dst = r.privateIp();
      const dp = r.service();
      return `${head}6-302013: Built inbound TCP connection ${r.int(1e6, 9e8)} for outside:${src}/${sp} (${src}/${sp}) to inside:${dst}/${dp} (${dst}/${dp}) (${r.user()})`;
    }
    case 1:
    case 2:
      return `${head}6-302014: Teardown TCP connection ${r.int(1e6, 9e8)} for ${outside} to ${inside()} duration ${r.int(0, 9)}:${two(r.int(0, 59))}:${two(r.int(0, 59))} bytes ${r.int(0, 9_000_000)} ${r.pick(['TCP FINs', 'TCP Reset-I', 'TCP Reset-O', 'Conn-timeout'])}`;
    case 3:
      return `${head}6-302016: Teardown UDP connection ${r.int(1e6, 9e8)} for ${outside} to ${inside()} duration 0:${two(r.int(0, 59))}:${two(r.int(0, 59))} bytes ${r.int(0, 90_000)}`;
    case 4:
      return `${head}6-106015: Deny TCP (no connection) from ${r.publicIp()}/${r.service()} to ${r.privateIp()}/${r.ephemeral()} flags ${r.pick(['SYN ACK', 'RST', 'FIN ACK'])}  on interface ${r.pick(['outside', 'Outside_VPN'])}`;
    case 5:
      return `${head}4-106023: Deny ${r.pick(['tcp', 'udp'])} src inside:${r.privateIp()}/${r.ephemeral()} dst outside:${r.publicIp()}/${r.service()} by access-group "${r.word()}_access_in" [0x${r.hex(8)}, 0x0]`;
    default:
      return `${head}6-305011: Built dynamic TCP translation from inside:${r.privateIp()}/${r.ephemeral()} to outside:${r.publicIp()}/${r.ephemeral()}`;
  }
}

function csvLine(r) {
  const rule = r.chance(0.2) ? `"${r.word()}, ${r.word()}"` : r.word();
  return [r.tick(), r.pick(['allow', 'allow', 'deny', 'drop']), r.ip(), r.ephemeral(), r.ip(), r.service(), r.pick(['TCP', 'UDP', 'ICMP']), r.int(0, 9_000_000), r.user(), rule].join(',');
}

function snortLine(r) {
  const d = new Date(r.tick());
  const when = `${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())}/${two(d.getUTCFullYear() % 100)}-${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}.${String(d.getUTCMilliseconds() * 1000 + r.int(0, 999)).padStart(6, '0')}`;
  const [sid, msg] = r.pick([
    [12, 'Consecutive TCP small segments exceeding threshold'],
    [2013028, 'ET POLICY curl User-Agent Outbound'],
    [1000001, 'Possible SSH brute force'],
    [402, 'ICMP Destination Unreachable Port Unreachable'],
  ]);
  const mac = () => `${r.hex(2)}:${r.hex(2)}:${r.hex(2)}:${r.hex(2)}:${r.hex(2)}:${r.hex(2)}`.toUpperCase();
  const tcp = r.chance(0.8);
  return [
    `${when} `,
    sid > 1000 ? 1 : 129,
    sid,
    r.int(1, 9),
    `"${msg}"`,
    tcp ? 'TCP' : 'UDP',
    r.privateIp(),
    r.ephemeral(),
    r.ip(),
    r.service(),
    mac(),
    mac(),
    `0x${r.int(0x3c, 0x5ea).toString(16).toUpperCase()}`,
    tcp ? r.pick(['***AP***', '***A****', '******S*']) : '',
    tcp ? `0x${r.hex(7).toUpperCase()}` : '',
    tcp ? `0x${r.hex(8).toUpperCase()}` : '',
    '',
    tcp ? '0xFFFF' : '',
    r.int(32, 128),
    0,
    r.int(1, 65535),
    r.int(40, 1500),
    r.int(20, 1480) * 1024,
    '',
    '',
    '',
    '',
  ].join(',');
}

// ---------------------------------------------------------------------------------------------
// The formats, their production sensor configs and targets (lines/s on one core; null: report only)

export const PARSER_FORMATS = [
  { parser: 'JSONMap', target: 200_000, line: jsonMapLine, config: { parserClassName: 'org.apache.metron.parsers.json.JSONMapParser' } },
  { parser: 'Bro', target: 200_000, line: broLine, config: { parserClassName: 'org.apache.metron.parsers.bro.BasicBroParser', parserConfig: {} } },
  { parser: 'Suricata', target: 200_000, line: suricataLine, config: { parserClassName: 'Suricata' } },
  {
    parser: 'Zeek',
    target: 200_000,
    line: zeekLine,
    // header-less TSV conn log: the layout the #fields / #types header lines would give
    config: { parserClassName: 'Zeek', parserConfig: { format: 'tsv', path: 'conn', fields: ZEEK_CONN_FIELDS, types: ZEEK_CONN_TYPES } },
  },
  {
    parser: 'Grok (yaf)',
    target: 50_000,
    line: yafLine,
    // Metron's yaf sensor config
    config: {
      parserClassName: 'org.apache.metron.parsers.GrokParser',
      fieldTransformations: [{ input: 'protocol', transformation: 'IP_PROTOCOL' }],
      parserConfig: { grokPath: '/patterns/yaf', patternLabel: 'YAF_DELIMITED', timestampField: 'start_time', timeFields: ['start_time', 'end_time'], dateFormat: 'yyyy-MM-dd HH:mm:ss.S' },
    },
  },
  {
    parser: 'Grok (squid)',
    target: 50_000,
    line: squidLine,
    // Metron's squid sensor config, its Stellar transformation included
    config: {
      parserClassName: 'org.apache.metron.parsers.GrokParser',
      parserConfig: { grokPath: '/patterns/squid', patternLabel: 'SQUID_DELIMITED', timestampField: 'timestamp' },
      fieldTransformations: [
        {
          transformation: 'STELLAR',
          output: ['full_hostname', 'domain_without_subdomains'],
          config: { full_hostname: 'URL_TO_HOST(url)', domain_without_subdomains: 'DOMAIN_REMOVE_SUBDOMAINS(full_hostname)' },
        },
      ],
    },
  },
  {
    parser: 'WebSphere',
    target: 50_000,
    line: webSphereLine,
    // Metron's websphere sensor config
    config: {
      parserClassName: 'org.apache.metron.parsers.websphere.GrokWebSphereParser',
      parserConfig: { grokPath: '/patterns/websphere', patternLabel: 'WEBSPHERE', timestampField: 'timestamp_string', dateFormat: 'yyyy MMM dd HH:mm:ss' },
    },
  },
  { parser: 'CEF', target: 150_000, line: cefLine, config: { parserClassName: 'org.apache.metron.parsers.cef.CEFParser' } },
  { parser: 'LEEF', target: 150_000, line: leefLine, config: { parserClassName: 'org.apache.metron.parsers.leef.LEEFParser' } },
  { parser: 'Syslog3164', target: 150_000, line: syslog3164Line, config: { parserClassName: 'org.apache.metron.parsers.syslog.Syslog3164Parser' } },
  { parser: 'Syslog5424', target: 150_000, line: syslog5424Line, config: { parserClassName: 'org.apache.metron.parsers.syslog.Syslog5424Parser' } },
  { parser: 'ASA', target: null, line: asaLine, config: { parserClassName: 'org.apache.metron.parsers.asa.BasicAsaParser', parserConfig: { deviceTimeZone: 'UTC' } } },
  {
    parser: 'CSV',
    target: null,
    line: csvLine,
    config: {
      parserClassName: 'org.apache.metron.parsers.csv.CSVParser',
      parserConfig: { columns: 'timestamp,action,ip_src_addr,ip_src_port,ip_dst_addr,ip_dst_port,protocol,bytes,user,rule' },
    },
  },
  { parser: 'Snort', target: null, line: snortLine, config: { parserClassName: 'org.apache.metron.parsers.snort.BasicSnortParser', parserConfig: {} } },
];

/** The fixed-seed corpus of one format, as raw records (what a topic holds). */
export function corpusOf(format, lines = LINES) {
  const tools = randomTools(SEED + format.parser.length * 7919 + format.parser.charCodeAt(0));
  const raw = new Array(lines);
  let bytes = 0;
  for (let i = 0; i < lines; i++) {
    raw[i] = Buffer.from(format.line(tools));
    bytes += raw[i].length;
  }
  return { raw, bytes };
}

const cpuMicros = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};

/** Parses `raw` in passes until `ms` have gone by; returns lines and bytes done, wall and CPU time. */
function runFor(parser, raw, ms, ctx) {
  let lines = 0;
  let bytes = 0;
  let sink = 0;
  const c0 = cpuMicros();
  const t0 = performance.now();
  let elapsed = 0;
  for (let i = 0; elapsed < ms; ) {
    for (const end = Math.min(i + 1000, raw.length); i < end; i++) {
      const result = parser.parse(raw[i], ctx);
      sink += result.messages.length;
      bytes += raw[i].length;
      lines++;
    }
    if (i === raw.length) i = 0;
    elapsed = performance.now() - t0;
  }
  return { lines, bytes, wallMs: elapsed, cpuUs: cpuMicros() - c0, sink };
}

/** Measures one format; never throws (a failure is reported in the result). */
export function measureParser(format, { lines = LINES, warmupMs = WARMUP_MS, measureMs = MEASURE_MS } = {}) {
  const base = { parser: format.parser, target_lines_per_sec: format.target };
  if (findParserDefinition(format.config.parserClassName) === undefined) return { parser: format.parser, error: 'not registered' };
  let parser;
  try {
    parser = createSensorParser(format.parser.toLowerCase().replace(/\W+/g, '_'), format.config);
  } catch (err) {
    return { ...base, error: `config: ${err instanceof Error ? err.message : String(err)}` };
  }
  const { raw, bytes } = corpusOf(format, lines);
  let counter = 0;
  // the guid source costs what a cheap deterministic one costs: the parser is what is measured
  const ctx = { guid: (n) => `bench-${counter++}-${n}`, now: NOW };

  // checking pass: every line of the corpus should give messages and no error
  let messages = 0;
  let failedLines = 0;
  const reasons = new Map();
  try {
    for (const record of raw) {
      const result = parser.parse(record, ctx);
      messages += result.messages.length;
      if (result.errors.length > 0) {
        failedLines++;
        const reason = result.errors[0].reason.slice(0, 160);
        if (reasons.size < 3 && !reasons.has(reason)) reasons.set(reason, record.toString('utf8').slice(0, 200));
      }
    }
  } catch (err) {
    return { ...base, error: `threw: ${err instanceof Error ? err.message : String(err)}` };
  }

  runFor(parser, raw, warmupMs, ctx);
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) rounds.push(runFor(parser, raw, measureMs / ROUNDS, ctx));
  const rate = (run) => (run.lines / run.wallMs) * 1000;
  rounds.sort((a, b) => rate(a) - rate(b));
  const median = rounds[Math.floor(ROUNDS / 2)];
  const linesPerSec = Math.round(rate(median));
  const cpuUs = rounds.reduce((sum, run) => sum + run.cpuUs, 0);
  const linesDone = rounds.reduce((sum, run) => sum + run.lines, 0);
  const result = {
    ...base,
    corpus_lines: raw.length,
    corpus_mb: Number((bytes / 1e6).toFixed(2)),
    avg_line_bytes: Math.round(bytes / raw.length),
    lines_per_sec: linesPerSec,
    lines_per_sec_best: Math.round(rate(rounds[ROUNDS - 1])),
    mb_per_sec: Number((median.bytes / 1e6 / (median.wallMs / 1000)).toFixed(1)),
    us_per_line: Number(((median.wallMs * 1000) / median.lines).toFixed(2)),
    cpu_us_per_line: Number((cpuUs / linesDone).toFixed(2)),
    met: format.target === null ? null : linesPerSec >= format.target,
    messages_per_line: Number((messages / raw.length).toFixed(3)),
    errors: failedLines,
  };
  if (reasons.size > 0) result.error_samples = [...reasons].map(([reason, line]) => ({ reason, line }));
  return result;
}

/** The `parsers` scenario: every format, one after the other, on this thread. */
export function parserThroughput({ only } = {}) {
  const wanted = only && only.length > 0 ? PARSER_FORMATS.filter((f) => only.includes(f.parser)) : PARSER_FORMATS;
  const results = wanted.map((format) => measureParser(format));
  const measured = results.filter((r) => r.met !== undefined && r.met !== null);
  return {
    node: process.version,
    warmup_ms: WARMUP_MS,
    measure_ms: MEASURE_MS,
    rounds: ROUNDS,
    targets_met: `${measured.filter((r) => r.met).length}/${measured.length}`,
    parsers: results,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${JSON.stringify(parserThroughput({ only: process.argv.slice(2) }), null, 2)}\n`);
}
