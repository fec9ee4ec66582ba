// Folding must never change a result. Random well-typed expressions (with
// constants such as 0/0 and 1/0 that fold to NaN and Infinity) are evaluated
// by the reference AST interpreter and by the bytecode compiled with and
// without folding; all three must agree for random values, NaN included.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { compileRuleSet } from '../../engine/src/rules/compile-rule-set.js';
import { caseInput, caseRuleSet } from '../../lib/expression-cases.js';
import { evaluateCase } from './reference.js';
import { run } from './bytecode.js';

const numberLiteral = fc.constantFrom('0', '1', '2.5', '1e308', '(0 / 0)', '(1 / 0)', '(-1 / 0)', '(-0)');
const numberName = fc.constantFrom('mean_kw', 'max_kw', 'cv', 'capacity_kw');
const value = fc.oneof(fc.constantFrom(NaN, 0, -0, 1, 2.5, -1, Infinity, -Infinity, 1e308), fc.double());

const { bool } = fc.letrec<{ num: string; bool: string }>((tie) => ({
  num: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    numberLiteral,
    numberName,
    fc.tuple(tie('num'), fc.constantFrom('+', '-', '*', '/'), tie('num')).map(([a, op, b]) => `(${a} ${op} ${b})`),
    tie('num').map((a) => `-${a}`),
    fc.tuple(fc.constantFrom('min', 'max'), tie('num'), tie('num')).map(([f, a, b]) => `${f}(${a}, ${b})`),
    tie('num').map((a) => `abs(${a})`),
  ),
  bool: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('true', 'false', 'category == residential', 'zone != rural', 'category == unspecified', 'zone != unspecified', 'category in [residential, unspecified]'),
    fc.tuple(tie('num'), fc.constantFrom('<', '<=', '>', '>=', '==', '!='), tie('num')).map(([a, op, b]) => `(${a} ${op} ${b})`),
    fc.tuple(tie('bool'), fc.constantFrom('and', 'or', '&&', '||'), tie('bool')).map(([a, op, b]) => `(${a} ${op} ${b})`),
    tie('bool').map((a) => `not ${a}`),
    tie('num').map((a) => `defined(${a})`),
    fc.tuple(tie('num'), fc.boolean()).map(([a, negated]) => `${a} ${negated ? 'not in' : 'in'} [0, 1, 2.5]`),
  ),
}));

test('folding never changes a result', () => {
  fc.assert(
    fc.property(bool, value, value, value, value, fc.constantFrom('residential', 'commercial', 'unspecified'), fc.constantFrom('rural', 'unspecified'), (expr, mean_kw, max_kw, cv, capacity_kw, category, zone) => {
      const values = { mean_kw, max_kw, cv, capacity_kw, category, zone };
      const expected = evaluateCase(expr, { values });
      const k = { expr, values, expected: expected as boolean };
      const source = caseRuleSet([k]);
      for (const fold of [true, false]) {
        const { ruleSet, diagnostics } = compileRuleSet(source, { fold });
        if (!ruleSet) return diagnostics.some((d) => d.code === 'limit'); // a generated giant: allowed to be refused
        expect(run(ruleSet.program, caseInput(k), 1), `${expr} fold=${fold}`).toEqual([expected]);
      }
      return true;
    }),
    { numRuns: 400 },
  );
});
