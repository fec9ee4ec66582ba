import * as col from './columns';
import { baselines, dayCount, daySum, put, watchFirstDays, watchStatuses } from './layout';

// The consumer against its own past and its follow-up status
// (../shared/spec/followup.md): baseline_ratio, watch_days, since_watch_kw.
// O(D) on the per-day sums of pass 1; the host has turned `since` into the
// index of the first day on or after it (watchFirstDays).

/** Writes the three columns of consumer c; `mean` is its mean_kw (NaN without a valid reading). */
export function putFollowUp(c: i32, days: i32, mean: f64): void {
  const baseline = <f64>load<f32>(baselines + (<usize>c << 2));
  // Unknown baseline: 0, negative, NaN or ±Inf (the comparison is false for NaN).
  put(col.BASELINE_RATIO, c, baseline > 0 && baseline < Infinity ? mean / baseline : NaN);
  if (load<u8>(watchStatuses + <usize>c) == 0) {
    put(col.WATCH_DAYS, c, NaN);
    put(col.SINCE_WATCH_KW, c, NaN);
    return;
  }
  const first = min(max(load<i32>(watchFirstDays + (<usize>c << 2)), 0), days);
  put(col.WATCH_DAYS, c, <f64>(days - first));
  let sum: f64 = 0;
  let count = 0;
  for (let d = first; d < days; d++) {
    sum += load<f64>(daySum + (<usize>d << 3));
    count += load<i32>(dayCount + (<usize>d << 2));
  }
  put(col.SINCE_WATCH_KW, c, count == 0 ? NaN : sum / count);
}
