/**
 * Stellar parser: recursive descent over the tokens of lexer.ts, following the precedence of
 * Metron's `Stellar.g4` (lowest first):
 *
 *   conditional   `c ? a : b`, `if c then a else b`, `match{...}`, lambdas (body extends right)
 *   logical       `and` `or` `&&` `||` — one level, right-associative, as in Metron
 *   in            `x in y`, `x not in y` — right-associative; `a in b == c` is `a in (b == c)`
 *   comparison    `== != < <= > >=` — one level, left-associative
 *   additive      `+ -`, then multiplicative `* /`
 *   primary       literals, variables, calls, `[..]`, `{k: v}`, `(..)`, `NOT(..)`, `exists(x)`
 *
 * The accepted language is a small superset of Metron's (e.g. any expression as a function
 * argument); every expression Metron accepts parses to the same tree.
 */
import type { ArithOp, CompareOp, Node } from './ast.js';
import { StellarParseError } from './errors.js';
import { tokenize, type Token, type TokenKind } from './lexer.js';
import { JFloat, JInt, JLong, type StellarValue } from './values.js';

export interface ParseLimits {
  maxNodes: number;
  maxDepth: number;
}

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

const COMPARE_OPS: ReadonlySet<TokenKind> = new Set<TokenKind>(['==', '!=', '<', '<=', '>', '>=']);

/** Parses a whole expression. Throws StellarParseError with the failing span. */
export function parse(src: string, limits: ParseLimits): Node {
  return new Parser(src, tokenize(src), limits).parseTop();
}

class Parser {
  private pos = 0;
  private nodes = 0;
  private depth = 0;

  constructor(
    private readonly src: string,
    private readonly tokens: Token[],
    private readonly limits: ParseLimits,
  ) {}

  parseTop(): Node {
    if (this.peek().kind === 'eof') return this.node({ type: 'empty', start: 0, end: 0 });
    const expr = this.parseExpr();
    const t = this.peek();
    if (t.kind !== 'eof') this.fail(`unexpected ${describe(t)} after the end of the expression`, t);
    checkTreeDepth(expr, this.limits.maxDepth, this.src);
    return expr;
  }

  // ---- helpers

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }

  private accept(kind: TokenKind): Token | undefined {
    return this.peek().kind === kind ? this.next() : undefined;
  }

  private expect(kind: TokenKind, what: string): Token {
    const t = this.peek();
    if (t.kind !== kind) this.fail(`expected ${what} but found ${describe(t)}`, t);
    return this.next();
  }

  private fail(message: string, at: { start: number; end: number }): never {
    throw new StellarParseError(message, this.src, { start: at.start, end: Math.max(at.end, at.start + 1) });
  }

  private node<T extends Node>(n: T): T {
    if (++this.nodes > this.limits.maxNodes) {
      this.fail(`expression too large: more than maxNodes (${this.limits.maxNodes}) nodes`, n);
    }
    return n;
  }

  private enter(at: Token): void {
    if (++this.depth > this.limits.maxDepth) this.fail(`expression nested too deeply: more than maxDepth (${this.limits.maxDepth})`, at);
  }

  // ---- grammar

  /** transformation_expr: conditional, match, or a logical expression. */
  private parseExpr(): Node {
    const t = this.peek();
    this.enter(t);
    try {
      if (t.kind === 'if') {
        this.next();
        const test = this.parseLogical();
        this.expect('then', "'then'");
        const then = this.parseExpr();
        this.expect('else', "'else'");
        const otherwise = this.parseExpr();
        return this.node({ type: 'conditional', test, then, otherwise, start: t.start, end: otherwise.end });
      }
      if (t.kind === 'match') return this.parseMatch();
      const test = this.parseLogical();
      if (this.accept('?')) {
        const then = this.parseExpr();
        this.expect(':', "':' of the ternary");
        const otherwise = this.parseExpr();
        return this.node({ type: 'conditional', test, then, otherwise, start: test.start, end: otherwise.end });
      }
      return test;
    } finally {
      this.depth--;
    }
  }

  private parseMatch(): Node {
    const kw = this.next();
    this.expect('{', "'{' after match");
    const clauses: { check: Node; action: Node }[] = [];
    let otherwise: Node | undefined;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'default') {
        this.next();
        if (clauses.length === 0) this.fail('match needs at least one clause before default', t);
        this.expect('=>', "'=>' after default");
        otherwise = this.parseExpr();
        break;
      }
      if (t.kind === '}') this.fail('match needs a final "default => ..." clause', t);
      const check = this.parseExpr();
      this.expect('=>', "'=>' after the match condition");
      const action = this.parseExpr();
      clauses.push({ check, action });
      const sep = this.peek();
      if (sep.kind === '}') this.fail('match needs a final "default => ..." clause', sep);
      this.expect(',', "',' between match clauses");
    }
    const close = this.expect('}', "'}' closing match (default must be the last clause)");
    return this.node({ type: 'match', clauses, otherwise, start: kw.start, end: close.end });
  }

  /** logical_expr: b_expr (and|or logical_expr)? — right-associative, one precedence level. */
  private parseLogical(): Node {
    const left = this.parseIn();
    const t = this.peek();
    if (t.kind === 'and' || t.kind === 'or') {
      this.next();
      this.enter(t);
      const right = this.parseLogical();
      this.depth--;
      return this.node({ type: 'logical', op: t.kind, left, right, start: left.start, end: right.end });
    }
    return left;
  }

  /** in_expr: operand (in|not in) b_expr. */
  private parseIn(): Node {
    const item = this.parseComparison();
    const t = this.peek();
    if (t.kind === 'in' || t.kind === 'not_in') {
      this.next();
      this.enter(t);
      const container = this.parseIn();
      this.depth--;
      return this.node({ type: 'in', negated: t.kind === 'not_in', item, container, start: item.start, end: container.end });
    }
    return item;
  }

  private parseComparison(): Node {
    let left = this.parseAdditive();
    while (COMPARE_OPS.has(this.peek().kind)) {
      const op = this.next().kind as CompareOp;
      const right = this.parseAdditive();
      left = this.node({ type: 'compare', op, left, right, start: left.start, end: right.end });
    }
    return left;
  }

  private parseAdditive(): Node {
    let left = this.parseMultiplicative();
    for (let t = this.peek(); t.kind === '+' || t.kind === '-'; t = this.peek()) {
      this.next();
      const right = this.parseMultiplicative();
      left = this.arith(t, left, right);
    }
    return left;
  }

  private parseMultiplicative(): Node {
    let left = this.parsePrimary();
    for (let t = this.peek(); t.kind === '*' || t.kind === '/'; t = this.peek()) {
      this.next();
      const right = this.parsePrimary();
      left = this.arith(t, left, right);
    }
    return left;
  }

  private arith(op: Token, left: Node, right: Node): Node {
    // Metron's grammar only takes numbers, variables, calls and parenthesised arithmetic or
    // conditionals as operands: `'a' + 'b'` is a parse error there (Stellar has no string `+`).
    for (const side of [left, right]) {
      if (!isArithmeticOperand(side)) {
        const hint = side.type === 'literal' && typeof side.value === 'string' ? ' (Stellar has no string concatenation operator; use JOIN or FORMAT)' : '';
        this.fail(`'${op.kind}' needs numbers: ${describeNode(side)} is not an arithmetic operand${hint}`, side);
      }
    }
    return this.node({ type: 'arith', op: op.kind as ArithOp, left, right, start: left.start, end: right.end });
  }

  private parsePrimary(): Node {
    const t = this.peek();
    this.enter(t);
    try {
      return this.primary(t);
    } finally {
      this.depth--;
    }
  }

  private primary(t: Token): Node {
    switch (t.kind) {
      case 'number':
        this.next();
        return this.node({ type: 'literal', value: this.numberValue(t), start: t.start, end: t.end });
      case 'string':
        this.next();
        return this.node({ type: 'literal', value: t.value ?? '', start: t.start, end: t.end });
      case 'true':
      case 'false':
        this.next();
        return this.node({ type: 'literal', value: t.kind === 'true', start: t.start, end: t.end });
      case 'null':
        this.next();
        return this.node({ type: 'literal', value: null, start: t.start, end: t.end });
      case 'nan':
        this.next();
        return this.node({ type: 'literal', value: Number.NaN, start: t.start, end: t.end });
      case '[': {
        this.next();
        const items: Node[] = [];
        if (this.peek().kind !== ']') {
          do items.push(this.parseExpr());
          while (this.accept(','));
        }
        const close = this.expect(']', "',' or ']' in the list");
        return this.node({ type: 'list', items, start: t.start, end: close.end });
      }
      case '{': {
        this.next();
        const entries: [Node, Node][] = [];
        if (this.peek().kind !== '}') {
          do {
            const key = this.parseComparison();
            const colon = this.peek();
            if (colon.kind !== ':') {
              const hint = key.type === 'variable' && key.name.includes(':')
                ? ` ('${key.name}' is one identifier: names may contain ':', so put a space before the ':' of a map entry)`
                : '';
              this.fail(`expected ':' after the map key but found ${describe(colon)}${hint}`, colon);
            }
            this.next();
            entries.push([key, this.parseExpr()]);
          } while (this.accept(','));
        }
        const close = this.expect('}', "',' or '}' in the map");
        return this.node({ type: 'map', entries, start: t.start, end: close.end });
      }
      case '(': {
        const lambda = this.tryLambdaWithParens();
        if (lambda) return lambda;
        this.next();
        const inner = this.parseExpr();
        this.expect(')', "')'");
        return inner;
      }
      case '!': {
        this.next();
        const operand = this.parsePrimary();
        return this.node({ type: 'not', operand, start: t.start, end: operand.end });
      }
      case 'not': {
        this.next();
        this.expect('(', "'(' after NOT (Stellar writes NOT(expression))");
        const operand = this.parseExpr();
        const close = this.expect(')', "')' closing NOT(");
        return this.node({ type: 'not', operand, start: t.start, end: close.end });
      }
      case 'exists': {
        this.next();
        this.expect('(', "'(' after exists");
        const name = this.expect('ident', 'a variable name in exists(...)');
        const close = this.expect(')', "')' closing exists(");
        return this.node({ type: 'exists', name: name.text, start: t.start, end: close.end });
      }
      case 'ident': {
        const after = this.peek(1).kind;
        if (after === '->') {
          this.next();
          this.next();
          const body = this.parseExpr();
          return this.node({ type: 'lambda', params: [t.text], body, start: t.start, end: body.end });
        }
        this.next();
        if (after === '(') {
          this.next();
          const args: Node[] = [];
          if (this.peek().kind !== ')') {
            do args.push(this.parseExpr());
            while (this.accept(','));
          }
          const close = this.expect(')', `',' or ')' in the arguments of ${t.text}`);
          return this.node({ type: 'call', name: t.text, nameEnd: t.end, args, start: t.start, end: close.end });
        }
        return this.node({ type: 'variable', name: t.text, start: t.start, end: t.end });
      }
      case 'eof':
        return this.fail('unexpected end of expression', { start: Math.max(0, t.start - 1), end: t.start });
      case 'default':
        return this.fail("'default' is only allowed as the last clause of match{...}", t);
      default:
        return this.fail(`unexpected ${describe(t)}`, t);
    }
  }

  /** `() -> e` or `(a, b) -> e`; undefined (nothing consumed) when the parens are not a lambda. */
  private tryLambdaWithParens(): Node | undefined {
    const open = this.peek();
    const params: string[] = [];
    let k = 1;
    if (this.peek(k).kind !== ')') {
      for (;;) {
        const p = this.peek(k);
        if (p.kind !== 'ident') return undefined;
        params.push(p.text);
        k++;
        const sep = this.peek(k).kind;
        if (sep === ')') break;
        if (sep !== ',') return undefined;
        k++;
      }
    }
    if (this.peek(k + 1).kind !== '->') return undefined;
    this.pos += k + 2;
    const body = this.parseExpr();
    return this.node({ type: 'lambda', params, body, start: open.start, end: body.end });
  }

  private numberValue(t: Token): StellarValue {
    const text = t.text;
    switch (t.numberKind) {
      case 'int': {
        const v = Number(text);
        if (v < INT_MIN || v > INT_MAX) this.fail(`integer literal ${text} is out of range for int (add L for a long)`, t);
        return new JInt(v);
      }
      case 'long': {
        const v = BigInt(text.slice(0, -1));
        if (v < LONG_MIN || v > LONG_MAX) this.fail(`long literal ${text} is out of range`, t);
        return new JLong(v);
      }
      case 'float':
        return new JFloat(Number.parseFloat(text));
      default:
        return Number.parseFloat(text);
    }
  }
}

function isArithmeticOperand(n: Node): boolean {
  switch (n.type) {
    case 'literal':
      return typeof n.value === 'number' || n.value instanceof JInt || n.value instanceof JLong || n.value instanceof JFloat;
    case 'variable':
    case 'call':
    case 'arith':
    case 'conditional':
    case 'match':
      return true;
    default:
      return false;
  }
}

function describe(t: Token): string {
  return t.kind === 'eof' ? 'the end of the expression' : `'${t.text}'`;
}

function describeNode(n: Node): string {
  if (n.type === 'literal') {
    if (typeof n.value === 'string') return 'a string';
    if (typeof n.value === 'boolean') return 'a boolean';
    if (n.value === null) return 'null';
  }
  const names: Partial<Record<Node['type'], string>> = {
    list: 'a list', map: 'a map', lambda: 'a lambda', exists: 'exists(...)', compare: 'a comparison',
    logical: 'a boolean expression', not: 'NOT(...)', in: "an 'in' test",
  };
  return names[n.type] ?? 'this';
}

/** Rejects trees deeper than maxDepth (long operator chains nest without parser recursion). */
function checkTreeDepth(root: Node, maxDepth: number, src: string): void {
  const stack: [Node, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [n, d] = stack.pop()!;
    if (d > maxDepth) {
      throw new StellarParseError(`expression nested too deeply: more than maxDepth (${maxDepth})`, src, n);
    }
    for (const c of children(n)) stack.push([c, d + 1]);
  }
}

/** The direct sub-expressions of a node. */
export function children(n: Node): Node[] {
  switch (n.type) {
    case 'list': return [...n.items];
    case 'map': return n.entries.flatMap(([k, v]) => [k, v]);
    case 'arith': case 'compare': case 'logical': return [n.left, n.right];
    case 'not': return [n.operand];
    case 'in': return [n.item, n.container];
    case 'conditional': return [n.test, n.then, n.otherwise];
    case 'match': return [...n.clauses.flatMap((c) => [c.check, c.action]), n.otherwise];
    case 'lambda': return [n.body];
    case 'call': return [...n.args];
    default: return [];
  }
}
