/**
 * What the pipeline hands the sensor enrichers for the `asset` and `identity` adapters: readers
 * over its key-value store (LMDB or Redis), whether any config learns identities (the store must
 * then be open for writing), and, for a remote store, what a batch will look up, to fetch it in
 * one round trip before the adapters' synchronous reads.
 */
import type { Message } from '@metron/core';
import type { NormalizedSensorEnrichmentConfig } from '../sensor-enrichment/config.js';
import { lookupText } from '../sensor-enrichment/java-values.js';
import { AssetInventory } from './asset-inventory.js';
import { IdentityStore } from './identity-store.js';
import { identitySettings } from './settings.js';
import type { AssetKeyValues } from './key-values.js';

/** The asset inventory and the identity store over `store`, as SensorEnrichmentDeps takes them. */
export function assetIdentityDeps(store: AssetKeyValues): { assets: AssetInventory; identities: IdentityStore } {
  return { assets: new AssetInventory(store), identities: new IdentityStore(store) };
}

/** Whether any of the sensor enrichment configs (sensor → parsed config) learns identities from its messages. */
export function learnsIdentities(configs: Readonly<Record<string, unknown>>): boolean {
  return Object.values(configs).some((config) => {
    const enrichment = (config as { enrichment?: { config?: { identity?: { learn?: unknown } } } } | null)?.enrichment;
    const learn = enrichment?.config?.identity?.learn;
    return learn !== undefined && learn !== null && !(Array.isArray(learn) && learn.length === 0);
  });
}

function fieldsOf(fieldMap: Readonly<Record<string, unknown>>, adapter: string): string[] {
  const fields = fieldMap[adapter];
  return Array.isArray(fields) ? fields.filter((f): f is string => typeof f === 'string') : [];
}

/**
 * The lookups of the `asset` and `identity` adapters of each sensor, fetched ahead per batch. A
 * lookup it does not foresee (a field the enrichment itself adds) still works, by a blocking read.
 */
export class AssetIdentityPrefetch {
  private readonly assetFields = new Map<string, string[]>();
  private readonly identityFields = new Map<string, string[]>();

  constructor(
    private readonly deps: { assets: AssetInventory; identities: IdentityStore },
    configs: Iterable<readonly [sensor: string, config: { readonly config: NormalizedSensorEnrichmentConfig }]>,
  ) {
    for (const [sensor, { config }] of configs) {
      const assets = fieldsOf(config.enrichment.fieldMap, 'asset');
      // learning reads the address's history too (to merge into it)
      const learned = identitySettings(config.enrichment.config, `enrichments/${sensor}.json`).learn.map((rule) => rule.ip);
      const identities = [...new Set([...fieldsOf(config.enrichment.fieldMap, 'identity'), ...learned])];
      if (assets.length > 0) this.assetFields.set(sensor, assets);
      if (identities.length > 0) this.identityFields.set(sensor, identities);
    }
  }

  /** True when no sensor uses the adapters. */
  get empty(): boolean {
    return this.assetFields.size === 0 && this.identityFields.size === 0;
  }

  /** Fetches what the batch's messages (of `sensors[i]`; undefined: unreadable) will look up. */
  async prefetch(sensors: readonly string[], messages: ReadonlyArray<Message | undefined>): Promise<void> {
    if (this.empty) return;
    const assetTexts: string[] = [];
    const ips: string[] = [];
    const collect = (message: Message, fields: readonly string[] | undefined, into: string[]) => {
      if (fields === undefined) return;
      for (const field of fields) {
        const text = lookupText(message[field]);
        if (text !== undefined) into.push(text);
      }
    };
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i];
      if (message === undefined) continue;
      collect(message, this.assetFields.get(sensors[i]!), assetTexts);
      collect(message, this.identityFields.get(sensors[i]!), ips);
    }
    await Promise.all([assetTexts.length > 0 ? this.deps.assets.prefetch(assetTexts) : undefined, ips.length > 0 ? this.deps.identities.prefetch(ips) : undefined]);
  }
}
