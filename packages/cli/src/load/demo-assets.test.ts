/** The demo inventory loaded by `metron start --demo`: the shipped file reads cleanly, and a loaded inventory is kept. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AssetInventory, replaceInventory } from '@metron/enrichment';
import { openLmdbStore } from '@metron/storage';
import { BUILTIN_CONFIG_DIR } from '../start.js';
import { loadDemoAssets } from './demo-assets.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'metron-demo-assets-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('demo asset inventory', () => {
  it('loads the shipped inventory once, and never over one loaded with metron load assets', async () => {
    const kv = join(dir, 'kv');
    expect(await loadDemoAssets(BUILTIN_CONFIG_DIR, kv)).toBe(16);
    expect(await loadDemoAssets(BUILTIN_CONFIG_DIR, kv)).toBe(0);
    let store = openLmdbStore({ path: kv });
    expect(new AssetInventory(store).lookup('srv-3.corp.example')).toEqual({
      ip: '10.0.1.12',
      hostname: 'srv-3.corp.example',
      owner: 'Payments',
      criticality: 5,
      os: 'RHEL 9',
      tags: ['db', 'pci'],
      location: 'DC1 rack 14',
    });
    expect(new AssetInventory(store).lookup('10.0.3.200')?.network).toBe('10.0.3.0/24');
    await replaceInventory(store, [{ ip: '10.9.9.9', owner: 'mine' }]);
    await store.close();
    expect(await loadDemoAssets(BUILTIN_CONFIG_DIR, kv)).toBe(0);
    store = openLmdbStore({ path: kv, readOnly: true });
    expect(new AssetInventory(store).lookup('10.0.1.12')).toBeUndefined();
    await store.close();
  });

  it('does nothing for a config directory without demo/assets.csv', async () => {
    expect(await loadDemoAssets(dir, join(dir, 'kv'))).toBe(0);
  });
});
