/**
 * `metron load misp` reads event files as streams: the built CLI, in a child process whose
 * JavaScript heap is capped well below the file's size, loads one MISP event of over 100 MB (more
 * than a hundred thousand attributes, its metadata after the lists). Read whole, the text alone
 * would not fit that heap, nor its parsed form, nor its rows. (Needs the build: `npm run build`.)
 */
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnrichmentTables, openLmdbStore } from '@metron/storage';
import { runCli } from '../../../../test/helpers.js';

const HEAP_MB = 64;
const FILE_BYTES = 110 * 1024 * 1024;
const OBJECTS = 2_000;

describe(`metron load misp in a ${HEAP_MB} MB heap`, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'metron-misp-mem-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads a MISP event of over 100 MB attribute by attribute', async () => {
    const path = join(dir, 'event.json');
    const fd = openSync(path, 'w');
    let buffer = '';
    const write = (text: string): void => {
      buffer += text;
      if (buffer.length >= 1 << 20) {
        writeSync(fd, buffer);
        buffer = '';
      }
    };
    // the comment makes the file large, the rows small
    const comment = `seen in "campaign" \\ ${'c'.repeat(700)}`;
    const attribute = (n: number, value: string, extra: Record<string, unknown> = {}) =>
      JSON.stringify({ uuid: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, type: 'ip-dst', category: 'Network activity', to_ids: true, value, timestamp: '1714521600', comment, ...extra }, null, 2);
    const address = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
    write('{\n  "Event": {\n    "id": "1",\n    "uuid": "5f1c2d3e-4a5b-4c6d-8e7f-0123456789ab",\n    "Attribute": [');
    // Event.Attribute: one address each, but each 100th deletes an address listed earlier (a live row wins over a later removal)
    let n = 0;
    let attributes = 0;
    const objectBytes = OBJECTS * 5 * 900;
    for (; n * 1000 < FILE_BYTES - objectBytes; n++) {
      write(`${n === 0 ? '' : ','}\n${n % 100 === 99 ? attribute(n, address(n - 50), { deleted: true }) : attribute(n, address(n))}`);
      attributes++;
    }
    write('],\n    "Object": [');
    // Event.Object: five domains each
    for (let o = 0; o < OBJECTS; o++) {
      const list = Array.from({ length: 5 }, (_, k) => attribute(n + o * 5 + k, `host${o * 5 + k}.example`, { type: 'domain' })).join(',');
      write(`${o === 0 ? '' : ','}{"name": "domain-ip", "uuid": "11111111-0000-4000-8000-${String(o).padStart(12, '0')}", "Attribute": [${list}]}`);
    }
    // the metadata every row carries, after the lists
    write('],\n    "info": "a large event",\n    "Orgc": {"name": "CIRCL"},\n    "threat_level_id": "1",\n    "Tag": [{"name": "tlp:white"}]\n  }\n}\n');
    writeSync(fd, buffer);
    closeSync(fd);
    expect(statSync(path).size).toBeGreaterThan(100 * 1024 * 1024);

    const run = await runCli(['load', 'misp', '-i', path, '-q', '--data-dir', join(dir, 'data')], '', [`--max-old-space-size=${HEAP_MB}`]);
    expect(run.stderr).not.toContain('heap out of memory');
    expect(run.code, run.stderr).toBe(0);
    const deleted = Math.floor(attributes / 100);
    const domains = OBJECTS * 5;
    expect(JSON.parse(run.stdout)).toMatchObject({ records: attributes + domains, indicators: attributes + domains, loaded: attributes - deleted + domains, removed: 0, failed: 0 });

    const store = openLmdbStore({ path: join(dir, 'data', 'kv'), readOnly: true });
    try {
      const tables = new EnrichmentTables(store);
      const addresses = [...tables.indicators('threatintel', 't', 'malicious_ip')];
      expect(addresses).toHaveLength(attributes - deleted);
      expect(addresses).toContain(address(49));
      expect([...tables.indicators('threatintel', 't', 'malicious_domain')]).toHaveLength(domains);
      // the live row of address 49, not the later deletion of it
      expect(tables.get('threatintel', 't', 'malicious_ip', address(49))).toMatchObject({ misp_attribute_uuid: '00000000-0000-4000-8000-000000000049', misp_event_info: 'a large event', org: 'CIRCL', threat_level: 'High', tags: 'tlp:white' });
      expect(tables.get('threatintel', 't', 'malicious_domain', `host${domains - 1}.example`)).toMatchObject({ misp_event_uuid: '5f1c2d3e-4a5b-4c6d-8e7f-0123456789ab', tags: 'tlp:white' });
    } finally {
      await store.close();
    }
  }, 120_000);
});
