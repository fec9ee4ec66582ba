// The warning table (error-cases.ts WARNING_CASES): each case loads, and gives
// exactly its warning at its span in rule r1 (plus never_fires over the whole
// `when` when the rule cannot fire); near misses give none; the shipped rule
// sets give none. A property test checks the warnings against evaluation:
// whatever the analysis calls "never true" is false for every value tried by
// the reference interpreter (tests/rules/reference.ts), and a single
// comparison is called never true exactly when no value of the range meets it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { featureRange } from '../../engine/src/catalogue.js';
import { compileRuleSet } from '../../engine/src/rules/compile-rule-set.js';
import { isWarning } from '../../engine/src/rules/diagnostics.js';
import { MAX_DIAGNOSTICS } from '../../engine/src/rules/limits.js';
import { packageRoot } from '../../engine/src/package-root.js';
import { marked, NO_WARNING_EXPRESSIONS, WARNING_CASES, whenSet } from './error-cases.js';
import { evaluateCase } from './reference.js';

/** Where the `when` text of whenSet starts: line 8, column 11. */
const WHEN_LINE = 8;
const WHEN_COLUMN = 11;

describe('warning table', () => {
  test.each(WARNING_CASES.map((k, i) => [i, k.code, k.expr, k] as const))('%i %s: %s', (_, __, ___, k) => {
    const { source, span } = marked(whenSet(k.expr));
    const { ruleSet, diagnostics, warnings } = compileRuleSet(source);
    expect(diagnostics).toEqual([]);
    expect(ruleSet).toBeDefined();
    const whenStart = source.indexOf('when: ') + 'when: '.length;
    const whole = { start: whenStart, end: source.indexOf('\n', whenStart) };
    // never_fires, when the case gives it, comes last: after the warning that explains it.
    const expected = [{ code: k.code, span }, ...(k.fires || k.code === 'never_fires' ? [] : [{ code: 'never_fires', span: whole }])];
    expect(warnings.map((w) => ({ code: w.code, span: w.span }))).toEqual(expected);
    for (const w of warnings) {
      expect(isWarning(w.code)).toBe(true);
      expect(w.rule).toBe('r1');
      expect([w.line, w.column]).toEqual([WHEN_LINE, WHEN_COLUMN + (w.span.start - whenStart)]);
    }
    const own = warnings.find((w) => w.code === k.code)!;
    if (k.mentions) expect(own.message).toContain(k.mentions);
  });

  test.each(NO_WARNING_EXPRESSIONS)('no warning: %s', (expr) => {
    const { diagnostics, warnings } = compileRuleSet(whenSet(expr));
    expect(diagnostics).toEqual([]);
    expect(warnings).toEqual([]);
  });

  test('past the cap, one more warning stands for the rest, and it is still a warning', () => {
    const rules = Array.from({ length: MAX_DIAGNOSTICS }, (_, i) => `  - id: r${i}\n    when: night_share > 40\n    score: 1\n`).join('');
    const { ruleSet, diagnostics, warnings } = compileRuleSet(`id: t\nversion: "1"\nthresholds: { yellow: 40, red: 70 }\nrules:\n${rules}`);
    expect(diagnostics).toEqual([]);
    expect(ruleSet).toBeDefined();
    expect(warnings).toHaveLength(MAX_DIAGNOSTICS + 1);
    expect(warnings.every((w) => isWarning(w.code))).toBe(true);
    // Two warnings per rule (out_of_range, never_fires): 2 × MAX in all, MAX shown, one standing for the other MAX − 1.
    expect(warnings.at(-1)!.message).toContain(`and ${MAX_DIAGNOSTICS - 1} more warnings not shown`);
  });

  test('the shipped rule sets (rules/) have no warning', () => {
    const dir = join(packageRoot, 'rules');
    const files = readdirSync(dir).filter((name) => /\.(ya?ml|json)$/.test(name));
    expect(files).toContain('default.yaml');
    for (const name of files) {
      const result = compileRuleSet(readFileSync(join(dir, name), 'utf8'));
      expect(result.warnings, name).toEqual([]);
    }
  });
});

describe('warnings agree with evaluation', () => {
  const ops = ['<', '<=', '>', '>=', '=='] as const;
  const constant = fc.oneof(fc.constantFrom(-2, -1, -0.5, 0, 0.25, 0.5, 1, 1.5, 40, 100), fc.double({ min: -200, max: 200, noNaN: true }).map((x) => Math.round(x * 4) / 4));
  const share = fc.constantFrom('night_share', 'load_factor', 'peer_corr', 'peer_ratio', 'mean_kw');

  test('one comparison is never true exactly when no value of the range meets it', () => {
    fc.assert(
      fc.property(share, fc.constantFrom(...ops), constant, fc.boolean(), (name, op, c, flipped) => {
        const expr = flipped ? `${c} ${mirror(op)} ${name}` : `${name} ${op} ${c}`;
        const { warnings, diagnostics } = compileRuleSet(whenSet(expr));
        expect(diagnostics).toEqual([]);
        const range = featureRange(name);
        // Independent: the comparison over the range's ends, the constant and points between (the true set is one interval).
        const lo = range?.min ?? -1e9;
        const hi = Number.isFinite(range?.max ?? Infinity) ? range!.max : 1e9;
        const candidates = [lo, hi, c, (lo + c) / 2, (c + hi) / 2, (lo + hi) / 2].filter((x) => x >= lo && x <= hi);
        const meets = (x: number): boolean => evaluateCase(expr, { values: { [name]: x } }) === true;
        const possible = candidates.some(meets);
        expect(warnings.some((w) => w.code === 'never_fires'), expr).toBe(!possible);
        // "always true when defined": every candidate meets it.
        const always = range !== undefined && candidates.every(meets);
        expect(warnings.some((w) => w.code === 'out_of_range' && w.message.includes('for every consumer')), expr).toBe(always);
      }),
      { numRuns: 300 },
    );
  });

  test('the percentage hint: only for a constant that is a percentage of the range, rounded, and inside the range', () => {
    const names = fc.constantFrom('night_share', 'zero_share', 'ramp_rate', 'peer_corr', 'acf_day', 'corr_industrial_1shift', 'weekend_ratio');
    const c = fc.oneof(fc.constantFrom(-150, -100, -70, -5, -1, 1, 1.1, 1.5, 35, 100, 100.5, 150), fc.integer({ min: -20_000, max: 20_000 }).map((x) => x / 100));
    fc.assert(
      fc.property(names, fc.constantFrom('<', '>'), c, (name, op, value) => {
        const expr = `${name} ${op} ${value}`;
        const { warnings } = compileRuleSet(whenSet(expr));
        const range = featureRange(name)!;
        const hint = warnings.map((w) => /did you mean (\S+)\?/.exec(w.message)?.[1]).find((x) => x !== undefined);
        // Independent: a percentage of 0…1 is 1 < c ≤ 100; of −1…1, 1 < |c| ≤ 100; a ratio (0…∞) has none.
        const percentage = range.min === 0 && range.max === 1 ? value > 1 && value <= 100 : range.min === -1 && range.max === 1 ? Math.abs(value) > 1 && Math.abs(value) <= 100 : false;
        expect(hint !== undefined, expr).toBe(percentage && warnings.length > 0);
        if (hint === undefined) return;
        const suggested = Number(hint);
        expect(suggested, expr).toBeCloseTo(value / 100, 12);
        expect(hint.length, expr).toBeLessThanOrEqual(String(value).length + 3);
        expect(suggested >= range.min && suggested <= range.max, expr).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  test('whatever never fires is false for every value tried', () => {
    const comparison = fc.tuple(fc.constantFrom('mean_kw', 'night_share', 'cv'), fc.constantFrom(...ops), constant).map(([n, op, c]) => `${n} ${op} ${c}`);
    const word = fc.constantFrom('category == residential', 'category != residential', 'category in [residential, industrial]', 'category not in [industrial]');
    const { bool } = fc.letrec<{ bool: string }>((tie) => ({
      bool: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        comparison,
        word,
        fc.constantFrom('true', 'false'),
        fc.tuple(tie('bool'), fc.constantFrom('and', 'or'), tie('bool')).map(([a, op, b]) => `(${a} ${op} ${b})`),
        tie('bool').map((a) => `not (${a})`),
      ),
    }));
    const value = fc.oneof(fc.constantFrom(NaN, 0, 1, 0.5, 2, 5, 40, -1), fc.double({ min: -200, max: 200, noNaN: true }));
    fc.assert(
      fc.property(bool, fc.array(fc.tuple(value, value, value, fc.constantFrom('residential', 'industrial', 'commercial', 'unspecified')), { minLength: 20, maxLength: 20 }), (expr, samples) => {
        const { warnings, diagnostics } = compileRuleSet(whenSet(expr));
        if (diagnostics.length > 0) return true; // a generated giant over the limits
        if (!warnings.some((w) => w.code === 'never_fires')) return true;
        for (const [mean_kw, night, cv, category] of samples) {
          // night_share is a share: only values of its range are possible.
          const values = { mean_kw, night_share: Number.isNaN(night) ? NaN : Math.abs(night) % 1, cv, category };
          expect(evaluateCase(expr, { values }), `${expr} at ${JSON.stringify(values)}`).toBe(false);
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });
});

function mirror(op: '<' | '<=' | '>' | '>=' | '=='): string {
  return { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==' }[op];
}
