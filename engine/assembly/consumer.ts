import * as col from './columns';
import { dailyCv, trendRatio, weekendRatio } from './calendar';
import { aboveCount, dayLagSum, hasValidPair, scaleFor, sumSquares, sweepDeviations, thresholdBelow, weekLagSum } from './deviation-pass';
import { capacities, featureCount, points, put, readingCounts, readingOffsets, readings, startWeekday, templateCount, validCounts, water, waterCounts, waterOffsets } from './layout';
import { putFollowUp } from './follow-up';
import { analyseProfile, keepNoProfile, keepProfile, peakSlot, peakValue, slotRangeSum, templateCorrelation, valleyValue } from './profile';
import { heldMax, maxKw, minKw, rampMax, sweepReadings, total, validCount, zeroCount } from './readings-pass';
import { busyDays, busyWeekendRatio, nightBusyHours, windowP90 } from './day-stats';
import { dayWorkCount, dayWorkSum } from './day-windows';

// The whole catalogue of features.md for one consumer: two sweeps over its
// readings, then O(P + D) work on slot and day sums. Each value is written to
// its column of the matrix; "undefined" is NaN.

/** Every column NaN: an unusable consumer (GRAY; the host holds the note). */
export function putUnusable(c: i32, groups: i32): void {
  store<i32>(validCounts + (<usize>c << 2), 0);
  // Every feature undefined, peer_count too (features.md: an unusable consumer has none; the peer pass leaves it so).
  for (let f = 0; f < featureCount; f++) put(f, c, NaN);
  if ((groups & col.GROUP_PEER) != 0) keepNoProfile(c, points);
}

/**
 * The peer columns before the host's peer pass, which overwrites them for a
 * consumer with a group: no peers (peer_count 0, the others undefined); all
 * NaN when the peer group is not computed.
 */
function putNoPeers(c: i32, groups: i32): void {
  put(col.PEER_COUNT, c, (groups & col.GROUP_PEER) != 0 ? 0 : NaN);
  put(col.PEER_RATIO, c, NaN);
  put(col.PEER_CORR, c, NaN);
}

export function computeConsumer(c: i32, groups: i32): void {
  const P = points;
  const N = load<i32>(readingCounts + (<usize>c << 2));
  const D = N / P;
  const x = readings + (<usize>load<i32>(readingOffsets + (<usize>c << 2)) << 2);
  const hours: f64 = 24.0 / P;

  sweepReadings(x, D, P);
  const n = validCount;
  store<i32>(validCounts + (<usize>c << 2), n);
  put(col.DAYS, c, D);
  put(col.MISSING_SHARE, c, <f64>(N - n) / N);
  put(col.ENERGY_KWH, c, hours * total);
  put(col.WATER_PER_KWH, c, waterPerKwh(c, hours * total));
  if (n == 0) {
    for (let f = col.MEAN_KW; f < featureCount; f++) {
      if (f != col.ENERGY_KWH && f != col.WATER_PER_KWH) put(f, c, NaN);
    }
    putFollowUp(c, D, NaN); // watch_days is defined without a valid reading
    putNoPeers(c, groups);
    if ((groups & col.GROUP_PEER) != 0) keepNoProfile(c, P);
    return;
  }

  const mean = total / n;
  putFollowUp(c, D, mean);
  const high = <f64>maxKw;
  const low = <f64>minKw;
  put(col.MEAN_KW, c, mean);
  put(col.MAX_KW, c, high);
  put(col.MIN_KW, c, low);
  put(col.LOAD_FACTOR, c, high == 0 ? NaN : mean / high);
  put(col.ZERO_SHARE, c, <f64>zeroCount / n);
  const capacity = <f64>load<f32>(capacities + (<usize>c << 2));
  put(col.CAPACITY_UTIL, c, capacity > 0 && capacity < Infinity ? high / capacity : NaN);
  put(col.RAMP_RATE, c, (groups & col.GROUP_RAMP) != 0 && rampMax >= 0 && high != 0 ? <f64>rampMax / high : NaN);
  const held = <f64>heldMax;
  put(col.HELD_MAX_KW, c, held >= 0 ? held : NaN);
  put(col.WORK_KW_P90, c, windowP90(dayWorkSum, dayWorkCount, D));

  const slotTotal = slotRangeSum(P, 0, 24);
  put(col.NIGHT_SHARE, c, slotTotal == 0 ? NaN : (slotRangeSum(P, 22, 24) + slotRangeSum(P, 0, 6)) / slotTotal);
  put(col.WORK_SHARE, c, slotTotal == 0 ? NaN : slotRangeSum(P, 8, 18) / slotTotal);

  putNoPeers(c, groups);
  if ((groups & col.GROUP_PEER) != 0) keepProfile(c, P);
  analyseProfile(P);
  const peakDefined = peakSlot >= 0 && peakValue != 0;
  put(col.PEAK_VALLEY, c, peakDefined ? (peakValue - valleyValue) / peakValue : NaN);
  // 24·s/P in one division: the exact hour, rounded once, as the spec's s·h.
  put(col.PEAK_HOUR, c, peakDefined ? <f64>(peakSlot * 24) / P : NaN);
  for (let t = 0; t < templateCount; t++) {
    put(col.CORR_FIRST + t, c, (groups & col.GROUP_CORRELATION) != 0 ? templateCorrelation(t, P) : NaN);
  }

  put(col.DAILY_CV, c, dailyCv(D));
  put(col.WEEKEND_RATIO, c, weekendRatio(D, startWeekday));
  put(col.TREND_RATIO, c, trendRatio(D));

  if ((groups & col.GROUPS_PASS2) == 0) {
    put(col.CV, c, NaN);
    put(col.ACF_DAY, c, NaN);
    put(col.ACF_WEEK, c, NaN);
    put(col.OPERATING_HOURS, c, NaN);
    put(col.BUSY_DAYS, c, NaN);
    put(col.BUSY_WEEKEND_RATIO, c, NaN);
    put(col.NIGHT_BUSY_HOURS, c, NaN);
    return;
  }
  const theta = low + 0.5 * (high - low);
  const scale = scaleFor(high);
  // The busy level: half way from the lowest reading to the held peak (none without a pair: +Inf, nothing above).
  const busyLevel = held >= 0 ? thresholdBelow(low + 0.5 * (held - low)) : Infinity;
  sweepDeviations(x, D, P, scale, mean * scale, thresholdBelow(theta), <f32>busyLevel);
  const busyDefined = (groups & col.GROUP_BUSY) != 0 && held >= 0;
  put(col.BUSY_DAYS, c, busyDefined ? busyDays(D, P) : NaN);
  put(col.BUSY_WEEKEND_RATIO, c, busyDefined ? busyWeekendRatio(D, P, startWeekday) : NaN);
  put(col.NIGHT_BUSY_HOURS, c, busyDefined ? nightBusyHours(D, P) : NaN);
  put(col.CV, c, (groups & col.GROUP_DEVIATION) != 0 && mean != 0 ? Math.sqrt(sumSquares / n) / (mean * scale) : NaN);
  // h·count ÷ (n/P) is 24·count/n; one division keeps it exact.
  put(col.OPERATING_HOURS, c, (groups & col.GROUP_OPERATING) != 0 && high != low ? <f64>aboveCount * 24 / n : NaN);
  put(col.ACF_DAY, c, (groups & col.GROUP_ACF_DAY) != 0 && D >= 2 ? autocorrelation(x, N, n, P, dayLagSum) : NaN);
  put(col.ACF_WEEK, c, (groups & col.GROUP_ACF_WEEK) != 0 && D >= 14 ? autocorrelation(x, N, n, 7 * P, weekLagSum) : NaN);
}

/** r(lag) of features.md, from the deviations stored by pass 2. */
function autocorrelation(x: usize, N: i32, n: i32, lag: i32, lagSum: f64): f64 {
  if (sumSquares == 0) return NaN;
  if (n < N && !hasValidPair(x, N, lag)) return NaN;
  return lagSum / sumSquares;
}

/** Σ valid daily water (m³) ÷ energy (kWh); NaN without water, without a valid value, or without energy. */
function waterPerKwh(c: i32, energy: f64): f64 {
  const count = load<i32>(waterCounts + (<usize>c << 2));
  if (count == 0 || energy == 0) return NaN;
  const w = water + (<usize>load<i32>(waterOffsets + (<usize>c << 2)) << 2);
  let sum: f64 = 0;
  let valid = false;
  for (let d = 0; d < count; d++) {
    const v = load<f32>(w + (<usize>d << 2));
    if (v >= 0 && v < Infinity) {
      sum += v;
      valid = true;
    }
  }
  return valid ? sum / energy : NaN;
}
