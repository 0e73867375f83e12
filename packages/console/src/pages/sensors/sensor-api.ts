/** The REST calls of the Sensors, Health and Dashboard pages (packages/server routes: sensor-configs, stellar, pipeline-health, dashboard). */
import { get, post, request, type Doc } from '../../api.ts';

export type SensorConfigKind = 'parser' | 'enrichment' | 'indexing';
export type Json = Record<string, unknown>;

export interface SampleError {
  stage: 'parse' | 'enrich';
  sensor: string;
  errorType: string;
  reason: string;
  fatal?: boolean;
}

export interface SampleLine {
  line: number;
  raw: string;
  messages: Doc[];
  errors: SampleError[];
  dropped?: boolean;
}

export type SensorState = 'ok' | 'silent' | 'low' | 'warming_up' | 'idle';

export interface SensorHealth {
  sensor: string;
  state: SensorState;
  reason?: string;
  rates: Record<'received' | 'parsed' | 'messages' | 'enriched' | 'alerts' | 'indexed' | 'invalid' | 'errors' | 'enrich_errors' | 'index_errors' | 'refused', number>;
  recentRate: number;
  usualRate: number | null;
  totals: Record<string, number>;
  lag: number;
  errorSearch: { indices: string[]; query: string };
}

export interface StageHealth {
  sensor: string;
  stage: string;
  topic: string;
  group: string;
  lag: number;
  end: number;
  committed: number;
}

export interface HealthReport {
  status: 'OK' | 'WARNING';
  at: number;
  rules: { recentMinutes: number; baselineMinutes: number; minBaselineMinutes: number; lowRatio: number };
  sensors: SensorHealth[];
  stages: StageHealth[];
}

export interface ParserInfo {
  id: string;
  shortName: string;
  className: string;
  description: string;
  configKeys: string[];
}

const path = (kind: SensorConfigKind, name?: string) => `/sensor/${kind}/config${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;

export const sensorApi = {
  list: (kind: SensorConfigKind) => get<Record<string, Json>>(path(kind)),
  read: (kind: SensorConfigKind, name: string) => get<Json>(path(kind, name)),
  save: (kind: SensorConfigKind, name: string, config: Json) => post<Json>(path(kind, name), config),
  remove: (kind: SensorConfigKind, name: string) => request<{ deleted: boolean }>(path(kind, name), { method: 'DELETE' }),
  parsers: () => get<ParserInfo[]>('/sensor/parser/config/list/available/details'),
  aggregators: () => get<string[]>('/sensor/enrichment/config/list/available/threat/triage/aggregators'),
  sample: (body: { sensorType: string; sampleData: string; sensorParserConfig?: Json; sensorEnrichmentConfig?: Json }) =>
    post<{ sensorType: string; results: SampleLine[] }>('/sensor/sample', body),
  health: (signal?: AbortSignal) => get<HealthReport>('/pipeline/health', signal),
};

/** Whether the logged-in user may save configs (the admin role). */
export async function isAdmin(): Promise<boolean> {
  const roles = await get<string[]>('/user/whoami/roles');
  return roles.includes('ROLE_ADMIN');
}
