// The engine against the float64 reference on random curves, for every
// points-per-day and a spread of curve lengths, several consumers per batch
// so that batch offsets are exercised; plus batch-level invariants.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FeatureGroup, groupsFor, type ConsumerInput } from '../engine/src/index.js';
import { referenceFeatures, unusable } from './reference/index.js';
import { buildConsumer, buildUnusable, consumerRecipe, startDate, templateSet, unusableKind } from './support/batches.js';
import { computeBatch } from './support/engine.js';
import { reportLargestErrors, rowMismatches } from './support/tolerance.js';

reportLargestErrors('features.property');

const POINTS = [24, 48, 96, 288] as const;
const DAYS = [1, 2, 7, 13, 14, 30, 400] as const;
/**
 * Readings pushed through engine and reference per (P, D) cell: keeps 400 × 288
 * to a few runs. FEATURE_FUZZ_SCALE=10 (environment) runs ten times as many.
 */
const SCALE = Number(process.env.FEATURE_FUZZ_SCALE ?? 1) || 1;
const READINGS_PER_CELL = 3_000_000 * SCALE;

function runsFor(P: number, D: number): number {
  return Math.max(2, Math.min(80 * SCALE, Math.floor(READINGS_PER_CELL / (P * D * 2.5))));
}

/** Asserts every consumer of the batch against the reference; the message carries what reproduces a failure. */
async function expectBatchMatchesReference(P: number, date: string, consumers: ConsumerInput[], templates: Record<string, number[]>): Promise<void> {
  const result = await computeBatch(P, date, consumers, { templates });
  consumers.forEach((consumer, i) => {
    const reference = referenceFeatures(consumer, { pointsPerDay: P, startDate: date, templates });
    const problems = rowMismatches(result.rows[i]!, reference);
    expect(problems, `consumer ${i} of ${consumers.length} (P=${P}, start ${date}):\n${problems.join('\n')}`).toEqual([]);
  });
}

describe.each(POINTS)('engine equals the reference at P = %i', (P) => {
  it.each(DAYS)('for D = %i days, several consumers per batch', async (D) => {
    await fc.assert(
      fc.asyncProperty(fc.array(consumerRecipe, { minLength: 1, maxLength: 4 }), startDate, templateSet, async (recipes, date, templates) => {
        await expectBatchMatchesReference(P, date, recipes.map((r) => buildConsumer(r, P, D, date)), templates);
      }),
      { numRuns: runsFor(P, D) },
    );
  });
});

/** Exact equality, NaN equal to NaN (what a batch must not change). */
function sameRow(a: Record<string, number>, b: Record<string, number>): string[] {
  return Object.keys({ ...a, ...b }).filter((name) => !Object.is(a[name], b[name])).map((name) => `${name}: ${a[name]} vs ${b[name]}`);
}

const smallCell = fc.record({ P: fc.constantFrom(...POINTS), D: fc.constantFrom(1, 2, 7, 14, 20) });

describe('batches', () => {
  it('a batch mixing usable and unusable consumers gives each consumer the features it gets alone', async () => {
    await fc.assert(
      fc.asyncProperty(
        smallCell,
        fc.array(fc.oneof(consumerRecipe.map((r) => ({ usable: r })), unusableKind.map((k) => ({ unusable: k }))), { minLength: 2, maxLength: 6 }),
        startDate,
        templateSet,
        async ({ P, D }, members, date, templates) => {
          const consumers = members.map((m) => ('usable' in m ? buildConsumer(m.usable, P, D, date) : buildUnusable(m.unusable, P, D)));
          const batch = await computeBatch(P, date, consumers, { templates });
          for (const [i, member] of members.entries()) {
            const row = batch.rows[i]!;
            if ('unusable' in member) {
              expect(batch.notes[i], `${member.unusable} consumer ${i} has a note`).toBeTruthy();
              expect(Object.values(row).every(Number.isNaN), `${member.unusable} consumer ${i}: every feature NaN`).toBe(true);
              continue;
            }
            // A usable curve whose watch `since` is not a date is GRAY with a note (followup.md), as the reference says.
            expect(batch.notes[i] === undefined, `consumer ${i}: note ${batch.notes[i]}`).toBe(unusable(consumers[i]!, P) === undefined);
            const alone = await computeBatch(P, date, [consumers[i]!], { templates });
            expect(sameRow(row, alone.rows[0]!), `consumer ${i} in the batch vs alone`).toEqual([]);
            const problems = rowMismatches(row, referenceFeatures(consumers[i]!, { pointsPerDay: P, startDate: date, templates }));
            expect(problems, problems.join('\n')).toEqual([]);
          }
        },
      ),
      { numRuns: 40 * SCALE },
    );
  });

  it('results do not depend on the order of the batch', async () => {
    await fc.assert(
      fc.asyncProperty(
        smallCell,
        fc.array(consumerRecipe, { minLength: 2, maxLength: 6 }),
        fc.integer({ min: 0, max: 0x7fffffff }),
        startDate,
        templateSet,
        async ({ P, D }, recipes, shuffleSeed, date, templates) => {
          const consumers = recipes.map((r) => buildConsumer(r, P, D));
          const order = consumers.map((_, i) => i);
          let s = shuffleSeed;
          for (let i = order.length - 1; i > 0; i--) {
            s = (Math.imul(s, 1103515245) + 12345) >>> 0;
            const j = s % (i + 1);
            [order[i], order[j]] = [order[j]!, order[i]!];
          }
          const forward = await computeBatch(P, date, consumers, { templates });
          const shuffled = await computeBatch(P, date, order.map((i) => consumers[i]!), { templates });
          order.forEach((original, position) => {
            expect(sameRow(shuffled.rows[position]!, forward.rows[original]!), `consumer ${original} at position ${position}`).toEqual([]);
          });
        },
      ),
      { numRuns: 40 * SCALE },
    );
  });

  it('a groups subset gives the same values for the features it includes, NaN for those of left-out groups', async () => {
    await fc.assert(
      fc.asyncProperty(
        smallCell,
        fc.array(consumerRecipe, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: FeatureGroup.all }),
        startDate,
        templateSet,
        async ({ P, D }, recipes, groups, date, templates) => {
          const consumers = recipes.map((r) => buildConsumer(r, P, D));
          const all = await computeBatch(P, date, consumers, { templates });
          const subset = await computeBatch(P, date, consumers, { templates, groups });
          consumers.forEach((_, i) => {
            for (const name of all.names) {
              const group = groupsFor([name]);
              const included = group === 0 || (groups & group) !== 0;
              const got = subset.rows[i]![name]!;
              if (included) expect(Object.is(got, all.rows[i]![name]), `${name} with groups ${groups}: ${got} vs ${all.rows[i]![name]}`).toBe(true);
              else expect(got, `${name} left out by groups ${groups}`).toBeNaN();
            }
          });
        },
      ),
      { numRuns: 40 * SCALE },
    );
  });
});
