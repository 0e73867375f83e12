import { describe, expect, it } from 'vitest';
import type { Node } from './ast.js';
import { StellarParseError } from './errors.js';
import { DEFAULT_LIMITS } from './limits.js';
import { parse } from './parser.js';

/** A compact s-expression of the tree, to check precedence. */
function sx(n: Node): string {
  switch (n.type) {
    case 'literal': return typeof n.value === 'string' ? `'${n.value}'` : String(n.value);
    case 'variable': return n.name;
    case 'exists': return `(exists ${n.name})`;
    case 'list': return `[${n.items.map(sx).join(' ')}]`;
    case 'map': return `{${n.entries.map(([k, v]) => `${sx(k)}:${sx(v)}`).join(' ')}}`;
    case 'arith': case 'compare': case 'logical': return `(${n.op} ${sx(n.left)} ${sx(n.right)})`;
    case 'not': return `(not ${sx(n.operand)})`;
    case 'in': return `(${n.negated ? 'nin' : 'in'} ${sx(n.item)} ${sx(n.container)})`;
    case 'conditional': return `(? ${sx(n.test)} ${sx(n.then)} ${sx(n.otherwise)})`;
    case 'match': return `(match ${n.clauses.map((c) => `${sx(c.check)}=>${sx(c.action)}`).join(' ')} default=>${sx(n.otherwise)})`;
    case 'lambda': return `(lambda (${n.params.join(' ')}) ${sx(n.body)})`;
    case 'call': return `(${n.name} ${n.args.map(sx).join(' ')})`.replace(' )', ')');
    case 'empty': return '<empty>';
  }
}
const p = (src: string): string => sx(parse(src, DEFAULT_LIMITS));

describe('parser precedence (as Metron Stellar.g4)', () => {
  it('arithmetic binds tighter than comparison, left-associative', () => {
    expect(p('1 + 2 * 3 - 4')).toBe('(- (+ 1 (* 2 3)) 4)');
    expect(p('8 / 4 / 2')).toBe('(/ (/ 8 4) 2)');
    expect(p('a + 1 < b * 2')).toBe('(< (+ a 1) (* b 2))');
  });

  it('and/or share one level and group to the right', () => {
    expect(p('a and b or c')).toBe('(and a (or b c))');
    expect(p('a or b and c')).toBe('(or a (and b c))');
  });

  it('in takes a comparison on its right: a in b == c is a in (b == c)', () => {
    expect(p("'grok' in 'grokbar' == true")).toBe("(in 'grok' (== 'grokbar' true))");
    expect(p("x not in ['a'] and y")).toBe("(and (nin x ['a']) y)");
    expect(p('1 + 2 in [3]')).toBe('(in (+ 1 2) [3])');
  });

  it('ternary and if/then/else take a logical test and nest to the right', () => {
    expect(p('a and b ? 1 : 2')).toBe('(? (and a b) 1 2)');
    expect(p('a ? 1 : b ? 2 : 3')).toBe('(? a 1 (? b 2 3))');
    expect(p('if a then if b then 1 else 2 else 3')).toBe('(? a (? b 1 2) 3)');
    expect(p('50 + (t ? 10 : 20)')).toBe('(+ 50 (? t 10 20))');
  });

  it('lambdas, calls, lists, maps, match', () => {
    expect(p('MAP(xs, x -> x + 1)')).toBe('(MAP xs (lambda (x) (+ x 1)))');
    expect(p('REDUCE(xs, (s, x) -> s + x, 0)')).toBe('(REDUCE xs (lambda (s x) (+ s x)) 0)');
    expect(p('() -> true')).toBe('(lambda () true)');
    expect(p('(x)')).toBe('x');
    expect(p("{ 'a' : 1, k : [2] }")).toBe("{'a':1 k:[2]}");
    expect(p("match{ a => 1, b > 2 => 'x', default => null }")).toBe("(match a=>1 (> b 2)=>'x' default=>null)");
    expect(p('NOT(a) and exists(b.c)')).toBe('(and (not a) (exists b.c))');
  });

  it('rejects what Metron rejects', () => {
    for (const bad of [
      "'a' + 'b'", 'true + 1', '1 +', '(1', '[1,', "match{ a => 1 }", 'match{ default => 1 }', 'NOT a', '--1', '- 1',
      'a b', 'exists(1)', '2147483648', '9223372036854775808L', '{foo:5}', 'default',
    ]) {
      expect(() => parse(bad, DEFAULT_LIMITS), bad).toThrow(StellarParseError);
    }
    expect(() => parse('{foo:5}', DEFAULT_LIMITS)).toThrow(/put a space before the ':'/);
  });

  it('empty input is an empty expression', () => {
    expect(p('')).toBe('<empty>');
    expect(p(' // nothing')).toBe('<empty>');
  });
});
