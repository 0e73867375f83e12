/**
 * KeyValueStore on LMDB (the `lmdb` package): one LMDB environment (a directory holding
 * data.mdb and lock.mdb) per store, one LMDB named database per namespace. Several processes may
 * open the same directory (LMDB's own locking): the REPL reads while the server writes.
 * Expiring values carry their expiry in the stored string (stored-value.ts); reads skip expired
 * ones, and `purgeExpired` reclaims their space.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import { checkWrite, KeyValueStoreError, type KeyValueEntry, type KeyValueStore, type WriteOptions } from './key-value-store.js';
import { encodeStoredValue, liveValue } from './stored-value.js';

export interface LmdbStoreOptions {
  /** The environment's directory; created when missing unless `readOnly`. */
  path: string;
  /** Open for reading only (the directory must already hold a store). */
  readOnly?: boolean;
  /** Most namespaces the environment can hold (LMDB's maxDbs); 64 by default. */
  maxNamespaces?: number;
  /** The clock expiries are checked against (epoch ms); Date.now by default. */
  now?: () => number;
}

/** LMDB's key size limit in bytes (the `lmdb` package's build). */
export const LMDB_MAX_KEY_BYTES = 1978;

/** Whether `path` holds an LMDB store (so it can be opened read-only). */
export function lmdbStoreExists(path: string): boolean {
  return existsSync(join(path, 'data.mdb'));
}

/** Opens (or creates) an LMDB store. */
export function openLmdbStore(options: LmdbStoreOptions): KeyValueStore {
  const readOnly = options.readOnly ?? false;
  if (readOnly && !lmdbStoreExists(options.path)) {
    // checked here: LMDB itself would create the directory before failing
    throw new KeyValueStoreError(`no key-value store at ${options.path} (it holds no data.mdb)`);
  }
  const root = open({ path: options.path, readOnly, maxDbs: options.maxNamespaces ?? 64 });
  return new LmdbKeyValueStore(root, readOnly, options.path, options.now ?? Date.now);
}

class LmdbKeyValueStore implements KeyValueStore {
  private readonly databases = new Map<string, Database<string, string>>();
  /** The change mark last handed out (a new one renews the read snapshot). */
  private lastMark: number | undefined;

  constructor(
    private readonly root: RootDatabase,
    private readonly readOnly: boolean,
    private readonly path: string,
    private readonly now: () => number,
  ) {}

  /** The namespace's database; undefined for a namespace that does not exist yet, unless creating. */
  private database(namespace: string, create: boolean): Database<string, string> | undefined {
    const open = this.databases.get(namespace);
    if (open !== undefined) return open;
    // named databases are the keys of the root database (whose values are LMDB's own, unreadable
    // to doesExist); opening an absent one read-only is not possible
    if (!create && !this.namespaceExists(namespace)) return undefined;
    const db = this.root.openDB<string, string>({ name: namespace, encoding: 'string' });
    this.databases.set(namespace, db);
    return db;
  }

  private namespaceExists(namespace: string): boolean {
    for (const key of this.root.getKeys({ start: namespace, limit: 1 })) return key === namespace;
    return false;
  }

  private writable(namespace: string, key: string, expiresAt?: number): Database<string, string> {
    if (this.readOnly) throw new KeyValueStoreError(`the key-value store at ${this.path} is open read-only`);
    checkWrite(namespace, key, expiresAt);
    checkKey(key);
    return this.database(namespace, true)!;
  }

  get(namespace: string, key: string): string | undefined {
    const stored = this.database(namespace, false)?.get(key);
    return stored === undefined ? undefined : liveValue(stored, this.now());
  }

  has(namespace: string, key: string): boolean {
    return this.get(namespace, key) !== undefined;
  }

  *entries(namespace: string, prefix?: string): Iterable<[string, string]> {
    const db = this.database(namespace, false);
    if (db === undefined) return;
    const range = prefix === undefined || prefix === '' ? db.getRange() : db.getRange({ start: prefix });
    const now = this.now();
    for (const { key, value } of range) {
      if (prefix !== undefined && !key.startsWith(prefix)) return;
      const live = liveValue(value, now);
      if (live !== undefined) yield [key, live];
    }
  }

  async prefetch(): Promise<void> {
    // reads come from the memory map: nothing to fetch ahead
  }

  changeMark(): number | undefined {
    // mdb_env_info reads the newest meta page of the shared map: commits of any process show
    const env = (this.root as unknown as { env?: { info?(): { lastTxnId?: unknown } } }).env;
    const id = env?.info?.()?.lastTxnId;
    if (typeof id !== 'number') return undefined;
    if (id !== this.lastMark) {
      // lmdb keeps one read snapshot until its next timer turn: a caller that saw the new mark
      // must read the new commit too (else a miss read now would be remembered under the new mark)
      this.lastMark = id;
      this.root.resetReadTxn();
    }
    return id;
  }

  namespaces(): string[] {
    return [...this.root.getKeys()].filter((k): k is string => typeof k === 'string');
  }

  async put(namespace: string, key: string, value: string, options: WriteOptions = {}): Promise<void> {
    await this.putAll(namespace, [[key, value, options.expiresAt]]);
  }

  async putAll(namespace: string, entries: Iterable<KeyValueEntry>): Promise<void> {
    const list = [...entries];
    if (list.length === 0) return;
    const db = this.writable(namespace, list[0]![0], list[0]![2]);
    for (const [key, , expiresAt] of list) {
      checkWrite(namespace, key, expiresAt);
      checkKey(key);
    }
    const now = this.now();
    await db.batch(() => {
      for (const [key, value, expiresAt] of list) {
        // an entry that is already expired is a removal: nothing stale is left behind
        if (expiresAt !== undefined && expiresAt <= now) void db.remove(key);
        else void db.put(key, encodeStoredValue(value, expiresAt));
      }
    });
  }

  async delete(namespace: string, key: string): Promise<boolean> {
    const db = this.writable(namespace, key);
    const existed = this.get(namespace, key) !== undefined;
    await db.remove(key);
    return existed;
  }

  async purgeExpired(namespace: string): Promise<number> {
    const db = this.database(namespace, false);
    if (db === undefined) return 0;
    if (this.readOnly) throw new KeyValueStoreError(`the key-value store at ${this.path} is open read-only`);
    const now = this.now();
    const expired: string[] = [];
    for (const { key, value } of db.getRange()) if (liveValue(value, now) === undefined) expired.push(key);
    if (expired.length > 0) {
      await db.batch(() => {
        for (const key of expired) void db.remove(key);
      });
    }
    return expired.length;
  }

  async close(): Promise<void> {
    await this.root.close();
  }
}

function checkKey(key: string): void {
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > LMDB_MAX_KEY_BYTES) throw new KeyValueStoreError(`a key of ${bytes} bytes is longer than LMDB's limit of ${LMDB_MAX_KEY_BYTES} bytes`);
}
