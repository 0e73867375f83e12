/**
 * User identity over time: which user had an IP address when (from authentication and DHCP
 * records), kept in a key-value store (namespace `identities`) so that every pipeline worker and
 * every restart sees it, with a bounded in-memory view in front.
 *
 * Layout: one key per canonical IP address → its assignments as a JSON list
 * `[{"user", "since", "until"?}, ...]` ordered by `since` (epoch ms), at most `maxPerIp` of them and
 * none older than `retentionMs` before the newest; the key expires `retentionMs` after its newest
 * assignment, so addresses that stop appearing age out of the store by themselves.
 *
 * "Who had X at T" is the latest assignment of X starting at or before T, unless it had ended
 * (`until` <= T) or started more than the lookup's max age before T. An assignment with the same
 * `since` as a stored one replaces it, so re-loading the same records changes nothing.
 *
 * Learning from live messages (`learn`) updates the in-memory view at once and writes to the store
 * asynchronously (once the current batch's synchronous work is done), merged with what the store
 * holds then. Two workers learning the same address in the same instant may each write their own
 * merge; the last write wins.
 */
import { LruCache } from '../mmdb/lru-cache.js';
import { canonicalIp } from './addresses.js';
import type { AssetKeyValues } from './key-values.js';

export const IDENTITY_NAMESPACE = 'identities';

/** One user's hold on an address. */
export interface IdentityAssignment {
  user: string;
  /** Epoch ms from which the address was the user's. */
  since: number;
  /** Epoch ms at which it stopped being theirs (logout, lease end); none: until the next assignment. */
  until?: number;
}

/** What the `identity` adapter needs. */
export interface IdentityLookup {
  /** The assignment of `ip` (any spelling) at `at` (epoch ms) not older than `maxAgeMs`, or undefined. */
  lookup(ip: string, at: number, maxAgeMs: number): IdentityAssignment | undefined;
  /** Records an assignment seen in a message; false when `ip` is not an address. */
  learn(ip: string, assignment: IdentityAssignment): boolean;
}

export interface IdentityStoreOptions {
  /** How long (ms) history is kept after an address's newest assignment; 30 days by default. */
  retentionMs?: number;
  /** Most assignments kept per address (the newest); 16 by default. */
  maxPerIp?: number;
  /** Addresses kept in memory; 100 000 by default. */
  cacheSize?: number;
  /** How long (ms) a remembered history is used before the store is read again (other workers' learning); 1000 by default. */
  freshMs?: number;
  /** The clock for freshness (not for lookups: those use the message's time). */
  now?: () => number;
  /** Called when an asynchronous write of learned assignments fails (they stay in memory). */
  onError?: (err: unknown) => void;
}

export const DEFAULT_RETENTION_MS = 30 * 86_400_000;

interface Remembered {
  history: IdentityAssignment[];
  readAt: number;
}

function isAssignment(v: unknown): v is IdentityAssignment {
  if (typeof v !== 'object' || v === null) return false;
  const a = v as Record<string, unknown>;
  return typeof a['user'] === 'string' && Number.isFinite(a['since']) && (a['until'] === undefined || Number.isFinite(a['until']));
}

/** A stored history; an unreadable one reads as empty (it is replaced by the next write). */
function parseHistory(text: string | undefined): IdentityAssignment[] {
  if (text === undefined) return [];
  try {
    const list: unknown = JSON.parse(text);
    return Array.isArray(list) ? list.filter(isAssignment) : [];
  } catch {
    return [];
  }
}

function endOf(a: IdentityAssignment): number {
  return a.until !== undefined && a.until > a.since ? a.until : a.since;
}

export class IdentityStore implements IdentityLookup {
  readonly retentionMs: number;
  private readonly maxPerIp: number;
  private readonly freshMs: number;
  private readonly now: () => number;
  private readonly onError: (err: unknown) => void;
  private readonly remembered: LruCache<string, Remembered>;
  /** Learned assignments not yet written, by canonical address. */
  private pending = new Map<string, IdentityAssignment[]>();
  private flushing: Promise<void> = Promise.resolve();
  private flushScheduled = false;
  /** Asynchronous writes that failed. */
  writeErrors = 0;

  constructor(
    private readonly store: AssetKeyValues,
    options: IdentityStoreOptions = {},
  ) {
    this.retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
    this.maxPerIp = options.maxPerIp ?? 16;
    this.freshMs = options.freshMs ?? 1000;
    this.now = options.now ?? Date.now;
    this.onError = options.onError ?? (() => {});
    this.remembered = new LruCache(options.cacheSize ?? 100_000);
  }

  /** Merges assignments into a history: same `since` → the later one given wins; ordered, trimmed. */
  merge(history: readonly IdentityAssignment[], added: readonly IdentityAssignment[]): IdentityAssignment[] {
    const bySince = new Map<number, IdentityAssignment>();
    for (const a of history) bySince.set(a.since, a);
    for (const a of added) bySince.set(a.since, a);
    const merged = [...bySince.values()].sort((a, b) => a.since - b.since);
    const newest = merged[merged.length - 1];
    if (newest === undefined) return merged;
    const oldestKept = newest.since - this.retentionMs;
    const kept = merged.filter((a) => a.since >= oldestKept);
    return kept.length > this.maxPerIp ? kept.slice(kept.length - this.maxPerIp) : kept;
  }

  /** When a history's key expires: `retentionMs` after its newest start or end. */
  private expiryOf(history: readonly IdentityAssignment[]): number | undefined {
    let last = -Infinity;
    for (const a of history) last = Math.max(last, endOf(a));
    return last === -Infinity ? undefined : last + this.retentionMs;
  }

  /** The history of a canonical address: remembered while fresh, else read (with the unwritten learned ones). */
  private history(ip: string): IdentityAssignment[] {
    const now = this.now();
    const known = this.remembered.get(ip);
    if (known !== undefined && now - known.readAt < this.freshMs && now >= known.readAt) return known.history;
    const stored = parseHistory(this.store.get(IDENTITY_NAMESPACE, ip));
    const unwritten = this.pending.get(ip);
    const history = unwritten === undefined ? stored : this.merge(stored, unwritten);
    this.remembered.set(ip, { history, readAt: now });
    return history;
  }

  /**
   * Fetches ahead the histories a batch will look up and does not remember freshly (a networked
   * store answers them in one round trip; the lookups then read locally).
   */
  async prefetch(ipTexts: Iterable<string>): Promise<void> {
    const now = this.now();
    const keys = new Set<string>();
    for (const text of ipTexts) {
      const ip = canonicalIp(text);
      if (ip === undefined || keys.has(ip)) continue;
      const known = this.remembered.get(ip);
      if (known !== undefined && now - known.readAt < this.freshMs && now >= known.readAt) continue;
      keys.add(ip);
    }
    if (keys.size > 0) await this.store.prefetch(IDENTITY_NAMESPACE, keys);
  }

  lookup(ipText: string, at: number, maxAgeMs: number): IdentityAssignment | undefined {
    const ip = canonicalIp(ipText);
    if (ip === undefined) return undefined;
    const history = this.history(ip);
    for (let i = history.length - 1; i >= 0; i--) {
      const a = history[i]!;
      if (a.since > at) continue;
      if (a.until !== undefined && a.until <= at) return undefined;
      return at - a.since <= maxAgeMs ? a : undefined;
    }
    return undefined;
  }

  learn(ipText: string, assignment: IdentityAssignment): boolean {
    const ip = canonicalIp(ipText);
    if (ip === undefined) return false;
    const history = this.history(ip);
    this.remembered.set(ip, { history: this.merge(history, [assignment]), readAt: this.remembered.get(ip)?.readAt ?? this.now() });
    const list = this.pending.get(ip);
    if (list === undefined) this.pending.set(ip, [assignment]);
    else list.push(assignment);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // after the current synchronous work (a batch's enrich loop): one write per batch, started
      // before the caller can close the store
      queueMicrotask(() => {
        this.flushScheduled = false;
        void this.flush();
      });
    }
    return true;
  }

  /** Writes the learned assignments not written yet; resolves when they are (never rejects: failures go to onError). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.pending.size === 0) return;
      const batch = this.pending;
      this.pending = new Map();
      try {
        await this.write(batch);
      } catch (err) {
        this.writeErrors++;
        this.onError(err);
      }
    });
    return this.flushing;
  }

  /**
   * Merges assignments into the store now (the loader); resolves to how many addresses were
   * written. `ip` must be canonical (canonicalIp).
   */
  async record(assignments: ReadonlyMap<string, readonly IdentityAssignment[]>): Promise<number> {
    return this.write(assignments);
  }

  private async write(batch: ReadonlyMap<string, readonly IdentityAssignment[]>): Promise<number> {
    const entries: Array<readonly [string, string, number | undefined]> = [];
    for (const [ip, added] of batch) {
      const history = this.merge(parseHistory(this.store.get(IDENTITY_NAMESPACE, ip)), added);
      entries.push([ip, JSON.stringify(history), this.expiryOf(history)]);
      this.remembered.set(ip, { history, readAt: this.now() });
    }
    for (let i = 0; i < entries.length; i += 5000) await this.store.putAll(IDENTITY_NAMESPACE, entries.slice(i, i + 5000));
    return entries.length;
  }
}
