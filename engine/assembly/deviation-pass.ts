import { deviation } from './layout';

// Pass 2, over readings once the mean and extremes are known, in float32,
// four lanes wide. The deviation x − m is taken as (x − c) − e with
// c = f32(m) and e = f32(m − c): x − c is one float32 rounding of an exact
// difference, so each deviation keeps a relative error near 1e-7 even for a
// large base load with a small swing (1000 ± 0.01 kW), where a plain
// float32 x − m would lose every digit. Readings are first scaled by a power
// of two (exact) so that squares neither overflow nor underflow float32.
// Deviations are stored (0 where the reading is invalid) so that the
// autocorrelation sums need no validity test: a pair with an invalid member
// adds 0. Squares are summed in float32 over one day (at most 72 per lane)
// and days in float64: for a sum of positive terms that is within 5e-6.

/** Σ (x − m)² over valid readings, in scaled units (× scale²). */
export let sumSquares: f64 = 0;
/** Valid readings above the operating threshold θ. */
export let aboveCount: i32 = 0;

/**
 * A power of two that brings the largest reading near 1 (exact, so every
 * scaled value keeps its digits). Its exponent stays within ±126 so that the
 * scale itself is a normal float32: subnormal curves (max < 2^-126) land
 * near 2^-23 at worst, where squares are still normal.
 */
export function scaleFor(maxKw: f64): f64 {
  if (maxKw == 0) return 1;
  return Math.pow(2, Math.min(126, Math.max(-126, -Math.floor(Math.log2(maxKw)))));
}

// @ts-ignore: decorator
@inline function storeDeviation(p: usize, out: usize, scale: v128, c: v128, e: v128): v128 {
  const v = v128.load(p);
  const ok = v128.and(f32x4.ge(v, f32x4.splat(0)), f32x4.lt(v, f32x4.splat(Infinity)));
  const dev = v128.and(f32x4.sub(f32x4.sub(f32x4.mul(v, scale), c), e), ok);
  v128.store(out, dev);
  return dev;
}

/** −1 in each lane whose reading is valid and above θ: θ ≥ 0, so x > θ leaves out NaN and negatives; +Inf by hand. */
// @ts-ignore: decorator
@inline function aboveMask(p: usize, theta: v128): v128 {
  const v = v128.load(p);
  return v128.and(f32x4.gt(v, theta), f32x4.lt(v, f32x4.splat(Infinity)));
}

/**
 * @param scale from `scaleFor`; `mean` is in scaled units.
 * @param threshold the largest float32 ≤ θ (see `thresholdBelow`), so that the
 * float32 test x > threshold is exactly the float64 test x > θ.
 */
export function sweepDeviations(x: usize, days: i32, pointsPerDay: i32, scale: f64, mean: f64, threshold: f32): void {
  const centre32 = <f32>mean;
  const scaleV = f32x4.splat(<f32>scale);
  const c = f32x4.splat(centre32);
  const e = f32x4.splat(<f32>(mean - <f64>centre32));
  const theta = f32x4.splat(threshold);
  let squares = f64x2.splat(0);
  let above = i32x4.splat(0);
  let p = x;
  let out = deviation;
  for (let d = 0; d < days; d++) {
    let day = f32x4.splat(0);
    // P / 4 is even for every P the spec allows: two vectors per turn.
    const dayEnd = p + (<usize>pointsPerDay << 2);
    for (; p < dayEnd; p += 32) {
      const a = storeDeviation(p, out, scaleV, c, e);
      const b = storeDeviation(p + 16, out + 16, scaleV, c, e);
      out += 32;
      day = f32x4.add(day, f32x4.add(f32x4.mul(a, a), f32x4.mul(b, b)));
      above = i32x4.sub(i32x4.sub(above, aboveMask(p, theta)), aboveMask(p + 16, theta));
    }
    squares = f64x2.add(squares, f64x2.add(f64x2.promote_low_f32x4(day), f64x2.promote_low_f32x4(v128.shuffle<f32>(day, day, 2, 3, 0, 1))));
  }
  sumSquares = f64x2.extract_lane(squares, 0) + f64x2.extract_lane(squares, 1);
  aboveCount = i32x4.extract_lane(above, 0) + i32x4.extract_lane(above, 1) + i32x4.extract_lane(above, 2) + i32x4.extract_lane(above, 3);
}

/**
 * Σ_t (x_t − m)(x_{t+lag} − m) over the stored deviations (scaled units).
 * Blocked as in the sweep: the rounding stays below 1e-6 of Σ|products|,
 * which is at most the variance sum, so r(k) stays inside the spec's bound.
 * lag and count are multiples of 24.
 */
export function lagProduct(count: i32, lag: i32): f64 {
  let sum = f64x2.splat(0);
  let early = deviation;
  const end = deviation + (<usize>count << 2);
  for (let late = deviation + (<usize>lag << 2); late < end; late += 96) {
    const a = f32x4.add(f32x4.add(f32x4.mul(v128.load(late), v128.load(early)), f32x4.mul(v128.load(late, 16), v128.load(early, 16))), f32x4.mul(v128.load(late, 32), v128.load(early, 32)));
    const b = f32x4.add(f32x4.add(f32x4.mul(v128.load(late, 48), v128.load(early, 48)), f32x4.mul(v128.load(late, 64), v128.load(early, 64))), f32x4.mul(v128.load(late, 80), v128.load(early, 80)));
    const block = f32x4.add(a, b);
    sum = f64x2.add(sum, f64x2.add(f64x2.promote_low_f32x4(block), f64x2.promote_low_f32x4(v128.shuffle<f32>(block, block, 2, 3, 0, 1))));
    early += 96;
  }
  return f64x2.extract_lane(sum, 0) + f64x2.extract_lane(sum, 1);
}

/** Whether some t has both x_t and x_{t+lag} valid; only asked when readings are missing. */
export function hasValidPair(x: usize, count: i32, lag: i32): bool {
  for (let t = 0; t + lag < count; t++) {
    const a = load<f32>(x + (<usize>t << 2));
    const b = load<f32>(x + (<usize>(t + lag) << 2));
    if (a >= 0 && a < Infinity && b >= 0 && b < Infinity) return true;
  }
  return false;
}

/** The largest float32 that is ≤ θ (θ ≥ 0). */
export function thresholdBelow(theta: f64): f32 {
  let t = <f32>theta;
  if (<f64>t > theta) t = reinterpret<f32>(reinterpret<u32>(t) - 1);
  return t;
}
