/**
 * The AST of a search query. The Lucene query string a user types (Metron's search box, REST
 * `SearchRequest.query`) is parsed once into this tree, and each search backend renders it
 * (`duckdb/sql.ts` to SQL with bound parameters; OpenSearch to its query DSL later).
 *
 * The union is discriminated by `kind` so later node kinds (fuzzy, regexp, boosts) extend
 * it without changing the existing ones; renderers switch exhaustively on `kind`, so adding a kind
 * is a compile error in every renderer until handled.
 */
export type QueryNode =
  | MatchAllNode
  | AndNode
  | OrNode
  | NotNode
  | TermNode
  | ExistsNode
  | WildcardNode
  | RangeNode;

/** `*`, `*:*` or an empty query. */
export interface MatchAllNode {
  kind: 'match_all';
}

export interface AndNode {
  kind: 'and';
  children: QueryNode[];
}

export interface OrNode {
  kind: 'or';
  children: QueryNode[];
}

export interface NotNode {
  kind: 'not';
  child: QueryNode;
}

/**
 * `field:value`, `field:"a phrase"`, or a bare term/phrase (`field` null: the default fields).
 * `value` is unescaped. Values are matched exactly (keyword semantics), as Metron's index
 * templates map most string fields as `keyword`.
 */
export interface TermNode {
  kind: 'term';
  field: string | null;
  value: string;
  /** Written as a quoted phrase. */
  phrase: boolean;
}

/** `field:*` or `_exists_:field`. */
export interface ExistsNode {
  kind: 'exists';
  field: string;
}

/** One piece of a wildcard pattern: literal text, `*` (any run) or `?` (one character). */
export type WildcardPart = { literal: string } | { any: '*' | '?' };

/** A term with unescaped `*` or `?` in it (`ip_src_addr:192.168.*`). */
export interface WildcardNode {
  kind: 'wildcard';
  field: string | null;
  parts: WildcardPart[];
}

/** One end of a range; `value` is unescaped text, read per column type by each renderer. */
export interface RangeBound {
  value: string;
  inclusive: boolean;
}

/**
 * `field:[a TO b]`, `field:{a TO b}`, mixed brackets, `*` for an open end, and the one-sided
 * `field:>=a`, `field:>a`, `field:<=a`, `field:<a`. A null bound is open. Numbers compare
 * numerically on numeric columns, `timestamp` takes dates (see dates.ts), text compares
 * lexicographically, as Elasticsearch compares keyword fields.
 */
export interface RangeNode {
  kind: 'range';
  field: string;
  lower: RangeBound | null;
  upper: RangeBound | null;
}
