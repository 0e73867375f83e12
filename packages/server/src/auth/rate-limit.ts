/**
 * Failed-login limiter. Counts failures per (username, client IP) in a sliding window, plus a
 * looser per-IP budget against credential stuffing across many user names. A blocked key is
 * refused before any password hashing, so a flood of guesses costs no scrypt time.
 */

export interface LoginLimiterOptions {
  /** Failures allowed per user+IP in the window (default 10). */
  maxFailuresPerUser?: number;
  /** Failures allowed per IP across all user names in the window (default 100). */
  maxFailuresPerIp?: number;
  /** Window length (default 60 s). */
  windowMs?: number;
  /** Upper bound on tracked keys, to keep memory bounded under attack (default 100 000). */
  maxKeys?: number;
  now?: () => number;
}

export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly maxPerUser: number;
  private readonly maxPerIp: number;
  private readonly windowMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(options: LoginLimiterOptions = {}) {
    this.maxPerUser = options.maxFailuresPerUser ?? 10;
    this.maxPerIp = options.maxFailuresPerIp ?? 100;
    this.windowMs = options.windowMs ?? 60_000;
    this.maxKeys = options.maxKeys ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  /** Seconds until another attempt is allowed, or 0 when the attempt may proceed. */
  retryAfterSeconds(username: string, ip: string): number {
    const now = this.now();
    const waits = [
      this.wait(userKey(username, ip), this.maxPerUser, now),
      this.wait(ipKey(ip), this.maxPerIp, now),
    ];
    return Math.max(...waits);
  }

  recordFailure(username: string, ip: string): void {
    const now = this.now();
    this.push(userKey(username, ip), now);
    this.push(ipKey(ip), now);
  }

  /** A successful login clears the user+IP counter (not the per-IP one). */
  recordSuccess(username: string, ip: string): void {
    this.failures.delete(userKey(username, ip));
  }

  private wait(key: string, max: number, now: number): number {
    const times = this.prune(key, now);
    if (times.length < max) return 0;
    const oldest = times[times.length - max] ?? now;
    return Math.max(1, Math.ceil((oldest + this.windowMs - now) / 1000));
  }

  private prune(key: string, now: number): number[] {
    const times = this.failures.get(key);
    if (!times) return [];
    const cutoff = now - this.windowMs;
    let i = 0;
    while (i < times.length && (times[i] ?? 0) <= cutoff) i++;
    if (i > 0) times.splice(0, i);
    if (times.length === 0) this.failures.delete(key);
    return times;
  }

  private push(key: string, now: number): void {
    let times = this.prune(key, now);
    if (times.length === 0) {
      if (this.failures.size >= this.maxKeys) this.evict(now);
      times = [];
      this.failures.set(key, times);
    }
    times.push(now);
    // Only the newest `max` timestamps matter; keep the array bounded.
    if (times.length > this.maxPerIp) times.splice(0, times.length - this.maxPerIp);
  }

  private evict(now: number): void {
    for (const key of [...this.failures.keys()]) this.prune(key, now);
    // Still full: drop the oldest-inserted keys (Map iteration order is insertion order).
    const excess = this.failures.size - Math.floor(this.maxKeys * 0.9);
    if (excess > 0) {
      let n = 0;
      for (const key of this.failures.keys()) {
        if (n++ >= excess) break;
        this.failures.delete(key);
      }
    }
  }
}

function userKey(username: string, ip: string): string {
  return `u\u0000${username.toLowerCase()}\u0000${ip}`;
}
function ipKey(ip: string): string {
  return `i\u0000${ip}`;
}
