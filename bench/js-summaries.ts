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
