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
    });
  });
  it('0.1 kW (not exact in binary) is still exactly flat', async () => {
    const result = await featuresOf(288, MONDAY, { loadKw: curve(288, 400, () => 0.1) }, { residential: day(96, (i) => i % 7) });
    expectHand(result, { cv: 0, acf_day: NaN, acf_week: NaN, operating_hours: NaN, corr_residential: NaN, days: 400 });
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
