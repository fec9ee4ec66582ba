// The float64 reference of the feature catalogue (../shared/spec/features.md),
// written from the spec and sharing no code with engine/. One function:
// referenceFeatures(consumer, options) → every feature by name.
import { isCalendarDate, isNightSlot, isWeekendDay, isWorkSlot, isoWeekday } from './calendar.js';
import { autocorrelation } from './autocorrelation.js';
import { averageDailyProfile, peakFeatures, resampleTemplate, templateCorrelation } from './profile.js';
import { dayFeatures } from './days.js';
import { followUpFeatures, type ReferenceWatch } from './follow-up.js';
import { curveStats, meanWhere, populationStd, promote, ratio, sumWhere, validValue } from './readings.js';

export interface ReferenceConsumer {
  readonly loadKw: ArrayLike<number>;
  readonly waterM3?: ArrayLike<number>;
  readonly capacityKw?: number;
  /** followup.md: the consumer's own reference mean (kW) and its follow-up status. */
  readonly baselineKw?: number;
  readonly watch?: ReferenceWatch;
}

export interface ReferenceOptions {
  readonly pointsPerDay: number;
  readonly startDate: string;
  /** Templates at 96 points, in feature order. */
  readonly templates?: Readonly<Record<string, readonly number[]>>;
}

export const REFERENCE_BASE_FEATURES = [
  'days', 'missing_share', 'mean_kw', 'max_kw', 'min_kw', 'energy_kwh', 'load_factor', 'cv',
  'night_share', 'work_share', 'weekend_ratio', 'peak_valley', 'peak_hour', 'daily_cv',
  'zero_share', 'capacity_util', 'acf_day', 'acf_week', 'ramp_rate', 'operating_hours',
  'trend_ratio', 'water_per_kwh',
  'held_max_kw', 'busy_days', 'busy_weekend_ratio', 'work_kw_p90', 'night_busy_hours',
  'baseline_ratio', 'watch_days', 'since_watch_kw',
  'peer_count', 'peer_ratio', 'peer_corr',
] as const;

/** Features that are counts divided by counts: the engine must match them exactly. */
export const STEP_FEATURES: ReadonlySet<string> = new Set(['days', 'missing_share', 'zero_share', 'peak_hour', 'operating_hours', 'held_max_kw', 'busy_days', 'busy_weekend_ratio', 'night_busy_hours', 'watch_days', 'peer_count']);

/** Why the consumer cannot be scored at all (every feature NaN), or undefined. */
export function unusable(consumer: ReferenceConsumer, pointsPerDay: number): string | undefined {
  const N = consumer.loadKw.length;
  if (N === 0) return 'no readings';
  if (N % pointsPerDay !== 0) return 'not whole days';
  const D = N / pointsPerDay;
  if (D > 400) return 'more than 400 days';
  const W = consumer.waterM3?.length ?? 0;
  if (W !== 0 && W !== D) return 'water length is not D';
  // followup.md: an unparseable `since` of a watched site makes the consumer GRAY.
  const since = consumer.watch?.since;
  if (consumer.watch && consumer.watch.status !== 0 && since && !isCalendarDate(since)) return 'watch since is not a date';
  return undefined;
}

export function referenceFeatures(consumer: ReferenceConsumer, options: ReferenceOptions): Record<string, number> {
  const P = options.pointsPerDay;
  const templates = Object.entries(options.templates ?? {});
  const out: Record<string, number> = {};
  for (const name of REFERENCE_BASE_FEATURES) out[name] = NaN;
  for (const [name] of templates) out[`corr_${name}`] = NaN;
  if (unusable(consumer, P)) return out;

  // The consumer alone: no cohort, no peers (its cohort's values are tests/reference/peers.ts's).
  out.peer_count = 0;
  const x = promote(consumer.loadKw);
  const N = x.length;
  const D = N / P;
  const h = 24 / P;
  const stats = curveStats(x);
  const n = stats.count;
  const m = stats.mean;
  const dayOf = (t: number) => Math.floor(t / P);
  const slotOf = (t: number) => t % P;

  out.days = D;
  out.missing_share = (N - n) / N;
  out.mean_kw = m;
  out.max_kw = stats.max;
  out.min_kw = stats.min;
  out.energy_kwh = h * stats.sum;
  out.load_factor = n === 0 ? NaN : ratio(m, stats.max);
  out.cv = n === 0 ? NaN : ratio(populationStd(x, m), m);
  out.night_share = ratio(sumWhere(x, (t) => isNightSlot(slotOf(t), P)), stats.sum);
  out.work_share = ratio(sumWhere(x, (t) => isWorkSlot(slotOf(t), P)), stats.sum);

  const startWeekday = isoWeekday(options.startDate);
  const weekendMean = meanWhere(x, (t) => isWeekendDay(startWeekday, dayOf(t)));
  const weekdayMean = meanWhere(x, (t) => !isWeekendDay(startWeekday, dayOf(t)));
  out.weekend_ratio = ratio(weekendMean, weekdayMean);

  const profile = averageDailyProfile(x, P);
  const peaks = peakFeatures(profile);
  out.peak_valley = peaks.peakValley;
  out.peak_hour = peaks.peakHour;
  out.daily_cv = dailyCv(x, P);

  let zeros = 0;
  for (const v of x) if (!Number.isNaN(v) && v <= 0.01) zeros++;
  out.zero_share = n === 0 ? NaN : zeros / n;

  // capacity_kw is a proto float: the engine receives it as float32, like the readings.
  const capacity = consumer.capacityKw === undefined ? NaN : Math.fround(consumer.capacityKw);
  out.capacity_util = Number.isFinite(capacity) && capacity > 0 && n > 0 ? stats.max / capacity : NaN;

  out.acf_day = D < 2 ? NaN : autocorrelation(x, P, m);
  out.acf_week = D < 14 ? NaN : autocorrelation(x, 7 * P, m);
  out.ramp_rate = rampRate(x, stats.max);

  if (n > 0 && stats.max !== stats.min) {
    const theta = stats.min + 0.5 * (stats.max - stats.min);
    let above = 0;
    for (const v of x) if (!Number.isNaN(v) && v > theta) above++;
    out.operating_hours = (24 * above) / n;
  }

  if (D >= 14) {
    const first = meanWhere(x, (t) => dayOf(t) < 7);
    const last = meanWhere(x, (t) => dayOf(t) >= D - 7);
    out.trend_ratio = ratio(last, first);
  }

  out.water_per_kwh = waterPerKwh(consumer.waterM3, out.energy_kwh);
  if (n > 0) Object.assign(out, dayFeatures(x, P, startWeekday, stats.min));
  Object.assign(out, followUpFeatures(x, P, options.startDate, m, consumer.baselineKw, consumer.watch));

  for (const [name, template] of templates) {
    out[`corr_${name}`] = templateCorrelation(profile, resampleTemplate(template, P));
  }
  return out;
}

/** Population std ÷ mean of the daily means over days with a valid reading; NaN for < 2 such days or mean 0. */
function dailyCv(x: Float64Array, P: number): number {
  const dailyMeans: number[] = [];
  for (let d = 0; d < x.length / P; d++) {
    let count = 0;
    let sum = 0;
    for (let t = d * P; t < (d + 1) * P; t++) {
      if (Number.isNaN(x[t]!)) continue;
      count++;
      sum += x[t]!;
    }
    if (count > 0) dailyMeans.push(sum / count);
  }
  if (dailyMeans.length < 2) return NaN;
  const mean = dailyMeans.reduce((a, b) => a + b, 0) / dailyMeans.length;
  if (mean === 0) return NaN;
  const variance = dailyMeans.reduce((a, g) => a + (g - mean) * (g - mean), 0) / dailyMeans.length;
  return Math.sqrt(variance) / mean;
}

/** Largest |x_t − x_{t−1}| over consecutive valid pairs, ÷ max_kw. */
function rampRate(x: Float64Array, max: number): number {
  let largest = -1;
  for (let t = 1; t < x.length; t++) {
    const a = x[t - 1]!;
    const b = x[t]!;
    if (Number.isNaN(a) || Number.isNaN(b)) continue;
    largest = Math.max(largest, Math.abs(b - a));
  }
  return largest < 0 ? NaN : ratio(largest, max);
}

function waterPerKwh(water: ArrayLike<number> | undefined, energy: number): number {
  if (!water || water.length === 0) return NaN;
  let valid = 0;
  let sum = 0;
  for (let d = 0; d < water.length; d++) {
    const w = validValue(Math.fround(water[d]!)); // water_m3 is float32 like the readings
    if (w === undefined) continue;
    valid++;
    sum += w;
  }
  return valid === 0 ? NaN : ratio(sum, energy);
}
