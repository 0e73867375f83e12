/**
 * A minimal client-side router over the History API: the current path as React state, `navigate`
 * to change it, and links that keep the browser's back/forward working. The server answers every
 * non-API path with index.html (SPA fallback), so a reload on `/alerts` lands here.
 */
import { useSyncExternalStore } from 'react';

const listeners = new Set<() => void>();

function notify(): void {
  for (const listener of listeners) listener();
}

window.addEventListener('popstate', notify);

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function snapshot(): string {
  return window.location.pathname + window.location.search;
}

/** The current path with its query string; re-renders on navigation. */
export function useLocation(): { pathname: string; search: URLSearchParams } {
  const full = useSyncExternalStore(subscribe, snapshot);
  const q = full.indexOf('?');
  return { pathname: q < 0 ? full : full.slice(0, q), search: new URLSearchParams(q < 0 ? '' : full.slice(q + 1)) };
}

/** Goes to `to` (a path, optionally with a query); `replace` does not add a history entry. */
export function navigate(to: string, replace = false): void {
  if (to === snapshot()) return;
  if (replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  notify();
}

/** Whether `pathname` is `prefix` or below it (`/sensors/bro` is under `/sensors`). */
export function pathUnder(pathname: string, prefix: string): boolean {
  return pathname === prefix || pathname.startsWith(prefix.endsWith('/') ? prefix : prefix + '/');
}
