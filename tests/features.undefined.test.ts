// Every "undefined when" condition of the feature table, and the unusable
// consumers, each on a small hand-made curve. Expected values are by hand.
import { describe, expect, it } from 'vitest';
import { curve, day, expectHand, featuresOf } from './support/hand.js';
import { computeBatch } from './support/engine.js';

const MONDAY = '2024-01-01';
const SATURDAY = '2024-01-06';
const ALL_NAN = (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, NaN]));

describe('a curve with no valid reading (still a usable consumer)', () => {
  it('has days, missing_share 1, energy 0 and every other feature NaN', async () => {
    const loadKw = curve(24, 14, (_, s) => [NaN, Infinity, -Infinity, -1][s % 4]!);
    const result = await featuresOf(24, MONDAY, { loadKw, capacityKw: 5, waterM3: new Float32Array(14).fill(1) }, { residential: day(96, (i) => i) });
    expect(result.note).toBeUndefined();
    expectHand(result, {
      ...ALL_NAN(['mean_kw', 'max_kw', 'min_kw', 'load_factor', 'cv', 'night_share', 'work_share', 'weekend_ratio', 'peak_valley', 'peak_hour']),
      ...ALL_NAN(['daily_cv', 'zero_share', 'capacity_util', 'acf_day', 'acf_week', 'ramp_rate', 'operating_hours', 'trend_ratio']),
      water_per_kwh: NaN, // energy 0
      ...ALL_NAN(['held_max_kw', 'busy_days', 'busy_weekend_ratio', 'work_kw_p90', 'night_busy_hours']),
      corr_residential: NaN,
      days: 14,
      missing_share: 1,
      energy_kwh: 0,
    });
  });
});

describe('an all-zero curve (zeros written as +0 and −0)', () => {
  it('divides by max, mean or sum 0 nowhere', async () => {
    const loadKw = curve(24, 14, (_, s) => (s % 2 ? -0 : 0));
    expectHand(await featuresOf(24, MONDAY, { loadKw, capacityKw: 10, waterM3: new Float32Array(14).fill(1) }), {
      mean_kw: 0,
      max_kw: 0,
      min_kw: 0, // +0: −0 is never output
      energy_kwh: 0,
      zero_share: 1,
      capacity_util: 0, // 0/10
      load_factor: NaN, // max 0
      cv: NaN, // m = 0
      night_share: NaN, // Σx = 0
      work_share: NaN,
      weekend_ratio: NaN, // weekday mean 0
      peak_valley: NaN, // max p = 0
      peak_hour: NaN,
      daily_cv: NaN, // mean of daily means 0
      acf_day: NaN, // denominator 0
      acf_week: NaN,
      ramp_rate: NaN, // max_kw 0
      operating_hours: NaN, // max = min
      trend_ratio: NaN, // first mean 0
      water_per_kwh: NaN, // energy 0
      held_max_kw: 0, // pairs of zeros
      busy_days: 0, // L = 0: no reading above it, on 14 days with readings
      busy_weekend_ratio: NaN, // no busy weekday
      work_kw_p90: 0,
      night_busy_hours: 0, // 14 nights, none above L
    });
  });
});

describe('a constant curve of 2.5 kW over 14 days', () => {
  it('has no spread: cv 0, acf NaN, operating_hours NaN, corr NaN', async () => {
    const result = await featuresOf(24, MONDAY, { loadKw: curve(24, 14, () => 2.5) }, { residential: day(96, (i) => i % 7) });
    expectHand(result, {
      load_factor: 1,
      cv: 0, // σ = 0 gives 0
      daily_cv: 0,
      peak_valley: 0,
      peak_hour: 0, // every slot is the max: the first
      ramp_rate: 0, // pairs exist, every step 0
      weekend_ratio: 1,
      trend_ratio: 1,
      acf_day: NaN, // Σ (x − m)² = 0
      acf_week: NaN,
      operating_hours: NaN, // max = min
      corr_residential: NaN, // flat profile
      held_max_kw: 2.5,
      busy_days: 0, // L = 2.5 = every reading: none above
      busy_weekend_ratio: NaN, // no busy weekday
      work_kw_p90: 2.5,
      night_busy_hours: 0,
    });
  });
  it('0.1 kW (not exact in binary) is still exactly flat', async () => {
    const result = await featuresOf(288, MONDAY, { loadKw: curve(288, 400, () => 0.1) }, { residential: day(96, (i) => i % 7) });
    // float32(0.1) has 24 significant bits: 120 of them sum exactly in float64, so the work mean is float32(0.1) itself.
    expectHand(result, { cv: 0, acf_day: NaN, acf_week: NaN, operating_hours: NaN, corr_residential: NaN, days: 400 });
    expectHand(result, { held_max_kw: Math.fround(0.1), work_kw_p90: Math.fround(0.1), busy_days: 0, night_busy_hours: 0 });
  });
});

describe('one condition at a time', () => {
  it('weekend_ratio: no weekday readings, no weekend readings, weekday mean 0', async () => {
    expectHand(await featuresOf(24, SATURDAY, { loadKw: curve(24, 2, () => 1) }), { weekend_ratio: NaN }); // Sat + Sun only
    expectHand(await featuresOf(24, MONDAY, { loadKw: curve(24, 5, () => 1) }), { weekend_ratio: NaN }); // Mon–Fri only
    expectHand(await featuresOf(24, MONDAY, { loadKw: curve(24, 7, (d, s) => (d >= 5 && s > 5 ? NaN : 1)) }), { weekend_ratio: 1 });
    expectHand(await featuresOf(24, MONDAY, { loadKw: curve(24, 7, (d) => (d >= 5 ? 3 : 0)) }), { weekend_ratio: NaN });
    expectHand(await featuresOf(24, MONDAY, { loadKw: curve(24, 7, (d) => (d >= 5 ? NaN : 1)) }), { weekend_ratio: NaN });
  });

  it('daily_cv: fewer than 2 days with a valid reading', async () => {
    expectHand(await featuresOf(24, MONDAY, { loadKw: curve(24, 3, (d, s) => (d === 0 ? s : NaN)) }), { daily_cv: NaN });
    // two days with one valid reading each: g = 1 and 3 → std 1 / mean 2
    expectHand(await featuresOf(24, MONDAY, { loadKw: curve(24, 3, (d, s) => (s === 0 && d < 2 ? 1 + 2 * d : NaN)) }), { daily_cv: 0.5 });
  });

  it('capacity_util: unknown capacity (absent, 0, −0, negative, NaN, ±Inf)', async () => {
    const loadKw = curve(24, 1, (_, s) => s);
    for (const capacityKw of [undefined, 0, -0, -5, NaN, Infinity, -Infinity]) {
      expectHand(await featuresOf(24, MONDAY, capacityKw === undefined ? { loadKw } : { loadKw, capacityKw }), { capacity_util: NaN });
    }
    expectHand(await featuresOf(24, MONDAY, { loadKw, capacityKw: 46 }), { capacity_util: 0.5 }); // max 23
  });

  it('acf: D < 2, D < 14, and no valid pair', async () => {
    expectHand(await featuresOf(24, MONDAY, { loadKw: curve(24, 1, (_, s) => s) }), { acf_day: NaN });
    expectHand(await featuresOf(24, MONDAY, { loadKw: curve(24, 13, (_, s) => s) }), { acf_week: NaN, acf_day: 12 / 13 });
    // day 0: only odd slots valid, day 1: only even ones: no pair (t, t + 24) has both;
    // the one consecutive valid pair is 23 → 0 across midnight: ramp |0 − 23| / 23 = 1
    const loadKw = curve(24, 2, (d, s) => (s % 2 === d ? NaN : s));
    expectHand(await featuresOf(24, MONDAY, { loadKw }), { acf_day: NaN, ramp_rate: 1 });
    // 14 days, the second week missing: no pair 7 days apart
    expectHand(await featuresOf(24, MONDAY, { loadKw: curve(24, 14, (d, s) => (d >= 7 ? NaN : s)) }), { acf_week: NaN, trend_ratio: NaN });
  });

  it('ramp_rate: no consecutive valid pair; only pairs of valid neighbours count', async () => {
    expectHand(await featuresOf(24, MONDAY, { loadKw: curve(24, 1, (_, s) => (s % 2 ? NaN : s)) }), { ramp_rate: NaN });
    // 1, NaN, 9, 8, then 1s: the 1 → 9 jump spans a gap; largest valid step 9 → 8 … 8 → 1 = 7
    expectHand(await featuresOf(24, MONDAY, { loadKw: curve(24, 1, (_, s) => [1, NaN, 9, 8][s] ?? 1) }), { ramp_rate: 7 / 9 });
  });

  it('trend_ratio: D < 14, a week without readings, first mean 0', async () => {
    expectHand(await featuresOf(24, MONDAY, { loadKw: curve(24, 13, (d) => d + 1) }), { trend_ratio: NaN });
    expectHand(await featuresOf(24, MONDAY, { loadKw: curve(24, 14, (d) => (d < 7 ? NaN : 1)) }), { trend_ratio: NaN });
    expectHand(await featuresOf(24, MONDAY, { loadKw: curve(24, 14, (d) => (d < 7 ? 0 : 1)) }), { trend_ratio: NaN });
    expectHand(await featuresOf(24, MONDAY, { loadKw: curve(24, 14, (d) => (d < 7 ? 1 : 0)) }), { trend_ratio: 0 });
  });

  it('water_per_kwh: no water, empty water, no valid water value', async () => {
    const loadKw = curve(24, 2, () => 1);
    expectHand(await featuresOf(24, MONDAY, { loadKw }), { water_per_kwh: NaN });
    expectHand(await featuresOf(24, MONDAY, { loadKw, waterM3: [] }), { water_per_kwh: NaN });
    expectHand(await featuresOf(24, MONDAY, { loadKw, waterM3: [-1, Infinity] }), { water_per_kwh: NaN });
    expectHand(await featuresOf(24, MONDAY, { loadKw, waterM3: [NaN, 0] }), { water_per_kwh: 0 }); // 0 is valid
  });
});

describe('the day features of docs/features.md', () => {
  /** P = 24: 1 kW, and 5 kW from 10:00 to 14:00 (4 h) on the days `busy` picks: H = 5, L = 3. */
  const week = (D: number, busy: (d: number) => boolean, missing: (d: number) => boolean = () => false) =>
    curve(24, D, (d, s) => (missing(d) ? NaN : busy(d) && s >= 10 && s < 14 ? 5 : 1));

  it('no two consecutive valid readings: H and the busy features NaN, work_kw_p90 defined', async () => {
    // Even slots s kW, odd slots missing (23 too, so no pair across midnight either). Work: slots 8–16 even → 12.
    const loadKw = curve(24, 7, (_, s) => (s % 2 ? NaN : s));
    expectHand(await featuresOf(24, MONDAY, { loadKw }), {
      ...ALL_NAN(['held_max_kw', 'busy_days', 'busy_weekend_ratio', 'night_busy_hours', 'ramp_rate']),
      work_kw_p90: 12,
      max_kw: 22,
    });
  });

  it('work_kw_p90: no valid work-window reading on any day; the other four defined', async () => {
    // P = 48: 08:00–18:00 missing, night (slots 0–11, 44–47) 2 kW, the rest 1: H = 2, L = 1.5.
    // 16 night readings above L a day: busy (16·24 ≥ 144), 8 h a night; Monday–Wednesday: no weekend.
    const loadKw = curve(48, 3, (_, s) => (s >= 16 && s < 36 ? NaN : s < 12 || s >= 44 ? 2 : 1));
    expectHand(await featuresOf(48, MONDAY, { loadKw }), { work_kw_p90: NaN, held_max_kw: 2, busy_days: 1, night_busy_hours: 8, busy_weekend_ratio: NaN });
  });

  it('work_kw_p90: days without a work-window reading are left out of k', async () => {
    // P = 48, day d at (3d mod 10) + 1 in the work window, 0 outside; day 0 (the 1) has no work reading:
    // k = 9 means 2…10, rank ⌈8.1⌉ = 9 → 10 (with k = 10 it would be 9).
    const loadKw = curve(48, 10, (d, s) => (s >= 16 && s < 36 ? (d === 0 ? NaN : ((3 * d) % 10) + 1) : 0));
    expectHand(await featuresOf(48, MONDAY, { loadKw }), { work_kw_p90: 10 });
  });

  it('busy_weekend_ratio: no weekend day, no weekend day with readings, no busy weekday', async () => {
    expectHand(await featuresOf(24, MONDAY, { loadKw: week(5, () => true) }), { busy_weekend_ratio: NaN, busy_days: 1 }); // Mon–Fri
    expectHand(await featuresOf(24, MONDAY, { loadKw: week(7, () => true, (d) => d >= 5) }), { busy_weekend_ratio: NaN, busy_days: 1 }); // 5 of 5
    expectHand(await featuresOf(24, MONDAY, { loadKw: week(7, (d) => d >= 5) }), { busy_weekend_ratio: NaN, busy_days: 2 / 7 });
    expectHand(await featuresOf(24, SATURDAY, { loadKw: week(2, () => true) }), { busy_weekend_ratio: NaN, busy_days: 1 }); // no weekday
    // Busy weekdays, none at the weekend: 0 (defined), and a weekday without readings still counts nowhere.
    expectHand(await featuresOf(24, MONDAY, { loadKw: week(7, (d) => d < 4, (d) => d === 4) }), { busy_weekend_ratio: 0, busy_days: 4 / 6 });
  });

  it('whole missing days are left out of the denominators of busy_days and night_busy_hours', async () => {
    // Monday start: Wed and Thu (days 2, 3) missing; Mon, Tue, Fri, Sat busy; Mon also 5 kW from 00:00 to 06:00;
    // Sun not busy, its night slots (00–06, 22–24) missing.
    // busy_days: 4 busy of 5 days with readings. Ratio: weekend 1/2 ÷ weekdays 3/3.
    // Night: 6 readings above L (Mon) over k = 4 nights with a reading (Mon, Tue, Fri, Sat) → 24·6/(24·4) = 1.5.
    // Work means 2.6 on busy days (4·5 + 6·1)/10, 1 on Sunday: k = 5, rank 5 → 2.6.
    const loadKw = curve(24, 7, (d, s) =>
      d === 2 || d === 3 || (d === 6 && (s < 6 || s >= 22)) ? NaN : d === 0 && s < 6 ? 5 : d !== 6 && s >= 10 && s < 14 ? 5 : 1,
    );
    expectHand(await featuresOf(24, MONDAY, { loadKw }), {
      busy_days: 4 / 5, busy_weekend_ratio: 1 / 2 / (3 / 3), night_busy_hours: 1.5, work_kw_p90: 2.6, held_max_kw: 5,
    });
  });
});

describe('unusable consumers: a note and every feature NaN, alone or in a batch', () => {
  it.each([
    ['no readings', 24, { loadKw: new Float32Array(0) }],
    ['a partial day', 24, { loadKw: new Float32Array(25).fill(1) }],
    ['a partial day at P = 0 (= 96)', 0, { loadKw: new Float32Array(48).fill(1) }],
    ['401 days', 24, { loadKw: new Float32Array(401 * 24).fill(1) }],
    ['water for the wrong number of days', 48, { loadKw: new Float32Array(96).fill(1), waterM3: [1, 2, 3] }],
    ['one water value for two days', 48, { loadKw: new Float32Array(96).fill(1), waterM3: [1] }],
  ] as const)('%s', async (_, P, bad) => {
    const good = { loadKw: curve(24, 1, (_, s) => s) };
    const goodRows = (P === 24 ? [good] : []) as { loadKw: Float32Array }[];
    const batch = await computeBatch(P, MONDAY, [...goodRows, bad], { templates: { residential: day(96, (i) => i) } });
    const row = batch.rows[goodRows.length]!;
    expect(batch.notes[goodRows.length]).toBeTruthy();
    expect(Object.entries(row).filter(([, v]) => !Number.isNaN(v))).toEqual([]);
    if (goodRows.length) expect(batch.rows[0]!.max_kw).toBe(23);
  });

  it('400 days is the longest usable curve', async () => {
    const result = await featuresOf(24, MONDAY, { loadKw: curve(24, 400, () => 1) });
    expect(result.note).toBeUndefined();
    expectHand(result, { days: 400, energy_kwh: 9600 });
  });
});
