import { seededRandom } from '@metron/core';
export { seededRandom };
/**
 * A fixed-seed generator of realistic security telemetry for the demo and the benchmarks:
 * Bro/Zeek conn, http and dns logs (Metron's Bro JSON shape), Snort alerts (Metron's Snort CSV
 * shape) and syslog lines (RFC 5424), with a mix of internal and public addresses and a few
 * known-bad ones. Same seed → same records.
 */


/** Addresses the demo treats as known-bad (documentation ranges: never real hosts). */
export const DEMO_BAD_ADDRESSES = ['203.0.113.66', '198.51.100.23', '192.0.2.200'];
const INTERNAL_HOSTS = Array.from({ length: 40 }, (_, i) => `10.0.${Math.floor(i / 10) + 1}.${(i % 10) + 10}`);
const PUBLIC_HOSTS = [
  '8.8.8.8', '1.1.1.1', '93.184.216.34', '151.101.1.69', '140.82.112.3', '13.107.42.14', '104.16.132.229',
  '72.163.4.161', '185.199.108.153', '31.13.71.36', '142.250.185.78', '52.95.110.1', '81.2.69.160', '2.125.160.216',
];
const DOMAINS = ['www.example.com', 'cdn.example.net', 'api.github.com', 'login.example.org', 'update.vendor.io', 'mail.example.com', 'x9f2kq.badcdn.biz'];
const URIS = ['/', '/index.html', '/login', '/api/v1/items?id=42', '/wp-admin/', '/download/setup.exe', '/static/app.js'];
const AGENTS = ['Mozilla/5.0 (Windows NT 10.0; Win64; x64)', 'curl/8.5.0', 'python-requests/2.31', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2)'];
const SNORT_RULES: Array<[number, number, string]> = [
  [1, 2019401, 'ET POLICY Suspicious inbound to mySQL port 3306'],
  [1, 2001219, 'ET SCAN Potential SSH Scan'],
  [129, 12, 'Consecutive TCP small segments exceeding threshold'],
  [1, 2100498, 'GPL ATTACK_RESPONSE id check returned root'],
  [1, 2024897, 'ET USER_AGENTS Go HTTP Client User-Agent'],
];
const SYSLOG_APPS = ['sshd', 'sudo', 'kernel', 'nginx', 'cron'];

export type DemoSensor = 'bro' | 'snort' | 'syslog';

export class TelemetryGenerator {
  private readonly rnd: () => number;
  private seq = 0;

  constructor(seed = 42, private readonly clock: () => number = Date.now) {
    this.rnd = seededRandom(seed);
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rnd() * xs.length)] as T;
  }

  private int(lo: number, hi: number): number {
    return lo + Math.floor(this.rnd() * (hi - lo + 1));
  }

  private uid(): string {
    const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    let s = 'C';
    for (let i = 0; i < 17; i++) s += chars[Math.floor(this.rnd() * chars.length)];
    return s;
  }

  /** An internal → external (or, rarely, known-bad) address pair. */
  private pair(): [string, string] {
    const src = this.pick(INTERNAL_HOSTS);
    const r = this.rnd();
    const dst = r < 0.03 ? this.pick(DEMO_BAD_ADDRESSES) : r < 0.2 ? this.pick(INTERNAL_HOSTS) : this.pick(PUBLIC_HOSTS);
    return this.rnd() < 0.1 ? [dst, src] : [src, dst];
  }

  /** One Bro/Zeek log record as Metron's Bro parser reads it: `{"<type>": {...}}`. */
  bro(): string {
    const ts = this.clock() / 1000;
    const [src, dst] = this.pair();
    const kind = this.rnd();
    this.seq++;
    const base = { ts: Number(ts.toFixed(6)), uid: this.uid(), 'id.orig_h': src, 'id.orig_p': this.int(1024, 65535), 'id.resp_h': dst };
    if (kind < 0.5) {
      const port = this.pick([443, 80, 22, 53, 3306, 445, 8080]);
      return JSON.stringify({
        conn: {
          ...base, 'id.resp_p': port, proto: port === 53 ? 'udp' : 'tcp', service: port === 443 ? 'ssl' : port === 80 ? 'http' : port === 22 ? 'ssh' : '-',
          duration: Number((this.rnd() * 30).toFixed(6)), orig_bytes: this.int(40, 50_000), resp_bytes: this.int(0, 2_000_000),
          conn_state: this.pick(['SF', 'S0', 'REJ', 'RSTO', 'SH']), missed_bytes: 0, history: this.pick(['ShADadFf', 'S', 'ShR', 'Dd']),
          orig_pkts: this.int(1, 400), orig_ip_bytes: this.int(40, 60_000), resp_pkts: this.int(0, 2000), resp_ip_bytes: this.int(0, 2_100_000), tunnel_parents: [],
        },
      });
    }
    if (kind < 0.8) {
      const host = this.pick(DOMAINS);
      return JSON.stringify({
        http: {
          ...base, 'id.resp_p': 80, trans_depth: 1, method: this.pick(['GET', 'GET', 'GET', 'POST', 'HEAD']), host, uri: this.pick(URIS),
          user_agent: this.pick(AGENTS), request_body_len: this.int(0, 2000), response_body_len: this.int(0, 500_000),
          status_code: this.pick([200, 200, 200, 301, 404, 500]), status_msg: 'OK', tags: [], resp_fuids: [this.uid()], resp_mime_types: ['text/html'],
        },
      });
    }
    const query = this.pick(DOMAINS);
    return JSON.stringify({
      dns: {
        ...base, 'id.resp_p': 53, proto: 'udp', trans_id: this.int(1, 65535), query, qclass: 1, qclass_name: 'C_INTERNET',
        qtype: 1, qtype_name: 'A', rcode: 0, rcode_name: 'NOERROR', AA: false, TC: false, RD: true, RA: true, Z: 0,
        answers: [this.pick(PUBLIC_HOSTS)], TTLs: [this.int(30, 3600)], rejected: false,
      },
    });
  }

  /** One Snort alert in the CSV layout Metron's Snort parser reads. */
  snort(): string {
    const d = new Date(this.clock());
    const p = (n: number, w = 2) => String(n).padStart(w, '0');
    const stamp = `${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${p(d.getUTCFullYear() % 100)}-${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}000`;
    const [gen, sid, msg] = this.pick(SNORT_RULES);
    const [src, dst] = this.pair();
    const proto = this.pick(['TCP', 'TCP', 'UDP']);
    return `${stamp} ,${gen},${sid},1,"${msg}",${proto},${src},${this.int(1024, 65535)},${dst},${this.pick([22, 80, 443, 3306])},52:54:00:12:35:02,08:00:27:7F:93:2D,0x4E,***AP***,0x9AFF3D7,0xC8761D52,,0xFFFF,64,0,${this.int(1, 65535)},64,65536,,,,`;
  }

  /** One RFC 5424 syslog line from an internal host. */
  syslog(): string {
    const d = new Date(this.clock()).toISOString();
    const host = `srv-${this.int(1, 12)}.corp.example`;
    const app = this.pick(SYSLOG_APPS);
    const [src] = this.pair();
    const texts: Record<string, string[]> = {
      sshd: [`Failed password for root from ${this.pick(DEMO_BAD_ADDRESSES)} port ${this.int(1024, 65535)} ssh2`, `Accepted publickey for deploy from ${src} port ${this.int(1024, 65535)} ssh2`],
      sudo: ['deploy : TTY=pts/0 ; PWD=/home/deploy ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx'],
      kernel: [`[UFW BLOCK] IN=eth0 OUT= SRC=${this.pick(PUBLIC_HOSTS)} DST=${src} PROTO=TCP DPT=23`],
      nginx: [`${src} - - "GET /healthz HTTP/1.1" 200 2`],
      cron: ['(root) CMD (run-parts /etc/cron.hourly)'],
    };
    const pri = app === 'sshd' || app === 'sudo' ? 86 : 14;
    return `<${pri}>1 ${d} ${host} ${app} ${this.int(100, 9999)} - - ${this.pick(texts[app] ?? ['ok'])}`;
  }

  next(sensor: DemoSensor): string {
    return sensor === 'bro' ? this.bro() : sensor === 'snort' ? this.snort() : this.syslog();
  }
}
