// The ranges the rule checker relies on (catalogue.ts featureRange, used for
// the out_of_range warnings) hold for what the engine computes: on random
// curves (gaps, spikes, zeros, constant and tiny curves), every feature with a
// listed range is NaN or inside it. A range that the formula does not bound
// would make check call a reachable condition "never true".
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { featureRange } from '../engine/src/catalogue.js';
import { buildConsumer, consumerRecipe, startDate, templateSet } from './support/batches.js';
import { computeBatch } from './support/engine.js';

/**
 * Correlations are computed in float64 and reach ±1 plus an ulp or two: a
 * curve proportional to a template gave corr 1.0000000000000002. The ranges
 * are those of the formulas; rounding is allowed this much on top.
 */
const ROUNDING = 1e-12;

const CELLS = [
  { P: 24, D: 2 },
  { P: 96, D: 1 },
  { P: 96, D: 14 },
  { P: 48, D: 20 },
] as const;

describe('features stay within the ranges the rule checker knows', () => {
  it.each(CELLS)('P = $P, D = $D', async ({ P, D }) => {
    const checked = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.array(consumerRecipe, { minLength: 1, maxLength: 4 }), startDate, templateSet, async (recipes, date, templates) => {
        const consumers = recipes.map((r) => buildConsumer(r, P, D, date));
        const { rows, names } = await computeBatch(P, date, consumers, { templates });
        for (const [i, row] of rows.entries()) {
          for (const name of names) {
            const range = featureRange(name);
            const value = row[name]!;
            if (!range || Number.isNaN(value)) continue;
            checked.add(name);
            expect(value >= range.min - ROUNDING && value <= range.max + ROUNDING, `${name} = ${value} outside [${range.min}, ${range.max}] (consumer ${i}, P=${P}, D=${D})`).toBe(true);
          }
        }
      }),
      { numRuns: 60 },
    );
    // The property reached the listed features (a test over none would pass whatever the ranges).
    expect(checked.size).toBeGreaterThanOrEqual(D >= 14 ? 10 : 8);
    if (D >= 2) expect(checked).toContain('acf_day');
    expect(checked).toContain('ramp_rate');
  });
});
