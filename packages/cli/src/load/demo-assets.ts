/**
 * The demo's asset inventory: `metron start --demo` loads `<config-dir>/demo/assets.csv` into the
 * embedded store when no inventory has been loaded there yet (an inventory loaded with `metron
 * load assets` is never replaced by it), so the demo's traffic shows `enrichments.asset.*`.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assetFromFields, inventoryState, readRecords, replaceInventory, type AssetRecord } from '@metron/enrichment';
import { openLmdbStore } from '@metron/storage';

/** Where the demo inventory lives in a config directory. */
export const DEMO_ASSETS_FILE = join('demo', 'assets.csv');

/**
 * Loads the demo inventory into the LMDB store at `kvPath` unless it holds one already; resolves
 * to the number of assets loaded (0 when nothing was done). Throws when the file has a bad record:
 * it ships with the product, so that is a bug to see at once.
 */
export async function loadDemoAssets(configDir: string, kvPath: string): Promise<number> {
  const file = join(configDir, DEMO_ASSETS_FILE);
  if (!existsSync(file)) return 0;
  const store = openLmdbStore({ path: kvPath });
  try {
    if (inventoryState(store) !== undefined) return 0;
    const assets: AssetRecord[] = [];
    for (const record of readRecords(await readFile(file, 'utf8'), 'csv')) {
      if (record.error !== undefined) throw new Error(`${file}:${record.line}: ${record.error}`);
      try {
        assets.push(assetFromFields(record.fields));
      } catch (err) {
        throw new Error(`${file}:${record.line}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    await replaceInventory(store, assets, { source: file });
    return assets.length;
  } finally {
    await store.close();
  }
}
