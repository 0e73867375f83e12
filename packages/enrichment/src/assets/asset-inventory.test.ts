/**
 * The asset inventory on both key-value backends (LMDB, a real redis-server): replacing it as a
 * whole, lookups by address and name, readers switching generations, and a load that died.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KeyValueStore } from '@metron/storage';
import { ASSET_NAMESPACE, AssetInventory, inventoryState, replaceInventory } from './asset-inventory.js';
import type { AssetRecord } from './asset-records.js';
import { lmdbBackend, redisBackend, type Backend } from './test-support/stores.js';

const WEB: AssetRecord = { ip: '10.0.0.1', hostname: 'web01.corp', owner: 'Web team', criticality: 4, os: 'Debian 12', tags: ['pci', 'dmz'], rack: 'r12' };
const DB: AssetRecord = { ip: '2001:db8::5', owner: 'DBA', criticality: 'high' };
const PRINTER: AssetRecord = { hostname: 'printer3', owner: 'Facilities', tags: ['lab'] };

/** Every key of the namespace, in order. */
function keys(store: KeyValueStore): string[] {
  return [...store.entries(ASSET_NAMESPACE)].map(([k]) => k);
}

for (const backend of [lmdbBackend(), redisBackend()] as Backend[]) {
  describe(`asset inventory on ${backend.name}`, () => {
    beforeEach(() => backend.setup());
    afterEach(() => backend.cleanup());
    afterAll(() => backend.stop());

    it('answers by address (any spelling) and by host name (any case) with the whole asset', async () => {
      const store = await backend.open();
      const result = await replaceInventory(store, [WEB, DB, PRINTER], { source: 'assets.csv', now: 1000 });
      expect(result).toEqual({ generation: 1, loadedAt: 1000, assets: 3, source: 'assets.csv', removedKeys: 0 });
      const inventory = new AssetInventory(await backend.open());
      expect(inventory.lookup('10.0.0.1')).toEqual(WEB);
      expect(inventory.lookup('WEB01.corp.')).toEqual(WEB);
      expect(inventory.lookup('2001:DB8:0::5')).toEqual(DB);
      expect(inventory.lookup('printer3')).toEqual(PRINTER);
      for (const miss of ['10.0.0.2', 'web01', 'not a name', '']) expect(inventory.lookup(miss)).toBeUndefined();
      expect(keys(store)).toEqual(['#current', '1|host|printer3', '1|host|web01.corp', '1|ip|10.0.0.1', '1|ip|2001:db8::5']);
    });

    it('is empty before the first load', async () => {
      const inventory = new AssetInventory(await backend.open());
      expect(inventory.lookup('10.0.0.1')).toBeUndefined();
    });

    it('replaces the inventory: an asset missing from the new load is gone, a changed one reads changed', async () => {
      const store = await backend.open();
      await replaceInventory(store, [WEB, DB, PRINTER]);
      const reader = new AssetInventory(await backend.open(), { refreshMs: 0 });
      expect(reader.lookup('printer3')).toEqual(PRINTER);
      const moved = { ...WEB, owner: 'Platform team' };
      const result = await replaceInventory(store, [moved]);
      expect(result.generation).toBe(2);
      expect(result.removedKeys).toBe(4);
      expect(reader.lookup('printer3')).toBeUndefined();
      expect(reader.lookup('2001:db8::5')).toBeUndefined();
      expect(reader.lookup('10.0.0.1')).toEqual(moved);
      expect(keys(store)).toEqual(['#current', '2|host|web01.corp', '2|ip|10.0.0.1']);
    });

    it('gives the same inventory when the same input is loaded again', async () => {
      const store = await backend.open();
      await replaceInventory(store, [WEB, DB, PRINTER]);
      const first = [...store.entries(ASSET_NAMESPACE)].filter(([k]) => k !== '#current').map(([k, v]) => [k.slice(k.indexOf('|')), v]);
      await replaceInventory(store, [WEB, DB, PRINTER]);
      const second = [...store.entries(ASSET_NAMESPACE)].filter(([k]) => k !== '#current').map(([k, v]) => [k.slice(k.indexOf('|')), v]);
      expect(second).toEqual(first);
      expect(inventoryState(store)?.generation).toBe(2);
    });

    it('a later asset with the same address or name wins that key', async () => {
      const store = await backend.open();
      const other = { ip: '10.0.0.9', hostname: 'web01.corp', owner: 'someone else' };
      await replaceInventory(store, [WEB, other]);
      const inventory = new AssetInventory(store);
      expect(inventory.lookup('web01.corp')).toEqual(other);
      expect(inventory.lookup('10.0.0.1')).toEqual(WEB);
    });

    it('keeps the old inventory in service while a load is written, and a reader switches within refreshMs', async () => {
      const store = await backend.open();
      await replaceInventory(store, [WEB]);
      let clock = 0;
      const reader = new AssetInventory(await backend.open(), { refreshMs: 1000, now: () => clock });
      expect(reader.lookup('10.0.0.1')).toEqual(WEB);
      await replaceInventory(store, [DB]);
      clock = 999; // the reader has not looked at #current again yet: it answers from its cache
      expect(reader.lookup('10.0.0.1')).toEqual(WEB);
      clock = 1000;
      expect(reader.lookup('10.0.0.1')).toBeUndefined();
      expect(reader.lookup('2001:db8::5')).toEqual(DB);
    });

    it('removes what a load that died left behind, and until then serves the previous inventory', async () => {
      const store = await backend.open();
      await replaceInventory(store, [WEB]);
      // a load of generation 2 died after writing part of its keys, before switching #current
      await store.putAll(ASSET_NAMESPACE, [['2|ip|10.6.6.6', JSON.stringify({ ip: '10.6.6.6', owner: 'half loaded' })]]);
      const reader = new AssetInventory(await backend.open(), { refreshMs: 0 });
      expect(reader.lookup('10.6.6.6')).toBeUndefined();
      expect(reader.lookup('10.0.0.1')).toEqual(WEB);
      const result = await replaceInventory(store, [PRINTER]);
      expect(result.generation).toBe(2);
      expect(reader.lookup('10.6.6.6')).toBeUndefined();
      expect(reader.lookup('printer3')).toEqual(PRINTER);
      expect(keys(store)).toEqual(['#current', '2|host|printer3']);
    });

    it('an empty load empties the inventory', async () => {
      const store = await backend.open();
      await replaceInventory(store, [WEB, DB]);
      await replaceInventory(store, []);
      expect(new AssetInventory(store).lookup('10.0.0.1')).toBeUndefined();
      expect(keys(store)).toEqual(['#current']);
    });

    it('answers an address without an asset of its own with the most specific network that holds it', async () => {
      const store = await backend.open();
      const floor: AssetRecord = { network: '10.0.3.0/24', owner: 'HQ floor 3', tags: ['workstation'] };
      const site: AssetRecord = { network: '10.0.0.0/16', owner: 'HQ' };
      const v6: AssetRecord = { network: '2001:db8:1::/48', owner: 'Lab' };
      await replaceInventory(store, [WEB, floor, site, v6, { ip: '10.0.3.9', owner: 'Ada' }]);
      expect(inventoryState(store)?.prefixes).toEqual({ v4: [24, 16], v6: [48] });
      const inventory = new AssetInventory(await backend.open());
      expect(inventory.lookup('10.0.3.200')).toEqual(floor);
      expect(inventory.lookup('10.0.3.9')).toEqual({ ip: '10.0.3.9', owner: 'Ada' }); // its own asset first
      expect(inventory.lookup('10.0.0.1')).toEqual(WEB);
      expect(inventory.lookup('10.0.200.1')).toEqual(site);
      expect(inventory.lookup('10.1.0.1')).toBeUndefined();
      expect(inventory.lookup('2001:DB8:1:ffff::1')).toEqual(v6);
      expect(inventory.lookup('2001:db8:2::1')).toBeUndefined();
      expect(keys(store)).toContain('1|net|10.0.3.0/24');
      // a later load without networks has none
      await replaceInventory(store, [WEB]);
      const later = new AssetInventory(store);
      expect(later.lookup('10.0.3.200')).toBeUndefined();
      expect(inventoryState(store)?.prefixes).toBeUndefined();
    });

    it('writes large inventories in batches', async () => {
      const store = await backend.open();
      const many: AssetRecord[] = [];
      for (let i = 0; i < 12_000; i++) many.push({ ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, owner: `o${i}` });
      await replaceInventory(store, many);
      const inventory = new AssetInventory(store);
      expect(inventory.lookup('10.0.46.223')).toEqual({ ip: '10.0.46.223', owner: 'o11999' });
      await inventory.prefetch(['10.0.0.0', 'nope']);
      expect(inventory.lookup('10.0.0.0')).toEqual({ ip: '10.0.0.0', owner: 'o0' });
      await replaceInventory(store, many.slice(0, 10));
      expect(keys(store)).toHaveLength(11);
    });
  });
}
