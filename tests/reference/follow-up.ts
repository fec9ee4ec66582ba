// The float64 reference of the per-consumer follow-up features of
// ../shared/spec/followup.md: baseline_ratio, watch_days, since_watch_kw.
// Written from the spec, sharing no code with engine/: the day of `since` is
// found by calendar arithmetic of its own (calendar.ts), not by the host's
// date parsing. `x` holds the readings as float64, every invalid one NaN.
import { daysFromCivilDate } from './calendar.js';

export interface ReferenceWatch {
  /** WatchStatus number: 0 = not watched. */
  readonly status: number;
  /** `YYYY-MM-DD`, or empty: the whole window. */
  readonly since?: string;
}

export interface FollowUpFeatures {
  baseline_ratio: number;
  watch_days: number;
  since_watch_kw: number;
}

export function followUpFeatures(x: Float64Array, P: number, startDate: string, mean: number, baselineKw: number | undefined, watch: ReferenceWatch | undefined): FollowUpFeatures {
  const D = x.length / P;
  // baseline_kw is a proto float: the engine receives it as float32.
  const baseline = baselineKw === undefined ? NaN : Math.fround(baselineKw);
  const out: FollowUpFeatures = {
    baseline_ratio: Number.isFinite(baseline) && baseline > 0 && !Number.isNaN(mean) ? mean / baseline : NaN,
    watch_days: NaN,
    since_watch_kw: NaN,
  };
  if (!watch || watch.status === 0) return out;
  // Days of the window whose date is on or after `since`.
  const first = watch.since ? Math.min(D, Math.max(0, daysFromCivilDate(watch.since) - daysFromCivilDate(startDate))) : 0;
  out.watch_days = D - first;
  let sum = 0;
  let count = 0;
  for (let t = first * P; t < x.length; t++) {
    if (Number.isNaN(x[t]!)) continue;
    sum += x[t]!;
    count++;
  }
  out.since_watch_kw = count === 0 ? NaN : sum / count;
  return out;
}
