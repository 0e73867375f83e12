import { describe, expect, it } from 'vitest';
import { functions, type SystemService } from './system.js';
import { stubContext } from './test-support/call-function.js';

const system: SystemService = { env: (n) => (n === 'HOME' ? '/home/metron' : undefined), property: (n) => (n === 'java.version' ? '1.8' : undefined) };
const fn = (name: string) => functions.find((f) => f.name === name)!;

describe('system functions', () => {
  it('need the system service', () => {
    expect(fn('SYSTEM_ENV_GET').requires).toBe('system');
    expect(fn('SYSTEM_PROPERTY_GET').requires).toBe('system');
    expect(() => fn('SYSTEM_ENV_GET').call(['HOME'], stubContext())).toThrow(/system/);
  });

  it('read through the service', () => {
    const ctx = stubContext({ system });
    expect(fn('SYSTEM_ENV_GET').call(['HOME'], ctx)).toBe('/home/metron');
    expect(fn('SYSTEM_ENV_GET').call(['NOPE'], ctx)).toBeNull();
    expect(fn('SYSTEM_ENV_GET').call([null], ctx)).toBeNull();
    expect(fn('SYSTEM_PROPERTY_GET').call(['java.version'], ctx)).toBe('1.8');
  });
});
