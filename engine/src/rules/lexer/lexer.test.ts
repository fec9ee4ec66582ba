import { describe, expect, test } from 'vitest';
import { lex } from './lexer.js';

const kinds = (text: string) => lex(text).tokens.map((t) => t.kind);

describe('lexer', () => {
  test('every token kind, with spans', () => {
    const text = 'a_1 0.35 1e-3 2.5E+4 + - * / < <= > >= == != and or not && || ! in [ ] , ( ) true false';
    const { tokens, problems } = lex(text);
    expect(problems).toEqual([]);
    expect(tokens.map((t) => t.kind)).toEqual([
      'ident', 'number', 'number', 'number', '+', '-', '*', '/', '<', '<=', '>', '>=', '==', '!=',
      'and', 'or', 'not', 'and', 'or', 'not', 'in', '[', ']', ',', '(', ')', 'true', 'false', 'eof',
    ]);
    expect(tokens.slice(0, 4).map((t) => t.value)).toEqual([undefined, 0.35, 0.001, 25000]);
    expect(tokens[1]!.span).toEqual({ start: 4, end: 8 });
    expect(tokens[tokens.length - 1]!.span).toEqual({ start: text.length, end: text.length });
    expect(tokens[tokens.length - 2]!.span).toEqual({ start: text.length - 5, end: text.length });
  });

  test('operators need no spaces', () => {
    expect(kinds('a<=-1&&!(b!=2)')).toEqual(['ident', '<=', '-', 'number', 'and', 'not', '(', 'ident', '!=', 'number', ')', 'eof']);
  });

  test('unknown characters are reported and skipped; lexing goes on', () => {
    const { tokens, problems } = lex('a @ b # c');
    expect(tokens.map((t) => t.kind)).toEqual(['ident', 'ident', 'ident', 'eof']);
    expect(problems.map((p) => [p.code, p.span])).toEqual([
      ['syntax', { start: 2, end: 3 }],
      ['syntax', { start: 6, end: 7 }],
    ]);
  });

  test('an astral character is one problem one character wide', () => {
    const { problems } = lex('a 😀 b');
    expect(problems.map((p) => p.span)).toEqual([{ start: 2, end: 4 }]);
  });

  test('slips are repaired as what was meant', () => {
    expect(kinds('a = 1')).toEqual(['ident', '==', 'number', 'eof']);
    expect(kinds('a & b | c')).toEqual(['ident', 'and', 'ident', 'or', 'ident', 'eof']);
    expect(kinds('a AND NOT b')).toEqual(['ident', 'and', 'not', 'ident', 'eof']);
    expect(kinds('a ≤ 1')).toEqual(['ident', '<=', 'number', 'eof']);
    expect(lex('a = 1 & b').problems).toHaveLength(2);
  });

  test('numbers: .5 and 5. are rejected with the fix; out-of-range numbers are errors', () => {
    const half = lex('.5');
    expect(half.tokens[0]!.value).toBe(0.5);
    expect(half.problems[0]!.message).toContain('0.5');
    expect(lex('5.').problems[0]!.span).toEqual({ start: 0, end: 2 });
    expect(lex('1e999').problems[0]!.message).toContain('too large');
    expect(lex('1e-999').problems[0]!.message).toContain('too small');
    expect(lex('0e-999').problems).toEqual([]);
    expect(lex('9'.repeat(400)).problems[0]!.message).toContain('too large');
    expect(lex('5kw').problems[0]!.span).toEqual({ start: 1, end: 3 });
    expect(lex('1e').problems[0]!.span).toEqual({ start: 1, end: 2 });
  });

  test('upper-case names stay names (the checker suggests the lower-case one)', () => {
    expect(lex('Night_Share').tokens[0]).toMatchObject({ kind: 'ident', text: 'Night_Share' });
  });
});
