// The plain-JavaScript baseline of the engine benchmark: the whole feature
// catalogue of ../shared/spec/features.md, written the way a competent Node
// developer would (typed arrays, float64 arithmetic, three passes over the
// curve, scratch arrays reused across consumers), with no SIMD or layout
// tricks. It must compute the same values as the engine; bench/check.ts
// verifies that before anything is timed.
import { busyFeatures, dailyCv, p90OfMeans, profileCorrelation, waterPerKwh } from './js-summaries.js';

/** Column order of features.md / engine/src/catalogue.ts, then one corr_<name> per template. */
export const JS_BASE_FEATURES = [
  'days', 'missing_share', 'mean_kw', 'max_kw', 'min_kw', 'energy_kwh', 'load_factor', 'cv',
  'night_share', 'work_share', 'weekend_ratio', 'peak_valley', 'peak_hour', 'daily_cv', 'zero_share',
  'capacity_util', 'acf_day', 'acf_week', 'ramp_rate', 'operating_hours', 'trend_ratio', 'water_per_kwh',
  'held_max_kw', 'busy_days', 'busy_weekend_ratio', 'work_kw_p90', 'night_busy_hours',
  'baseline_ratio', 'watch_days', 'since_watch_kw',
] as const;

/** A consumer's follow-up inputs as the engine holds them (baseline kW as float32; the first watched day). */
export interface FollowUp {
  readonly baselineKw: number;
  readonly watchStatus: number;
  readonly watchFirstDay: number;
}
const NO_FOLLOW_UP: FollowUp = { baselineKw: NaN, watchStatus: 0, watchFirstDay: 0 };

const NIGHT = 1;
const WORK = 2;

export class JsFeatures {
  readonly names: readonly string[];
  /** Interval length in hours. */
  private readonly h: number;
  /** Per slot: NIGHT, WORK or 0, from the slot's start hour. */
  private readonly slotClass: Uint8Array;
  private readonly slotSum: Float64Array;
  private readonly slotCount: Int32Array;
  private readonly profile: Float64Array;
  private daySum = new Float64Array(0);
  private dayCount = new Int32Array(0);
  /** Per day: Σ and count of valid readings 08-18, valid readings 22-06, readings above the busy level (all day, at night). */
  private dayWorkSum = new Float64Array(0);
  private dayWorkCount = new Int32Array(0);
  private dayNightCount = new Int32Array(0);
  private dayBusy = new Int32Array(0);
  private dayNightBusy = new Int32Array(0);
  private valid = new Uint8Array(0);
  /** x_t − mean for valid t, 0 for missing ones. */
  private dev = new Float64Array(0);
  /** Results of the last acf() pass (NaN when undefined). */
  private acfDay = NaN;
  private acfWeek = NaN;

  /**
   * @param templates T × P reference profiles already brought to P points
   *   (TemplateSet.at(P)), template after template, in `templateNames` order.
   */
  constructor(
    private readonly P: number,
    private readonly startWeekday: number,
    templateNames: readonly string[],
    private readonly templates: Float64Array,
  ) {
    this.names = [...JS_BASE_FEATURES, ...templateNames.map((n) => `corr_${n}`)];
    this.h = 24 / P;
    this.slotClass = new Uint8Array(P);
    for (let s = 0; s < P; s++) {
      const hour = s * this.h;
      this.slotClass[s] = hour >= 22 || hour < 6 ? NIGHT : hour >= 8 && hour < 18 ? WORK : 0;
    }
    this.slotSum = new Float64Array(P);
    this.slotCount = new Int32Array(P);
    this.profile = new Float64Array(P);
  }

  /**
   * Computes every feature of one consumer into out[base + f * stride] (stride 1:
   * a row; stride = consumers: column-major like the engine's FeatureMatrix).
   * `load` holds whole days of kW readings; capacity ≤ 0 or NaN is unknown.
   */
  compute(load: Float32Array, capacityKw: number, waterM3: Float32Array | undefined, out: Float64Array, base: number, stride: number, followUp: FollowUp = NO_FOLLOW_UP): void {
    const { P, h, slotClass, slotSum, slotCount } = this;
    const N = load.length;
    const D = N / P;
    this.ensure(N, D);
    const { valid, daySum, dayCount, dayWorkSum, dayWorkCount, dayNightCount } = this;
    slotSum.fill(0);
    slotCount.fill(0);

    // Pass 1: everything that needs only sums, counts and extremes.
    let n = 0, sum = 0, max = -Infinity, min = Infinity, night = 0, work = 0, zeros = 0;
    let weekendSum = 0, weekendN = 0, weekdaySum = 0, weekdayN = 0, firstSum = 0, firstN = 0, lastSum = 0, lastN = 0;
    let ramp = -1, held = -1, prev = 0, prevValid = false;
    for (let d = 0, t = 0; d < D; d++) {
      let dSum = 0, dN = 0, wSum = 0, wN = 0, nN = 0;
      for (let s = 0; s < P; s++, t++) {
        const x = load[t]! + 0; // + 0 turns −0 into 0 (features.md: −0 counts as 0)
        if (!(x >= 0 && x < Infinity)) { // NaN fails every comparison
          valid[t] = 0;
          prevValid = false;
          continue;
        }
        valid[t] = 1;
        dSum += x;
        dN++;
        if (x > max) max = x;
        if (x < min) min = x;
        slotSum[s] = slotSum[s]! + x;
        slotCount[s] = slotCount[s]! + 1;
        if (x <= 0.01) zeros++;
        if (slotClass[s] === WORK) { wSum += x; wN++; }
        else if (slotClass[s] === NIGHT) nN++;
        if (prevValid) {
          const step = Math.abs(x - prev);
          if (step > ramp) ramp = step;
          const hold = x < prev ? x : prev;
          if (hold > held) held = hold;
        }
        prev = x;
        prevValid = true;
      }
      daySum[d] = dSum;
      dayCount[d] = dN;
      dayWorkSum[d] = wSum;
      dayWorkCount[d] = wN;
      dayNightCount[d] = nN;
      n += dN;
      sum += dSum;
      if ((this.startWeekday + d) % 7 >= 5) { weekendSum += dSum; weekendN += dN; }
      else { weekdaySum += dSum; weekdayN += dN; }
      if (d < 7) { firstSum += dSum; firstN += dN; }
      if (d >= D - 7) { lastSum += dSum; lastN += dN; }
    }
    // Night and work hours are sets of slots: sum them from the slot sums, not per reading.
    for (let s = 0; s < P; s++) {
      if (slotClass[s] === NIGHT) night += slotSum[s]!;
      else if (slotClass[s] === WORK) work += slotSum[s]!;
    }
    const mean = n > 0 ? sum / n : NaN;
    if (n === 0) max = min = NaN;

    // Pass 2: deviations from the mean (cv, ACF denominator), the operating level and the busy level per day.
    const { dev, dayBusy, dayNightBusy } = this;
    const theta = min + 0.5 * (max - min);
    const busyLevel = held >= 0 ? min + 0.5 * (held - min) : Infinity;
    let ss = 0, above = 0;
    for (let d = 0, t = 0; d < D; d++) {
      let busy = 0, nightBusy = 0;
      for (let s = 0; s < P; s++, t++) {
        if (valid[t] === 0) { dev[t] = 0; continue; }
        const x = load[t]!;
        const e = x - mean;
        dev[t] = e;
        ss += e * e;
        if (x > theta) above++;
        if (x > busyLevel) {
          busy++;
          if (slotClass[s] === NIGHT) nightBusy++;
        }
      }
      dayBusy[d] = busy;
      dayNightBusy[d] = nightBusy;
    }

    const set = (f: number, v: number) => (out[base + f * stride] = v);
    set(0, D);
    set(1, (N - n) / N);
    set(2, mean);
    set(3, max);
    set(4, min);
    set(5, h * sum);
    set(6, n > 0 && max !== 0 ? mean / max : NaN);
    set(7, n > 0 && mean !== 0 ? Math.sqrt(ss / n) / mean : NaN);
    set(8, sum !== 0 ? night / sum : NaN);
    set(9, sum !== 0 ? work / sum : NaN);
    const weekdayMean = weekdaySum / weekdayN;
    set(10, weekendN > 0 && weekdayN > 0 && weekdayMean !== 0 ? weekendSum / weekendN / weekdayMean : NaN);
    this.profileFeatures(out, base, stride);
    set(13, dailyCv(daySum, dayCount, D));
    set(14, n > 0 ? zeros / n : NaN);
    set(15, capacityKw > 0 && n > 0 ? max / capacityKw : NaN);
    // Σ (x − m)² is zero exactly when every valid reading is equal; test that, not a rounded ss.
    const flat = !(max > min);
    this.acf(N, n < N, ss, flat);
    set(16, D >= 2 ? this.acfDay : NaN);
    set(17, D >= 14 ? this.acfWeek : NaN);
    set(18, ramp >= 0 && n > 0 && max !== 0 ? ramp / max : NaN);
    set(19, n > 0 && max !== min ? (h * above) / (n / P) : NaN);
    const firstMean = firstSum / firstN;
    set(20, D >= 14 && firstN > 0 && lastN > 0 && firstMean !== 0 ? lastSum / lastN / firstMean : NaN);
    set(21, waterPerKwh(waterM3, h * sum));
    set(22, held >= 0 ? held : NaN);
    const busy = busyFeatures(dayCount, dayNightCount, dayBusy, dayNightBusy, D, P, this.startWeekday);
    set(23, held >= 0 ? busy.busyDays : NaN);
    set(24, held >= 0 ? busy.busyWeekendRatio : NaN);
    set(25, p90OfMeans(dayWorkSum, dayWorkCount, D));
    set(26, held >= 0 ? busy.nightBusyHours : NaN);
    // followup.md: against the consumer's own baseline, and since its watch began.
    const baseline = followUp.baselineKw;
    set(27, baseline > 0 && baseline < Infinity && n > 0 ? mean / baseline : NaN);
    if (followUp.watchStatus === 0) {
      set(28, NaN);
      set(29, NaN);
    } else {
      const first = Math.min(Math.max(followUp.watchFirstDay, 0), D);
      let since = 0, sinceN = 0;
      for (let d = first; d < D; d++) { since += daySum[d]!; sinceN += dayCount[d]!; }
      set(28, D - first);
      set(29, sinceN > 0 ? since / sinceN : NaN);
    }
    for (let k = 0; k < this.templates.length / P; k++) set(JS_BASE_FEATURES.length + k, profileCorrelation(this.profile, this.templates, k * P, P));
  }

  /** Grows the per-reading and per-day scratch arrays; they are reused across consumers. */
  private ensure(N: number, D: number): void {
    if (this.valid.length < N) {
      this.valid = new Uint8Array(N);
      this.dev = new Float64Array(N);
    }
    if (this.daySum.length < D) {
      this.daySum = new Float64Array(D);
      this.dayCount = new Int32Array(D);
      this.dayWorkSum = new Float64Array(D);
      this.dayWorkCount = new Int32Array(D);
      this.dayNightCount = new Int32Array(D);
      this.dayBusy = new Int32Array(D);
      this.dayNightBusy = new Int32Array(D);
    }
  }

  /** peak_valley and peak_hour on the average daily profile; also fills this.profile (NaN = no value). */
  private profileFeatures(out: Float64Array, base: number, stride: number): void {
    const { P, profile, slotSum, slotCount } = this;
    let pMax = -Infinity, pMin = Infinity, peakSlot = -1;
    for (let s = 0; s < P; s++) {
      const c = slotCount[s]!;
      const p = c > 0 ? slotSum[s]! / c : NaN;
      profile[s] = p;
      if (c === 0) continue;
      if (p > pMax) { pMax = p; peakSlot = s; } // strict: the first slot reaching the maximum
      if (p < pMin) pMin = p;
    }
    const defined = peakSlot >= 0 && pMax !== 0;
    out[base + 11 * stride] = defined ? (pMax - pMin) / pMax : NaN;
    out[base + 12 * stride] = defined ? peakSlot * this.h : NaN;
  }

  /**
   * Pass 3: r(P) and r(7P) together. dev is 0 at missing readings, so a pair
   * with a missing end adds nothing to the sums; pairs only need counting
   * (to tell "no pair" from "sum 0") when readings are missing.
   */
  private acf(N: number, missing: boolean, ss: number, flat: boolean): void {
    const { P, valid, dev } = this;
    const day = P, week = 7 * P;
    let sumDay = 0, sumWeek = 0, pairsDay = 0, pairsWeek = 0;
    if (!flat) {
      for (let t = 0; t + day < N; t++) {
        const e = dev[t]!;
        sumDay += e * dev[t + day]!;
        if (t + week < N) sumWeek += e * dev[t + week]!;
      }
      if (missing) {
        for (let t = 0; t + day < N; t++) {
          if (valid[t] === 0) continue;
          pairsDay += valid[t + day]!;
          if (t + week < N) pairsWeek += valid[t + week]!;
        }
      } else {
        pairsDay = Math.max(0, N - day);
        pairsWeek = Math.max(0, N - week);
      }
    }
    this.acfDay = pairsDay > 0 ? sumDay / ss : NaN;
    this.acfWeek = pairsWeek > 0 ? sumWeek / ss : NaN;
  }
}
