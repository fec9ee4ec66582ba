import { dayCount, slotCount, slotSum } from './layout';
import { alignedEdge, endSegment, prepareWindowEdges, windowsOfDay } from './day-windows';

// Pass 1: one SIMD sweep over a consumer's readings, four slots at a time,
// that yields everything the mean-free features need: per-slot and per-day
// sums and counts, extremes, near-zero readings and the largest step.
//
// Slot counts are only swept for the few consumers with missing readings.
// Sums are float64: slot sums must equal a plain float64 sum in day order so
// that slot means, hence peak_hour, match the spec exactly; day sums feed
// daily_cv, whose relative error float32 sums could push past 1e-4.

/** Valid readings (finite and ≥ 0) of the last consumer swept. */
export let validCount: i32 = 0;
/** Valid readings ≤ 0.01 kW. */
export let zeroCount: i32 = 0;
/** Σ valid readings (kW). */
export let total: f64 = 0;
export let maxKw: f32 = 0;
export let minKw: f32 = 0;
/** Largest |x_t − x_{t−1}| over pairs of valid readings (kW), −1 when there is no such pair. */
export let rampMax: f32 = 0;
/** Largest min(x_{t−1}, x_t) over pairs of valid readings (kW): the highest load held for two readings; −1 without a pair. */
export let heldMax: f32 = 0;

/**
 * Largest float32 ≤ 0.01. For float32 x, `x <= ZERO_LIMIT` is exactly the
 * float64 test x ≤ 0.01 of the spec (0.01 rounds down to it in float32).
 */
const ZERO_LIMIT: f32 = <f32>0.01;

export function sweepReadings(x: usize, days: i32, pointsPerDay: i32): void {
  memory.fill(slotSum, 0, <usize>pointsPerDay * 8);
  prepareWindowEdges(pointsPerDay);
  const zero = f32x4.splat(0);
  const infinity = f32x4.splat(Infinity);
  const nan = f32x4.splat(NaN);
  const zeroLimit = f32x4.splat(ZERO_LIMIT);
  let maxv = f32x4.splat(-Infinity);
  let minv = f32x4.splat(Infinity);
  let rampv = f32x4.splat(-1);
  let heldv = f32x4.splat(0);
  let zeros = i32x4.splat(0);
  // The previous four readings with invalid ones as NaN: a step touching NaN is NaN, and pmax ignores NaN.
  let previous = nan;
  let p = x;
  let sum: f64 = 0;
  let valid: i32 = 0;
  for (let d = 0; d < days; d++) {
    let dayLo = f64x2.splat(0);
    let dayHi = f64x2.splat(0);
    let dayValid = i32x4.splat(0);
    let edge = 0;
    let edgeSlot = alignedEdge(0);
    for (let s = 0; s < pointsPerDay; s += 4) {
      // At each window edge (four a day, one compare a turn) the day's sum and count so far
      // are set aside and restart from 0: windows are sums of these segments, never
      // differences, which a 3e38 glitch in the morning would wipe out.
      while (s == edgeSlot) {
        endSegment(edge, f64x2.add(dayLo, dayHi), dayValid);
        dayLo = f64x2.splat(0);
        dayHi = f64x2.splat(0);
        dayValid = i32x4.splat(0);
        edgeSlot = alignedEdge(++edge);
      }
      const v = v128.load(p);
      p += 16;
      const ok = v128.and(f32x4.ge(v, zero), f32x4.lt(v, infinity));
      const kept = v128.and(v, ok); // invalid → +0: adds nothing to sums
      const marked = v128.bitselect(v, nan, ok); // invalid → NaN: ignored by pmax/pmin
      const lo = f64x2.promote_low_f32x4(kept);
      const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(kept, kept, 2, 3, 0, 1));
      const slot = slotSum + (<usize>s << 3);
      v128.store(slot, f64x2.add(v128.load(slot), lo));
      v128.store(slot, f64x2.add(v128.load(slot, 16), hi), 16);
      dayLo = f64x2.add(dayLo, lo);
      dayHi = f64x2.add(dayHi, hi);
      dayValid = i32x4.sub(dayValid, ok);
      maxv = f32x4.pmax(maxv, marked);
      minv = f32x4.pmin(minv, marked);
      zeros = i32x4.sub(zeros, f32x4.le(marked, zeroLimit)); // NaN (invalid) compares false
      const before = v128.shuffle<f32>(previous, marked, 3, 4, 5, 6);
      // Held peak: pmin(a, b) is b < a ? b : a, so a NaN `before` (invalid) stays NaN, which pmax
      // ignores, and an invalid reading gives 0, never more than a valid pair's min (≥ 0). Whether any
      // valid pair exists is what rampMax ≥ 0 says. (f32x4.min would do it too, at several times the cost.)
      heldv = f32x4.pmax(heldv, f32x4.pmin(before, kept));
      // |a − b| as max(a − b, b − a): abs would need a mask constant the loop has no register for.
      rampv = f32x4.pmax(f32x4.pmax(rampv, f32x4.sub(marked, before)), f32x4.sub(before, marked));
      previous = marked;
    }
    while (edge < 4) endSegment(edge++, f64x2.splat(0), i32x4.splat(0)); // edges past the last turn (none for P ≥ 24)
    endSegment(4, f64x2.add(dayLo, dayHi), dayValid);
    const daySumValue = windowsOfDay(d, p - (<usize>pointsPerDay << 2));
    const dayValidCount = load<i32>(dayCount + (<usize>d << 2));
    sum += daySumValue;
    valid += dayValidCount;
  }
  validCount = valid;
  total = sum;
  zeroCount = i32x4.extract_lane(zeros, 0) + i32x4.extract_lane(zeros, 1) + i32x4.extract_lane(zeros, 2) + i32x4.extract_lane(zeros, 3);
  // + 0 turns a −0 extreme into +0 (the spec counts −0 as 0).
  maxKw = max(max(f32x4.extract_lane(maxv, 0), f32x4.extract_lane(maxv, 1)), max(f32x4.extract_lane(maxv, 2), f32x4.extract_lane(maxv, 3))) + 0;
  minKw = min(min(f32x4.extract_lane(minv, 0), f32x4.extract_lane(minv, 1)), min(f32x4.extract_lane(minv, 2), f32x4.extract_lane(minv, 3))) + 0;
  if (valid == days * pointsPerDay) {
    // Every slot has one valid reading a day: no need to count them reading by reading.
    const full = i32x4.splat(days);
    for (let s = 0; s < pointsPerDay; s += 4) v128.store(slotCount + (<usize>s << 2), full);
  } else countSlots(x, days, pointsPerDay);
  // pmax does not order −0 below +0, so a step of −0 may win: + 0 again.
  rampMax = max(max(f32x4.extract_lane(rampv, 0), f32x4.extract_lane(rampv, 1)), max(f32x4.extract_lane(rampv, 2), f32x4.extract_lane(rampv, 3))) + 0;
  heldMax = rampMax >= 0 ? max(max(f32x4.extract_lane(heldv, 0), f32x4.extract_lane(heldv, 1)), max(f32x4.extract_lane(heldv, 2), f32x4.extract_lane(heldv, 3))) + 0 : -1;
}





/** Valid readings per slot, for a curve with missing readings. */
function countSlots(x: usize, days: i32, pointsPerDay: i32): void {
  const zero = f32x4.splat(0);
  const infinity = f32x4.splat(Infinity);
  memory.fill(slotCount, 0, <usize>pointsPerDay * 4);
  let p = x;
  for (let d = 0; d < days; d++) {
    for (let s = 0; s < pointsPerDay; s += 4) {
      const v = v128.load(p);
      p += 16;
      const counter = slotCount + (<usize>s << 2);
      v128.store(counter, i32x4.sub(v128.load(counter), v128.and(f32x4.ge(v, zero), f32x4.lt(v, infinity))));
    }
  }
}
