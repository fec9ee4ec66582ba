// Random batches of consumers for the property tests: each consumer is a
// curve recipe plus water and capacity, turned into engine input.
import fc from 'fast-check';
import type { ConsumerInput } from '../../engine/src/index.js';
import { INDUSTRIAL_1SHIFT, RESIDENTIAL, buildCurve, buildWater, capacityKw, curveRecipe, template, waterKind, type CurveRecipe, type WaterKind } from './curves.js';

export interface ConsumerRecipe {
  readonly curve: CurveRecipe;
  readonly water: WaterKind;
  readonly capacityKw: number | undefined;
  /** followup.md: baseline_kw (unknown ones included) and a watch status with `since` as days from the start date. */
  readonly baselineKw?: number | undefined;
  readonly watch?: { readonly status: number; readonly since: number | 'empty' | 'impossible' } | undefined;
}

/** baseline_kw values: unknown ones (absent, 0, negative, NaN, ±Inf) and known ones. */
const baselineKw: fc.Arbitrary<number | undefined> = fc.oneof(
  fc.constantFrom(undefined, 0, -1, NaN, Infinity, -Infinity),
  fc.float({ min: Math.fround(1e-3), max: Math.fround(1e4), noNaN: true }),
);
/** Watch statuses 0-4 (and an unknown 9), `since` before, inside and after any window, empty or not a date. */
const watch = fc.option(
  fc.record({
    status: fc.constantFrom(0, 1, 2, 3, 4, 9),
    since: fc.oneof(fc.integer({ min: -40, max: 420 }), fc.constantFrom<'empty' | 'impossible'>('empty', 'impossible')),
  }),
  { nil: undefined },
);

export const consumerRecipe: fc.Arbitrary<ConsumerRecipe> = fc.record({ curve: curveRecipe, water: waterKind, capacityKw, baselineKw, watch });

/** `startDate` places a watch's `since` (days from it); without one the recipe's watch is left out. */
export function buildConsumer(recipe: ConsumerRecipe, P: number, D: number, startDate?: string): ConsumerInput {
  const loadKw = buildCurve(recipe.curve, P, D);
  const waterM3 = buildWater(recipe.water, D, recipe.curve.seed);
  const since = (s: number | 'empty' | 'impossible') =>
    s === 'empty' ? '' : s === 'impossible' ? `${startDate!.slice(0, 4)}-02-30` : new Date(Date.parse(`${startDate}T00:00:00Z`) + s * 86_400_000).toISOString().slice(0, 10);
  return {
    loadKw,
    ...(waterM3 ? { waterM3 } : {}),
    ...(recipe.capacityKw === undefined ? {} : { capacityKw: recipe.capacityKw }),
    ...(recipe.baselineKw === undefined ? {} : { baselineKw: recipe.baselineKw }),
    ...(recipe.watch && startDate ? { watch: { status: recipe.watch.status, since: since(recipe.watch.since) } } : {}),
  };
}

/** A start date between 1999 and 2040, as YYYY-MM-DD. */
export const startDate: fc.Arbitrary<string> = fc
  .integer({ min: 0, max: 15000 })
  .map((offset) => new Date(Date.UTC(1999, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10));

/** The fixed templates plus one random one. */
export const templateSet: fc.Arbitrary<Record<string, number[]>> = template.map((random) => ({
  residential: RESIDENTIAL,
  industrial_1shift: INDUSTRIAL_1SHIFT,
  drawn: random,
}));

/** Consumers the engine must refuse one by one (note set, all features NaN), at P points a day. */
export type UnusableKind = 'noReadings' | 'partialDay' | 'tooManyDays' | 'waterLength';
export const unusableKind: fc.Arbitrary<UnusableKind> = fc.constantFrom('noReadings', 'partialDay', 'tooManyDays', 'waterLength');

export function buildUnusable(kind: UnusableKind, P: number, D: number): ConsumerInput {
  const ones = (length: number) => new Float32Array(length).fill(1);
  switch (kind) {
    case 'noReadings':
      return { loadKw: new Float32Array(0), waterM3: ones(1) };
    case 'partialDay':
      return { loadKw: ones(P * D + 1 + (D % (P - 1))) };
    case 'tooManyDays':
      return { loadKw: ones(401 * P) };
    case 'waterLength':
      return { loadKw: ones(P * D), waterM3: ones(D + 1) };
  }
}
