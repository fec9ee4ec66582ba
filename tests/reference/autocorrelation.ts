// The biased sample autocorrelation r(k) over valid pairs (features.md,
// Autocorrelation): acf_day = r(P), acf_week = r(7P).

/**
 * r(k) = Σ over t with t and t+k valid of (x_t − m)(x_{t+k} − m), divided by
 * Σ over valid t of (x_t − m)². NaN when no pair is valid or the denominator is 0.
 * `x` holds NaN for missing readings; `mean` is m over the valid readings.
 */
export function autocorrelation(x: Float64Array, lag: number, mean: number): number {
  let denominator = 0;
  for (const v of x) if (!Number.isNaN(v)) denominator += (v - mean) * (v - mean);
  let numerator = 0;
  let pairs = 0;
  for (let t = 0; t + lag < x.length; t++) {
    const a = x[t]!;
    const b = x[t + lag]!;
    if (Number.isNaN(a) || Number.isNaN(b)) continue;
    pairs++;
    numerator += (a - mean) * (b - mean);
  }
  if (pairs === 0 || denominator === 0 || Number.isNaN(denominator)) return NaN;
  return numerator / denominator;
}
