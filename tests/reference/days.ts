// The float64 reference of the per-day features of docs/features.md (issue
// 12), written from that page and sharing no code with engine/: the held
// peak, busy days, the weekend share of busy days, the night hours above the
// busy level and the 90th percentile of the working-hours load over days.
// `x` holds the readings as float64 with every invalid one as NaN.
import { isNightSlot, isWeekendDay, isWorkSlot } from './calendar.js';

export interface DayFeatures {
  held_max_kw: number;
  busy_days: number;
  busy_weekend_ratio: number;
  work_kw_p90: number;
  night_busy_hours: number;
}

/** The highest load held for two consecutive valid readings: max over t of min(x_{t−1}, x_t); NaN without such a pair. */
export function heldMax(x: Float64Array): number {
  let held = -Infinity;
  for (let t = 1; t < x.length; t++) {
    const a = x[t - 1]!;
    const b = x[t]!;
    if (Number.isNaN(a) || Number.isNaN(b)) continue;
    held = Math.max(held, Math.min(a, b));
  }
  return held === -Infinity ? NaN : held;
}

/** Nearest-rank 90th percentile: the value at rank ⌈0.9 k⌉ of k values sorted ascending. */
function p90(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(0.9 * sorted.length) - 1]!;
}

export function dayFeatures(x: Float64Array, P: number, startWeekday: number, minKw: number): DayFeatures {
  const D = x.length / P;
  const held = heldMax(x);
  const level = minKw + 0.5 * (held - minKw);
  const workMeans: number[] = [];
  let days = 0, busy = 0, weekends = 0, weekdays = 0, busyWeekends = 0, busyWeekdays = 0, nights = 0, nightAbove = 0;
  for (let d = 0; d < D; d++) {
    let valid = 0, above = 0, workSum = 0, workCount = 0, nightValid = 0, nightCount = 0;
    for (let s = 0; s < P; s++) {
      const v = x[d * P + s]!;
      if (Number.isNaN(v)) continue;
      valid++;
      const high = v > level;
      if (high) above++;
      if (isWorkSlot(s, P)) (workSum += v), workCount++;
      if (isNightSlot(s, P)) {
        nightValid++;
        if (high) nightCount++;
      }
    }
    if (workCount > 0) workMeans.push(workSum / workCount);
    if (nightValid > 0) (nights++, (nightAbove += nightCount));
    if (valid === 0) continue;
    days++;
    const isBusy = (above * 24) / P >= 3;
    if (isBusy) busy++;
    if (isWeekendDay(startWeekday, d)) (weekends++, isBusy && busyWeekends++);
    else (weekdays++, isBusy && busyWeekdays++);
  }
  const heldDefined = !Number.isNaN(held);
  return {
    held_max_kw: held,
    busy_days: heldDefined && days > 0 ? busy / days : NaN,
    busy_weekend_ratio: heldDefined && weekends > 0 && busyWeekdays > 0 ? busyWeekends / weekends / (busyWeekdays / weekdays) : NaN,
    work_kw_p90: p90(workMeans),
    // 24 c / (P k) as one division of two exact integers, as docs/features.md fixes it.
    night_busy_hours: heldDefined && nights > 0 ? (nightAbove * 24) / (P * nights) : NaN,
  };
}
