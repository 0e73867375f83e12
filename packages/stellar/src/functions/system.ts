/**
 * SYSTEM_ENV_GET and SYSTEM_PROPERTY_GET (Metron SystemFunctions.java). A browser has no process
 * environment, so both read through the 'system' service that a server-side module installs.
 */
import type { StellarFunction } from './types.js';
import { arg, castString, defineFunction, fail } from './java-interop.js';

/** What a host installs under the service name 'system'. */
export interface SystemService {
  /** An environment variable, or undefined when it is not set. */
  env(name: string): string | undefined;
  /** A system property (host configuration), or undefined when it is not set. */
  property(name: string): string | undefined;
}

function lookup(fnName: string, kind: 'env' | 'property'): StellarFunction['call'] {
  return (args, ctx) => {
    const name = castString(arg(args, 0), fnName, 'name');
    if (name === null) return null;
    const system = ctx.service<SystemService>('system');
    if (system === undefined) return fail(`${fnName} needs the system module, which is not installed`);
    return (kind === 'env' ? system.env(name) : system.property(name)) ?? null;
  };
}

export const functions: StellarFunction[] = [
  defineFunction('SYSTEM_ENV_GET', 'SYSTEM', 'Reads an environment variable of the host.', ['env_var - The environment variable name'], 'The value as a string, or null when it is not set.', lookup('SYSTEM_ENV_GET', 'env'), { pure: false, requires: 'system' }),
  defineFunction('SYSTEM_PROPERTY_GET', 'SYSTEM', 'Reads a system property of the host.', ['key - The property name'], 'The value as a string, or null when it is not set.', lookup('SYSTEM_PROPERTY_GET', 'property'), { pure: false, requires: 'system' }),
];
