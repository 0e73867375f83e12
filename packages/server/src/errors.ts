/**
 * HTTP error mapping, in one place.
 *
 * Every error response has one JSON shape, `ApiError`: `{ status, code, message }`.
 * - `status`: the HTTP status code (Metron's RestError called it `responseCode`).
 * - `code`: a stable machine-readable code: a `@metron/core` `ErrorCode` (`INPUT_INVALID`,
 *   `NOT_FOUND`, `QUERY_INVALID`, ...) or one of the server's own (`RATE_LIMITED`, `CONFLICT`,
 *   `UNSUPPORTED_MEDIA_TYPE`).
 * - `message`: what the caller can act on. Never a stack trace, internals or secrets; 5xx answers
 *   carry a generic message and the details go to the server log only.
 */
import { MetronError, type ErrorCode } from '@metron/core';

/** The body of every error response. */
export interface ApiError {
  status: number;
  code: string;
  message: string;
}

/** HTTP status for each MetronError code. */
const STATUS_BY_CODE: Record<ErrorCode, number> = {
  CONFIG_INVALID: 400,
  CONFIG_NOT_FOUND: 404,
  PARSE_FAILED: 400,
  INPUT_INVALID: 400,
  INPUT_TOO_LARGE: 413,
  NOT_FOUND: 404,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  BUS_CLOSED: 503,
  STORAGE_FAILED: 503,
  QUERY_INVALID: 400,
  INTERNAL: 500,
};

/** The HTTP status a MetronError code answers with. */
export function httpStatusForCode(code: ErrorCode): number {
  return STATUS_BY_CODE[code] ?? 500;
}

/**
 * An error with an explicit HTTP status, for answers that have no MetronError code
 * (429, 409, 415). `headers` are added to the response (e.g. `Retry-After`).
 */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;
  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

/** Generic public message for a status, used for 5xx answers instead of the real cause. */
function genericMessage(status: number): string {
  if (status === 503) return 'service temporarily unavailable';
  return 'internal server error';
}

function defaultCodeForStatus(status: number): string {
  switch (status) {
    case 401: return 'UNAUTHORIZED';
    case 403: return 'FORBIDDEN';
    case 404: return 'NOT_FOUND';
    case 409: return 'CONFLICT';
    case 413: return 'INPUT_TOO_LARGE';
    case 415: return 'UNSUPPORTED_MEDIA_TYPE';
    case 429: return 'RATE_LIMITED';
    default: return status >= 500 ? 'INTERNAL' : 'INPUT_INVALID';
  }
}

/** The error response for any thrown value, plus extra headers; `internal` marks what to log. */
export function toApiError(err: unknown): { body: ApiError; headers: Record<string, string>; internal: boolean } {
  if (err instanceof HttpError) {
    const internal = err.status >= 500;
    return {
      body: { status: err.status, code: err.code, message: internal ? genericMessage(err.status) : err.message },
      headers: err.headers,
      internal,
    };
  }
  if (err instanceof MetronError) {
    const status = httpStatusForCode(err.code);
    const internal = status >= 500;
    return {
      body: { status, code: err.code, message: internal ? genericMessage(status) : err.message },
      headers: {},
      internal,
    };
  }
  // Fastify's own client errors (body too large, bad JSON, unsupported media type) carry a
  // 4xx statusCode and a message written for the client.
  if (err instanceof Error && 'statusCode' in err) {
    const status = Number((err as { statusCode: unknown }).statusCode);
    if (Number.isInteger(status) && status >= 400 && status < 500) {
      return { body: { status, code: defaultCodeForStatus(status), message: err.message }, headers: {}, internal: false };
    }
  }
  return { body: { status: 500, code: 'INTERNAL', message: genericMessage(500) }, headers: {}, internal: true };
}

/** A plain ApiError body for a status and message. */
export function apiError(status: number, message: string, code: string = defaultCodeForStatus(status)): ApiError {
  return { status, code, message };
}
