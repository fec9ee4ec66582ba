// Small-array parts of the plain-JS baseline (bench/js-features.ts): they work
// on per-day and per-slot summaries (tens of values), not on the readings, so
// they cost little next to the passes over the curve.

/** daily_cv: population std ÷ mean of the daily means over days with a valid reading (two passes). */
export function dailyCv(daySum: Float64Array, dayCount: Int32Array, D: number): number {
  let days = 0, total = 0;
  for (let d = 0; d < D; d++) if (dayCount[d]! > 0) { days++; total += daySum[d]! / dayCount[d]!; }
  if (days < 2) return NaN;
  const mean = total / days;
  if (mean === 0) return NaN;
  let ss = 0;
  for (let d = 0; d < D; d++) if (dayCount[d]! > 0) { const e = daySum[d]! / dayCount[d]! - mean; ss += e * e; }
  return Math.sqrt(ss / days) / mean;
}

/**
 * corr_<template>: Pearson correlation of the average daily profile (NaN =
 * slot without value) with templates[off … off + P) over the slots that have a value.
 */
export function profileCorrelation(profile: Float64Array, templates: Float64Array, off: number, P: number): number {
  let m = 0, sp = 0, st = 0;
  let pLo = Infinity, pHi = -Infinity, tLo = Infinity, tHi = -Infinity;
  for (let s = 0; s < P; s++) {
    const p = profile[s]!;
    if (p !== p) continue; // NaN: the slot has no value
    const t = templates[off + s]!;
    m++;
    sp += p;
    st += t;
    if (p < pLo) pLo = p;
    if (p > pHi) pHi = p;
    if (t < tLo) tLo = t;
    if (t > tHi) tHi = t;
  }
  // Zero variance is tested exactly (all values equal): the rounded mean of
  // equal values can differ from them and leave a spurious ~1e-33 variance.
  if (m < 2 || pLo === pHi || tLo === tHi) return NaN;
  const mp = sp / m, mt = st / m;
  let sxy = 0, sxx = 0, syy = 0;
  for (let s = 0; s < P; s++) {
    const p = profile[s]!;
    if (p !== p) continue;
    const a = p - mp, b = templates[off + s]! - mt;
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** Σ valid daily water ÷ energy; NaN without water, without a valid day, or without energy. */
export function waterPerKwh(water: Float32Array | undefined, energyKwh: number): number {
  if (!water || water.length === 0 || energyKwh === 0) return NaN;
  let total = 0, valid = 0;
  for (let d = 0; d < water.length; d++) {
    const w = water[d]!;
    if (w >= 0 && w < Infinity) { total += w; valid++; }
  }
  return valid > 0 ? total / energyKwh : NaN;
}

/** busy_days, busy_weekend_ratio and night_busy_hours from per-day counts (docs/features.md); a day is busy with ≥ 3 h above the busy level. */
export function busyFeatures(dayCount: Int32Array, nightCount: Int32Array, busy: Int32Array, nightBusy: Int32Array, D: number, P: number, startWeekday: number): { busyDays: number; busyWeekendRatio: number; nightBusyHours: number } {
  let days = 0, busyDays = 0, weekends = 0, weekdays = 0, busyWeekends = 0, busyWeekdays = 0, nights = 0, nightAbove = 0;
  for (let d = 0; d < D; d++) {
    if (nightCount[d]! > 0) { nights++; nightAbove += nightBusy[d]!; }
    if (dayCount[d]! === 0) continue;
    days++;
    const isBusy = busy[d]! * 24 >= 3 * P;
    if (isBusy) busyDays++;
    if ((startWeekday + d) % 7 >= 5) { weekends++; if (isBusy) busyWeekends++; }
    else { weekdays++; if (isBusy) busyWeekdays++; }
  }
  return {
    busyDays: days > 0 ? busyDays / days : NaN,
    busyWeekendRatio: weekends > 0 && busyWeekdays > 0 ? busyWeekends / weekends / (busyWeekdays / weekdays) : NaN,
    nightBusyHours: nights > 0 ? (nightAbove * 24) / (P * nights) : NaN,
  };
}

/** work_kw_p90: nearest-rank 90th percentile over days with a valid work-window reading of the day's work-window mean (kW). */
export function p90OfMeans(sums: Float64Array, counts: Int32Array, D: number): number {
  if (scratch.length < D) scratch = new Float64Array(D);
  let k = 0;
  for (let d = 0; d < D; d++) if (counts[d]! > 0) scratch[k++] = sums[d]! / counts[d]!;
  if (k === 0) return NaN;
  const means = scratch.subarray(0, k).sort(); // typed arrays sort numerically
  return means[Math.ceil(0.9 * k) - 1]!;
}

/** Reused across consumers, as the baseline's other scratch arrays. */
let scratch = new Float64Array(0);
