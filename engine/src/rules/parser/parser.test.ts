import { describe, expect, test } from 'vitest';
import { lex } from '../lexer/lexer.js';
import { parse } from './parser.js';
import type { Expr } from './ast.js';
import { MAX_NESTING, MAX_NODES_PER_EXPRESSION } from '../limits.js';

/** Fully parenthesised form, to see precedence and associativity. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return String(e.value);
    case 'bool':
      return String(e.value);
    case 'name':
      return e.name;
    case 'unary':
      return `(${e.op === 'neg' ? '-' : 'not '}${show(e.operand)})`;
    case 'binary':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'in':
      return `(${show(e.subject)} ${e.negated ? 'not in' : 'in'} [${e.items.map(show).join(', ')}])`;
    case 'call':
      return `${e.callee}(${e.args.map(show).join(', ')})`;
  }
}

const p = (text: string) => parse(lex(text).tokens);
const shown = (text: string) => {
  const result = p(text);
  expect(result.problems).toEqual([]);
  return show(result.expr!);
};

describe('parser precedence', () => {
  test.each([
    ['a or b and c', '(a or (b and c))'],
    ['a and b or c', '((a and b) or c)'],
    ['not a and b', '((not a) and b)'],
    ['not a > 1', '(not (a > 1))'],
    ['not not a', '(not (not a))'],
    ['a + b * c > d - e / f', '((a + (b * c)) > (d - (e / f)))'],
    ['a - b - c', '((a - b) - c)'],
    ['a / b / c', '((a / b) / c)'],
    ['-a * b', '((-a) * b)'],
    ['- -a', '(-(-a))'],
    ['a - -1', '(a - (-1))'],
    ['(a + b) * c', '((a + b) * c)'],
    ['a + 1 in [1, -2, x]', '((a + 1) in [1, -2, x])'],
    ['a not in [1]', '(a not in [1])'],
    ['not a in [1]', '(not (a in [1]))'],
    ['min(a, max(b, c)) + abs(-d)', '(min(a, max(b, c)) + abs((-d)))'],
    ['defined(a) && !b || c', '((defined(a) and (not b)) or c)'],
    ['a == b and c != d', '((a == b) and (c != d))'],
  ])('%s', (text, expected) => {
    expect(shown(text)).toBe(expected);
  });
});

describe('parser spans', () => {
  test('nodes cover their text; a parenthesised node spans its parentheses (a quote of it is never cut at one)', () => {
    const text = 'x + (y * 2)';
    const e = p(text).expr!;
    expect(e.span).toEqual({ start: 0, end: text.length });
    if (e.kind !== 'binary') throw new Error('binary expected');
    expect(e.opSpan).toEqual({ start: 2, end: 3 });
    expect(text.slice(e.right.span.start, e.right.span.end)).toBe('(y * 2)');
    const left = p('(night_share) > 40').expr!;
    if (left.kind !== 'binary') throw new Error('binary expected');
    expect(left.left.span).toEqual({ start: 0, end: 13 });
  });

  test('calls and lists', () => {
    const call = p('min(a, b)').expr!;
    expect(call).toMatchObject({ kind: 'call', calleeSpan: { start: 0, end: 3 }, span: { start: 0, end: 9 } });
    const list = p('c in [r, -1]').expr!;
    expect(list).toMatchObject({ kind: 'in', span: { start: 0, end: 12 }, opSpan: { start: 2, end: 4 } });
    if (list.kind === 'in') expect(list.items[1]!.span).toEqual({ start: 9, end: 11 });
  });
});

describe('parser errors', () => {
  test('a chained comparison is reported once per extra operator and read as a conjunction', () => {
    const result = p('0 < a < 1 < 2');
    expect(result.problems.map((x) => [x.code, x.span])).toEqual([
      ['syntax', { start: 6, end: 7 }],
      ['syntax', { start: 10, end: 11 }],
    ]);
    expect(show(result.expr!)).toBe('(((0 < a) and (a < 1)) and (1 < 2))');
  });

  test('a missing ) at the end is repaired', () => {
    const result = p('(a > (1');
    expect(result.problems.map((x) => x.span)).toEqual([{ start: 5, end: 6 }, { start: 0, end: 1 }]);
    expect(show(result.expr!)).toBe('(a > 1)');
  });

  test('a hard error gives no tree', () => {
    const result = p('a > > 1');
    expect(result.expr).toBeUndefined();
    expect(result.problems).toEqual([expect.objectContaining({ code: 'syntax', span: { start: 4, end: 5 } })]);
  });

  test('nesting and size are bounded', () => {
    const deep = p('('.repeat(MAX_NESTING + 1) + 'a' + ')'.repeat(MAX_NESTING + 1));
    expect(deep.problems).toEqual([expect.objectContaining({ code: 'limit', span: { start: MAX_NESTING, end: MAX_NESTING + 1 } })]);
    expect(p('('.repeat(MAX_NESTING) + 'a' + ')'.repeat(MAX_NESTING)).problems).toEqual([]);
    expect(p('-'.repeat(MAX_NESTING + 1) + 'a').problems[0]!.code).toBe('limit');
    expect(p('not '.repeat(MAX_NESTING + 1) + 'a').problems[0]!.code).toBe('limit');
    expect(p('min('.repeat(MAX_NESTING + 1) + 'a').problems[0]!.code).toBe('limit');
    const wide = p(Array.from({ length: MAX_NODES_PER_EXPRESSION }, () => 'a').join(' + '));
    expect(wide.problems[0]!.code).toBe('limit');
    expect(p(Array.from({ length: MAX_NODES_PER_EXPRESSION / 2 }, () => 'a').join(' + ')).problems).toEqual([]);
  });
});
