import { describe, expect, it } from 'vitest';
import { formatObjectPath, parseStixPattern, patternComparisons, StixPatternError, type ObservationExpression } from './stix-pattern.js';

const cmp = (objectType: string, steps: Array<string | number | '*'>, operator: string, value: unknown, offset: number, negated = false) => ({
  type: 'comparison',
  path: { objectType, steps: steps.map((s) => (typeof s === 'string' && s !== '*' ? { kind: 'property', name: s } : { kind: 'index', index: s })) },
  operator,
  negated,
  value,
  offset,
});
const str = (value: string) => ({ kind: 'string', value });

function parseError(pattern: string): StixPatternError {
  try {
    parseStixPattern(pattern);
  } catch (err) {
    if (err instanceof StixPatternError) return err;
    throw err;
  }
  throw new Error(`no error for ${pattern}`);
}

describe('parseStixPattern', () => {
  it('parses one comparison into the whole tree', () => {
    expect(parseStixPattern("[ipv4-addr:value = '198.51.100.1']")).toEqual({
      type: 'observation',
      comparison: cmp('ipv4-addr', ['value'], '=', str('198.51.100.1'), 1),
      qualifiers: [],
    });
  });

  it('reads quoted property names, escapes, list indexes and every literal kind', () => {
    const tree = parseStixPattern(
      "[file:hashes.'SHA-256' == 'ab\\'c\\\\d' AND email-message:to_refs[*].value != 'x' AND a:b[0].c[-1] > -5 AND a:n <= 2.5 AND a:t >= t'2024-01-02T03:04:05.123Z' " +
        "AND a:h = h'0aFF' AND a:bin = b'aGVsbG8=' AND a:flag = true AND a:s IN ('x', 1, false) AND a:q <> 'y']",
    );
    const list = patternComparisons(tree);
    expect(list.map((c) => [formatObjectPath(c.path), c.operator, c.negated, c.value])).toEqual([
      ["file:hashes.'SHA-256'", '=', false, str("ab'c\\d")],
      ['email-message:to_refs[*].value', '!=', false, str('x')],
      ['a:b[0].c[-1]', '>', false, { kind: 'int', value: -5 }],
      ['a:n', '<=', false, { kind: 'float', value: 2.5 }],
      ['a:t', '>=', false, { kind: 'timestamp', value: '2024-01-02T03:04:05.123Z' }],
      ['a:h', '=', false, { kind: 'hex', value: '0aFF' }],
      ['a:bin', '=', false, { kind: 'binary', value: 'aGVsbG8=' }],
      ['a:flag', '=', false, { kind: 'bool', value: true }],
      ['a:s', 'IN', false, { kind: 'set', values: [str('x'), { kind: 'int', value: 1 }, { kind: 'bool', value: false }] }],
      ['a:q', '!=', false, str('y')],
    ]);
  });

  it('gives AND precedence over OR inside an observation, and keeps parentheses', () => {
    const tree = parseStixPattern("[a:x = '1' OR a:y = '2' AND a:z = '3']");
    expect(tree).toEqual({
      type: 'observation',
      qualifiers: [],
      comparison: { type: 'or', left: cmp('a', ['x'], '=', str('1'), 1), right: { type: 'and', left: cmp('a', ['y'], '=', str('2'), 14), right: cmp('a', ['z'], '=', str('3'), 28) } },
    });
    const grouped = parseStixPattern("[(a:x = '1' OR a:y = '2') AND a:z = '3']") as Extract<ObservationExpression, { type: 'observation' }>;
    expect(grouped.comparison.type).toBe('and');
  });

  it('reads observation operators FOLLOWEDBY < OR < AND, parentheses and qualifiers', () => {
    const tree = parseStixPattern(
      "([a:x = '1'] AND [a:y = '2'] OR [a:z = '3']) WITHIN 300 SECONDS FOLLOWEDBY [b:w = '4'] REPEATS 5 TIMES START t'2024-01-01T00:00:00Z' STOP t'2024-01-02T00:00:00Z'",
    );
    expect(tree.type).toBe('followedby');
    if (tree.type !== 'followedby') throw new Error('shape');
    expect(tree.left.type).toBe('or');
    expect(tree.left.qualifiers).toEqual([{ kind: 'within', seconds: 300 }]);
    if (tree.left.type !== 'or') throw new Error('shape');
    expect(tree.left.left.type).toBe('and');
    expect(tree.right.qualifiers).toEqual([
      { kind: 'repeats', times: 5 },
      { kind: 'start-stop', start: '2024-01-01T00:00:00Z', stop: '2024-01-02T00:00:00Z' },
    ]);
    expect(patternComparisons(tree).map((c) => (c.value?.kind === 'string' ? c.value.value : ''))).toEqual(['1', '2', '3', '4']);
  });

  it('reads NOT, LIKE, MATCHES, ISSUBSET, ISSUPERSET and EXISTS', () => {
    const list = patternComparisons(
      parseStixPattern("[a:v NOT = 'x' AND a:w LIKE 'x%' AND a:m MATCHES '^x' AND ipv4-addr:value ISSUBSET '10.0.0.0/8' AND ipv4-addr:value ISSUPERSET '10.0.0.1/32' AND EXISTS a:e]"),
    );
    expect(list.map((c) => [c.operator, c.negated, c.value])).toEqual([
      ['=', true, str('x')],
      ['LIKE', false, str('x%')],
      ['MATCHES', false, str('^x')],
      ['ISSUBSET', false, str('10.0.0.0/8')],
      ['ISSUPERSET', false, str('10.0.0.1/32')],
      ['EXISTS', false, undefined],
    ]);
  });

  it('refuses what does not follow the grammar, pointing at the offset', () => {
    const cases: Array<[string, RegExp, number]> = [
      ['', /the pattern is empty/, 0],
      ["ipv4-addr:value = '1.2.3.4'", /expected '\[' or '\(' to start an observation expression/, 0],
      ["[ipv4-addr:value = '1.2.3.4'", /expected '\]' to close the observation expression, found the end of the pattern/, 28],
      ["[ipv4-addr:value = '1.2.3.4]", /unterminated string literal/, 19],
      ["[ipv4-addr value = '1']", /expected ':' after the object type 'ipv4-addr'/, 11],
      ["[file:hashes.SHA-256 = 'x']", /expected a property name \(a quoted one if it has a hyphen\), found 'SHA-256'/, 13],
      ["[a:b ~ 'x']", /unexpected character '~'/, 5],
      ["[a:b 'x']", /expected a comparison operator \(=, !=/, 5],
      ["[a:b = '1'] AND", /expected '\[' or '\(' to start an observation expression, found the end/, 15],
      ["[a:b = '1'] [a:c = '2']", /unexpected '\[' after a complete pattern/, 12],
      ["[a:b MATCHES 5]", /MATCHES takes a string literal/, 13],
      ["[a:b = t'2024-13-01T00:00:00Z']", /not a STIX timestamp/, 7],
      ["[a:b = h'abc']", /not an even number of hex digits/, 7],
      ["[a:b = b'***']", /not base64/, 7],
      ["[a:b = 'x\\n']", /only \\' and \\\\ are escapes/, 9],
      ["[a:b = 'x'] WITHIN 0 SECONDS", /positive number of seconds/, 19],
      ["[a:b = 'x'] REPEATS 2", /expected TIMES after REPEATS n/, 21],
      ["[a:b = 'x'] START t'2024-01-01T00:00:00Z'", /expected STOP/, 41],
      ["[a:b IN 'x']", /expected '\(' to open the set after IN/, 8],
      ["[a:b = maybe]", /expected a literal, found 'maybe'/, 7],
      ["[a:b = 'x' ; ]", /unexpected character ';'/, 11],
    ];
    for (const [pattern, reason, offset] of cases) {
      const err = parseError(pattern);
      expect(err.message, pattern).toMatch(reason);
      expect(err.offset, pattern).toBe(offset);
      expect(err.caret()).toBe(`${pattern}\n${' '.repeat(offset)}^`);
    }
  });
});
