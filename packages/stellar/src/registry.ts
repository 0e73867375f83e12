/**
 * The function registry: every Stellar function by name, plus the services (geo, enrichment,
 * profiler, ...) that other modules install for the functions that need them.
 *
 * `defaultRegistry()` registers the namespace files of ./functions/ from ONE explicit list below
 * (no directory scanning): a new namespace file is added here by hand.
 */
import type { FunctionList, StellarFunction } from './functions/types.js';
import { functions as asnFunctions } from './functions/asn.js';
import { functions as binFunctions } from './functions/bin.js';
import { functions as byteArrayMatcherFunctions } from './functions/byte-array-matcher.js';
import { functions as configFunctions } from './functions/config.js';
import { functions as conversionFunctions } from './functions/conversion.js';
import { functions as dataStructureFunctions } from './functions/data-structure.js';
import { functions as dateFunctions } from './functions/date.js';
import { functions as encodingFunctions } from './functions/encoding.js';
import { functions as enrichmentFunctions } from './functions/enrichment.js';
import { functions as filesystemFunctions } from './functions/filesystem.js';
import { functions as functionalFunctions } from './functions/functional.js';
import { functions as geoFunctions } from './functions/geo.js';
import { functions as geohashFunctions } from './functions/geohash.js';
import { functions as grokFunctions } from './functions/grok.js';
import { functions as hashFunctions } from './functions/hash.js';
import { functions as hllpFunctions } from './functions/hllp.js';
import { functions as informationTheoryFunctions } from './functions/information-theory.js';
import { functions as ipProtocolFunctions } from './functions/ip-protocol.js';
import { functions as kafkaFunctions } from './functions/kafka.js';
import { functions as maasFunctions } from './functions/maas.js';
import { functions as madFunctions } from './functions/mad.js';
import { functions as mapFunctions } from './functions/map.js';
import { functions as mathFunctions } from './functions/math.js';
import { functions as networkFunctions } from './functions/network.js';
import { functions as ordinalFunctions } from './functions/ordinal.js';
import { functions as profilerFunctions } from './functions/profiler.js';
import { functions as regexFunctions } from './functions/regex.js';
import { functions as restFunctions } from './functions/rest.js';
import { functions as samplingFunctions } from './functions/sampling.js';
import { functions as setFunctions } from './functions/set.js';
import { functions as shellFunctions } from './functions/shell.js';
import { functions as statsFunctions } from './functions/stats.js';
import { functions as stringFunctions } from './functions/string.js';
import { functions as systemFunctions } from './functions/system.js';
import { functions as textFunctions } from './functions/text.js';
import { functions as triageFunctions } from './functions/triage.js';
import { functions as typosquatFunctions } from './functions/typosquat.js';
import { functions as validationFunctions } from './functions/validation.js';

/** Every namespace file of ./functions/, in one list. */
export const DEFAULT_FUNCTION_LISTS: readonly FunctionList[] = [
  asnFunctions,
  binFunctions,
  byteArrayMatcherFunctions,
  configFunctions,
  conversionFunctions,
  dataStructureFunctions,
  dateFunctions,
  encodingFunctions,
  enrichmentFunctions,
  filesystemFunctions,
  functionalFunctions,
  geoFunctions,
  geohashFunctions,
  grokFunctions,
  hashFunctions,
  hllpFunctions,
  informationTheoryFunctions,
  ipProtocolFunctions,
  kafkaFunctions,
  maasFunctions,
  madFunctions,
  mapFunctions,
  mathFunctions,
  networkFunctions,
  ordinalFunctions,
  profilerFunctions,
  regexFunctions,
  restFunctions,
  samplingFunctions,
  setFunctions,
  shellFunctions,
  statsFunctions,
  stringFunctions,
  systemFunctions,
  textFunctions,
  triageFunctions,
  typosquatFunctions,
  validationFunctions,
];

export class FunctionRegistry {
  private readonly byName = new Map<string, StellarFunction>();
  private readonly services = new Map<string, unknown>();

  /** Later lists override earlier ones on a name clash (so a caller can replace a function). */
  constructor(lists: readonly FunctionList[]) {
    for (const list of lists) for (const fn of list) this.byName.set(fn.name, fn);
  }

  /** The function with exactly this name (Stellar function names are case-sensitive). */
  get(name: string): StellarFunction | undefined {
    return this.byName.get(name);
  }

  /** All functions sorted by name; `filter` keeps names containing it (case-insensitive). */
  list(filter?: string): StellarFunction[] {
    const needle = filter?.toUpperCase();
    const out = [...this.byName.values()].filter((f) => needle === undefined || f.name.toUpperCase().includes(needle));
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Installs (or replaces) the implementation of a service such as 'geo' or 'enrichment'. */
  installService(name: string, impl: unknown): void {
    this.services.set(name, impl);
  }

  service<T>(name: string): T | undefined {
    return this.services.get(name) as T | undefined;
  }
}

/** A new registry holding every function of ./functions/ and no services. */
export function defaultRegistry(): FunctionRegistry {
  return new FunctionRegistry(DEFAULT_FUNCTION_LISTS);
}
