/**
 * The `asset` and `identity` enrichment adapters (this project's additions to Metron's fieldMap
 * adapters), and the step that learns identities from a sensor's messages. Outputs, flat and
 * dotted as Metron's adapters write theirs:
 * - asset: `enrichments.asset.<field>.<key>` for each key of the asset found by the field's value
 *   (an IP address, or a host name): ip, hostname, owner, criticality, os, tags (a list), and the
 *   inventory's other columns;
 * - identity: `enrichments.identity.<field>.user|since` (and `until` when the assignment has an
 *   end), for the user who had the field's address at the message's `timestamp`.
 */
import { ConfigError, errorMessage, type JsonValue, type Message } from '@metron/core';
import type { CompiledExpression, EvalContext } from '@metron/stellar';
import type { StageStep } from '../sensor-enrichment/adapters.js';
import type { EnrichmentSettings, ListAdapterConfig } from '../sensor-enrichment/config.js';
import { lookupText } from '../sensor-enrichment/java-values.js';
import { compileExpression, type StellarSettings } from '../sensor-enrichment/stellar-compile.js';
import type { SensorEnrichmentDeps } from '../sensor-enrichment/types.js';
import { VariableScope } from '../sensor-enrichment/variables.js';
import type { AssetLookup } from './asset-inventory.js';
import { parseTimeValue } from './identity-records.js';
import type { IdentityLookup } from './identity-store.js';
import { identitySettings, type LearnRule } from './settings.js';

function hasValue(v: unknown): boolean {
  return v !== null && v !== undefined;
}

export function assetStep(adapter: ListAdapterConfig, assets: AssetLookup): StageStep {
  const fields = adapter.fields;
  const prefixes = fields.map((f) => `enrichments.asset.${f}.`);
  // output keys built once per field and inventory column (a handful), not per message
  const keys = fields.map(() => new Map<string, string>());
  return {
    run(message, out) {
      let ran = false;
      for (let i = 0; i < fields.length; i++) {
        const value = message[fields[i]!];
        if (!hasValue(value)) continue;
        ran = true;
        const text = lookupText(value);
        const asset = text === undefined ? undefined : assets.lookup(text);
        if (asset === undefined) continue;
        const fieldKeys = keys[i]!;
        for (const column in asset) {
          let key = fieldKeys.get(column);
          if (key === undefined) {
            key = prefixes[i]! + column;
            if (fieldKeys.size < 1000) fieldKeys.set(column, key);
          }
          const value = asset[column];
          // a cached asset serves many messages: each gets its own copy of a list
          out.push(key, (Array.isArray(value) ? value.slice() : value) as JsonValue);
        }
      }
      return ran;
    },
  };
}

/** The message's time (its `timestamp`, epoch ms), else the clock's. */
function messageTime(message: Message, now: () => number): number {
  const t = message['timestamp'];
  if (typeof t === 'number' && Number.isFinite(t)) return t;
  return (typeof t === 'string' ? parseTimeValue(t) : undefined) ?? now();
}

export function identityStep(adapter: ListAdapterConfig, identities: IdentityLookup, maxAgeMs: number, now: () => number): StageStep {
  const fields = adapter.fields;
  const keys = fields.map((f) => ({ user: `enrichments.identity.${f}.user`, since: `enrichments.identity.${f}.since`, until: `enrichments.identity.${f}.until` }));
  return {
    run(message, out) {
      let ran = false;
      let at: number | undefined;
      for (let i = 0; i < fields.length; i++) {
        const value = message[fields[i]!];
        if (!hasValue(value)) continue;
        ran = true;
        const ip = lookupText(value);
        if (ip === undefined) continue;
        at ??= messageTime(message, now);
        const found = identities.lookup(ip, at, maxAgeMs);
        if (found === undefined) continue;
        const k = keys[i]!;
        out.push(k.user, found.user);
        out.push(k.since, found.since);
        if (found.until !== undefined) out.push(k.until, found.until);
      }
      return ran;
    },
  };
}

/** The `asset` or `identity` adapter of a fieldMap, with its dependency checked. Throws ConfigError. */
export function assetIdentityStep(adapter: ListAdapterConfig, section: EnrichmentSettings, deps: SensorEnrichmentDeps, file: string): StageStep {
  if (adapter.adapter === 'asset') {
    if (deps.assets === undefined) throw new ConfigError(file, adapter.jsonPath, 'the asset adapter needs the asset inventory (the key-value store), and none was given to the enrichment engine');
    return assetStep(adapter, deps.assets);
  }
  if (deps.identities === undefined) throw new ConfigError(file, adapter.jsonPath, 'the identity adapter needs the identity store (the key-value store), and none was given to the enrichment engine');
  return identityStep(adapter, deps.identities, identitySettings(section.config, file).maxAgeMs, deps.now ?? Date.now);
}

interface CompiledLearnRule extends LearnRule {
  compiledFilter?: CompiledExpression;
}

/**
 * The step that learns identities from the messages (`enrichment.config.identity.learn`), or
 * undefined when the config learns none. It adds no fields; it runs before the adapters, so a
 * message that establishes an identity is enriched with it. Throws ConfigError.
 */
export function identityLearnStep(section: EnrichmentSettings, deps: SensorEnrichmentDeps, file: string, stellar: StellarSettings, ctx: Partial<EvalContext>): StageStep | undefined {
  const rules = identitySettings(section.config, file).learn;
  if (rules.length === 0) return undefined;
  const identities = deps.identities;
  if (identities === undefined) throw new ConfigError(file, rules[0]!.jsonPath, 'learning identities needs the identity store (the key-value store), and none was given to the enrichment engine');
  const compiled: CompiledLearnRule[] = rules.map((rule) =>
    rule.filter === undefined ? rule : { ...rule, compiledFilter: compileExpression(rule.filter, file, `${rule.jsonPath}.filter`, stellar) },
  );
  const scope = new VariableScope([]);
  return {
    run(message, _out, errors) {
      for (const rule of compiled) {
        const ip = lookupText(message[rule.ip]);
        const userValue = message[rule.user];
        const user = typeof userValue === 'string' ? userValue.trim() : typeof userValue === 'number' ? String(userValue) : '';
        const since = parseTimeValue(message[rule.timestamp]);
        if (ip === undefined || user === '' || since === undefined) continue;
        if (rule.compiledFilter !== undefined) {
          scope.message = message;
          let accepted: boolean;
          try {
            accepted = rule.compiledFilter.predicate(scope.resolve, ctx);
          } catch (err) {
            errors.add({
              errorType: 'enrichment_error',
              message: `ENRICHMENT error with identity failed: the learn filter failed: ${errorMessage(err)}`,
              adapter: 'identity',
              jsonPath: `${rule.jsonPath}.filter`,
              rawMessage: { ...message },
              fatal: false,
            });
            continue;
          } finally {
            scope.release();
          }
          if (!accepted) continue;
        }
        const until = rule.end === undefined ? undefined : parseTimeValue(message[rule.end]);
        identities.learn(ip, until !== undefined && until > since ? { user, since, until } : { user, since });
      }
      return false;
    },
  };
}
