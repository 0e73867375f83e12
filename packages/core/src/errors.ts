/** Stable error codes. Public messages say what the user can act on; never internals or secrets. */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_NOT_FOUND'
  | 'PARSE_FAILED'
  | 'INPUT_INVALID'
  | 'INPUT_TOO_LARGE'
  | 'NOT_FOUND'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'BUS_CLOSED'
  | 'STORAGE_FAILED'
  | 'QUERY_INVALID'
  | 'INTERNAL';

/** An error with a stable code and optional structured details. */
export class MetronError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MetronError';
    this.code = code;
    this.details = details;
  }
}

/** A config file was refused: names the file, the JSON path inside it and the reason. */
export class ConfigError extends MetronError {
  readonly file: string;
  readonly jsonPath: string;
  readonly reason: string;
  constructor(file: string, jsonPath: string, reason: string) {
    super('CONFIG_INVALID', `${file}: ${jsonPath}: ${reason}`, { file, jsonPath, reason });
    this.name = 'ConfigError';
    this.file = file;
    this.jsonPath = jsonPath;
    this.reason = reason;
  }
}

/** Message of an unknown thrown value, for error records and logs. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
