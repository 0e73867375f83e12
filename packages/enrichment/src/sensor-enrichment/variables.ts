/**
 * What a Stellar expression of the enrichment stage reads as variables, as Metron's
 * MapVariableResolver: the message (with a Stellar group's own assignments over it), then config
 * maps; the first non-null value wins. `_` is every variable as one map (Metron's ALL_FIELDS).
 *
 * One scope object serves every evaluation of a compiled enricher: its fields are pointed at the
 * message being enriched, so reading a variable allocates nothing but the Stellar value.
 */
import { fromJson } from '@metron/stellar';
import type { StellarValue } from '@metron/stellar';

const NO_FIELDS: Readonly<Record<string, unknown>> = Object.freeze({});

export class VariableScope {
  /** The message being enriched (JSON values, as the pipeline holds it). */
  message: Readonly<Record<string, unknown>> = NO_FIELDS;
  /**
   * A Stellar group's assignments so far, read before the message. A null entry is a variable the
   * group set to null: Metron removes it from the group's copy of the message, so the message's
   * value is no longer seen (the config maps still are).
   */
  locals: Map<string, StellarValue> | null = null;
  /** The resolver to hand to CompiledExpression.run/predicate. */
  readonly resolve: (name: string) => StellarValue | undefined;

  constructor(private readonly layers: readonly ReadonlyMap<string, StellarValue>[]) {
    this.resolve = (name) => this.lookup(name);
  }

  /** Lets go of the message after an evaluation. */
  release(): void {
    this.message = NO_FIELDS;
    this.locals = null;
  }

  private lookup(name: string): StellarValue | undefined {
    if (name === '_') return this.all();
    let held = false;
    const locals = this.locals;
    if (locals !== null && locals.has(name)) {
      const v = locals.get(name);
      if (v !== null && v !== undefined) return v;
      held = true;
    } else if (Object.hasOwn(this.message, name)) {
      const raw = this.message[name];
      if (raw !== null && raw !== undefined) return fromJson(raw);
      held = true;
    }
    for (const layer of this.layers) {
      const v = layer.get(name);
      if (v !== null && v !== undefined) return v;
      held ||= layer.has(name);
    }
    return held ? null : undefined;
  }

  /** Every variable with a value, as one map (the rarely used `_`: built when asked for). */
  private all(): Map<StellarValue, StellarValue> {
    const all = new Map<StellarValue, StellarValue>();
    for (let i = this.layers.length - 1; i >= 0; i--) {
      for (const [k, v] of this.layers[i]!) if (v !== null && v !== undefined) all.set(k, v);
    }
    const locals = this.locals;
    for (const k of Object.keys(this.message)) {
      if (locals?.has(k)) continue;
      const raw = this.message[k];
      if (raw !== null && raw !== undefined) all.set(k, fromJson(raw));
    }
    if (locals !== null) for (const [k, v] of locals) if (v !== null && v !== undefined) all.set(k, v);
    return all;
  }
}
