import { describe, expect, it } from 'vitest';
import { LoginLimiter } from './rate-limit.js';

describe('LoginLimiter', () => {
  it('blocks a user+IP after the allowed failures within the window, then lets it retry', () => {
    let now = 0;
    const limiter = new LoginLimiter({ maxFailuresPerUser: 3, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfterSeconds('Alice', '10.0.0.1')).toBe(0);
      limiter.recordFailure('alice', '10.0.0.1');
    }
    expect(limiter.retryAfterSeconds('alice', '10.0.0.1')).toBe(60);
    expect(limiter.retryAfterSeconds('alice', '10.0.0.2')).toBe(0);
    expect(limiter.retryAfterSeconds('bob', '10.0.0.1')).toBe(0);
    now = 30_000;
    expect(limiter.retryAfterSeconds('alice', '10.0.0.1')).toBe(30);
    now = 60_001;
    expect(limiter.retryAfterSeconds('alice', '10.0.0.1')).toBe(0);
  });

  it('limits one IP across user names', () => {
    const limiter = new LoginLimiter({ maxFailuresPerUser: 100, maxFailuresPerIp: 5, now: () => 0 });
    for (let i = 0; i < 5; i++) limiter.recordFailure(`user${i}`, '10.0.0.9');
    expect(limiter.retryAfterSeconds('someone-else', '10.0.0.9')).toBeGreaterThan(0);
  });

  it('keeps memory bounded', () => {
    const limiter = new LoginLimiter({ maxKeys: 100, now: () => 0 });
    for (let i = 0; i < 1000; i++) limiter.recordFailure(`u${i}`, `10.0.${i >> 8}.${i & 255}`);
    expect((limiter as unknown as { failures: Map<string, number[]> }).failures.size).toBeLessThanOrEqual(100);
  });
});
