/**
 * The JSONPath subset Metron users put in `jsonpQuery` (Jayway JsonPath syntax): `$`, `.name`,
 * `['name']` / `["name"]`, `[n]` (negative counts from the end), `[*]` and `.*`. Compiled once at
 * config time; deep scan (`..`), filters, slices and unions are refused with a ConfigError.
 * As in Jayway, a path without a leading `$` is read as `$.` + path.
 */

export type PathSegment =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'wildcard' };

export interface CompiledPath {
  readonly source: string;
  readonly segments: readonly PathSegment[];
  /** True when the path has no wildcard: it selects at most one value. */
  readonly definite: boolean;
}

/** Thrown for a path outside the supported subset; `position` indexes the path as normalized (`$.` prefixed). */
export class JsonPathSyntaxError extends Error {
  constructor(
    readonly position: number,
    what: string,
  ) {
    super(`${what} at position ${position}`);
    this.name = 'JsonPathSyntaxError';
  }
}

const NAME_END = new Set(['.', '[', ']', ' ']);

/** Compiles a JSONPath of the supported subset. */
export function compileJsonPath(source: string): CompiledPath {
  let path = source.trim();
  if (path === '') throw new JsonPathSyntaxError(0, 'empty path');
  if (!path.startsWith('$')) path = path.startsWith('[') ? `$${path}` : `$.${path}`;
  const segments: PathSegment[] = [];
  let i = 1;
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      if (path[i + 1] === '.') throw new JsonPathSyntaxError(i, "deep scan '..' is not supported");
      if (path[i + 1] === '*') {
        segments.push({ kind: 'wildcard' });
        i += 2;
        continue;
      }
      let j = i + 1;
      while (j < path.length && !NAME_END.has(path[j]!)) j++;
      if (j === i + 1) throw new JsonPathSyntaxError(i + 1, 'expected a field name');
      segments.push({ kind: 'name', name: path.slice(i + 1, j) });
      i = j;
    } else if (c === '[') {
      const close = readBracket(path, i);
      segments.push(close.segment);
      i = close.next;
    } else {
      throw new JsonPathSyntaxError(i, `unexpected ${JSON.stringify(c)}`);
    }
  }
  return { source, segments, definite: segments.every((s) => s.kind !== 'wildcard') };
}

function readBracket(path: string, open: number): { segment: PathSegment; next: number } {
  let i = open + 1;
  while (path[i] === ' ') i++;
  const c = path[i];
  let segment: PathSegment;
  if (c === '*') {
    segment = { kind: 'wildcard' };
    i++;
  } else if (c === "'" || c === '"') {
    let name = '';
    let j = i + 1;
    for (; j < path.length && path[j] !== c; j++) {
      if (path[j] === '\\' && j + 1 < path.length) j++;
      name += path[j];
    }
    if (j >= path.length) throw new JsonPathSyntaxError(i, 'unterminated quoted name');
    segment = { kind: 'name', name };
    i = j + 1;
  } else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
    let j = i + 1;
    while (j < path.length && path[j]! >= '0' && path[j]! <= '9') j++;
    if (path[j] === ':') throw new JsonPathSyntaxError(j, 'array slices are not supported');
    const index = Number(path.slice(i, j));
    if (!Number.isInteger(index)) throw new JsonPathSyntaxError(i, 'expected an array index');
    segment = { kind: 'index', index };
    i = j;
  } else if (c === '?') {
    throw new JsonPathSyntaxError(i, 'filter expressions are not supported');
  } else {
    throw new JsonPathSyntaxError(i, "expected *, an index or a quoted name after '['");
  }
  while (path[i] === ' ') i++;
  if (path[i] === ',') throw new JsonPathSyntaxError(i, 'unions are not supported');
  if (path[i] !== ']') throw new JsonPathSyntaxError(i, "expected ']'");
  return { segment, next: i + 1 };
}

function child(node: unknown, segment: PathSegment, out: unknown[]): void {
  if (typeof node !== 'object' || node === null) return;
  switch (segment.kind) {
    case 'name':
      if (!Array.isArray(node) && Object.hasOwn(node, segment.name)) out.push((node as Record<string, unknown>)[segment.name]);
      return;
    case 'index':
      if (Array.isArray(node)) {
        const k = segment.index < 0 ? node.length + segment.index : segment.index;
        if (k >= 0 && k < node.length) out.push(node[k]);
      }
      return;
    case 'wildcard':
      if (Array.isArray(node)) for (const v of node) out.push(v);
      else for (const key of Object.keys(node)) out.push((node as Record<string, unknown>)[key]);
      return;
  }
}

/** Every value the path selects in `root`, in document order. */
export function evaluateJsonPath(path: CompiledPath, root: unknown): unknown[] {
  let nodes: unknown[] = [root];
  for (const segment of path.segments) {
    const next: unknown[] = [];
    for (const node of nodes) child(node, segment, next);
    if (next.length === 0) return next;
    nodes = next;
  }
  return nodes;
}
