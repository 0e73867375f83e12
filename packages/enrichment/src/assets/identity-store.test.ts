/**
 * User identity over time on both key-value backends (LMDB, a real redis-server): who had an
 * address at a time, ends and max age, bounded history, learning persisted for other readers.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { identityFromFields, parseTimeValue } from './identity-records.js';
import { IDENTITY_NAMESPACE, IdentityStore, type IdentityAssignment } from './identity-store.js';
import { lmdbBackend, redisBackend, type Backend } from './test-support/stores.js';

const H = 3_600_000;
// near the real time: Redis expires keys by its own clock (SET PXAT), whatever the store's clock says
const T0 = Math.floor(Date.now() / H) * H;
const DAY = 24 * H;

for (const backend of [lmdbBackend(), redisBackend()] as Backend[]) {
  describe(`identity store on ${backend.name}`, () => {
    beforeEach(() => backend.setup());
    afterEach(() => backend.cleanup());
    afterAll(() => backend.stop());

    /** A store whose clock (for expiry) is `clock`, and an identity store over it. */
    const open = async (clock = () => T0 + H, options: ConstructorParameters<typeof IdentityStore>[1] = {}) => {
      const kv = await backend.open({ now: clock });
      return { kv, identities: new IdentityStore(kv, { now: clock, ...options }) };
    };

    it('answers with the latest assignment at or before the time, within the max age', async () => {
      const { identities } = await open();
      await identities.record(
        new Map<string, IdentityAssignment[]>([
          ['10.0.0.5', [{ user: 'bob', since: T0 + 2 * H }, { user: 'alice', since: T0 }]],
          ['2001:db8::7', [{ user: 'carol', since: T0, until: T0 + H }]],
        ]),
      );
      expect(identities.lookup('10.0.0.5', T0 - 1, DAY)).toBeUndefined(); // before any assignment
      expect(identities.lookup('10.0.0.5', T0, DAY)).toEqual({ user: 'alice', since: T0 });
      expect(identities.lookup('10.0.0.5', T0 + 2 * H - 1, DAY)).toEqual({ user: 'alice', since: T0 });
      expect(identities.lookup('10.0.0.5', T0 + 2 * H, DAY)).toEqual({ user: 'bob', since: T0 + 2 * H });
      // max age: bob's assignment is too old 12 h after it began, with a 12 h limit it still holds at the limit
      expect(identities.lookup('10.0.0.5', T0 + 14 * H, 12 * H)).toEqual({ user: 'bob', since: T0 + 2 * H });
      expect(identities.lookup('10.0.0.5', T0 + 14 * H + 1, 12 * H)).toBeUndefined();
      // an end: carol held the address for one hour
      expect(identities.lookup('2001:DB8:0::7', T0 + H - 1, DAY)).toEqual({ user: 'carol', since: T0, until: T0 + H });
      expect(identities.lookup('2001:db8::7', T0 + H, DAY)).toBeUndefined();
      expect(identities.lookup('10.0.0.6', T0, DAY)).toBeUndefined();
      expect(identities.lookup('not an ip', T0, DAY)).toBeUndefined();
    });

    it('stores one ordered history per address, and the same records twice once', async () => {
      const { kv, identities } = await open();
      const records = new Map<string, IdentityAssignment[]>([['10.0.0.5', [{ user: 'bob', since: T0 + H }, { user: 'alice', since: T0 }]]]);
      await identities.record(records);
      await identities.record(records);
      expect(JSON.parse(kv.get(IDENTITY_NAMESPACE, '10.0.0.5')!)).toEqual([
        { user: 'alice', since: T0 },
        { user: 'bob', since: T0 + H },
      ]);
      // the same start again with another user or an end replaces that record
      await identities.record(new Map([['10.0.0.5', [{ user: 'bob', since: T0 + H, until: T0 + 2 * H }]]]));
      expect(JSON.parse(kv.get(IDENTITY_NAMESPACE, '10.0.0.5')!)).toEqual([
        { user: 'alice', since: T0 },
        { user: 'bob', since: T0 + H, until: T0 + 2 * H },
      ]);
    });

    it('keeps at most maxPerIp assignments per address and none older than the retention before the newest', async () => {
      const { kv, identities } = await open(() => T0, { maxPerIp: 3, retentionMs: 10 * H });
      await identities.record(new Map([['10.0.0.5', [0, 1, 2, 3, 4].map((i) => ({ user: `u${i}`, since: T0 + i * H }))]]));
      expect(JSON.parse(kv.get(IDENTITY_NAMESPACE, '10.0.0.5')!).map((a: IdentityAssignment) => a.user)).toEqual(['u2', 'u3', 'u4']);
      await identities.record(new Map([['10.0.0.5', [{ user: 'late', since: T0 + 13 * H }]]]));
      // u2 (T0+2h) is older than 10 h before T0+13h
      expect(JSON.parse(kv.get(IDENTITY_NAMESPACE, '10.0.0.5')!).map((a: IdentityAssignment) => a.user)).toEqual(['u3', 'u4', 'late']);
    });

    it('lets an address age out of the store the retention after its newest assignment', async () => {
      let clock = T0;
      const { kv, identities } = await open(() => clock, { retentionMs: 2 * H, freshMs: 0 });
      await identities.record(new Map([['10.0.0.5', [{ user: 'alice', since: T0 }]]]));
      clock = T0 + 2 * H - 1;
      expect(identities.lookup('10.0.0.5', clock, DAY)).toEqual({ user: 'alice', since: T0 });
      clock = T0 + 2 * H;
      expect(kv.get(IDENTITY_NAMESPACE, '10.0.0.5')).toBeUndefined();
      expect(identities.lookup('10.0.0.5', clock, DAY)).toBeUndefined();
      // a record already past the retention is not stored at all
      await identities.record(new Map([['10.0.0.6', [{ user: 'old', since: T0 - 3 * H }]]]));
      expect(kv.get(IDENTITY_NAMESPACE, '10.0.0.6')).toBeUndefined();
    });

    it('learns at once in memory, writes soon, and another reader sees it after its own freshness', async () => {
      const clock = () => T0;
      const { identities } = await open(clock);
      const other = new IdentityStore(await backend.open({ now: clock }), { freshMs: 0, now: clock });
      expect(identities.learn('10.0.0.8', { user: 'dave', since: T0 - H })).toBe(true);
      expect(identities.learn('nope', { user: 'x', since: T0 })).toBe(false);
      expect(identities.lookup('10.0.0.8', T0, DAY)).toEqual({ user: 'dave', since: T0 - H });
      expect(other.lookup('10.0.0.8', T0, DAY)).toBeUndefined(); // not written yet
      await identities.flush();
      expect(other.lookup('10.0.0.8', T0, DAY)).toEqual({ user: 'dave', since: T0 - H });
      // learning merges with what the store holds: another worker's earlier record stays
      await other.record(new Map([['10.0.0.9', [{ user: 'erin', since: T0 - 2 * H }]]]));
      identities.learn('10.0.0.9', { user: 'frank', since: T0 - H });
      await identities.flush();
      expect(other.lookup('10.0.0.9', T0 - H - 1, DAY)).toEqual({ user: 'erin', since: T0 - 2 * H });
      expect(other.lookup('10.0.0.9', T0, DAY)).toEqual({ user: 'frank', since: T0 - H });
    });

    it('writes learned identities without being asked (once the current synchronous work is done)', async () => {
      const { identities } = await open(() => T0);
      const other = new IdentityStore(await backend.open({ now: () => T0 }), { freshMs: 0, now: () => T0 });
      identities.learn('10.0.0.10', { user: 'gina', since: T0 });
      for (let i = 0; i < 100 && other.lookup('10.0.0.10', T0, DAY) === undefined; i++) await new Promise((r) => setTimeout(r, 10));
      expect(other.lookup('10.0.0.10', T0, DAY)).toEqual({ user: 'gina', since: T0 });
      expect(identities.writeErrors).toBe(0);
    });

    it('keeps a bounded number of addresses in memory', async () => {
      const { identities } = await open(() => T0, { cacheSize: 2 });
      for (let i = 1; i <= 5; i++) identities.learn(`10.0.1.${i}`, { user: `u${i}`, since: T0 });
      expect(identities.lookup('10.0.1.1', T0, DAY)).toEqual({ user: 'u1', since: T0 }); // from the pending writes
      await identities.flush();
      for (let i = 1; i <= 5; i++) expect(identities.lookup(`10.0.1.${i}`, T0, DAY)?.user).toBe(`u${i}`);
    });
  });
}

describe('identity records', () => {
  it('read ip, user, timestamp and end in their spellings', () => {
    expect(identityFromFields({ ip: '10.0.0.1', user: ' alice ', timestamp: '1767945600000' })).toEqual({ ip: '10.0.0.1', assignment: { user: 'alice', since: 1767945600000 } });
    expect(identityFromFields({ IP_Address: '2001:DB8::1', username: 'bob', since: '2026-01-09T08:00:00Z', until: '2026-01-09T10:00:00+01:00' })).toEqual({
      ip: '2001:db8::1',
      assignment: { user: 'bob', since: Date.UTC(2026, 0, 9, 8), until: Date.UTC(2026, 0, 9, 9) },
    });
  });

  it('refuse what they cannot use, saying why', () => {
    expect(() => identityFromFields({ user: 'a', timestamp: 1 })).toThrow('an identity needs its "ip"');
    expect(() => identityFromFields({ ip: 'x', user: 'a', timestamp: 1 })).toThrow('"x" is not an IP address');
    expect(() => identityFromFields({ ip: '10.0.0.1', timestamp: 1 })).toThrow('an identity needs its "user"');
    expect(() => identityFromFields({ ip: '10.0.0.1', user: 'a' })).toThrow('an identity needs its "timestamp"');
    expect(() => identityFromFields({ ip: '10.0.0.1', user: 'a', timestamp: 'yesterday' })).toThrow('timestamp "yesterday" is not epoch ms or an ISO 8601 date-time');
    expect(() => identityFromFields({ ip: '10.0.0.1', user: 'a', timestamp: 10, end: 10 })).toThrow('end (10) is not after timestamp (10)');
  });

  it('read times as epoch ms or ISO 8601, UTC unless an offset is given', () => {
    expect(parseTimeValue(1500000000000.7)).toBe(1500000000000);
    expect(parseTimeValue('2026-01-09 08:00')).toBe(Date.UTC(2026, 0, 9, 8));
    expect(parseTimeValue('2026-01-09T08:00:00.250-02:00')).toBe(Date.UTC(2026, 0, 9, 10, 0, 0, 250));
    expect(parseTimeValue('2026-01-09')).toBe(Date.UTC(2026, 0, 9));
    for (const bad of ['', 'now', '2026-13-45T99:00', null, true, Number.NaN]) expect(parseTimeValue(bad)).toBeUndefined();
  });
});
