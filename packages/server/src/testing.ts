/** Fakes for this package's unit tests (the real stores are tested in their own packages). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MetronError, type Message } from '@metron/core';
import type { GetRequest, SearchRequest, SearchResponse, SearchStore } from '@metron/storage';
import { openUserStore, type OpenUserStoreOptions, type UserStore } from './auth/user-store.js';
import type { ServerDeps } from './app.js';

/** An in-memory SearchStore: `*` matches all; a query containing `(((` is QUERY_INVALID. */
export function fakeSearchStore(docs: Array<{ sensor: string; message: Message }> = []): SearchStore & { requests: SearchRequest[] } {
  const requests: SearchRequest[] = [];
  return {
    requests,
    async write(sensor, messages) {
      for (const message of messages) docs.push({ sensor, message });
    },
    async search(request): Promise<SearchResponse> {
      requests.push(request);
      if (request.query.includes('(((')) throw new MetronError('QUERY_INVALID', 'unbalanced parentheses at position 0');
      const hits = docs.filter((d) => !request.indices?.length || request.indices.includes(d.sensor));
      return {
        total: hits.length,
        results: hits.map((d) => ({ id: String(d.message['guid']), index: d.sensor, source: d.message, score: 1 })),
      };
    },
    async findOne(request: GetRequest) {
      return docs.find((d) => d.sensor === request.sensorType && d.message['guid'] === request.guid)?.message ?? null;
    },
    async findAll(requests: GetRequest[]) {
      return requests.flatMap((r) => docs.filter((d) => d.sensor === r.sensorType && d.message['guid'] === r.guid).map((d) => d.message));
    },
    async group(request) {
      return { groupedBy: request.groups[0]?.field ?? '', groupResults: [] };
    },
    async histogram(request) {
      return { field: request.field ?? 'timestamp', interval: Number(request.interval), total: 0, buckets: [] };
    },
    async columnMetadata() {
      return {};
    },
    async indices() {
      return [...new Set(docs.map((d) => d.sensor))];
    },
    async close() {},
  };
}

/** A temp dir with a user store (cheap scrypt), removed by `cleanup`. */
export async function tempUserStore(options: OpenUserStoreOptions = {}): Promise<{ users: UserStore; path: string; dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'metron-server-'));
  const path = join(dir, 'users.json');
  const users = await openUserStore(path, { adminPassword: 'admin-password', scryptParams: { N: 1024 }, ...options });
  return { users, path, dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** ServerDeps with fakes; `ingested` records what reached the sink. */
export function fakeDeps(users: UserStore, overrides: Partial<ServerDeps> = {}): ServerDeps & { ingested: Array<{ sensor: string; records: Buffer[] }> } {
  const ingested: Array<{ sensor: string; records: Buffer[] }> = [];
  return {
    ingested,
    searchStore: fakeSearchStore(),
    async ingest(sensor, records) {
      ingested.push({ sensor, records });
    },
    knownSensors: () => ['bro', 'snort', 'squid'],
    metrics: () => ({ sensors: { bro: { received: 1 } } }),
    prometheus: () => 'metron_records_received_total{sensor="bro"} 1\n',
    users,
    ...overrides,
  };
}

/** `Authorization: Basic` header value. */
export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}
