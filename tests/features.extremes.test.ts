// Valid but extreme magnitudes: float32 subnormal readings (< 1.2e-38 kW),
// readings near the float32 maximum, and templates at extreme scales. They
// are finite and ≥ 0, so the contract holds for them like for any other.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { referenceFeatures } from './reference/index.js';
import { buildConsumer, consumerRecipe, startDate } from './support/batches.js';
import { curveRecipeOf } from './support/curves.js';
import { computeBatch } from './support/engine.js';
import { curve, day, expectHand, featuresOf } from './support/hand.js';
import { reportLargestErrors, rowMismatches } from './support/tolerance.js';

reportLargestErrors('features.extremes');

const MONDAY = '2024-01-01';

describe('subnormal readings', () => {
  it('two levels a = 2^-140 and 3a kW (exact float32 subnormals)', async () => {
    const a = 2 ** -140;
    // mean 2a, σ = a, cv = 1/2; max 3a; every step |3a − a| = 2a
    expectHand(await featuresOf(24, MONDAY, { loadKw: curve(24, 2, (_, s) => (s % 2 ? 3 * a : a)) }), {
      mean_kw: 2 * a,
      max_kw: 3 * a,
      min_kw: a,
      cv: 0.5,
      load_factor: 2 / 3,
      ramp_rate: 2 / 3,
      acf_day: 0.5, // identical days
      zero_share: 1,
      operating_hours: 12,
    });
  });

  it('random subnormal curves equal the reference', async () => {
    const subnormal = consumerRecipe.chain((r) => curveRecipeOf(['subnormal']).map((curve) => ({ ...r, curve })));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(24, 48, 96, 288), fc.constantFrom(1, 2, 14), fc.array(subnormal, { minLength: 1, maxLength: 3 }), startDate, async (P, D, recipes, date) => {
        const consumers = recipes.map((r) => buildConsumer(r, P, D));
        const templates = { step: day(96, (i) => (i >= 32 && i < 72 ? 1 : 0)) };
        const batch = await computeBatch(P, date, consumers, { templates });
        consumers.forEach((c, i) => {
          const problems = rowMismatches(batch.rows[i]!, referenceFeatures(c, { pointsPerDay: P, startDate: date, templates }));
          expect(problems, problems.join('\n')).toEqual([]);
        });
      }),
      { numRuns: 30 },
    );
  });
});

describe('readings near the float32 maximum', () => {
  it('two levels a = 2^126 and 3a kW', async () => {
    const a = 2 ** 126; // 3a ≈ 2.55e38 < 3.4e38
    expectHand(await featuresOf(24, MONDAY, { loadKw: curve(24, 14, (_, s) => (s % 2 ? 3 * a : a)), capacityKw: 1 }), {
      mean_kw: 2 * a,
      energy_kwh: 14 * 24 * 2 * a, // beyond float32: accumulate wider
      cv: 0.5,
      load_factor: 2 / 3,
      ramp_rate: 2 / 3,
      acf_day: 13 / 14,
      acf_week: 0.5,
      capacity_util: 3 * a, // capacity 1 kW
      daily_cv: 0,
    });
  });
});

describe('work_kw_p90 next to a 3e38 reading', () => {
  // Work slots alternate 0.25 and 0.75 kW (mean 0.5), 0.1 kW outside, on two days; one reading of
  // float32(3e38) on day 0 outside the work window (morning, 18:00, night). A day total of ~3e38 has a
  // spacing of ~6e22: a work mean taken as a difference of running totals loses 0.5 entirely.
  it.each([
    [24, 7], [24, 18], [24, 23], // 07:00, 18:00, 23:00 (the 18:00 edge is inside the vector of slots 16–19)
    [48, 15], [48, 36], // 07:30, 18:00
    [96, 31], [96, 72], [96, 0], // 07:45, 18:00, 00:00
    [288, 95], [288, 216], // 07:55, 18:00
  ])('P = %i, 3e38 in slot %i: work_kw_p90 = 0.5', async (P, slot) => {
    const huge = Math.fround(3e38);
    const work = (s: number) => s * 24 >= 8 * P && s * 24 < 18 * P;
    const loadKw = curve(P, 2, (d, s) => (d === 0 && s === slot ? huge : work(s) ? [0.25, 0.75][s % 2]! : 0.1));
    expectHand(await featuresOf(P, MONDAY, { loadKw }), { work_kw_p90: 0.5, max_kw: huge });
  });
});

describe('templates at extreme scales', () => {
  it.each([1e-200, 1e-30, 1e30, 1e200])('a step template × %s correlates 1 with the same step', async (scale) => {
    const loadKw = curve(96, 2, (_, s) => (s >= 32 && s < 72 ? 5 : 1));
    const result = await featuresOf(96, MONDAY, { loadKw }, { step: day(96, (i) => (i >= 32 && i < 72 ? scale : 0)) });
    expectHand(result, { corr_step: 1 });
  });
});
