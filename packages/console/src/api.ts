/**
 * The console's one way to reach the server: a JSON fetch client over the REST API (`/api/v1`).
 * The session is the `metron_session` cookie set by login (same origin, so `credentials:
 * 'same-origin'`). `X-Requested-With` keeps the server from sending `WWW-Authenticate` on a 401,
 * which would open the browser's Basic dialog. Any 401 from a route other than login means the
 * session is gone: listeners registered with `onUnauthorized` send the user to the login page.
 */

/** An error answer of the API (`{status, code, message}`), or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type UnauthorizedListener = () => void;
const unauthorizedListeners = new Set<UnauthorizedListener>();

/** Calls `listener` whenever a request answers 401 (session expired or logged out elsewhere). */
export function onUnauthorized(listener: UnauthorizedListener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Sent as JSON unless it is already a string (then as text/plain). */
  body?: unknown;
  signal?: AbortSignal;
  /** Do not treat a 401 as an expired session (the login call itself). */
  allowUnauthorized?: boolean;
}

/** Calls `/api/v1<path>` and answers the parsed JSON (text for text answers, undefined for 204). */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { 'x-requested-with': 'XMLHttpRequest', accept: 'application/json' };
  let body: string | undefined;
  if (options.body !== undefined) {
    if (typeof options.body === 'string') {
      headers['content-type'] = 'text/plain; charset=utf-8';
      body = options.body;
    } else {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
  }
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method: options.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', 'the server cannot be reached');
  }
  if (response.status === 401 && !options.allowUnauthorized) {
    for (const listener of unauthorizedListeners) listener();
  }
  if (!response.ok) throw await errorFrom(response);
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('application/json')) return (await response.json()) as T;
  return (await response.text()) as T;
}

async function errorFrom(response: Response): Promise<ApiError> {
  let code = 'HTTP_' + response.status;
  let message = response.statusText || `request failed with status ${response.status}`;
  try {
    const parsed = (await response.json()) as { code?: unknown; message?: unknown };
    if (typeof parsed.code === 'string') code = parsed.code;
    if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    // not JSON: keep the status text
  }
  return new ApiError(response.status, code, message);
}

/** POST with a JSON body. */
export function post<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
  return request<T>(path, { method: 'POST', body, ...(signal ? { signal } : {}) });
}

/** GET. */
export function get<T>(path: string, signal?: AbortSignal): Promise<T> {
  return request<T>(path, { method: 'GET', ...(signal ? { signal } : {}) });
}

/** The message to show for a failed call. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

// ---- Shapes of the REST API used by the console (docs/search.md, docs/alerts.md) ----

/** A search document: a flat map of Metron fields. */
export type Doc = Record<string, unknown>;

export interface SortField {
  field: string;
  sortOrder: 'asc' | 'desc';
}

export interface SearchRequest {
  indices: string[];
  query: string;
  from: number;
  size: number;
  sort?: SortField[];
  fields?: string[];
  facetFields?: string[];
}

export interface SearchResult {
  id: string;
  index: string;
  source: Doc;
  score?: number;
}

export interface SearchResponse {
  total: number;
  results: SearchResult[];
  facetCounts?: Record<string, Record<string, number>> | null;
}

export interface HistogramResponse {
  field: string;
  interval: number | string;
  total: number;
  buckets: Array<{ key: number; count: number }>;
}

/** An audit record of `/update/history`. */
export interface AuditChange {
  guid: string;
  timestamp: number;
  user: string;
  request: string;
  change_id?: string;
  field: string;
  old_value?: unknown;
  new_value?: unknown;
}

export interface HistoryResponse {
  guid: string;
  total: number;
  changes: AuditChange[];
}

/** Metron's Document answer of the update routes. */
export interface UpdatedDocument {
  guid: string;
  sensorType: string;
  timestamp: number;
  document: Doc;
}

export const ALERT_STATUSES = ['NEW', 'OPEN', 'ESCALATE', 'DISMISS', 'RESOLVE'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** The REST calls of the console, typed. */
export const api = {
  login: (username: string, password: string) =>
    request<{ username: string; roles: string[] }>('/auth/login', { method: 'POST', body: { username, password }, allowUnauthorized: true }),
  logout: () => request<void>('/auth/logout', { method: 'POST', allowUnauthorized: true }),
  /** The current user name, or an ApiError 401 when not logged in. */
  currentUser: () => request<string>('/user', { allowUnauthorized: true }),
  roles: () => request<string[]>('/user/whoami/roles'),
  /** Names of the users, for assigning alerts. */
  userNames: () => request<string[]>('/users/names'),
  search: (body: SearchRequest, signal?: AbortSignal) => post<SearchResponse>('/search/search', body, signal),
  histogram: (body: { indices: string[]; query: string; field?: string; interval: string | number }, signal?: AbortSignal) =>
    post<HistogramResponse>('/search/histogram', body, signal),
  columnMetadata: (indices: string[] = []) => post<Record<string, string>>('/search/column/metadata', indices),
  findOne: (guid: string, sensorType: string) => post<Doc>('/search/findOne', { guid, sensorType }),
  setStatus: (guid: string, sensorType: string, status: AlertStatus) => post<UpdatedDocument>('/update/status', { guid, sensorType, status }),
  assign: (guid: string, sensorType: string, assignee: string | null) => post<UpdatedDocument>('/update/assign', { guid, sensorType, assignee }),
  addComment: (guid: string, sensorType: string, comment: string) => post<UpdatedDocument>('/update/add/comment', { guid, sensorType, comment }),
  removeComment: (guid: string, sensorType: string, comment: string, username: string, timestamp: number) =>
    post<UpdatedDocument>('/update/remove/comment', { guid, sensorType, comment, username, timestamp }),
  history: (guid: string) => get<HistoryResponse>(`/update/history/${encodeURIComponent(guid)}?size=500`),
  createMetaAlert: (alerts: Array<{ guid: string; sensorType: string }>) =>
    post<{ created: boolean; guid: string }>('/metaalert/create', { alerts, groups: [] }),
  addToMetaAlert: (metaAlertGuid: string, alerts: Array<{ guid: string; sensorType: string }>) =>
    post<boolean>('/metaalert/add/alert', { metaAlertGuid, alerts }),
  removeFromMetaAlert: (metaAlertGuid: string, alerts: Array<{ guid: string; sensorType: string }>) =>
    post<boolean>('/metaalert/remove/alert', { metaAlertGuid, alerts }),
  metaAlertStatus: (guid: string, status: 'ACTIVE' | 'INACTIVE') =>
    post<boolean>(`/metaalert/update/status/${encodeURIComponent(guid)}/${status}`, {}),
  searchMetaAlerts: (body: SearchRequest) => post<SearchResponse>('/metaalert/search', body),
};
