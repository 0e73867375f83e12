/**
 * Profiler client and REPL functions (Metron's GetProfile, VerboseProfile, FixedLookback,
 * WindowLookback, ProfilerFunctions): thin adapters over the profiler module ('profiler'), which
 * owns the profile store, period arithmetic and the local profile runner.
 */
import type { StellarValue } from '../values.js';
import { StellarFunctionError } from './types.js';
import type { StellarFunction } from './types.js';
import { integerArg, optionalIntegerArg, optionalMapArg, requireService, stringArg } from './service-adapter.js';

/** A profile measurement period, owned by the profiler module (opaque to Stellar). */
export type ProfilePeriodRef = object;
/** A local profile runner created by PROFILER_INIT, owned by the profiler module. */
export type ProfileRunnerRef = object;

/** What to read from the profile store. */
export interface ProfileQuery {
  profile: string;
  entity: string;
  periods: ProfilePeriodRef[];
  /** Values of the profile's groupBy expressions; empty for no groups. */
  groups: StellarValue[];
  /** Global config overrides (profiler.client.* keys), possibly empty. */
  overrides: Map<StellarValue, StellarValue>;
}

/** What the profiler module installs under the service name 'profiler'. */
export interface ProfilerService {
  /** The measurement values of the periods, oldest first (missing periods are skipped). */
  get(query: ProfileQuery): StellarValue[];
  /** One map per measurement: profile, entity, period, period.start, period.end, groups, value. */
  getVerbose(query: ProfileQuery): Map<StellarValue, StellarValue>[];
  /** The periods overlapping [startMs, endMs], using the period duration of the (overridden) config. */
  periodsBetween(startMs: number, endMs: number, overrides: Map<StellarValue, StellarValue>): ProfilePeriodRef[];
  /** The periods a window selector ("30 minute window every 1 hour from 2 days ago ...") picks. */
  periodsOfWindow(selector: string, nowMs: number, overrides: Map<StellarValue, StellarValue>): ProfilePeriodRef[];
  /** A local runner for a profiler configuration given as JSON. */
  createRunner(config: string, overrides: Map<StellarValue, StellarValue>): ProfileRunnerRef;
  /** Whether a value is a runner this module created. */
  isRunner(value: unknown): value is ProfileRunnerRef;
  /** Applies messages (JSON strings or maps) to a runner. */
  apply(runner: ProfileRunnerRef, messages: StellarValue[]): void;
  /** Flushes a runner: one map per profile measurement. */
  flush(runner: ProfileRunnerRef): Map<StellarValue, StellarValue>[];
}

const UNIT_MS: Record<string, number> = {
  NANOSECONDS: 1e-6,
  MICROSECONDS: 1e-3,
  MILLISECONDS: 1,
  SECONDS: 1000,
  MINUTES: 60_000,
  HOURS: 3_600_000,
  DAYS: 86_400_000,
};

/** Java TimeUnit.toMillis for a unit name (case-insensitive, singular accepted). */
export function toMillis(duration: number, unit: string): number | undefined {
  const upper = unit.toUpperCase();
  const factor = UNIT_MS[upper] ?? UNIT_MS[`${upper}S`];
  return factor === undefined ? undefined : Math.trunc(duration * factor);
}

function periodsArg(fn: string, args: readonly StellarValue[], i: number): ProfilePeriodRef[] {
  const v = args[i];
  if (!Array.isArray(v)) throw new StellarFunctionError(`${fn}: periods must be a list (use PROFILE_FIXED or PROFILE_WINDOW)`);
  return v.filter((p): p is object => typeof p === 'object' && p !== null);
}

function profileQuery(fn: string, args: readonly StellarValue[], withOverrides: boolean): ProfileQuery {
  if (args.length < 3) throw new StellarFunctionError(`${fn} expects at least 3 arguments: profile, entity, periods`);
  const profile = stringArg(fn, args, 0, 'profile');
  const entity = stringArg(fn, args, 1, 'entity');
  const periods = periodsArg(fn, args, 2);
  const groupsArg = args[3];
  let groups: StellarValue[] = [];
  let overridesAt = 4;
  if (Array.isArray(groupsArg)) groups = groupsArg;
  else if (withOverrides && groupsArg instanceof Map) overridesAt = 3; // overrides given without groups
  else if (groupsArg !== undefined && groupsArg !== null) throw new StellarFunctionError(`${fn}: groups must be a list`);
  const overrides = (withOverrides ? optionalMapArg(fn, args, overridesAt, 'config_overrides') : undefined) ?? new Map<StellarValue, StellarValue>();
  return { profile, entity, periods, groups, overrides };
}

const PROFILER = 'profiler';

export const functions: StellarFunction[] = [
  {
    name: 'PROFILE_GET',
    namespace: 'PROFILE',
    description: 'Reads the measurements of a profile for an entity over a list of periods.',
    params: [
      'profile - The name of the profile',
      'entity - The name of the entity',
      'periods - The periods to read, from PROFILE_FIXED or PROFILE_WINDOW',
      "groups - (optional) The group values, matching the profile's groupBy; empty by default",
      'config_overrides - (optional) Map of global config values to override for this call',
    ],
    returns: 'The list of measurement values.',
    requires: PROFILER,
    call(args, ctx) {
      const query = profileQuery('PROFILE_GET', args, true);
      return requireService<ProfilerService>(ctx, 'PROFILE_GET', PROFILER).get(query);
    },
  },
  {
    name: 'PROFILE_VERBOSE',
    namespace: 'PROFILE',
    description: 'Reads the measurements of a profile with their profile, entity, period and group details.',
    params: [
      'profile - The name of the profile',
      'entity - The name of the entity',
      'periods - The periods to read, from PROFILE_FIXED or PROFILE_WINDOW',
      "groups - (optional) The group values, matching the profile's groupBy; empty by default",
    ],
    returns: 'A list with one map per measurement (profile, entity, period, period.start, period.end, groups, value).',
    requires: PROFILER,
    call(args, ctx) {
      const query = profileQuery('PROFILE_VERBOSE', args, false);
      return requireService<ProfilerService>(ctx, 'PROFILE_VERBOSE', PROFILER).getVerbose(query);
    },
  },
  {
    name: 'PROFILE_FIXED',
    namespace: 'PROFILE',
    description: 'Selects the profile periods of a fixed lookback ending now.',
    params: [
      'durationAgo - How far back to look',
      'units - The time unit of durationAgo (SECONDS, MINUTES, HOURS, DAYS, ...)',
      'config_overrides - (optional) Map of global config values to override for this call',
    ],
    returns: 'The list of profile periods.',
    requires: PROFILER,
    call(args, ctx) {
      if (args.length < 2) throw new StellarFunctionError('PROFILE_FIXED expects at least 2 arguments: durationAgo, units');
      const durationAgo = integerArg('PROFILE_FIXED', args, 0, 'durationAgo');
      const units = stringArg('PROFILE_FIXED', args, 1, 'units');
      const ms = toMillis(durationAgo, units);
      if (ms === undefined) throw new StellarFunctionError(`PROFILE_FIXED: unknown time unit '${units}'`);
      const overrides = optionalMapArg('PROFILE_FIXED', args, 2, 'config_overrides') ?? new Map<StellarValue, StellarValue>();
      const end = ctx.now();
      return requireService<ProfilerService>(ctx, 'PROFILE_FIXED', PROFILER).periodsBetween(end - ms, end, overrides);
    },
  },
  {
    name: 'PROFILE_WINDOW',
    namespace: 'PROFILE',
    description: 'Selects the profile periods described by a window selector, relative to now or a given time.',
    params: [
      'windowSelector - The window selector statement',
      'now - (optional) The reference epoch time in milliseconds; the current time by default',
      'config_overrides - (optional) Map of global config values to override for this call',
    ],
    returns: 'The list of profile periods.',
    requires: PROFILER,
    call(args, ctx) {
      if (args.length < 1) throw new StellarFunctionError('PROFILE_WINDOW expects at least 1 argument: windowSelector');
      const selector = stringArg('PROFILE_WINDOW', args, 0, 'windowSelector');
      let now = ctx.now();
      let overrides: Map<StellarValue, StellarValue> | undefined;
      // Metron accepts the overrides in second position when `now` is left out.
      if (args[1] instanceof Map) overrides = args[1];
      else {
        now = optionalIntegerArg('PROFILE_WINDOW', args, 1, 'now') ?? now;
        overrides = optionalMapArg('PROFILE_WINDOW', args, 2, 'config_overrides');
      }
      return requireService<ProfilerService>(ctx, 'PROFILE_WINDOW', PROFILER).periodsOfWindow(
        selector,
        now,
        overrides ?? new Map<StellarValue, StellarValue>(),
      );
    },
  },
  {
    name: 'PROFILER_INIT',
    namespace: 'PROFILER',
    description: 'Creates a local profile runner from a profiler configuration.',
    params: ['config - The profiler configuration as JSON', 'globals - (optional) Map of global config values'],
    returns: 'A local profile runner.',
    requires: PROFILER,
    call(args, ctx) {
      if (args.length < 1) throw new StellarFunctionError('PROFILER_INIT expects the profiler configuration');
      const config = stringArg('PROFILER_INIT', args, 0, 'config');
      const globals = optionalMapArg('PROFILER_INIT', args, 1, 'globals') ?? new Map<StellarValue, StellarValue>();
      return requireService<ProfilerService>(ctx, 'PROFILER_INIT', PROFILER).createRunner(config, globals);
    },
  },
  {
    name: 'PROFILER_APPLY',
    namespace: 'PROFILER',
    description: 'Feeds one or more messages to a local profile runner.',
    params: ['messages - A message (JSON string or map) or a list of messages', 'profiler - A runner from PROFILER_INIT'],
    returns: 'The local profile runner.',
    requires: PROFILER,
    call(args, ctx) {
      if (args.length < 2) throw new StellarFunctionError('PROFILER_APPLY expects 2 arguments: messages, profiler');
      const service = requireService<ProfilerService>(ctx, 'PROFILER_APPLY', PROFILER);
      const runner = args[1];
      if (!service.isRunner(runner)) throw new StellarFunctionError('PROFILER_APPLY: profiler must be a runner from PROFILER_INIT');
      const input = args[0];
      const messages = Array.isArray(input) ? input : input === null || input === undefined ? [] : [input];
      for (const m of messages) {
        if (typeof m !== 'string' && !(m instanceof Map)) throw new StellarFunctionError('PROFILER_APPLY: each message must be a JSON string or a map');
      }
      service.apply(runner, messages);
      return runner;
    },
  },
  {
    name: 'PROFILER_FLUSH',
    namespace: 'PROFILER',
    description: 'Flushes a local profile runner, producing the measurements of every profile.',
    params: ['profiler - A runner from PROFILER_INIT'],
    returns: 'A list of the profile measurements.',
    requires: PROFILER,
    call(args, ctx) {
      const service = requireService<ProfilerService>(ctx, 'PROFILER_FLUSH', PROFILER);
      const runner = args[0];
      if (!service.isRunner(runner)) throw new StellarFunctionError('PROFILER_FLUSH: profiler must be a runner from PROFILER_INIT');
      return service.flush(runner);
    },
  },
];
