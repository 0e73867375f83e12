/**
 * How the details pane groups a Metron message's flat dotted fields: triage rules
 * (`threat.triage.rules.<i>.<key>`), threat intel hits (`threatintels.<adapter>.<field>.<type>`,
 * whose matching indicator is the message's own value of `<field>`), and enrichments
 * (`enrichments.<adapter>.<field>.<key>`) by adapter and field.
 */
import type { Doc } from '../../api.ts';

export interface TriageRule {
  index: number;
  name?: string;
  comment?: string;
  score?: unknown;
  reason?: unknown;
}

/** The triage rules that fired, from `threat.triage.rules.<i>.<key>` fields. */
export function triageRules(doc: Doc): TriageRule[] {
  const rules = new Map<number, TriageRule>();
  for (const [key, value] of Object.entries(doc)) {
    const m = /^threat\.triage\.rules\.(\d+)\.(name|comment|score|reason)$/.exec(key);
    if (!m) continue;
    const index = Number(m[1]);
    const rule = rules.get(index) ?? { index };
    (rule as unknown as Record<string, unknown>)[m[2]!] = value;
    rules.set(index, rule);
  }
  return [...rules.values()].sort((a, b) => a.index - b.index);
}

export interface ThreatIntelHit {
  adapter: string;
  field: string;
  type: string;
  /** The message's value of `field`: the indicator that matched. */
  indicator: unknown;
  value: unknown;
}

/** Threat intel hits from `threatintels.<adapter>.<field>.<type>` fields (the rest is listed as is). */
export function threatIntelHits(doc: Doc): { hits: ThreatIntelHit[]; other: Array<[string, unknown]> } {
  const hits: ThreatIntelHit[] = [];
  const other: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(doc)) {
    if (!key.startsWith('threatintels.')) continue;
    const parts = key.split('.');
    // threatintels.<adapter>.<field>.<type>; the field itself has no dots in Metron's names
    if (parts.length === 4 && parts[2]! in doc) {
      hits.push({ adapter: parts[1]!, field: parts[2]!, type: parts[3]!, indicator: doc[parts[2]!], value });
    } else {
      other.push([key, value]);
    }
  }
  return { hits, other };
}

/** `enrichments.<adapter>.<field>.<key>` grouped by adapter and field. */
export function enrichmentGroups(doc: Doc): Array<{ title: string; entries: Array<[string, unknown]> }> {
  const groups = new Map<string, Array<[string, unknown]>>();
  for (const [key, value] of Object.entries(doc)) {
    if (!key.startsWith('enrichments.')) continue;
    const parts = key.split('.');
    const title = parts.length >= 4 ? `${parts[1]} · ${parts[2]}` : parts.slice(1, -1).join('.') || 'enrichments';
    const name = parts.length >= 4 ? parts.slice(3).join('.') : parts[parts.length - 1]!;
    groups.set(title, [...(groups.get(title) ?? []), [name, value]]);
  }
  return [...groups.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([title, entries]) => ({ title, entries: entries.sort((a, b) => a[0].localeCompare(b[0])) }));
}

