import { afterEach, describe, expect, it, vi } from 'vitest';
import { ensureDebianProgram } from './debian-package.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('ensureDebianProgram', () => {
  it('answers with the program where it is found, installing nothing', () => {
    let looked = 0;
    const path = ensureDebianProgram({ package: 'no-such-package-metron', find: () => (looked++, '/usr/bin/env'), neededBy: 'this test' });
    expect(path).toBe('/usr/bin/env');
    expect(looked).toBe(1);
  });

  it('without root, refuses with the apt-get command and the alternative, and installs nothing', () => {
    vi.spyOn(process as { getuid(): number }, 'getuid').mockReturnValue(1000);
    expect(() => ensureDebianProgram({ package: 'redis-server', find: () => undefined, neededBy: 'these tests', alternative: 'or set METRON_TEST_REDIS_URL' })).toThrow(
      'redis-server is not installed, and these tests need a real one: install it (on Debian: sudo apt-get install -y redis-server), or set METRON_TEST_REDIS_URL',
    );
  });
});
