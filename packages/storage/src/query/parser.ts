/**
 * Recursive-descent parser for the supported Lucene subset (see lexer.ts):
 *
 *   query    := orExpr EOF                   (empty → match_all)
 *   orExpr   := andExpr ( ("OR" | "||")? andExpr )*     — juxtaposition is OR (Lucene's default)
 *   andExpr  := notExpr ( ("AND" | "&&") notExpr )*
 *   notExpr  := ("NOT" | "!") notExpr | primary
 *   primary  := "(" orExpr ")" | TERM ":" value | TERM | PHRASE
 *   value    := TERM | PHRASE | "*" | "(" orExpr ")"     — a group takes the field as its default
 *
 * Precedence is the conventional NOT > AND > OR (Lucene's classic parser has none, and reads
 * `a OR b AND c` as `a +b +c`; ES documents that as a trap). One Lucene rule is kept because
 * analysts rely on it: a NOT clause joined by juxtaposition excludes from the whole clause list,
 * so `error NOT warning` means `error AND NOT warning`, not `error OR NOT warning`.
 */
import { queryError, tokenize, type Token } from './lexer.js';
import type { QueryNode, WildcardPart } from './ast.js';

export interface ParseOptions {
  /** Longest accepted query, in characters (default 100,000, as the REST schema allows). */
  maxLength?: number;
  /** Deepest nesting of groups and NOTs (default 64). */
  maxDepth?: number;
}

/** Parses a Lucene-syntax query into an AST; throws MetronError('QUERY_INVALID') with the position. */
export function parseQuery(query: string, options: ParseOptions = {}): QueryNode {
  const maxLength = options.maxLength ?? 100_000;
  if (query.length > maxLength) {
    throw queryError(query, maxLength, `query longer than ${maxLength} characters`);
  }
  const parser = new Parser(query, tokenize(query), options.maxDepth ?? 64);
  return parser.parse();
}

type Joined = { node: QueryNode; implicit: boolean };

class Parser {
  private index = 0;
  private depth = 0;

  constructor(
    private readonly query: string,
    private readonly tokens: Token[],
    private readonly maxDepth: number,
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
      eof: 'end of query', term: 'term', phrase: 'phrase',
    };
    return queryError(this.query, token.pos, `unexpected ${what[token.type]}`);
  }

  private startsClause(token: Token): boolean {
    return token.type === 'term' || token.type === 'phrase' || token.type === 'lparen' || token.type === 'not';
  }

  private parseOr(field: string | null): QueryNode {
    const items: Joined[] = [{ node: this.parseAnd(field), implicit: false }];
    for (;;) {
      const token = this.peek();
      if (token.type === 'or') {
        this.next();
        items.push({ node: this.parseAnd(field), implicit: false });
      } else if (this.startsClause(token)) {
        items.push({ node: this.parseAnd(field), implicit: true });
      } else {
        break;
      }
    }
    if (items.length === 1) return items[0]!.node;

    // Lucene's MUST_NOT for juxtaposed NOT clauses (see the file comment).
    const positives: QueryNode[] = [];
    const exclusions: QueryNode[] = [];
    items.forEach((item, i) => {
      const joinedImplicitly = i === 0 ? items[1]!.implicit : item.implicit;
      if (item.node.kind === 'not' && joinedImplicitly) exclusions.push(item.node);
      else positives.push(item.node);
    });
    if (exclusions.length === 0) return combine('or', positives);
    if (positives.length === 0) return combine('and', exclusions);
    return combine('and', [combine('or', positives), ...exclusions]);
  }

  private parseAnd(field: string | null): QueryNode {
    const children = [this.parseNot(field)];
    while (this.peek().type === 'and') {
      this.next();
      children.push(this.parseNot(field));
    }
    return combine('and', children);
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
        return { kind: 'term', field, value: token.text, phrase: true };
      case 'term':
        if (this.peek().type === 'colon') return this.parseFieldValue(token);
        return valueNode(field, token);
      default:
        throw this.unexpected(token);
    }
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
      return { kind: 'exists', field: value.text };
    }
    switch (value.type) {
      case 'term':
        return valueNode(field, value);
      case 'phrase':
        return { kind: 'term', field, value: value.text, phrase: true };
      case 'lparen':
        return this.parseGroup(value, field);
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
