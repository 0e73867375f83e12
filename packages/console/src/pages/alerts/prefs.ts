/**
 * The analyst's preferences kept in the browser (localStorage): saved and recent searches, the
 * table's columns and the facet fields. Bad or missing entries fall back to the defaults.
 */

const PREFIX = 'metron.console.';

function read<T>(key: string, fallback: T, valid: (value: unknown) => value is T): T {
  try {
    const raw = window.localStorage.getItem(PREFIX + key);
    if (raw === null) return fallback;
    const value: unknown = JSON.parse(raw);
    return valid(value) ? value : fallback;
  } catch {
    return fallback;
  }
}

function write(key: string, value: unknown): void {
  try {
    window.localStorage.setItem(PREFIX + key, JSON.stringify(value));
  } catch {
    // storage full or disabled: preferences last for this page only
  }
}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

export interface SavedSearch {
  name: string;
  query: string;
}

const isSavedList = (v: unknown): v is SavedSearch[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'object' && x !== null && typeof (x as SavedSearch).name === 'string' && typeof (x as SavedSearch).query === 'string');

export const MAX_RECENT = 10;

export const prefs = {
  savedSearches: (): SavedSearch[] => read('savedSearches', [], isSavedList),
  setSavedSearches: (list: SavedSearch[]) => write('savedSearches', list),
  recentSearches: (): string[] => read('recentSearches', [], isStringList),
  /** Puts `query` first in the recent list (once), keeping the latest MAX_RECENT. */
  addRecentSearch(query: string): string[] {
    const q = query.trim();
    if (q === '' || q === '*') return prefs.recentSearches();
    const list = [q, ...prefs.recentSearches().filter((x) => x !== q)].slice(0, MAX_RECENT);
    write('recentSearches', list);
    return list;
  },
  columns: (fallback: string[]): string[] => read('columns', fallback, isStringList),
  setColumns: (columns: string[]) => write('columns', columns),
  facetFields: (fallback: string[]): string[] => read('facetFields', fallback, isStringList),
  setFacetFields: (fields: string[]) => write('facetFields', fields),
};
