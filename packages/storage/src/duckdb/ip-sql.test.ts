import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuery } from '../query/parser.js';
import { TableCatalog } from './catalog.js';
import { renderWhere, SqlParams } from './sql.js';
import { openDuckDbSearchStore, type DuckDbSearchStore } from './store.js';

// Address semantics of the ip fields beyond the shared corpus (which has IPv4 documents only):
// IPv6 values in any notation, mapped IPv4 text, and values that are no address.
describe('DuckDB store: addresses on ip fields', () => {
  let store: DuckDbSearchStore;
  const docs: Array<[string, string]> = [
    ['v4', '10.1.2.3'],
    ['v6a', '2001:db8::1'],
    ['v6b', '2001:0DB8:0000:0000:0000:0000:0000:0002'],
    ['v6c', '2001:db9::1'],
    ['loop', '::1'],
    ['mapped', '::ffff:10.1.2.4'],
    ['link', 'fe80::abcd:1'],
    ['junk', 'not-an-address'],
    ['zeros', '010.1.2.3'],
  ];

  beforeAll(async () => {
    store = await openDuckDbSearchStore({ path: ':memory:' });
    await store.write('yaf', docs.map(([guid, ip], i) => ({ guid, 'source.type': 'yaf', timestamp: i, ip_src_addr: ip, note: ip })));
  });
  afterAll(async () => {
    await store.close();
  });

  const hits = async (query: string): Promise<string[]> =>
    (await store.search({ query, size: 100 })).results.map((r) => r.id).sort();

  it('matches IPv6 prefixes and addresses whatever their notation', async () => {
    expect(await hits('ip_src_addr:"2001:db8::/32"')).toEqual(['v6a', 'v6b']);
    expect(await hits('ip_src_addr:"2001:db8::/31"')).toEqual(['v6a', 'v6b', 'v6c']);
    expect(await hits('ip_src_addr:"2001:db8:0::2"')).toEqual(['v6b']);
    expect(await hits('ip_src_addr:"fe80::/10"')).toEqual(['link']);
    expect(await hits('ip_src_addr:"::1/128"')).toEqual(['loop']);
    expect(await hits('ip_src_addr:"::/0"')).toEqual(['link', 'loop', 'mapped', 'v4', 'v6a', 'v6b', 'v6c']);
  });

  it('matches IPv4 blocks on IPv4 text, mapped text through IPv6 blocks and ranges', async () => {
    expect(await hits('ip_src_addr:10.0.0.0/8')).toEqual(['mapped', 'v4']);
    expect(await hits('ip_src_addr:10.1.2.4/32')).toEqual(['mapped']);
    expect(await hits('ip_src_addr:"::ffff:0:0/96"')).toEqual(['mapped', 'v4']);
    expect(await hits('ip_src_addr:[:: TO 10.255.255.255]')).toEqual(['loop', 'mapped', 'v4']);
    expect(await hits('ip_src_addr:[2001:db8::1 TO 2001:db8::ffff]')).toEqual(['v6a', 'v6b']);
    expect(await hits('ip_src_addr:>2001\\:db8\\:\\:1')).toEqual(['link', 'v6b', 'v6c']);
  });

  it('leaves text that is no address unmatched by blocks, and keyword fields literal', async () => {
    expect(await hits('ip_src_addr:0.0.0.0/0')).toEqual(['mapped', 'v4']);
    expect(await hits('ip_src_addr:not-an-address')).toEqual(['junk']);
    // Negated, every row's text is read (no conversion error on text that is no address).
    expect(await hits('NOT ip_src_addr:10.0.0.0/8')).toEqual(['junk', 'link', 'loop', 'v6a', 'v6b', 'v6c', 'zeros']);
    expect(await hits('NOT ip_src_addr:"2001:db8::/32"')).toEqual(['junk', 'link', 'loop', 'mapped', 'v4', 'v6c', 'zeros']);
    expect(await hits('note:"2001:db8::/32"')).toEqual([]);
    expect(await hits('note:[2001:db8::1 TO 2001:db8::ffff]')).toEqual(['v6a']);
  });

  it('agrees with address arithmetic on random IPv4 blocks and ranges', async () => {
    // A fixed-seed generator: addresses of every digit count, blocks and ranges of every size.
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const octet = (): number => [() => Math.floor(random() * 10), () => 10 + Math.floor(random() * 90), () => 100 + Math.floor(random() * 156)][Math.floor(random() * 3)]!();
    const text = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
    const base = [10, octet(), octet(), 0];
    const addresses = Array.from({ length: 400 }, () => {
      const parts = base.map((o, i) => (i === 0 ? o : random() < 0.3 * i ? octet() : o || octet()));
      return ((parts[0]! * 256 + parts[1]!) * 256 + parts[2]!) * 256 + parts[3]!;
    });
    const random4 = await openDuckDbSearchStore({ path: ':memory:' });
    try {
      await random4.write('r', addresses.map((n, i) => ({ guid: `a${i}`, ip_src_addr: text(n) })));
      const check = async (query: string, inside: (n: number) => boolean): Promise<void> => {
        const found = (await random4.search({ query, size: 1000 })).results.map((r) => r.id).sort();
        const expected = addresses.flatMap((n, i) => (inside(n) ? [`a${i}`] : [])).sort();
        expect(found, query).toEqual(expected);
      };
      for (let k = 0; k < 25; k++) {
        const length = Math.floor(random() * 33);
        const anchor = addresses[Math.floor(random() * addresses.length)]!;
        const size = 2 ** (32 - length);
        const first = anchor - (anchor % size);
        await check(`ip_src_addr:${text(anchor)}/${length}`, (n) => n >= first && n < first + size);
        const other = addresses[Math.floor(random() * addresses.length)]!;
        const [low, high] = anchor <= other ? [anchor, other] : [other, anchor];
        await check(`ip_src_addr:{${text(low)} TO ${text(high)}]`, (n) => n > low && n <= high);
      }
    } finally {
      await random4.close();
    }
  });

  it('binds every address and prefix as a parameter', () => {
    const table = new TableCatalog('yaf_index');
    table.add({ field: 'ip_src_addr', column: 'ip_src_addr', type: 'VARCHAR' });
    for (const query of ['ip_src_addr:10.20.0.0/16', 'ip_src_addr:"2001:db8::/32"', 'ip_src_addr:[10.20.0.1 TO 10.20.0.99]', '"2001:db8::7"']) {
      const params = new SqlParams();
      const sql = renderWhere(parseQuery(query), table, params);
      expect(sql).not.toMatch(/10\.20|2001|db8|0a14/);
      expect(params.values.length).toBeGreaterThan(0);
    }
  });
});
