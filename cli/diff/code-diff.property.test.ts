// CodeDiff against a direct recomputation: random runs of results before and
// after (codes, scores, fired rules from two overlapping rule sets), compared
// with plain per-consumer set arithmetic.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CodeDiff, RunsDifferError } from './code-diff.js';
import type { ScoredConsumer } from './scored-results.js';

// More than 32 rules in all, so that the fired rules span several words.
const BEFORE_RULES = Array.from({ length: 30 }, (_, i) => `r${i}`);
const AFTER_RULES = [...BEFORE_RULES.slice(5), ...Array.from({ length: 10 }, (_, i) => `n${i}`)];

const reasonsOf = (rules: readonly string[]) => fc.subarray([...rules]);
const result = (rules: readonly string[]) => fc.record({ code: fc.integer({ min: 1, max: 4 }), score: fc.integer({ min: 0, max: 100 }), reasons: reasonsOf(rules) });
const pair = fc.record({ before: result(BEFORE_RULES), after: result(AFTER_RULES) });

function run(pairs: ReadonlyArray<{ before: Omit<ScoredConsumer, 'id'>; after: Omit<ScoredConsumer, 'id'> }>) {
  const diff = new CodeDiff(BEFORE_RULES, AFTER_RULES);
  pairs.forEach((p, i) => diff.noteBefore({ id: `c${i}`, ...p.before }));
  const changes = pairs.flatMap((p, i) => diff.compare({ id: `c${i}`, ...p.after }) ?? []);
  diff.finish();
  return { diff, changes };
}

describe('CodeDiff', () => {
  it('counts every consumer once, the unchanged on the diagonal, and names the rules fired on one side only', () => {
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 3000, size: 'max' }), (pairs) => {
        const { diff, changes } = run(pairs);
        const total = diff.matrix.flat().reduce((a, b) => a + b, 0);
        const diagonal = diff.matrix.reduce((n, row, i) => n + row[i]!, 0);
        const changed = pairs.filter((p) => p.before.code !== p.after.code);
        expect(total).toBe(pairs.length);
        expect(diagonal).toBe(pairs.length - changed.length);
        expect(changes.map((c) => c.id)).toEqual(pairs.flatMap((p, i) => (p.before.code !== p.after.code ? [`c${i}`] : [])));
        for (const c of changes) {
          const p = pairs[c.index]!;
          expect([c.before, c.after, c.scoreBefore, c.scoreAfter]).toEqual([p.before.code, p.after.code, p.before.score, p.after.score]);
          expect(new Set(c.firedBeforeOnly)).toEqual(new Set(p.before.reasons.filter((r) => !p.after.reasons.includes(r))));
          expect(new Set(c.firedAfterOnly)).toEqual(new Set(p.after.reasons.filter((r) => !p.before.reasons.includes(r))));
        }
        const otherRules = pairs.filter((p) => p.before.code === p.after.code && (p.before.reasons.some((r) => !p.after.reasons.includes(r)) || p.after.reasons.some((r) => !p.before.reasons.includes(r))));
        expect(diff.sameColourOtherRules).toBe(otherRules.length);
      }),
      { numRuns: 60 },
    );
  });

  it('finds no change between a run and itself', () => {
    fc.assert(
      fc.property(fc.array(result(BEFORE_RULES.slice(5)), { maxLength: 2000, size: 'max' }), (results) => {
        const { diff, changes } = run(results.map((r) => ({ before: r, after: r })));
        const offDiagonal = diff.matrix.flatMap((row, i) => row.filter((_, j) => j !== i)).reduce((a, b) => a + b, 0);
        expect([offDiagonal, changes.length, diff.sameColourOtherRules]).toEqual([0, 0, 0]);
      }),
      { numRuns: 40 },
    );
  });

  it('refuses runs of different lengths and rules neither rule set has', () => {
    const diff = new CodeDiff(['a'], ['b']);
    diff.noteBefore({ id: 'x', code: 1, score: 0, reasons: ['a'] });
    expect(() => diff.finish()).toThrow(/second run has 0 results, the first 1/);
    expect(() => diff.compare({ id: 'x', code: 1, score: 0, reasons: ['c'] })).toThrow(/rule "c"/);
    expect(() => diff.compare({ id: 'y', code: 1, score: 0, reasons: [] })).toThrow(/more results than the first/);
  });

  it('refuses a second run whose consumer at a position is another than the first run had there', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ maxLength: 8 }), { minLength: 1, maxLength: 50 }), fc.nat(), fc.string({ maxLength: 8 }), (ids, at, other) => {
        const k = at % ids.length;
        fc.pre(other !== ids[k]);
        const diff = new CodeDiff(['a'], ['a']);
        for (const id of ids) diff.noteBefore({ id, code: 1, score: 0, reasons: [] });
        ids.slice(0, k).forEach((id) => diff.compare({ id, code: 1, score: 0, reasons: [] }));
        expect(() => diff.compare({ id: other, code: 1, score: 0, reasons: [] })).toThrow(RunsDifferError);
      }),
      { numRuns: 200 },
    );
  });
});
