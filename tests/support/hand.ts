// Helpers for hand-computed cases: build small curves slot by slot, run the
// engine and the reference on them, and check both against values worked
// out by hand (so a hand case also checks the reference).
import { expect } from 'vitest';
import type { ConsumerInput } from '../../engine/src/index.js';
import { referenceFeatures } from '../reference/index.js';
import { computeBatch } from './engine.js';
import { featureMismatch } from './tolerance.js';

/** One day of P readings, slot s = value(s). */
export function day(P: number, value: (slot: number) => number): number[] {
  return Array.from({ length: P }, (_, s) => value(s));
}

/** Days of P readings, reading (d, s) = value(d, s). */
export function curve(P: number, D: number, value: (day: number, slot: number) => number): Float32Array {
  return Float32Array.from({ length: P * D }, (_, t) => value(Math.floor(t / P), t % P));
}

export interface HandResult {
  readonly engine: Record<string, number>;
  readonly reference: Record<string, number>;
  readonly note: string | undefined;
}

export async function featuresOf(P: number, startDate: string, consumer: ConsumerInput, templates: Record<string, number[]> = {}): Promise<HandResult> {
  const batch = await computeBatch(P, startDate, [consumer], { templates });
  return { engine: batch.rows[0]!, reference: referenceFeatures(consumer, { pointsPerDay: P, startDate, templates }), note: batch.notes[0] };
}

/** Engine and reference both equal the hand values, within the spec bound (exact for step features, NaN for NaN). */
export function expectHand(result: HandResult, expected: Record<string, number>): void {
  for (const [who, row] of [['engine', result.engine], ['reference', result.reference]] as const) {
    const problems = Object.entries(expected).flatMap(([name, value]) => {
      const got = row[name];
      if (got === undefined) return [`${name}: not computed`];
      const problem = featureMismatch(name, got, value);
      return problem ? [problem.replace(/reference/g, 'hand')] : [];
    });
    expect(problems, `${who}:\n${problems.join('\n')}`).toEqual([]);
  }
}
