import { describe, expect, it } from 'vitest';
import { Shutdown } from './shutdown.js';

describe('Shutdown', () => {
  it('runs the steps newest first, once, logging a failing step and going on', async () => {
    const done: string[] = [];
    const errors: string[] = [];
    const shutdown = new Shutdown({ error: (m) => errors.push(m) });
    shutdown.add(() => done.push('bus'));
    shutdown.add(async () => {
      throw new Error('index would not close');
    });
    shutdown.add(async () => done.push('server'));
    const first = shutdown.stop();
    expect(shutdown.stop()).toBe(first);
    await first;
    expect(done).toEqual(['server', 'bus']);
    expect(errors).toEqual(['shutdown: index would not close']);
  });

  it('aborts a failed start quietly, running every step', async () => {
    const done: string[] = [];
    const errors: string[] = [];
    const shutdown = new Shutdown({ error: (m) => errors.push(m) });
    shutdown.add(() => done.push('bus'));
    shutdown.add(() => {
      throw new Error('half-open');
    });
    await shutdown.abort();
    expect(done).toEqual(['bus']);
    expect(errors).toEqual([]);
  });
});
