import { deviation, MAX_DAYS, MAX_POINTS } from './layout';

// Pass 2, over readings once the mean and extremes are known, in float32,
// four lanes wide. The deviation x − m is taken as (x − c) − e with
// c = f32(m) and e = f32(m − c): x − c is one float32 rounding of an exact
// difference, so each deviation keeps a relative error near 1e-7 even for a
// large base load with a small swing (1000 ± 0.01 kW), where a plain
// float32 x − m would lose every digit. Readings are first scaled by a power
// of two (exact) so that squares neither overflow nor underflow float32.
// Deviations are stored (0 where the reading is invalid) so that the
// autocorrelation sums need no validity test: a pair with an invalid member
// adds 0. Sums run in float32 over at most 96 readings (24 per lane) and in
// float64 beyond, so rounding stays below 1e-6 of Σ|terms|; for the lag
// products Σ|terms| is at most the variance sum, which keeps r(k) inside the
// spec's bound.

/** Σ (x − m)² over valid readings, in scaled units (× scale²). */
export let sumSquares: f64 = 0;
/** Σ (x_t − m)(x_{t+P} − m) and Σ (x_t − m)(x_{t+7P} − m), scaled units; pairs with an invalid member add 0. */
export let dayLagSum: f64 = 0;
export let weekLagSum: f64 = 0;
/** Valid readings above the operating threshold θ. */
export let aboveCount: i32 = 0;
/** i32[MAX_DAYS]: valid readings of each day above the busy level (busy_days). */
export const dayBusyCount: usize = memory.data(MAX_DAYS * 4, 16);
/** Valid readings of the night window (22-06) above the busy level, over all days (night_busy_hours). */
export let nightBusyCount: i32 = 0;

/** Readings summed in float32 before a flush to float64: 24 per lane at most, so rounding stays below 1e-6 of the sum. */
const CHUNK: i32 = 96;
/** A day of zero deviations, the partner of days that have none a day or a week earlier. */
const zeroDay: usize = memory.data(MAX_POINTS * 4, 16);

/** A power of two that brings the largest reading near 1 (exact, so every
 * scaled value keeps its digits). Its exponent stays within ±126 so that the
 * scale itself is a normal float32: subnormal curves (max < 2^-126) land
 * near 2^-23 at worst, where squares are still normal. */
export function scaleFor(maxKw: f64): f64 {
  if (maxKw == 0) return 1;
  return Math.pow(2, Math.min(126, Math.max(-126, -Math.floor(Math.log2(maxKw)))));
}

// @ts-ignore: decorator
@inline function deviationOf(v: v128, scale: v128, c: v128, e: v128): v128 {
  const ok = v128.and(f32x4.ge(v, f32x4.splat(0)), f32x4.lt(v, f32x4.splat(Infinity)));
  return v128.and(f32x4.sub(f32x4.sub(f32x4.mul(v, scale), c), e), ok);
}

// @ts-ignore: decorator
@inline function widen(sum: v128, block: v128): v128 {
  return f64x2.add(sum, f64x2.add(f64x2.promote_low_f32x4(block), f64x2.promote_low_f32x4(v128.shuffle<f32>(block, block, 2, 3, 0, 1))));
}

// @ts-ignore: decorator
@inline function lanes(sum: v128): f64 {
  return f64x2.extract_lane(sum, 0) + f64x2.extract_lane(sum, 1);
}

/**
 * One sweep that stores the deviations, sums their squares, the products
 * with the deviations one day and one week earlier (r(P) and r(7P)) and
 * counts readings above θ.
 * @param scale from `scaleFor`; `mean` is in scaled units.
 * @param threshold the largest float32 ≤ θ (see `thresholdBelow`), so that the
 * float32 test x > threshold is exactly the float64 test x > θ.
 * @param busyLevel the same for the busy level of busy_days; counted per day into dayBusyCount.
 */
export function sweepDeviations(x: usize, days: i32, pointsPerDay: i32, scale: f64, mean: f64, threshold: f32, busyLevel: f32): void {
  const centre32 = <f32>mean;
  const scaleV = f32x4.splat(<f32>scale);
  const c = f32x4.splat(centre32);
  const e = f32x4.splat(<f32>(mean - <f64>centre32));
  const theta = f32x4.splat(threshold);
  const busy = f32x4.splat(busyLevel);
  const infinity = f32x4.splat(Infinity);
  const dayBytes = <usize>pointsPerDay << 2;
  const chunkBytes = <usize>min(pointsPerDay, CHUNK) << 2;
  let squares = f64x2.splat(0);
  let dayLag = f64x2.splat(0);
  let weekLag = f64x2.splat(0);
  let above = i32x4.splat(0);
  let busyNight = 0;
  // Night busy readings are the day's busy count before 06 h plus after 22 h: the running count
  // is taken at those edges (bytes from the day start, rounded down to a turn of two vectors)
  // and completed from the readings where an edge falls inside a turn (P = 24 and 48).
  const morningEnd = <usize>((6 * pointsPerDay + 23) / 24) << 2;
  const eveningStart = <usize>((22 * pointsPerDay + 23) / 24) << 2;
  const morningTurn = morningEnd & ~(<usize>31);
  const eveningTurn = eveningStart & ~(<usize>31);
  let p = x;
  let out = deviation;
  for (let d = 0; d < days; d++) {
    // Partners of this day's deviations; a zero day where there is none.
    let yesterday = d >= 1 ? out - dayBytes : zeroDay;
    let lastWeek = d >= 7 ? out - 7 * dayBytes : zeroDay;
    let busyDay = i32x4.splat(0);
    let morning = i32x4.splat(0);
    let evening = i32x4.splat(0);
    for (let chunk: usize = 0; chunk < dayBytes; chunk += chunkBytes) {
      let sq = f32x4.splat(0);
      let dl = f32x4.splat(0);
      let wl = f32x4.splat(0);
      // P / 4 is a multiple of 2 for every P the spec allows: two vectors per turn.
      for (let k: usize = 0; k < chunkBytes; k += 32) {
        if (chunk + k == morningTurn) morning = busyDay;
        if (chunk + k == eveningTurn) evening = busyDay;
        const va = v128.load(p);
        const vb = v128.load(p, 16);
        const a = deviationOf(va, scaleV, c, e);
        const b = deviationOf(vb, scaleV, c, e);
        v128.store(out, a);
        v128.store(out, b, 16);
        sq = f32x4.add(sq, f32x4.add(f32x4.mul(a, a), f32x4.mul(b, b)));
        dl = f32x4.add(dl, f32x4.add(f32x4.mul(a, v128.load(yesterday)), f32x4.mul(b, v128.load(yesterday, 16))));
        wl = f32x4.add(wl, f32x4.add(f32x4.mul(a, v128.load(lastWeek)), f32x4.mul(b, v128.load(lastWeek, 16))));
        // θ ≥ 0, so x > θ leaves out NaN and negatives; +Inf by hand.
        const finiteA = f32x4.lt(va, infinity);
        const finiteB = f32x4.lt(vb, infinity);
        above = i32x4.sub(above, v128.and(f32x4.gt(va, theta), finiteA));
        above = i32x4.sub(above, v128.and(f32x4.gt(vb, theta), finiteB));
        const busyA = v128.and(f32x4.gt(va, busy), finiteA);
        const busyB = v128.and(f32x4.gt(vb, busy), finiteB);
        busyDay = i32x4.sub(busyDay, busyA);
        busyDay = i32x4.sub(busyDay, busyB);
        p += 32;
        out += 32;
        yesterday += 32;
        lastWeek += 32;
      }
      squares = widen(squares, sq);
      dayLag = widen(dayLag, dl);
      weekLag = widen(weekLag, wl);
    }
    const busyCount = countLanes(busyDay);
    store<i32>(dayBusyCount + (<usize>d << 2), busyCount);
    const day = p - dayBytes;
    const beforeMorningEnd = countLanes(morning) + countAbove(day + morningTurn, day + morningEnd, busyLevel);
    const beforeEveningStart = countLanes(evening) + countAbove(day + eveningTurn, day + eveningStart, busyLevel);
    busyNight += beforeMorningEnd + busyCount - beforeEveningStart;
  }
  sumSquares = lanes(squares);
  dayLagSum = lanes(dayLag);
  weekLagSum = lanes(weekLag);
  nightBusyCount = busyNight;
  aboveCount = i32x4.extract_lane(above, 0) + i32x4.extract_lane(above, 1) + i32x4.extract_lane(above, 2) + i32x4.extract_lane(above, 3);
}

// @ts-ignore: decorator
@inline function countLanes(v: v128): i32 {
  return i32x4.extract_lane(v, 0) + i32x4.extract_lane(v, 1) + i32x4.extract_lane(v, 2) + i32x4.extract_lane(v, 3);
}

/** Valid readings in [from, to) (addresses) above `level`. */
function countAbove(from: usize, to: usize, level: f32): i32 {
  let n = 0;
  for (let q = from; q < to; q += 4) {
    const v = load<f32>(q);
    if (v > level && v < Infinity) n++;
  }
  return n;
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
