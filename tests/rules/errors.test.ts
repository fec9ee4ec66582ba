// The error table: every case gives exactly its one diagnostic, at its span,
// in its rule, on its line and column.
import { describe, expect, test } from 'vitest';
import { compileRuleSet } from '../../engine/src/rules/compile-rule-set.js';
import { ERROR_CASES, marked, whenSet } from './error-cases.js';

/** Where the `when` text of whenSet starts: line 8, column 11. */
const WHEN_LINE = 8;
const WHEN_COLUMN = 11;

describe('error table', () => {
  test.each(ERROR_CASES.map((k, i) => [i, k.code, k.expr ?? k.source!.split('\n').find((l) => l.includes('⟦')) ?? '', k] as const))('%i %s: %s', (_, __, ___, k) => {
    const { source, span } = marked(k.expr !== undefined ? whenSet(k.expr) : k.source!);
    const { ruleSet, diagnostics } = compileRuleSet(source);
    expect(ruleSet).toBeUndefined();
    expect(diagnostics.map((d) => d.code)).toEqual([k.code]);
    const d = diagnostics[0]!;
    expect(d.span).toEqual(span);
    expect(d.rule).toBe(k.rule);
    if (k.expr !== undefined) {
      const local = marked(k.expr).span.start;
      expect([d.line, d.column]).toEqual([WHEN_LINE, WHEN_COLUMN + local]);
    } else {
      expect(d.line).toBe(k.line);
      if (k.column !== undefined) expect(d.column).toBe(k.column);
    }
    if (k.mentions) expect(d.message).toContain(k.mentions);
  });

  test('the expression set itself compiles (so each case has only its own mistake)', () => {
    expect(compileRuleSet(whenSet('cv > 1')).diagnostics).toEqual([]);
  });
});
