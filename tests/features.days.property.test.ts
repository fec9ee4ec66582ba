// Properties of the five day features of docs/features.md on random curves,
// checked on the engine alone (features.property.test.ts compares it with the
// reference): scaling, ranges, a glitch reading, and work_kw_p90 against the
// work-window day means computed here.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SHAPES, buildCurve, curveRecipeOf, type CurveRecipe } from './support/curves.js';
import { computeBatch } from './support/engine.js';
import { startDate } from './support/batches.js';

const cell = fc.record({ P: fc.constantFrom(24, 48, 96, 288), D: fc.constantFrom(1, 2, 7, 14, 30) });
const anyCurve = curveRecipeOf(SHAPES);
const RUNS = 60 * (Number(process.env.FEATURE_FUZZ_SCALE ?? 1) || 1);
const F32_MAX = 3.4028234663852886e38;

const isValid = (v: number) => v >= 0 && v < Infinity;

/** Exact equality with NaN equal to NaN. */
function same(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

/** Every curve of the cell and its row of features. */
async function rowsOf(P: number, date: string, curves: Float32Array[]): Promise<Record<string, number>[]> {
  return (await computeBatch(P, date, curves.map((loadKw) => ({ loadKw })))).rows;
}

describe('scaling every reading by a power of two c', () => {
  // float32 × 2^k is exact while nothing overflows or becomes subnormal; every float64 step of the
  // features (L, the comparisons with it, the work-window sums and means) then scales exactly too.
  const scalable = curveRecipeOf(SHAPES.filter((s) => s !== 'huge' && s !== 'tiny'));
  it('multiplies held_max_kw and work_kw_p90 by c and leaves the busy features unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(cell, scalable, fc.integer({ min: -20, max: 20 }), startDate, async ({ P, D }, recipe, k, date) => {
        const c = 2 ** k;
        const x = buildCurve(recipe, P, D);
        const y = x.map((v) => v * c);
        // Precondition: each valid reading scaled exactly to a normal float32 (or 0); invalid ones stay invalid.
        fc.pre(x.every((v, t) => (isValid(v) ? y[t]! === v * c && (y[t] === 0 || y[t]! >= 2 ** -126) : !isValid(y[t]!))));
        const [a, b] = await rowsOf(P, date, [x, y]);
        for (const name of ['held_max_kw', 'work_kw_p90']) expect(same(b![name]!, c * a![name]!), `${name}: ${b![name]} vs ${c} × ${a![name]}`).toBe(true);
        for (const name of ['busy_days', 'busy_weekend_ratio', 'night_busy_hours']) expect(same(b![name]!, a![name]!), `${name}: ${b![name]} vs ${a![name]}`).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('ranges and the undefined rule', () => {
  it('busy_days in [0, 1], night_busy_hours in [0, 8], min_kw ≤ held_max_kw ≤ max_kw; NaN when H is', async () => {
    await fc.assert(
      fc.asyncProperty(cell, fc.array(anyCurve, { minLength: 1, maxLength: 4 }), startDate, async ({ P, D }, recipes, date) => {
        const rows = await rowsOf(P, date, recipes.map((r) => buildCurve(r, P, D)));
        for (const row of rows) {
          const [held, busy, ratio, night] = [row.held_max_kw!, row.busy_days!, row.busy_weekend_ratio!, row.night_busy_hours!];
          const context = JSON.stringify({ held, busy, ratio, night, min: row.min_kw, max: row.max_kw });
          if (Number.isNaN(held)) {
            expect([busy, ratio, night].every(Number.isNaN), context).toBe(true);
            continue;
          }
          expect(held >= row.min_kw! && held <= row.max_kw!, context).toBe(true);
          expect(busy >= 0 && busy <= 1, context).toBe(true); // no day without readings when H exists
          expect(Number.isNaN(night) || (night >= 0 && night <= 8), context).toBe(true);
          expect(Number.isNaN(ratio) || ratio >= 0, context).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('one glitch reading', () => {
  it('sets max_kw; held_max_kw becomes max(H, the glitch’s valid neighbours)', async () => {
    // The glitch G ≥ every reading, so its pairs hold min(x_n, G) = x_n for each valid neighbour x_n;
    // the pairs it replaces held min(x_n, x_t) ≤ x_n. So H' = max(H, neighbours), NaN without either.
    await fc.assert(
      fc.asyncProperty(cell, anyCurve, fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), startDate, async ({ P, D }, recipe: CurveRecipe, where, date) => {
        const x = buildCurve(recipe, P, D);
        const t = Math.floor(where * x.length);
        const glitched = x.slice();
        glitched[t] = F32_MAX;
        const [before, after] = await rowsOf(P, date, [x, glitched]);
        const candidates = [before!.held_max_kw!, x[t - 1], x[t + 1]].filter((v): v is number => v !== undefined && isValid(v));
        const expected = candidates.length ? Math.max(...candidates) + 0 : NaN;
        expect(after!.max_kw).toBe(F32_MAX);
        expect(same(after!.held_max_kw!, expected), `glitch at ${t}: held ${after!.held_max_kw}, expected ${expected} (H ${before!.held_max_kw}, neighbours ${x[t - 1]}, ${x[t + 1]})`).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('work_kw_p90 against the work-window day means', () => {
  /** Mean of the valid readings of each day in slots starting in [08:00, 18:00), for the days that have one. */
  function workMeans(x: Float32Array, P: number): number[] {
    const means: number[] = [];
    for (let d = 0; d < x.length / P; d++) {
      let sum = 0;
      let count = 0;
      for (let s = (8 * P) / 24; s < (18 * P) / 24; s++) {
        const v = x[d * P + s]!;
        if (isValid(v)) (sum += v), count++;
      }
      if (count > 0) means.push(sum / count);
    }
    return means;
  }

  it('is one of the day means, between the smallest and the largest; NaN when no day has one', async () => {
    await fc.assert(
      fc.asyncProperty(cell, fc.array(anyCurve, { minLength: 1, maxLength: 4 }), startDate, async ({ P, D }, recipes, date) => {
        const curves = recipes.map((r) => buildCurve(r, P, D));
        const rows = await rowsOf(P, date, curves);
        curves.forEach((x, i) => {
          const p90 = rows[i]!.work_kw_p90!;
          const means = workMeans(x, P);
          if (means.length === 0) return void expect(p90).toBeNaN();
          // Day sums of up to 120 readings in float64, in another order than here: 1e-12 relative covers it.
          const near = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.abs(b);
          const [lo, hi] = [Math.min(...means), Math.max(...means)];
          expect(p90 >= lo * (1 - 1e-12) && p90 <= hi * (1 + 1e-12), `p90 ${p90} outside [${lo}, ${hi}]`).toBe(true);
          expect(means.some((m) => near(p90, m)), `p90 ${p90} is no day's mean`).toBe(true);
        });
      }),
      { numRuns: RUNS },
    );
  });
});
