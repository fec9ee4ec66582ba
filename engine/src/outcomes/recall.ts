// Recall of a list, which flagged sites alone cannot give: a list's
// inspections say nothing of the offenders it never flagged. A district that
// also inspects a random sample of its unflagged consumers (the audit rows)
// gives the confirmed rate among the unflagged, r = confirmed ÷ decided audit
// rows (95 % Wilson interval [r₋, r₊]); then
//   missed ≈ r × U            (U = the district's unflagged consumers in the batch),
//   recall ≈ found ÷ (found + missed), interval found ÷ (found + r₊U) … found ÷ (found + r₋U),
// where found = the confirmed sites among its flagged consumers (those
// inspected: flagged sites left uninspected are not counted, so this is the
// recall of the inspections as done). The total is over the audited
// districts only: found and missed summed, the interval ends summed too
// (wider than a stratified interval: on the safe side).
import { districtOrder } from './district-order.js';
import type { Tally } from './tally.js';
import { wilsonInterval } from './wilson.js';

export const RECALL_UNKNOWN = 'recall cannot be estimated from flagged sites alone: add a random audit of unflagged consumers (audit column)';

export interface RecallEstimate {
  /** Unflagged consumers of the batch (the audited districts', for the total). */
  readonly unflagged: number;
  /** Audit rows on unflagged consumers, decided ones, and the confirmed among them. */
  readonly auditRows: number;
  readonly auditDecided: number;
  readonly auditConfirmed: number;
  /** The confirmed rate among the unflagged and its 95 % interval (summed ends for the total: null there). */
  readonly missRate: number | null;
  readonly missRateLow: number | null;
  readonly missRateHigh: number | null;
  /** Estimated offenders among the unflagged, and its interval. */
  readonly missed: number;
  readonly missedLow: number;
  readonly missedHigh: number;
  /** Confirmed sites among the flagged. */
  readonly found: number;
  /** found ÷ (found + missed) and its interval; null when both are 0. */
  readonly recall: number | null;
  readonly recallLow: number | null;
  readonly recallHigh: number | null;
}

export interface RecallFigures {
  /** RECALL_UNKNOWN when no district has a decided audit row, else null. */
  readonly statement: string | null;
  /** Per district with a decided audit row ('' for none). */
  readonly districts: readonly (RecallEstimate & { readonly district: string })[];
  /** Districts with flagged consumers but no decided audit row: their recall is unknown. */
  readonly unaudited: readonly string[];
  /** Over the audited districts; null when there is none. */
  readonly total: RecallEstimate | null;
}

/** `audits`: per district, the audit rows on unflagged consumers; `found`: per district, confirmed flagged sites. */
export function estimateRecall(
  audits: ReadonlyMap<string, Tally>,
  found: ReadonlyMap<string, number>,
  batch: ReadonlyMap<string, { readonly flagged: number; readonly unflagged: number }>,
): RecallFigures {
  const districts = [...audits.entries()]
    .filter(([, tally]) => tally.decided > 0)
    .sort(([a], [b]) => districtOrder(a, b))
    .map(([district, tally]) => {
      const interval = wilsonInterval(tally.confirmed, tally.decided)!;
      const rate = tally.confirmed / tally.decided;
      const unflagged = batch.get(district)?.unflagged ?? 0;
      return { district, ...estimate(unflagged, tally, rate, interval.low, interval.high, found.get(district) ?? 0) };
    });
  const audited = new Set(districts.map((d) => d.district));
  const unaudited = [...batch.entries()].filter(([name, d]) => d.flagged > 0 && !audited.has(name)).map(([name]) => name).sort(districtOrder);
  if (districts.length === 0) return { statement: RECALL_UNKNOWN, districts, unaudited, total: null };
  const sum = (pick: (d: RecallEstimate) => number) => districts.reduce((s, d) => s + pick(d), 0);
  const foundAll = sum((d) => d.found);
  const missed = sum((d) => d.missed);
  const missedLow = sum((d) => d.missedLow);
  const missedHigh = sum((d) => d.missedHigh);
  const total: RecallEstimate = {
    unflagged: sum((d) => d.unflagged),
    auditRows: sum((d) => d.auditRows),
    auditDecided: sum((d) => d.auditDecided),
    auditConfirmed: sum((d) => d.auditConfirmed),
    missRate: null,
    missRateLow: null,
    missRateHigh: null,
    missed,
    missedLow,
    missedHigh,
    found: foundAll,
    ...recallOf(foundAll, missed, missedLow, missedHigh),
  };
  return { statement: null, districts, unaudited, total };
}

function estimate(unflagged: number, tally: Tally, rate: number, low: number, high: number, found: number): RecallEstimate {
  const missed = rate * unflagged;
  return {
    unflagged,
    auditRows: tally.decided + tally.unreachable,
    auditDecided: tally.decided,
    auditConfirmed: tally.confirmed,
    missRate: rate,
    missRateLow: low,
    missRateHigh: high,
    missed,
    missedLow: low * unflagged,
    missedHigh: high * unflagged,
    found,
    ...recallOf(found, missed, low * unflagged, high * unflagged),
  };
}

/** found ÷ (found + missed): more missed, lower recall, so the interval's low end comes from missedHigh. */
function recallOf(found: number, missed: number, missedLow: number, missedHigh: number): Pick<RecallEstimate, 'recall' | 'recallLow' | 'recallHigh'> {
  const ratio = (m: number) => (found + m > 0 ? found / (found + m) : null);
  return { recall: ratio(missed), recallLow: ratio(missedHigh), recallHigh: ratio(missedLow) };
}
