import { afterEach, describe, expect, it } from 'vitest';
import { readFile, stat } from 'node:fs/promises';
import { openUserStore } from './user-store.js';
import { tempUserStore } from '../testing.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function temp(options: Parameters<typeof tempUserStore>[0] = {}) {
  const t = await tempUserStore(options);
  cleanups.push(t.cleanup);
  return t;
}

describe('openUserStore', () => {
  it('generates an admin password at first start, reports it once, and it works', async () => {
    const reported: string[] = [];
    const { users, path } = await temp({ adminPassword: undefined, onGeneratedPassword: (pw) => reported.push(pw) });
    expect(reported).toHaveLength(1);
    const password = reported[0]!;
    expect(password.length).toBeGreaterThanOrEqual(20);
    expect(await users.verifyPassword('admin', password)).toMatchObject({ username: 'admin', roles: ['admin', 'user'] });
    expect(await users.verifyPassword('admin', password + 'x')).toBeNull();

    // Reopening the existing file does not generate or report again.
    const again = await openUserStore(path, { scryptParams: { N: 1024 }, onGeneratedPassword: (pw) => reported.push(pw) });
    expect(reported).toHaveLength(1);
    expect(await again.verifyPassword('admin', password)).not.toBeNull();
  });

  it('uses the admin password from the option', async () => {
    const reported: string[] = [];
    const { users } = await temp({ adminPassword: 'from-the-env-1', onGeneratedPassword: (pw) => reported.push(pw) });
    expect(reported).toEqual([]);
    expect(await users.verifyPassword('admin', 'from-the-env-1')).not.toBeNull();
  });

  it('refuses a too-short admin password', async () => {
    await expect(temp({ adminPassword: 'short' })).rejects.toThrow(/at least 8/);
  });

  it('persists users and tokens across reopen, with no plaintext secret in the file (mode 0600)', async () => {
    const { users, path } = await temp();
    await users.createUser('alice', 'alice-secret-pw', ['user']);
    const token = await users.createToken('alice', 'ci', 30);
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain('alice-secret-pw');
    expect(text).not.toContain('admin-password');
    expect(text).not.toContain(token.token);
    expect((await stat(path)).mode & 0o777).toBe(0o600);

    const reopened = await openUserStore(path, { scryptParams: { N: 1024 } });
    expect(await reopened.verifyPassword('alice', 'alice-secret-pw')).toMatchObject({ username: 'alice', roles: ['user'] });
    expect(reopened.resolveToken(token.token)).toMatchObject({ username: 'alice' });
    expect(reopened.listTokens('alice')).toEqual([{ id: token.id, name: 'ci', createdAt: token.createdAt, expiresAt: token.expiresAt }]);
  });

  it('stores scrypt parameters with the hash (default N=2^15, r=8, p=1)', async () => {
    const { path, users } = await temp({ scryptParams: undefined });
    const file = JSON.parse(await readFile(path, 'utf8'));
    expect(file.users[0].password).toMatchObject({ scheme: 'scrypt', N: 32768, r: 8, p: 1, keyLength: 64 });
    expect(Buffer.from(file.users[0].password.salt, 'base64')).toHaveLength(16);
    expect(await users.verifyPassword('admin', 'admin-password')).not.toBeNull();
  });

  it('refuses a corrupt file with the path in the message', async () => {
    const { path } = await temp();
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path, '{"version":1,"users":[{}],"tokens":[]}');
    await expect(openUserStore(path)).rejects.toThrow(`${path}: users[0] is malformed`);
  });
});

describe('UserStore', () => {
  it('rejects unknown users and wrong passwords alike', async () => {
    const { users } = await temp();
    expect(await users.verifyPassword('nobody', 'admin-password')).toBeNull();
    expect(await users.verifyPassword('admin', 'wrong')).toBeNull();
  });

  it('keeps the last admin and deletes a user with its tokens and sessions', async () => {
    const { users } = await temp();
    await expect(users.deleteUser('admin')).rejects.toThrow(/last admin/);
    await users.createUser('bob', 'bob-password', ['user']);
    expect(await users.verifyPassword('bob', 'bob-password')).not.toBeNull(); // now cached
    const token = await users.createToken('bob', 't');
    const session = users.createSession('bob');
    expect(await users.deleteUser('bob')).toBe(true);
    expect(await users.verifyPassword('bob', 'bob-password')).toBeNull();
    expect(users.resolveToken(token.token)).toBeNull();
    expect(users.resolveSession(session.id)).toBeNull();
    expect(await users.deleteUser('bob')).toBe(false);
  });

  it('rejects duplicate names (case-insensitive) and bad input', async () => {
    const { users } = await temp();
    await expect(users.createUser('Admin', 'password-1', ['user'])).rejects.toThrow(/already exists/);
    await expect(users.createUser('bad name', 'password-1', ['user'])).rejects.toThrow(/username must match/);
    await expect(users.createUser('carol', 'short', ['user'])).rejects.toThrow(/at least 8/);
  });

  it('expires sessions and tokens', async () => {
    let now = Date.parse('2024-01-01T00:00:00Z');
    const { users } = await temp({ now: () => now, sessionTtlMs: 1000 });
    const session = users.createSession('admin');
    const token = await users.createToken('admin', 'short-lived', 1);
    expect(users.resolveSession(session.id)).not.toBeNull();
    expect(users.resolveToken(token.token)).not.toBeNull();
    now += 1001;
    expect(users.resolveSession(session.id)).toBeNull();
    now += 86_400_000;
    expect(users.resolveToken(token.token)).toBeNull();
  });

  it('revokes a token only for its owner', async () => {
    const { users } = await temp();
    await users.createUser('dave', 'dave-password', ['user']);
    const token = await users.createToken('admin', 'x');
    expect(await users.revokeToken('dave', token.id)).toBe(false);
    expect(users.resolveToken(token.token)).not.toBeNull();
    expect(await users.revokeToken('admin', token.id)).toBe(true);
    expect(users.resolveToken(token.token)).toBeNull();
  });
});
