/**
 * STIX 2.1 patterning language (STIX 2.1 specification, section 9, and its ANTLR grammar
 * STIXPattern.g4): parsed into a tree so a loader can pick out the comparisons it can turn into
 * table rows. Precedence, lowest first: FOLLOWEDBY, OR, AND between observation expressions;
 * OR, AND inside one `[...]`. Qualifiers (WITHIN n SECONDS, REPEATS n TIMES, START t'..' STOP
 * t'..') follow an observation expression. Keywords are upper case, as the grammar has them.
 * Errors carry the offset and a caret under it.
 */

/** A literal on the right of a comparison. */
export type PatternLiteral =
  | { kind: 'string'; value: string }
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'timestamp'; value: string }
  | { kind: 'hex'; value: string }
  | { kind: 'binary'; value: string }
  | { kind: 'set'; values: PatternLiteral[] };

/** One step of an object path after the object type: a property name or a list index (`*` for any). */
export type PathStep = { kind: 'property'; name: string } | { kind: 'index'; index: number | '*' };

/** `file:hashes.'SHA-256'`: the object type and the property steps. */
export interface ObjectPath {
  objectType: string;
  steps: PathStep[];
}

export type ComparisonOperator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'IN' | 'LIKE' | 'MATCHES' | 'ISSUBSET' | 'ISSUPERSET' | 'EXISTS';

/** `path [NOT] op literal`, or `EXISTS path` (no literal). */
export interface Comparison {
  type: 'comparison';
  path: ObjectPath;
  operator: ComparisonOperator;
  negated: boolean;
  value?: PatternLiteral;
  /** Offset of the comparison in the pattern text. */
  offset: number;
}

export type ComparisonExpression = Comparison | { type: 'and' | 'or'; left: ComparisonExpression; right: ComparisonExpression };

export type Qualifier =
  | { kind: 'within'; seconds: number }
  | { kind: 'repeats'; times: number }
  | { kind: 'start-stop'; start: string; stop: string };

export type ObservationExpression =
  | { type: 'observation'; comparison: ComparisonExpression; qualifiers: Qualifier[] }
  | { type: 'and' | 'or' | 'followedby'; left: ObservationExpression; right: ObservationExpression; qualifiers: Qualifier[] };

/** A pattern that does not follow the grammar: the reason, where, and the pattern with a caret. */
export class StixPatternError extends Error {
  override readonly name = 'StixPatternError';
  constructor(
    readonly reason: string,
    readonly offset: number,
    readonly pattern: string,
  ) {
    super(`${reason} at offset ${offset}`);
  }

  /** The pattern on one line and a caret under the offset. */
  caret(): string {
    return `${this.pattern}\n${' '.repeat(this.offset)}^`;
  }
}

type TokenKind = 'punct' | 'op' | 'word' | 'string' | 'timestamp' | 'hex' | 'binary' | 'int' | 'float' | 'end';

interface Token {
  kind: TokenKind;
  text: string;
  /** The decoded value of a string, timestamp, hex or binary literal. */
  value: string;
  offset: number;
}

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'FOLLOWEDBY', 'LIKE', 'MATCHES', 'ISSUPERSET', 'ISSUBSET', 'EXISTS', 'IN', 'START', 'STOP', 'SECONDS', 'WITHIN', 'REPEATS', 'TIMES']);
const TIMESTAMP = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?Z$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const HEX = /^(?:[0-9a-fA-F]{2})*$/;

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (reason: string, at = i): never => {
    throw new StixPatternError(reason, at, pattern);
  };
  /** A quoted literal starting at the quote at `start`; returns its decoded text and sets i past it. */
  const quoted = (start: number): string => {
    let out = '';
    let j = start + 1;
    for (;;) {
      if (j >= pattern.length) fail('unterminated string literal', start);
      const c = pattern[j]!;
      if (c === "'") break;
      if (c === '\\') {
        const next = pattern[j + 1];
        if (next !== "'" && next !== '\\') fail("in a string literal only \\' and \\\\ are escapes", j);
        out += next;
        j += 2;
        continue;
      }
      out += c;
      j++;
    }
    i = j + 1;
    return out;
  };
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const start = i;
    if ('[]().,:*'.includes(c)) {
      tokens.push({ kind: 'punct', text: c, value: c, offset: start });
      i++;
      continue;
    }
    const two = pattern.slice(i, i + 2);
    if (two === '==' || two === '!=' || two === '<>' || two === '<=' || two === '>=') {
      tokens.push({ kind: 'op', text: two === '==' ? '=' : two === '<>' ? '!=' : two, value: two, offset: start });
      i += 2;
      continue;
    }
    if (c === '=' || c === '<' || c === '>') {
      tokens.push({ kind: 'op', text: c, value: c, offset: start });
      i++;
      continue;
    }
    if (c === "'") {
      const value = quoted(start);
      tokens.push({ kind: 'string', text: pattern.slice(start, i), value, offset: start });
      continue;
    }
    if ((c === 't' || c === 'h' || c === 'b') && pattern[i + 1] === "'") {
      const value = quoted(start + 1);
      const kind = c === 't' ? 'timestamp' : c === 'h' ? 'hex' : 'binary';
      if (kind === 'timestamp' && !TIMESTAMP.test(value)) fail(`not a STIX timestamp (YYYY-MM-DDTHH:MM:SS[.s]Z): t'${value}'`, start);
      if (kind === 'hex' && !HEX.test(value)) fail(`not an even number of hex digits: h'${value}'`, start);
      if (kind === 'binary' && !BASE64.test(value)) fail(`not base64: b'${value}'`, start);
      tokens.push({ kind, text: pattern.slice(start, i), value, offset: start });
      continue;
    }
    const number = /^[+-]?(\d+(\.\d+)?|\.\d+)/.exec(pattern.slice(i));
    if (number !== null && (c !== '+' && c !== '-' ? true : /\d|\./.test(pattern[i + 1] ?? ''))) {
      i += number[0].length;
      tokens.push({ kind: number[0].includes('.') ? 'float' : 'int', text: number[0], value: number[0], offset: start });
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(pattern.slice(i));
    if (word !== null) {
      i += word[0].length;
      tokens.push({ kind: 'word', text: word[0], value: word[0], offset: start });
      continue;
    }
    fail(`unexpected character '${c}'`);
  }
  tokens.push({ kind: 'end', text: '', value: '', offset: pattern.length });
  return tokens;
}

/** Parses a STIX 2.1 pattern; StixPatternError when it does not follow the grammar. */
export function parseStixPattern(pattern: string): ObservationExpression {
  const tokens = tokenize(pattern);
  let pos = 0;
  const peek = (): Token => tokens[pos]!;
  const next = (): Token => tokens[pos++]!;
  const fail = (reason: string, token = peek()): never => {
    throw new StixPatternError(reason, token.offset, pattern);
  };
  const describe = (t: Token): string => (t.kind === 'end' ? 'the end of the pattern' : `'${t.text}'`);
  const isWord = (text: string, t = peek()): boolean => t.kind === 'word' && t.text === text;
  const isPunct = (text: string, t = peek()): boolean => t.kind === 'punct' && t.text === text;
  const expectPunct = (text: string, context: string): Token => {
    if (!isPunct(text)) fail(`expected '${text}' ${context}, found ${describe(peek())}`);
    return next();
  };
  const expectWord = (text: string, context: string): Token => {
    if (!isWord(text)) fail(`expected ${text} ${context}, found ${describe(peek())}`);
    return next();
  };

  const positiveInt = (context: string): number => {
    const t = peek();
    if (t.kind !== 'int' || t.text.startsWith('-') || Number(t.text) <= 0) fail(`expected a positive integer ${context}, found ${describe(t)}`);
    next();
    return Number(t.text);
  };

  const qualifiers = (): Qualifier[] => {
    const out: Qualifier[] = [];
    for (;;) {
      if (isWord('WITHIN')) {
        next();
        const t = peek();
        if ((t.kind !== 'int' && t.kind !== 'float') || t.text.startsWith('-') || Number(t.text) <= 0) fail(`expected a positive number of seconds after WITHIN, found ${describe(t)}`);
        next();
        expectWord('SECONDS', 'after WITHIN n');
        out.push({ kind: 'within', seconds: Number(t.text) });
      } else if (isWord('REPEATS')) {
        next();
        const times = positiveInt('after REPEATS');
        expectWord('TIMES', 'after REPEATS n');
        out.push({ kind: 'repeats', times });
      } else if (isWord('START')) {
        next();
        const start = peek();
        if (start.kind !== 'timestamp') fail(`expected a timestamp t'...' after START, found ${describe(start)}`);
        next();
        expectWord('STOP', "after START t'...'");
        const stop = peek();
        if (stop.kind !== 'timestamp') fail(`expected a timestamp t'...' after STOP, found ${describe(stop)}`);
        next();
        out.push({ kind: 'start-stop', start: start.value, stop: stop.value });
      } else {
        return out;
      }
    }
  };

  const literal = (): PatternLiteral => {
    const t = next();
    switch (t.kind) {
      case 'string':
        return { kind: 'string', value: t.value };
      case 'int':
        return { kind: 'int', value: Number(t.text) };
      case 'float':
        return { kind: 'float', value: Number(t.text) };
      case 'timestamp':
        return { kind: 'timestamp', value: t.value };
      case 'hex':
        return { kind: 'hex', value: t.value };
      case 'binary':
        return { kind: 'binary', value: t.value };
      case 'word':
        if (t.text === 'true' || t.text === 'false') return { kind: 'bool', value: t.text === 'true' };
        break;
      default:
        break;
    }
    pos--;
    return fail(`expected a literal, found ${describe(t)}`, t);
  };

  const objectPath = (): ObjectPath => {
    const typeToken = peek();
    if (typeToken.kind !== 'word' || KEYWORDS.has(typeToken.text)) fail(`expected an object path such as ipv4-addr:value, found ${describe(typeToken)}`);
    next();
    expectPunct(':', `after the object type '${typeToken.text}'`);
    const steps: PathStep[] = [];
    const property = (): void => {
      const t = next();
      if (t.kind === 'string') steps.push({ kind: 'property', name: t.value });
      else if (t.kind === 'word' && !t.text.includes('-')) steps.push({ kind: 'property', name: t.text });
      else {
        pos--;
        fail(`expected a property name (a quoted one if it has a hyphen), found ${describe(t)}`, t);
      }
    };
    property();
    for (;;) {
      if (isPunct('.')) {
        next();
        property();
      } else if (isPunct('[')) {
        next();
        const t = next();
        if (t.kind === 'punct' && t.text === '*') steps.push({ kind: 'index', index: '*' });
        else if (t.kind === 'int') steps.push({ kind: 'index', index: Number(t.text) });
        else {
          pos--;
          fail(`expected a list index or * in an object path, found ${describe(t)}`, t);
        }
        expectPunct(']', 'after the list index');
      } else {
        return { objectType: typeToken.text, steps };
      }
    }
  };

  const comparison = (): ComparisonExpression => {
    if (isPunct('(')) {
      next();
      const inner = comparisonOr();
      expectPunct(')', 'to close the parenthesis');
      return inner;
    }
    const start = peek();
    if (isWord('EXISTS')) {
      next();
      return { type: 'comparison', path: objectPath(), operator: 'EXISTS', negated: false, offset: start.offset };
    }
    const path = objectPath();
    let negated = false;
    if (isWord('NOT')) {
      next();
      negated = true;
    }
    const opToken = next();
    let operator: ComparisonOperator;
    if (opToken.kind === 'op') operator = opToken.text as ComparisonOperator;
    else if (opToken.kind === 'word' && ['IN', 'LIKE', 'MATCHES', 'ISSUBSET', 'ISSUPERSET'].includes(opToken.text)) operator = opToken.text as ComparisonOperator;
    else {
      pos--;
      return fail(`expected a comparison operator (=, !=, <, <=, >, >=, IN, LIKE, MATCHES, ISSUBSET, ISSUPERSET), found ${describe(opToken)}`, opToken);
    }
    let value: PatternLiteral;
    if (operator === 'IN') {
      expectPunct('(', 'to open the set after IN');
      const values: PatternLiteral[] = [literal()];
      while (isPunct(',')) {
        next();
        values.push(literal());
      }
      expectPunct(')', 'to close the set');
      value = { kind: 'set', values };
    } else {
      const at = peek();
      value = literal();
      if (['LIKE', 'MATCHES', 'ISSUBSET', 'ISSUPERSET'].includes(operator) && value.kind !== 'string') fail(`${operator} takes a string literal`, at);
      if (['<', '<=', '>', '>='].includes(operator) && !['int', 'float', 'string', 'timestamp', 'hex', 'binary'].includes(value.kind)) fail(`${operator} takes an orderable literal`, at);
    }
    return { type: 'comparison', path, operator, negated, value, offset: start.offset };
  };

  const comparisonAnd = (): ComparisonExpression => {
    let left = comparison();
    while (isWord('AND')) {
      next();
      left = { type: 'and', left, right: comparison() };
    }
    return left;
  };
  function comparisonOr(): ComparisonExpression {
    let left = comparisonAnd();
    while (isWord('OR')) {
      next();
      left = { type: 'or', left, right: comparisonAnd() };
    }
    return left;
  }

  const observation = (): ObservationExpression => {
    let expression: ObservationExpression;
    if (isPunct('[')) {
      next();
      const inner = comparisonOr();
      expectPunct(']', 'to close the observation expression');
      expression = { type: 'observation', comparison: inner, qualifiers: [] };
    } else if (isPunct('(')) {
      next();
      expression = followedBy();
      expectPunct(')', 'to close the parenthesis');
    } else {
      return fail(`expected '[' or '(' to start an observation expression, found ${describe(peek())}`);
    }
    expression.qualifiers.push(...qualifiers());
    return expression;
  };
  const binary = (word: 'AND' | 'OR' | 'FOLLOWEDBY', type: 'and' | 'or' | 'followedby', operand: () => ObservationExpression) => (): ObservationExpression => {
    let left = operand();
    while (isWord(word)) {
      next();
      left = { type, left, right: operand(), qualifiers: [] };
    }
    return left;
  };
  const observationAnd = binary('AND', 'and', observation);
  const observationOr = binary('OR', 'or', observationAnd);
  function followedBy(): ObservationExpression {
    return binary('FOLLOWEDBY', 'followedby', observationOr)();
  }

  if (pattern.trim() === '') throw new StixPatternError('the pattern is empty', 0, pattern);
  const tree = followedBy();
  if (peek().kind !== 'end') fail(`unexpected ${describe(peek())} after a complete pattern`);
  return tree;
}

/** Every comparison of a pattern, left to right. */
export function patternComparisons(tree: ObservationExpression): Comparison[] {
  const out: Comparison[] = [];
  const walkComparison = (e: ComparisonExpression): void => {
    if (e.type === 'comparison') out.push(e);
    else {
      walkComparison(e.left);
      walkComparison(e.right);
    }
  };
  const walk = (e: ObservationExpression): void => {
    if (e.type === 'observation') walkComparison(e.comparison);
    else {
      walk(e.left);
      walk(e.right);
    }
  };
  walk(tree);
  return out;
}

/** An object path as STIX writes it: `file:hashes.'SHA-256'`, `email-message:to_refs[*].value`. */
export function formatObjectPath(path: ObjectPath): string {
  let out = `${path.objectType}:`;
  path.steps.forEach((step, i) => {
    if (step.kind === 'index') out += `[${step.index}]`;
    else {
      const name = /^[A-Za-z_][A-Za-z0-9_]*$/.test(step.name) ? step.name : `'${step.name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
      out += i === 0 ? name : `.${name}`;
    }
  });
  return out;
}
