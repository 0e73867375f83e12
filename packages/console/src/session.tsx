/**
 * Who is logged in. The session lives in an HttpOnly cookie the page cannot read, so the app asks
 * `GET /api/v1/user` at start: an answer means logged in, a 401 means the login page. Any later
 * 401 (the session expired, or was ended elsewhere) drops back to the login page; after logging
 * in again the user returns to the page they were on.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, onUnauthorized } from './api.ts';

export interface Session {
  /** The user name; null when logged out; undefined while asking the server. */
  user: string | null | undefined;
  /** Why the user is on the login page (e.g. the session expired). */
  notice: string | null;
  /** Trouble reaching the server at start. */
  error: string | null;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

/** Provides the session to the app. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<string | null | undefined>(undefined);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    api.currentUser().then(
      (name) => !cancelled && setUser(name),
      (err: unknown) => {
        if (cancelled) return;
        if (!(err instanceof ApiError && err.status === 401)) setError(err instanceof Error ? err.message : String(err));
        setUser(null);
      },
    );
    return () => {
      cancelled = true;
    };
  }, []);

  useEffect(
    () =>
      onUnauthorized(() => {
        setUser((current) => {
          if (current) setNotice('Your session has ended. Log in again to continue.');
          return null;
        });
      }),
    [],
  );

  const login = useCallback(async (username: string, password: string) => {
    const answer = await api.login(username, password);
    setNotice(null);
    setError(null);
    setUser(answer.username);
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.logout();
    } finally {
      setNotice(null);
      setUser(null);
    }
  }, []);

  const value = useMemo<Session>(() => ({ user, notice, error, login, logout }), [user, notice, error, login, logout]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The session of the surrounding SessionProvider. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
