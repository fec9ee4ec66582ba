import { dayCount, MAX_DAYS } from './layout';
import { dayBusyCount, nightBusyCount } from './deviation-pass';
import { dayNightCount } from './day-windows';

// Features over single days, summarised over the window (docs/features.md):
// what a window average hides when a workshop runs on some days only, or
// only at night. O(D) work (O(D·m) for the quantile, m ≈ D/10) on per-day values
// written by passes 1 and 2.

/** Hours above the busy level that make a day busy: 3 h is a short production shift; a flat's evening cooking rarely holds that long. */
const BUSY_HOURS: i32 = 3;
/** f64[MAX_DAYS]: scratch for a quantile over days. */
const values: usize = memory.data(MAX_DAYS * 8, 16);

// @ts-ignore: decorator
@inline function isBusy(d: i32, pointsPerDay: i32): bool {
  // hours = count · 24 / P ≥ 3  ⇔  count · 24 ≥ 3 · P, in integers.
  return load<i32>(dayBusyCount + (<usize>d << 2)) * 24 >= BUSY_HOURS * pointsPerDay;
}

// @ts-ignore: decorator
@inline function hasReadings(d: i32): bool {
  return load<i32>(dayCount + (<usize>d << 2)) > 0;
}

/** Share of the days with a valid reading that are busy. */
export function busyDays(days: i32, pointsPerDay: i32): f64 {
  let counted = 0;
  let busy = 0;
  for (let d = 0; d < days; d++) {
    if (!hasReadings(d)) continue;
    counted++;
    if (isBusy(d, pointsPerDay)) busy++;
  }
  return counted == 0 ? NaN : <f64>busy / counted;
}

/** Share of Saturdays and Sundays that are busy ÷ share of Monday–Friday that are busy; day d has weekday (weekday0 + d) mod 7, Monday = 0. */
export function busyWeekendRatio(days: i32, pointsPerDay: i32, weekday0: i32): f64 {
  let weekends = 0;
  let weekdays = 0;
  let busyWeekends = 0;
  let busyWeekdays = 0;
  for (let d = 0; d < days; d++) {
    if (!hasReadings(d)) continue;
    const busy = isBusy(d, pointsPerDay);
    if ((weekday0 + d) % 7 >= 5) {
      weekends++;
      if (busy) busyWeekends++;
    } else {
      weekdays++;
      if (busy) busyWeekdays++;
    }
  }
  if (weekends == 0 || busyWeekdays == 0) return NaN;
  return (<f64>busyWeekends / weekends) / (<f64>busyWeekdays / weekdays);
}

/** Mean over days with a valid night reading (22-06) of the hours of the night window above the busy level. */
export function nightBusyHours(days: i32, pointsPerDay: i32): f64 {
  let nights = 0;
  for (let d = 0; d < days; d++) if (load<i32>(dayNightCount + (<usize>d << 2)) > 0) nights++;
  // A night with no valid reading adds no reading above the level: the total over all days is the sum over those nights.
  // hours = count · 24 / P, divided once.
  return nights == 0 ? NaN : <f64>nightBusyCount * 24 / (<f64>pointsPerDay * nights);
}

/**
 * The 90th percentile, nearest rank, over days with a valid reading in the
 * window, of the day's mean in the window (kW): the value at rank ⌈0.9 k⌉ of
 * the k day means sorted ascending, i.e. the m-th largest for
 * m = k − ⌈0.9 k⌉ + 1 (4 of 30 days). Only the m largest are kept, in
 * descending order, so most days cost one comparison. NaN when no day has one.
 */
export function windowP90(sums: usize, counts: usize, days: i32): f64 {
  let k = 0;
  for (let d = 0; d < days; d++) if (load<i32>(counts + (<usize>d << 2)) != 0) k++;
  if (k == 0) return NaN;
  const m = k - <i32>Math.ceil(0.9 * <f64>k) + 1;
  let kept = 0;
  for (let d = 0; d < days; d++) {
    const n = load<i32>(counts + (<usize>d << 2));
    if (n == 0) continue;
    const v = load<f64>(sums + (<usize>d << 3)) / <f64>n;
    if (kept == m && !(v > load<f64>(values + (<usize>(m - 1) << 3)))) continue;
    // Insert v into the descending list, dropping its smallest when full.
    let i = kept < m ? kept++ : m - 1;
    while (i > 0) {
      const above = load<f64>(values + (<usize>(i - 1) << 3));
      if (above >= v) break;
      store<f64>(values + (<usize>i << 3), above);
      i--;
    }
    store<f64>(values + (<usize>i << 3), v);
  }
  return load<f64>(values + (<usize>(m - 1) << 3));
}
