import { describe, expect, it } from 'vitest';
import { compile, defaultRegistry, JInt, JLong } from '@metron/stellar';
import { compileGrok } from './grok.js';
import { createGrokStellarService, discoverGrok } from './stellar-service.js';

const SQUID = '%{NUMBER:timestamp}[^0-9]*%{INT:elapsed} %{IP:ip_src_addr} %{WORD:action}/%{NUMBER:code} %{NUMBER:bytes} %{WORD:method} %{NOTSPACE:url}[^0-9]*(%{IP:ip_dst_addr})?';
const LINE = '1474583120.343    142 127.0.0.1 TCP_MISS/301 494 GET http://cnn.com/ - DIRECT/157.166.226.26 text/html';

describe('grok Stellar service', () => {
  const service = createGrokStellarService();

  it('compiles against the common patterns and reports named captures as Stellar values', () => {
    const m = service.compile(SQUID)!.match(LINE);
    expect(Object.fromEntries(m)).toEqual({
      timestamp: '1474583120.343',
      elapsed: new JInt(142),
      ip_src_addr: '127.0.0.1',
      action: 'TCP_MISS',
      code: new JInt(301),
      bytes: new JInt(494),
      method: 'GET',
      url: 'http://cnn.com/',
      ip_dst_addr: '157.166.226.26',
    });
    expect(service.compile('%{NUMBER:n}')!.match('x 9000000000 y').get('n')).toEqual(new JLong(9000000000n));
    expect(service.compile('%{NUMBER:n:float}')!.match('x 1.5').get('n')).toBe(1.5);
  });

  it('gives an empty map when nothing matches and null when the expression does not compile', () => {
    expect(service.compile(SQUID)!.match('nothing to see').size).toBe(0);
    expect(service.compile('%{NO_SUCH_PATTERN:x}')).toBeNull();
    expect(service.compile('%{WORD:x}(')).toBeNull();
  });

  it('serves GROK_EVAL as Metron renders it: a table, MISSING cells, NO MATCH', () => {
    const registry = defaultRegistry();
    registry.installService('grok', service);
    const run = (expr: string, vars: Record<string, unknown>) => compile(expr, { functions: registry }).run(vars as never);
    const bad = LINE.replace('127.0.0.1', 'foo');
    const table = run('GROK_EVAL(grok, messages)', { grok: SQUID, messages: [bad, LINE.replace('301', '404')] }) as string;
    expect(table).toContain('MISSING');
    expect(table).toContain('404');
    expect(table.split('\n')[1]).toMatch(/^║ action +│ bytes +│ code +│ elapsed +│ ip_dst_addr +│ ip_src_addr +│ method +│ timestamp +│ url +║$/);
    expect(run('GROK_EVAL(grok, message)', { grok: SQUID, message: bad })).toBe('NO MATCH');
  });
});

describe('discoverGrok (GROK_PREDICT heuristic)', () => {
  it.each([
    ['1474583120.343    142 127.0.0.1 TCP_MISS/301', '%{NUMBER}    %{NUMBER} %{IP} TCP_MISS/%{NUMBER}'],
    [LINE, '%{NUMBER}    %{NUMBER} %{IP} TCP_MISS/%{NUMBER} %{NUMBER} GET %{URI} - DIRECT/%{IP} text/html'],
    ['2016-09-22T21:45:20.123Z INFO user=alice@example.com from 10.0.0.1:5432', '%{TIMESTAMP_ISO8601} %{LOGLEVEL} %{EMAILADDRESS} from %{HOSTPORT}'],
    ['Oct 11 22:14:15 host sshd[412]: accepted', '%{SYSLOGTIMESTAMP} host sshd\\[%{NUMBER}\\]: accepted'],
    ['[22/Sep/2016:21:45:20 +0000] "GET /a/b.html" 00:1a:2b:3c:4d:5e', '\\[%{HTTPDATE}\\] "GET %{UNIXPATH}" %{MAC}'],
    ['a+b (c) {d} ^$ 550e8400-e29b-41d4-a716-446655440000', 'a\\+b \\(c\\) \\{d\\} \\^\\$ %{UUID}'],
  ])('%s', (text, expected) => {
    const discovered = discoverGrok(text);
    expect(discovered).toBe(expected);
    expect(new RegExp(`^(?:${compileGrok(discovered).regex.source})$`).test(text)).toBe(true);
  });

  it('always describes the sample it was given', () => {
    for (const text of ['', '   ', '%{WORD}', 'a\tb\\c', '::1 fe80::1%eth0', 'x=1;y=2|z', '"quoted, text"']) {
      expect(new RegExp(`^(?:${compileGrok(discoverGrok(text)).regex.source})$`).test(text)).toBe(true);
    }
  });
});
