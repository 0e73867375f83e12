/**
 * Users, API tokens and sessions.
 *
 * Users and API tokens persist in one JSON file (written atomically, mode 0600). The file holds
 * only scrypt hashes of passwords and SHA-256 hashes of tokens, never a secret. Sessions live in
 * memory (a restart signs everyone out) and are keyed by the SHA-256 of their id, so a heap dump
 * does not yield a usable cookie either.
 */
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { MetronError } from '@metron/core';
import { writeFileAtomic } from './atomic-file.js';
import {
  DEFAULT_SCRYPT_PARAMS, generatePassword, hashPassword, isPasswordHash, verifyPassword,
  type PasswordHash, type ScryptParams,
} from './password.js';

export const ROLES = ['admin', 'user'] as const;
export type Role = (typeof ROLES)[number];

/** A user as the rest of the server sees it (no credential material). */
export interface UserInfo {
  username: string;
  roles: Role[];
  createdAt: string;
}

/** An API token's public description; the secret is shown once at creation only. */
export interface ApiTokenInfo {
  id: string;
  name: string;
  createdAt: string;
  /** ISO time, or null for a token that does not expire. */
  expiresAt: string | null;
}

export interface CreatedApiToken extends ApiTokenInfo {
  /** The bearer secret. Returned once; only its hash is stored. */
  token: string;
}

export interface CreatedSession {
  /** The raw session id for the cookie. Only its hash is kept. */
  id: string;
  expiresAt: number;
}

/** Store of users, API tokens and sessions. */
export interface UserStore {
  /** The user when the password matches; null otherwise (same timing for unknown users). */
  verifyPassword(username: string, password: string): Promise<UserInfo | null>;
  getUser(username: string): UserInfo | null;
  listUsers(): UserInfo[];
  /** Creates a user; INPUT_INVALID for a bad name/password or an existing name. */
  createUser(username: string, password: string, roles: Role[]): Promise<UserInfo>;
  /** Deletes a user with its tokens and sessions; false when absent; INPUT_INVALID for the last admin. */
  deleteUser(username: string): Promise<boolean>;
  setPassword(username: string, password: string): Promise<void>;

  createSession(username: string): CreatedSession;
  resolveSession(sessionId: string): UserInfo | null;
  deleteSession(sessionId: string): void;

  createToken(username: string, name: string, expiresInDays?: number): Promise<CreatedApiToken>;
  listTokens(username: string): ApiTokenInfo[];
  /** Revokes one of the user's tokens; false when the user has no such token. */
  revokeToken(username: string, tokenId: string): Promise<boolean>;
  resolveToken(token: string): UserInfo | null;
}

export interface OpenUserStoreOptions {
  /** Password for the `admin` user created at first start (the CLI passes METRON_ADMIN_PASSWORD). */
  adminPassword?: string;
  /** Called exactly once, at first start, with the generated admin password when none was given. */
  onGeneratedPassword?: (password: string) => void;
  /** Session lifetime (default 8 h). */
  sessionTtlMs?: number;
  /** How long a verified username/password pair is remembered, so HTTP Basic clients do not pay scrypt per request (default 5 min; 0 disables). */
  credentialCacheTtlMs?: number;
  /** scrypt parameters for new hashes. Tests lower N; production keeps the default. */
  scryptParams?: Partial<ScryptParams>;
  now?: () => number;
}

export const ADMIN_USERNAME = 'admin';
export const USERNAME_PATTERN = /^[A-Za-z0-9_.@-]{1,64}$/;
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 1024;
const TOKEN_PREFIX = 'mtr_';
const MAX_SESSIONS = 10_000;
const MAX_CACHED_CREDENTIALS = 10_000;

interface StoredUser extends UserInfo {
  password: PasswordHash;
}

interface StoredToken extends ApiTokenInfo {
  username: string;
  /** SHA-256 (hex) of the token secret. The secret has 256 bits of entropy, so a fast hash suffices. */
  sha256: string;
}

interface UserFile {
  version: 1;
  users: StoredUser[];
  tokens: StoredToken[];
}

interface SessionEntry {
  username: string;
  expiresAt: number;
}

function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

function publicUser(user: StoredUser): UserInfo {
  return { username: user.username, roles: [...user.roles], createdAt: user.createdAt };
}

function publicToken(token: StoredToken): ApiTokenInfo {
  return { id: token.id, name: token.name, createdAt: token.createdAt, expiresAt: token.expiresAt };
}

function checkUsername(username: string): void {
  if (!USERNAME_PATTERN.test(username)) {
    throw new MetronError('INPUT_INVALID', `username must match ${USERNAME_PATTERN.source}`);
  }
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw new MetronError('INPUT_INVALID', `password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > MAX_PASSWORD_LENGTH) throw new MetronError('INPUT_INVALID', `password must have at most ${MAX_PASSWORD_LENGTH} characters`);
}

function checkRoles(roles: Role[]): Role[] {
  const unique = [...new Set(roles)];
  if (unique.length === 0) throw new MetronError('INPUT_INVALID', 'a user needs at least one role');
  for (const role of unique) {
    if (!(ROLES as readonly string[]).includes(role)) throw new MetronError('INPUT_INVALID', `unknown role '${String(role)}' (known: ${ROLES.join(', ')})`);
  }
  return unique;
}

function parseUserFile(path: string, text: string): UserFile {
  const fail = (reason: string): never => {
    throw new MetronError('CONFIG_INVALID', `${path}: ${reason}`, { file: path });
  };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return fail('not valid JSON');
  }
  if (typeof data !== 'object' || data === null) return fail('expected an object');
  const file = data as Partial<UserFile>;
  if (file.version !== 1) return fail(`unsupported version ${String(file.version)}`);
  if (!Array.isArray(file.users) || !Array.isArray(file.tokens)) return fail('expected users and tokens arrays');
  file.users.forEach((u, i) => {
    if (typeof u?.username !== 'string' || !Array.isArray(u.roles) || !isPasswordHash(u.password)) fail(`users[${i}] is malformed`);
  });
  file.tokens.forEach((t, i) => {
    if (typeof t?.id !== 'string' || typeof t.username !== 'string' || typeof t.sha256 !== 'string') fail(`tokens[${i}] is malformed`);
  });
  return file as UserFile;
}

async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Opens (or creates) the user file at `path`. At first start it creates `admin` (roles admin and
 * user) with `options.adminPassword`, or with a generated password handed to
 * `options.onGeneratedPassword` once. An existing file is never changed by these options.
 */
export async function openUserStore(path: string, options: OpenUserStoreOptions = {}): Promise<UserStore> {
  const params: ScryptParams = { ...DEFAULT_SCRYPT_PARAMS, ...options.scryptParams };
  if (params.N < 1024 || (params.N & (params.N - 1)) !== 0) throw new MetronError('CONFIG_INVALID', 'scrypt N must be a power of two >= 1024');
  const text = await readIfExists(path);
  if (text !== null) return new FileUserStore(path, parseUserFile(path, text), params, options);

  let password = options.adminPassword;
  const generated = password === undefined || password === '';
  if (generated) password = generatePassword();
  else checkPassword(password!);
  const admin: StoredUser = {
    username: ADMIN_USERNAME,
    roles: ['admin', 'user'],
    createdAt: new Date((options.now ?? Date.now)()).toISOString(),
    password: await hashPassword(password!, params),
  };
  const file: UserFile = { version: 1, users: [admin], tokens: [] };
  const store = new FileUserStore(path, file, params, options);
  await store.persist(file);
  // Reported only after the file is durable, so a crash cannot lose a password already shown.
  if (generated) options.onGeneratedPassword?.(password!);
  return store;
}

class FileUserStore implements UserStore {
  private state: UserFile;
  private readonly sessions = new Map<string, SessionEntry>();
  private readonly credentialCache = new Map<string, { username: string; expiresAt: number }>();
  private readonly cacheKey = randomBytes(32);
  private writeChain: Promise<unknown> = Promise.resolve();
  private dummyHash: Promise<PasswordHash> | undefined;
  private readonly sessionTtlMs: number;
  private readonly cacheTtlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly path: string,
    state: UserFile,
    private readonly params: ScryptParams,
    options: OpenUserStoreOptions,
  ) {
    this.state = state;
    this.sessionTtlMs = options.sessionTtlMs ?? 8 * 60 * 60 * 1000;
    this.cacheTtlMs = options.credentialCacheTtlMs ?? 5 * 60 * 1000;
    this.now = options.now ?? Date.now;
  }

  async persist(file: UserFile): Promise<void> {
    await writeFileAtomic(this.path, JSON.stringify(file, null, 2) + '\n');
  }

  /** Applies a change to a copy of the state, persists it, then makes it current (serialized). */
  private mutate<T>(change: (draft: UserFile) => T): Promise<T> {
    const run = async (): Promise<T> => {
      const draft: UserFile = structuredClone(this.state);
      const result = change(draft);
      await this.persist(draft);
      this.state = draft;
      this.credentialCache.clear();
      return result;
    };
    const next = this.writeChain.then(run, run);
    this.writeChain = next.catch(() => undefined);
    return next;
  }

  private findUser(username: string): StoredUser | undefined {
    return this.state.users.find((u) => u.username === username);
  }

  async verifyPassword(username: string, password: string): Promise<UserInfo | null> {
    const cacheId = this.cacheTtlMs > 0
      ? createHmac('sha256', this.cacheKey).update(username).update('\u0000').update(password).digest('hex')
      : undefined;
    if (cacheId !== undefined) {
      const hit = this.credentialCache.get(cacheId);
      if (hit && hit.expiresAt > this.now() && hit.username === username) {
        const user = this.findUser(username);
        if (user) return publicUser(user);
      }
    }
    const user = this.findUser(username);
    if (!user || password.length > MAX_PASSWORD_LENGTH) {
      // Same work for unknown users, so response time does not reveal which names exist.
      this.dummyHash ??= hashPassword(generatePassword(), this.params);
      await verifyPassword(password.slice(0, MAX_PASSWORD_LENGTH), await this.dummyHash);
      return null;
    }
    const stateBefore = this.state;
    if (!(await verifyPassword(password, user.password))) return null;
    if (cacheId !== undefined && this.state === stateBefore) {
      if (this.credentialCache.size >= MAX_CACHED_CREDENTIALS) this.credentialCache.clear();
      this.credentialCache.set(cacheId, { username, expiresAt: this.now() + this.cacheTtlMs });
    }
    return publicUser(user);
  }

  getUser(username: string): UserInfo | null {
    const user = this.findUser(username);
    return user ? publicUser(user) : null;
  }

  listUsers(): UserInfo[] {
    return this.state.users.map(publicUser);
  }

  async createUser(username: string, password: string, roles: Role[]): Promise<UserInfo> {
    checkUsername(username);
    checkPassword(password);
    const uniqueRoles = checkRoles(roles);
    const hash = await hashPassword(password, this.params);
    return this.mutate((draft) => {
      if (draft.users.some((u) => u.username.toLowerCase() === username.toLowerCase())) {
        throw new MetronError('INPUT_INVALID', `user '${username}' already exists`);
      }
      const user: StoredUser = { username, roles: uniqueRoles, createdAt: new Date(this.now()).toISOString(), password: hash };
      draft.users.push(user);
      return publicUser(user);
    });
  }

  async deleteUser(username: string): Promise<boolean> {
    const deleted = await this.mutate((draft) => {
      const user = draft.users.find((u) => u.username === username);
      if (!user) return false;
      if (user.roles.includes('admin') && draft.users.filter((u) => u.roles.includes('admin')).length === 1) {
        throw new MetronError('INPUT_INVALID', 'cannot delete the last admin user');
      }
      draft.users = draft.users.filter((u) => u !== user);
      draft.tokens = draft.tokens.filter((t) => t.username !== username);
      return true;
    });
    if (deleted) {
      for (const [key, session] of this.sessions) if (session.username === username) this.sessions.delete(key);
    }
    return deleted;
  }

  async setPassword(username: string, password: string): Promise<void> {
    checkPassword(password);
    const hash = await hashPassword(password, this.params);
    await this.mutate((draft) => {
      const user = draft.users.find((u) => u.username === username);
      if (!user) throw new MetronError('NOT_FOUND', `user '${username}' does not exist`);
      user.password = hash;
    });
    for (const [key, session] of this.sessions) if (session.username === username) this.sessions.delete(key);
  }

  createSession(username: string): CreatedSession {
    if (!this.findUser(username)) throw new MetronError('NOT_FOUND', `user '${username}' does not exist`);
    const now = this.now();
    if (this.sessions.size >= MAX_SESSIONS) {
      for (const [key, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(key);
      // Still full: drop the oldest (insertion order).
      while (this.sessions.size >= MAX_SESSIONS) {
        const oldest = this.sessions.keys().next().value;
        if (oldest === undefined) break;
        this.sessions.delete(oldest);
      }
    }
    const id = randomBytes(32).toString('base64url');
    const expiresAt = now + this.sessionTtlMs;
    this.sessions.set(sha256Hex(id), { username, expiresAt });
    return { id, expiresAt };
  }

  resolveSession(sessionId: string): UserInfo | null {
    const key = sha256Hex(sessionId);
    const session = this.sessions.get(key);
    if (!session) return null;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(key);
      return null;
    }
    return this.getUser(session.username);
  }

  deleteSession(sessionId: string): void {
    this.sessions.delete(sha256Hex(sessionId));
  }

  async createToken(username: string, name: string, expiresInDays?: number): Promise<CreatedApiToken> {
    if (!this.findUser(username)) throw new MetronError('NOT_FOUND', `user '${username}' does not exist`);
    if (name.length < 1 || name.length > 128) throw new MetronError('INPUT_INVALID', 'token name must have 1 to 128 characters');
    if (expiresInDays !== undefined && !(Number.isInteger(expiresInDays) && expiresInDays >= 1 && expiresInDays <= 3650)) {
      throw new MetronError('INPUT_INVALID', 'expiresInDays must be an integer from 1 to 3650');
    }
    const secret = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const now = this.now();
    const stored: StoredToken = {
      id: randomUUID(),
      name,
      username,
      createdAt: new Date(now).toISOString(),
      expiresAt: expiresInDays === undefined ? null : new Date(now + expiresInDays * 86_400_000).toISOString(),
      sha256: sha256Hex(secret),
    };
    await this.mutate((draft) => {
      draft.tokens.push(stored);
    });
    return { ...publicToken(stored), token: secret };
  }

  listTokens(username: string): ApiTokenInfo[] {
    return this.state.tokens.filter((t) => t.username === username).map(publicToken);
  }

  async revokeToken(username: string, tokenId: string): Promise<boolean> {
    return this.mutate((draft) => {
      const before = draft.tokens.length;
      draft.tokens = draft.tokens.filter((t) => !(t.id === tokenId && t.username === username));
      return draft.tokens.length !== before;
    });
  }

  resolveToken(token: string): UserInfo | null {
    if (!token.startsWith(TOKEN_PREFIX)) return null;
    const digest = sha256Hex(token);
    const stored = this.state.tokens.find((t) => t.sha256 === digest);
    if (!stored) return null;
    if (stored.expiresAt !== null && Date.parse(stored.expiresAt) <= this.now()) return null;
    return this.getUser(stored.username);
  }
}
