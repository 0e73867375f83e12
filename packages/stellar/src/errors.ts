/**
 * Stellar errors. Both kinds carry the expression, the failing span (0-based offsets) and can
 * render a caret under it, so the REPL, the API and the UI editor point at the same place.
 */

/** A half-open span [start, end) of offsets into the expression source. */
export interface SourceSpan {
  readonly start: number;
  readonly end: number;
}

abstract class StellarError extends Error {
  abstract readonly code: 'STELLAR_PARSE' | 'STELLAR_EVAL';
  /** The whole expression the error belongs to. */
  readonly expression: string;
  /** 0-based offset of the failing part. */
  readonly position: number;
  /** 0-based offset just past the failing part (>= position + 1 when the source is not empty). */
  readonly end: number;
  /** 1-based line and column of `position`. */
  readonly line: number;
  readonly column: number;

  constructor(message: string, expression: string, span: SourceSpan | undefined, options?: { cause?: unknown }) {
    super(message, options);
    this.expression = expression;
    const start = Math.max(0, Math.min(span?.start ?? 0, expression.length));
    this.position = start;
    this.end = Math.max(start + 1, Math.min(span?.end ?? start + 1, expression.length));
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < start; i++) {
      if (expression.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
    this.line = line;
    this.column = start - lineStart + 1;
  }

  /** The source line holding the error, and a line of `^` under the failing part. */
  caret(): string {
    const src = this.expression;
    const lineStart = src.lastIndexOf('\n', this.position - 1) + 1;
    let lineEnd = src.indexOf('\n', this.position);
    if (lineEnd < 0) lineEnd = src.length;
    const text = src.slice(lineStart, lineEnd);
    const from = this.position - lineStart;
    const width = Math.max(1, Math.min(this.end, lineEnd) - this.position);
    // Keep tabs in the padding so the caret lines up under tab-indented source.
    const pad = text.slice(0, from).replace(/[^\t]/g, ' ');
    return `${text}\n${pad}${'^'.repeat(width)}`;
  }
}

/** The expression is not valid Stellar (syntax, unknown function, size limits). */
export class StellarParseError extends StellarError {
  readonly code = 'STELLAR_PARSE' as const;
  constructor(message: string, expression: string, span?: SourceSpan, options?: { cause?: unknown }) {
    super(message, expression, span, options);
    this.name = 'StellarParseError';
  }
}

/** Evaluation failed: a missing variable, a type error, a function error, or a limit. */
export class StellarEvalError extends StellarError {
  readonly code = 'STELLAR_EVAL' as const;
  /** Set when a run limit stopped the evaluation: 'maxSteps' or 'maxTimeMs'. */
  readonly limit: string | undefined;
  constructor(message: string, expression: string, span?: SourceSpan, options?: { cause?: unknown; limit?: string }) {
    super(message, expression, span, options);
    this.name = 'StellarEvalError';
    this.limit = options?.limit;
  }
}
