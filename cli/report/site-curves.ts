// The curves of the listed sites (issue 15's report): per site its average
// day (the mean over the window's days of each slot, kW) and its days over
// the window (each day's mean, kW). A second pass over the batch's blocks
// after scoring: only the consumers on the list are decoded, by their ids
// (consumerIds reads ids alone); an unlisted consumer's readings are never
// decoded, and the readings themselves never leave this file, only these
// two aggregates of each listed site.
import { gridcode } from '#gen/scoring.js';
import { consumerIds } from '../../engine/src/index.js';
import type { BatchFile } from '../batch-file.js';
import { cohortKey } from './cohort-profiles.js';

export interface SiteCurves {
  /** P values, kW; NaN for a slot with no reading on any day. */
  readonly averageDay: Float64Array;
  /** One value per day of the window, kW; NaN for a day with no reading. */
  readonly dailyMeans: Float64Array;
  /** The mean of the readings, kW (NaN when none). */
  readonly meanKw: number;
  /** Its cohort (cohort-profiles.ts cohortKey); undefined without a group. */
  readonly cohort?: string;
}

/** The curves of the consumers in `listed`, from a second read of the batch's blocks. */
export function siteCurves(batch: BatchFile, listed: ReadonlySet<string>): Map<string, SiteCurves> {
  const out = new Map<string, SiteCurves>();
  if (listed.size === 0) return out;
  const P = batch.header.pointsPerDay;
  for (const block of batch.blocks()) {
    const ids = consumerIds(block);
    ids.forEach((id, i) => {
      if (!listed.has(id) || out.has(id)) return;
      const consumer = gridcode.v1.Consumer.decode(block.bytes.subarray(block.spans[2 * i]!, block.spans[2 * i + 1]!));
      out.set(id, { ...curvesOf(consumer.loadKw, P), cohort: cohortKey(consumer.group, consumer.category) });
    });
  }
  return out;
}

/** The average day and the daily means of readings laid out day after day, P a day; a non-finite reading counts as missing. */
export function curvesOf(readings: ArrayLike<number>, P: number): SiteCurves {
  const days = Math.floor(readings.length / P);
  const slotSum = new Float64Array(P);
  const slotCount = new Int32Array(P);
  const dailyMeans = new Float64Array(days);
  let total = 0;
  let count = 0;
  for (let d = 0; d < days; d++) {
    let daySum = 0;
    let dayCount = 0;
    for (let s = 0; s < P; s++) {
      const v = readings[d * P + s]!;
      if (!Number.isFinite(v)) continue;
      slotSum[s] = slotSum[s]! + v;
      slotCount[s] = slotCount[s]! + 1;
      daySum += v;
      dayCount++;
    }
    dailyMeans[d] = dayCount > 0 ? daySum / dayCount : NaN;
    total += daySum;
    count += dayCount;
  }
  const averageDay = slotSum.map((sum, s) => (slotCount[s]! > 0 ? sum / slotCount[s]! : NaN));
  return { averageDay, dailyMeans, meanKw: count > 0 ? total / count : NaN };
}
