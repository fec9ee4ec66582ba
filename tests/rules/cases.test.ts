// The expression table through three independent paths: the reference AST
// interpreter (is the table right?), the compiled bytecode with folding on and
// off (does the compiler agree, and does folding change nothing?), and one
// rule set holding every case (rule indices, shared constants, maxDepth).
import { describe, expect, test } from 'vitest';
import { compileRuleSet } from '../../engine/src/rules/compile-rule-set.js';
import { formatDiagnostics } from '../../engine/src/rules/format.js';
import { caseInput, caseRuleSet, EXPRESSION_CASES } from '../../lib/expression-cases.js';
import { evaluateCase } from './reference.js';
import { run } from './bytecode.js';

function compiled(source: string, fold: boolean) {
  const result = compileRuleSet(source, { fold });
  if (!result.ruleSet) throw new Error(formatDiagnostics(result.diagnostics, source));
  return result.ruleSet;
}

describe('expression table', () => {
  test.each(EXPRESSION_CASES.map((k, i) => [i, k.expr, k] as const))('%i: %s', (_, __, k) => {
    expect(evaluateCase(k.expr, k)).toBe(k.expected);
    const source = caseRuleSet([k]);
    for (const fold of [true, false]) {
      const set = compiled(source, fold);
      expect(run(set.program, caseInput(k), 1), `fold ${fold}`).toEqual([k.expected]);
    }
  });

  test('one rule set with every case fires exactly the expected rules', () => {
    const set = compiled(caseRuleSet(), true);
    expect(set.rules).toHaveLength(EXPRESSION_CASES.length);
    EXPRESSION_CASES.forEach((k, i) => {
      expect(run(set.program, caseInput(k), EXPRESSION_CASES.length)[i], `${i}: ${k.expr}`).toBe(k.expected);
    });
  });

  test('folding shrinks constant expressions to a single push', () => {
    const folded = compiled(caseRuleSet([{ expr: '1 + 2 * 3 == 7 and not false', values: {}, expected: true }]), true);
    const plain = compiled(caseRuleSet([{ expr: '1 + 2 * 3 == 7 and not false', values: {}, expected: true }]), false);
    expect(Array.from(folded.program.code)).toEqual([4, 1, 0, 0, 40, 0, 0, 0]);
    expect(plain.program.code.length).toBeGreaterThan(folded.program.code.length);
  });
});
