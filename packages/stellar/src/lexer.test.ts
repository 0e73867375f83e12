import { describe, expect, it } from 'vitest';
import { StellarParseError } from './errors.js';
import { tokenize } from './lexer.js';

const kinds = (src: string): string[] => tokenize(src).map((t) => (t.kind === 'number' ? `${t.numberKind}:${t.text}` : t.kind));

describe('lexer', () => {
  it('types number literals as Java does', () => {
    expect(kinds('1 1L 1l 1f 1.0F 1.5 1d 6.D .5 1e3 6e+6f 12345678910l')).toEqual([
      'int:1', 'long:1L', 'long:1l', 'float:1f', 'float:1.0F', 'double:1.5', 'double:1d', 'double:6.D', 'double:.5', 'double:1e3', 'float:6e+6f', 'long:12345678910l', 'eof',
    ]);
  });

  it('reads a minus before a digit as part of the literal only where an operand starts', () => {
    expect(kinds('-1')).toEqual(['int:-1', 'eof']);
    expect(kinds('1-1')).toEqual(['int:1', '-', 'int:1', 'eof']);
    expect(kinds('f(-1.5, x - -2L)')).toEqual(['ident', '(', 'double:-1.5', ',', 'ident', '-', 'long:-2L', ')', 'eof']);
  });

  it('rejects leading zeros and letters glued to numbers', () => {
    for (const bad of ['000000', '000000d', '01', '1x', '2L5']) expect(() => tokenize(bad), bad).toThrow(StellarParseError);
    expect(kinds('0 0.5 0L')).toEqual(['int:0', 'double:0.5', 'long:0L', 'eof']);
    expect(kinds('x ?0:y')).toEqual(['ident', '?', 'int:0', ':', 'ident', 'eof']);
  });

  it('unescapes strings in both quote styles and rejects unknown escapes', () => {
    const t = tokenize(String.raw`'a\'b\\c\nd' "x\"y\t"`);
    expect(t[0]!.value).toBe("a'b\\c\nd");
    expect(t[1]!.value).toBe('x"y\t');
    expect(() => tokenize(String.raw`'\q'`)).toThrow(/invalid escape/);
    expect(() => tokenize("'open")).toThrow(/unterminated/);
  });

  it('keywords have two spellings; other casings are identifiers', () => {
    expect(kinds('and AND And && or || not in NOT  IN true TRUE True null NULL NaN nan')).toEqual([
      'and', 'and', 'ident', 'and', 'or', 'or', 'not_in', 'not_in', 'true', 'true', 'ident', 'null', 'null', 'nan', 'ident', 'eof',
    ]);
  });

  it('identifiers hold dots and inner colons, never a trailing colon', () => {
    const t = tokenize('threat.triage.level bar:variable foo: 1');
    expect(t.map((x) => x.text)).toEqual(['threat.triage.level', 'bar:variable', 'foo', ':', '1', '']);
  });

  it('skips // comments', () => {
    expect(kinds('1 // one\n+ 2')).toEqual(['int:1', '+', 'int:2', 'eof']);
  });

  it('explains operators Stellar does not have', () => {
    expect(tokenize('!x').map((t) => t.kind)).toEqual(['!', 'ident', 'eof']);
    expect(() => tokenize('a = b')).toThrow(/==/);
    expect(() => tokenize('a % b')).toThrow(/remainder/);
  });
});
