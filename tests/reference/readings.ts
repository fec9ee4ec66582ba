// Validity and the plain whole-curve statistics (features.md, Input and the
// first rows of the table). Every reading is a float32 promoted to float64;
// all arithmetic below is float64, summed in ascending t.

/** A reading is valid when finite and ≥ 0; −0 counts as 0 (and is returned as +0). */
export function validValue(x: number): number | undefined {
  if (!Number.isFinite(x) || x < 0) return undefined;
  return x === 0 ? 0 : x;
}

/**
 * The curve in float64 with NaN for every missing reading (so `Number.isNaN`
 * marks missing). Readings are float32 on the wire: a plain number is first
 * rounded to float32 (a no-op for a Float32Array), then promoted.
 */
export function promote(loadKw: ArrayLike<number>): Float64Array {
  const out = new Float64Array(loadKw.length);
  for (let t = 0; t < loadKw.length; t++) out[t] = validValue(Math.fround(loadKw[t]!)) ?? NaN;
  return out;
}

export interface CurveStats {
  /** N, all readings. */
  readonly total: number;
  /** n, valid readings. */
  readonly count: number;
  readonly sum: number;
  readonly mean: number;
  readonly max: number;
  readonly min: number;
}

export function curveStats(x: Float64Array): CurveStats {
  let count = 0;
  let sum = 0;
  let max = -Infinity;
  let min = Infinity;
  for (const v of x) {
    if (Number.isNaN(v)) continue;
    count++;
    sum += v;
    if (v > max) max = v;
    if (v < min) min = v;
  }
  if (count === 0) return { total: x.length, count, sum, mean: NaN, max: NaN, min: NaN };
  return { total: x.length, count, sum, mean: sum / count, max, min };
}

/** Population standard deviation around `mean`, two-pass. */
export function populationStd(x: Float64Array, mean: number): number {
  let count = 0;
  let squares = 0;
  for (const v of x) {
    if (Number.isNaN(v)) continue;
    count++;
    squares += (v - mean) * (v - mean);
  }
  return Math.sqrt(squares / count);
}

/** Mean of the valid readings whose index satisfies `keep`; NaN when there are none. */
export function meanWhere(x: Float64Array, keep: (t: number) => boolean): number {
  let count = 0;
  let sum = 0;
  for (let t = 0; t < x.length; t++) {
    if (Number.isNaN(x[t]!) || !keep(t)) continue;
    count++;
    sum += x[t]!;
  }
  return count === 0 ? NaN : sum / count;
}

/** Sum of the valid readings whose index satisfies `keep`. */
export function sumWhere(x: Float64Array, keep: (t: number) => boolean): number {
  let sum = 0;
  for (let t = 0; t < x.length; t++) if (!Number.isNaN(x[t]!) && keep(t)) sum += x[t]!;
  return sum;
}

/** a / b, NaN when b is 0 or either side is NaN. */
export function ratio(a: number, b: number): number {
  return b === 0 || Number.isNaN(a) || Number.isNaN(b) ? NaN : a / b;
}
