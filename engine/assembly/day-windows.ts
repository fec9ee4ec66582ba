import { dayCount, daySum, MAX_DAYS } from './layout';

// Per-day sums and counts of the work window (08:00-18:00) and counts of the
// night window (22:00-06:00, both ends of the same calendar day, as
// night_share), for work_kw_p90 and night_busy_hours. Pass 1
// (readings-pass.ts) keeps the day's running sum and valid count; it cuts
// them into five segments at the four window edges (06, 08, 18, 22 h), each
// rounded down to a four-slot vector, and the day and its windows are sums of
// segments (never differences of running totals, which a 3e38 glitch in the
// morning would wipe out). An edge inside a vector (only at P = 24: 06, 18
// and 22 h) is completed from the readings. Pass 2 cuts its busy counts at 06
// and 22 h the same way.

export const dayWorkSum: usize = memory.data(MAX_DAYS * 8, 16); // f64[MAX_DAYS]: Σ valid readings 08-18 (kW)
export const dayWorkCount: usize = memory.data(MAX_DAYS * 4, 16); // i32[MAX_DAYS]
export const dayNightCount: usize = memory.data(MAX_DAYS * 4, 16); // i32[MAX_DAYS]: valid readings 22-06
const EDGE_HOURS: StaticArray<i32> = [6, 8, 18, 22];
const edges: usize = memory.data(5 * 4, 16); // i32[5]: first slot starting at or after each edge hour, then P
const edgeSums: usize = memory.data(5 * 16, 16); // f64x2[5]: the day's sum in each segment (kW)
const edgeCounts: usize = memory.data(5 * 16, 16); // i32x4[5]: its valid readings
let edgePoints: i32 = 0;

/** Edges for P points a day (once per P; batches share P). */
export function prepareWindowEdges(pointsPerDay: i32): void {
  if (edgePoints == pointsPerDay) return;
  for (let k = 0; k < 4; k++) {
    // Slot s starts at hour 24 s / P: the first one at or after hour H is ⌈H P / 24⌉.
    store<i32>(edges + (<usize>k << 2), (EDGE_HOURS[k] * pointsPerDay + 23) / 24);
  }
  store<i32>(edges + 16, pointsPerDay);
  edgePoints = pointsPerDay;
}

/** Edge k rounded down to a vector start; P (never reached) after the last. */
// @ts-ignore: decorator
@inline export function alignedEdge(k: i32): i32 {
  return load<i32>(edges + (<usize>k << 2)) & ~3;
}

// @ts-ignore: decorator
@inline export function endSegment(k: i32, sum: v128, count: v128): void {
  v128.store(edgeSums + (<usize>k << 4), sum);
  v128.store(edgeCounts + (<usize>k << 4), count);
}

// @ts-ignore: decorator
@inline function sumLanes(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

// @ts-ignore: decorator
@inline function countLanes(v: v128): i32 {
  return i32x4.extract_lane(v, 0) + i32x4.extract_lane(v, 1) + i32x4.extract_lane(v, 2) + i32x4.extract_lane(v, 3);
}

/**
 * Day d from its five segments (cut at the aligned edges): writes its sum and valid count (daySum, dayCount),
 * its work-window sum and count and its night count; returns its sum. `day`
 * is its first reading, for the slots between an aligned edge and the edge.
 */
export function windowsOfDay(d: i32, day: usize): f64 {
  const segment0 = sumLanes(v128.load(edgeSums));
  const segment1 = sumLanes(v128.load(edgeSums, 16));
  const segment2 = sumLanes(v128.load(edgeSums, 32)); // from 08 h to 18 h, both aligned down
  const segment3 = sumLanes(v128.load(edgeSums, 48));
  const count0 = countLanes(v128.load(edgeCounts));
  const count1 = countLanes(v128.load(edgeCounts, 16));
  const count2 = countLanes(v128.load(edgeCounts, 32));
  const count3 = countLanes(v128.load(edgeCounts, 48));
  const total = segment0 + segment1 + segment2 + segment3 + sumLanes(v128.load(edgeSums, 64));
  const valid = count0 + count1 + count2 + count3 + countLanes(v128.load(edgeCounts, 64));
  store<f64>(daySum + (<usize>d << 3), total);
  store<i32>(dayCount + (<usize>d << 2), valid);
  // Work: segment 2, less the slots before 08 h in its first turn, plus those before 18 h after its last
  // (at P = 24 the 18 h edge is slot 18 of the turn 16-19; every other edge of every P is aligned).
  let workSum = segment2;
  let workCount = count2;
  const workFrom = edgeAt(1);
  for (let s = workFrom & ~3; s < workFrom; s++) {
    const v = validAt(day, s);
    if (v >= 0) (workSum -= v), workCount--;
  }
  const workTo = edgeAt(2);
  for (let s = workTo & ~3; s < workTo; s++) {
    const v = validAt(day, s);
    if (v >= 0) (workSum += v), workCount++;
  }
  // Night: valid readings before 06 h and from 22 h (counts: exact in any order).
  let nightCount = count0 + (valid - count0 - count1 - count2 - count3);
  for (let s = edgeAt(0) & ~3; s < edgeAt(0); s++) if (validAt(day, s) >= 0) nightCount++;
  for (let s = edgeAt(3) & ~3; s < edgeAt(3); s++) if (validAt(day, s) >= 0) nightCount--;
  store<f64>(dayWorkSum + (<usize>d << 3), workSum);
  store<i32>(dayWorkCount + (<usize>d << 2), workCount);
  store<i32>(dayNightCount + (<usize>d << 2), nightCount);
  return total;
}

// @ts-ignore: decorator
@inline function edgeAt(k: i32): i32 {
  return load<i32>(edges + (<usize>k << 2));
}

/** The reading of slot s as float64 when valid, else −1. */
// @ts-ignore: decorator
@inline function validAt(day: usize, s: i32): f64 {
  const v = load<f32>(day + (<usize>s << 2));
  return v >= 0 && v < Infinity ? <f64>v : -1;
}
