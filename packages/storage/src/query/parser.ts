/**
 * Recursive-descent parser for the Lucene query syntax (see lexer.ts):
 *
 *   query    := orExpr EOF                   (empty → match_all)
 *   orExpr   := andExpr ( ("OR" | "||")? andExpr )*     — juxtaposition is OR (Lucene's default)
 *   andExpr  := clause ( ("AND" | "&&") clause )*
 *   clause   := ("+" | "-")? notExpr
 *   notExpr  := ("NOT" | "!") notExpr | primary
 *   primary  := "(" orExpr ")" | TERM ":" value | TERM | PHRASE
 *   value    := TERM | PHRASE | "*" | RANGE | CMP (TERM | PHRASE) | "(" orExpr ")"
 *                                                      — a group takes the field as its default
 *
 * Precedence is the conventional NOT > AND > OR (Lucene's classic parser has none, and reads
 * `a OR b AND c` as `a +b +c`; ES documents that as a trap). Lucene's clause rules are kept where
 * analysts rely on them: in a list of clauses, `+x` is required (and then the plain clauses only
 * score, so they no longer filter), `-x` is excluded, and a NOT clause joined by juxtaposition
 * excludes from the whole list, so `error NOT warning` means `error AND NOT warning`.
 */
import { queryError, tokenize, type Token } from './lexer.js';
import type { QueryNode, RangeBound, WildcardPart } from './ast.js';

export interface ParseOptions {
  /** Longest accepted query, in characters (default 100,000, as the REST schema allows). */
  maxLength?: number;
  /** Deepest nesting of groups and NOTs (default 64). */
  maxDepth?: number;
  /** Most leaf clauses (terms, ranges, wildcards...) in one query (default 1,024, Lucene's maxClauseCount). */
  maxClauses?: number;
}

/** Parses a Lucene-syntax query into an AST; throws MetronError('QUERY_INVALID') with the position. */
export function parseQuery(query: string, options: ParseOptions = {}): QueryNode {
  const maxLength = options.maxLength ?? 100_000;
  if (query.length > maxLength) {
    throw queryError(query, maxLength, `query longer than ${maxLength} characters`);
  }
  const parser = new Parser(query, tokenize(query), options.maxDepth ?? 64, options.maxClauses ?? 1024);
  return parser.parse();
}

/** How a clause takes part in its list: Lucene's SHOULD / MUST / MUST_NOT, and a NOT-keyword clause. */
type Occur = 'should' | 'must' | 'must_not' | 'not';

/** A clause of an OR list; `node` of a `must_not` clause is the excluded query itself. */
type Clause = { node: QueryNode; occur: Occur };

type Joined = Clause & { implicit: boolean };

class Parser {
  private index = 0;
  private depth = 0;
  private clauses = 0;

  constructor(
    private readonly query: string,
    private readonly tokens: Token[],
    private readonly maxDepth: number,
    private readonly maxClauses: number,
  ) {}

  parse(): QueryNode {
    if (this.peek().type === 'eof') return { kind: 'match_all' };
    const node = this.parseOr(null);
    const rest = this.peek();
    if (rest.type !== 'eof') throw this.unexpected(rest);
    return node;
  }

  private peek(): Token {
    return this.tokens[this.index]!;
  }

  private next(): Token {
    const token = this.tokens[this.index]!;
    if (token.type !== 'eof') this.index++;
    return token;
  }

  private enter(pos: number): void {
    if (++this.depth > this.maxDepth) throw queryError(this.query, pos, `nesting deeper than ${this.maxDepth}`);
  }

  private unexpected(token: Token): Error {
    if (token.type === 'eof') return queryError(this.query, token.pos, 'unexpected end of query');
    const what: Record<Token['type'], string> = {
      lparen: "'('", rparen: "')'", colon: "':'", and: 'AND', or: 'OR', not: 'NOT',
      eof: 'end of query', term: 'term', phrase: 'phrase', plus: "'+'", minus: "'-'", range: 'range', cmp: 'comparison',
    };
    return queryError(this.query, token.pos, `unexpected ${what[token.type]}`);
  }

  private startsClause(token: Token): boolean {
    return token.type === 'term' || token.type === 'phrase' || token.type === 'lparen' || token.type === 'not'
      || token.type === 'plus' || token.type === 'minus' || token.type === 'range' || token.type === 'cmp';
  }

  /** Counts a leaf clause against the limit. */
  private leaf(pos: number, node: QueryNode): QueryNode {
    if (++this.clauses > this.maxClauses) throw queryError(this.query, pos, `more than ${this.maxClauses} clauses`);
    return node;
  }

  private parseOr(field: string | null): QueryNode {
    const first = this.parseAnd(field);
    const items: Joined[] = [{ ...first, implicit: false }];
    for (;;) {
      const token = this.peek();
      if (token.type === 'or') {
        this.next();
        items.push({ ...this.parseAnd(field), implicit: false });
      } else if (this.startsClause(token)) {
        items.push({ ...this.parseAnd(field), implicit: true });
      } else {
        break;
      }
    }
    if (items.length === 1) return applyOccur(items[0]!);

    // Lucene's clause list (see the file comment).
    const musts: QueryNode[] = [];
    const shoulds: QueryNode[] = [];
    const exclusions: QueryNode[] = [];
    items.forEach((item, i) => {
      const joinedImplicitly = i === 0 ? items[1]!.implicit : item.implicit;
      if (item.occur === 'must') musts.push(item.node);
      else if (item.occur === 'must_not') exclusions.push({ kind: 'not', child: item.node });
      else if (item.occur === 'not' && joinedImplicitly) exclusions.push(item.node);
      else shoulds.push(item.node);
    });
    if (musts.length > 0) return combine('and', [...musts, ...exclusions]);
    if (exclusions.length === 0) return combine('or', shoulds);
    if (shoulds.length === 0) return combine('and', exclusions);
    return combine('and', [combine('or', shoulds), ...exclusions]);
  }

  private parseAnd(field: string | null): Clause {
    const first = this.parseClause(field);
    if (this.peek().type !== 'and') return first;
    const children = [applyOccur(first)];
    while (this.peek().type === 'and') {
      this.next();
      children.push(applyOccur(this.parseClause(field)));
    }
    return { node: combine('and', children), occur: 'should' };
  }

  private parseClause(field: string | null): Clause {
    const token = this.peek();
    if (token.type === 'plus' || token.type === 'minus') {
      this.next();
      const following = this.peek();
      if (following.type === 'plus' || following.type === 'minus' || following.type === 'eof') throw this.unexpected(following);
      return { node: this.parseNot(field), occur: token.type === 'plus' ? 'must' : 'must_not' };
    }
    const node = this.parseNot(field);
    return { node, occur: token.type === 'not' ? 'not' : 'should' };
  }

  private parseNot(field: string | null): QueryNode {
    const token = this.peek();
    if (token.type !== 'not') return this.parsePrimary(field);
    this.next();
    this.enter(token.pos);
    const child = this.parseNot(field);
    this.depth--;
    return { kind: 'not', child };
  }

  private parseGroup(open: Token, field: string | null): QueryNode {
    this.enter(open.pos);
    if (this.peek().type === 'rparen') throw queryError(this.query, this.peek().pos, 'empty group');
    const node = this.parseOr(field);
    const close = this.peek();
    if (close.type !== 'rparen') {
      if (close.type === 'eof') throw queryError(this.query, open.pos, "missing ')' for this '('");
      throw this.unexpected(close);
    }
    this.next();
    this.depth--;
    return node;
  }

  private parsePrimary(field: string | null): QueryNode {
    const token = this.next();
    switch (token.type) {
      case 'lparen':
        return this.parseGroup(token, field);
      case 'phrase':
        return this.leaf(token.pos, { kind: 'term', field, value: token.text, phrase: true });
      case 'term':
        if (this.peek().type === 'colon') return this.parseFieldValue(token);
        return this.leaf(token.pos, valueNode(field, token));
      case 'range':
      case 'cmp':
        // Inside `field:( ... )` a range takes the group's field.
        if (field === null) throw queryError(this.query, token.pos, 'a range needs a field, as in field:[a TO b] or field:>=a');
        return this.parseRange(field, token);
      default:
        throw this.unexpected(token);
    }
  }

  /** A range token, or a comparison and the value after it, on `field`. */
  private parseRange(field: string, token: Extract<Token, { type: 'range' | 'cmp' }>): QueryNode {
    if (token.type === 'range') {
      const lower: RangeBound | null = token.lower === null ? null : { value: token.lower, inclusive: token.includeLower };
      const upper: RangeBound | null = token.upper === null ? null : { value: token.upper, inclusive: token.includeUpper };
      return this.leaf(token.pos, { kind: 'range', field, lower, upper });
    }
    const value = this.next();
    let text: string;
    if (value.type === 'phrase') {
      text = value.text;
    } else if (value.type === 'term' && !value.wildcard && value.pos === token.pos + token.op.length) {
      text = value.text;
    } else if (value.type === 'minus' && this.peek().type === 'term' && this.peek().pos === value.pos + 1) {
      text = `-${(this.next() as Extract<Token, { type: 'term' }>).text}`;
    } else {
      throw queryError(this.query, token.pos, `expected a value right after '${token.op}'`);
    }
    const bound = { value: text, inclusive: token.op.endsWith('=') };
    const node: QueryNode = token.op.startsWith('>')
      ? { kind: 'range', field, lower: bound, upper: null }
      : { kind: 'range', field, lower: null, upper: bound };
    return this.leaf(token.pos, node);
  }

  private parseFieldValue(name: Extract<Token, { type: 'term' }>): QueryNode {
    const colon = this.next();
    let field: string | null = name.text;
    if (name.wildcard) {
      if (name.text !== '*') throw queryError(this.query, name.pos, 'wildcards in field names are not supported yet');
      field = null;
    }
    const value = this.next();
    if (field === '_exists_') {
      if (value.type !== 'term' || value.wildcard) {
        throw queryError(this.query, value.pos, '_exists_ expects a field name');
      }
      return this.leaf(value.pos, { kind: 'exists', field: value.text });
    }
    switch (value.type) {
      case 'term':
        return this.leaf(value.pos, valueNode(field, value));
      case 'phrase':
        return this.leaf(value.pos, { kind: 'term', field, value: value.text, phrase: true });
      case 'lparen':
        return this.parseGroup(value, field);
      case 'range':
      case 'cmp':
        if (field === null) throw queryError(this.query, value.pos, 'a range needs a field, as in field:[a TO b] or field:>=a');
        return this.parseRange(field, value);
      case 'minus': {
        // A negative number as the value (`delta:-5`), written without a space.
        const number = this.peek();
        if (number.type === 'term' && number.pos === value.pos + 1) {
          this.next();
          return this.leaf(value.pos, valueNode(field, { ...number, text: `-${number.text}`, parts: [{ literal: '-' }, ...number.parts] }));
        }
        throw this.unexpected(value);
      }
      case 'eof':
        throw queryError(this.query, colon.pos, "expected a value after ':'");
      default:
        throw this.unexpected(value);
    }
  }
}

function valueNode(field: string | null, token: { text: string; parts: WildcardPart[]; wildcard: boolean }): QueryNode {
  if (!token.wildcard) return { kind: 'term', field, value: token.text, phrase: false };
  const only = token.parts.length === 1 ? token.parts[0]! : undefined;
  if (only !== undefined && 'any' in only && only.any === '*') {
    return field === null ? { kind: 'match_all' } : { kind: 'exists', field };
  }
  return { kind: 'wildcard', field, parts: token.parts };
}

/** A clause as a node of an AND list: a `-` clause becomes its negation. */
function applyOccur(clause: Clause): QueryNode {
  return clause.occur === 'must_not' ? { kind: 'not', child: clause.node } : clause.node;
}

/** Builds an AND/OR node, flattening children of the same kind; a single child stands alone. */
function combine(kind: 'and' | 'or', nodes: QueryNode[]): QueryNode {
  if (nodes.length === 1) return nodes[0]!;
  const children: QueryNode[] = [];
  for (const node of nodes) {
    if (node.kind === kind) children.push(...node.children);
    else children.push(node);
  }
  return { kind, children };
}
