import { dayCount, daySum } from './layout';

// Features over days, from the per-day sums and counts of pass 1.

@inline function sumOf(d: i32): f64 {
  return load<f64>(daySum + (<usize>d << 3));
}

@inline function countOf(d: i32): i32 {
  return load<i32>(dayCount + (<usize>d << 2));
}

/** Population std ÷ mean of the daily means, over days with a valid reading. */
export function dailyCv(days: i32): f64 {
  let k = 0;
  let sum: f64 = 0;
  for (let d = 0; d < days; d++) {
    if (countOf(d) == 0) continue;
    sum += sumOf(d) / <f64>countOf(d);
    k++;
  }
  if (k < 2) return NaN;
  const mean = sum / k;
  if (mean == 0) return NaN;
  let squares: f64 = 0;
  for (let d = 0; d < days; d++) {
    if (countOf(d) == 0) continue;
    const g = sumOf(d) / <f64>countOf(d) - mean;
    squares += g * g;
  }
  return Math.sqrt(squares / k) / mean;
}

/** Mean of valid readings on Saturdays and Sundays ÷ mean on Monday–Friday; day d has weekday (weekday0 + d) mod 7, Monday = 0. */
export function weekendRatio(days: i32, weekday0: i32): f64 {
  let weekendSum: f64 = 0;
  let weekdaySum: f64 = 0;
  let weekendCount = 0;
  let weekdayCount = 0;
  for (let d = 0; d < days; d++) {
    if ((weekday0 + d) % 7 >= 5) {
      weekendSum += sumOf(d);
      weekendCount += countOf(d);
    } else {
      weekdaySum += sumOf(d);
      weekdayCount += countOf(d);
    }
  }
  if (weekendCount == 0 || weekdayCount == 0 || weekdaySum == 0) return NaN;
  return weekendSum / weekendCount / (weekdaySum / weekdayCount);
}

/** Mean of valid readings in the last 7 days ÷ in the first 7 days; needs 14 days. */
export function trendRatio(days: i32): f64 {
  if (days < 14) return NaN;
  let firstSum: f64 = 0;
  let lastSum: f64 = 0;
  let firstCount = 0;
  let lastCount = 0;
  for (let d = 0; d < 7; d++) {
    firstSum += sumOf(d);
    firstCount += countOf(d);
    lastSum += sumOf(days - 7 + d);
    lastCount += countOf(days - 7 + d);
  }
  if (firstCount == 0 || lastCount == 0 || firstSum == 0) return NaN;
  return lastSum / lastCount / (firstSum / firstCount);
}
