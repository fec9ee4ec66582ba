// Hand-computed cases, one or more per feature. Expected values are worked
// out in the comments from the formulas of features.md; each case checks the
// engine and the reference against them.
import { describe, it } from 'vitest';
import { curve, day, expectHand, featuresOf } from './support/hand.js';

const MONDAY = '2024-01-01';
const SATURDAY = '2024-01-06';

describe('whole-curve features on one hourly day (P = 24, D = 1, Monday 2024-01-01)', () => {
  // Hours 0–5 and 22–23 (night, 8 slots) = 1 kW; 8–17 (work, 10 slots) = 3 kW; 6, 7, 18–21 (6 slots) = 2 kW.
  const levels = day(24, (s) => (s < 6 || s >= 22 ? 1 : s >= 8 && s < 18 ? 3 : 2));
  it('sums, shares, shape, capacity and water', async () => {
    const result = await featuresOf(24, MONDAY, { loadKw: Float32Array.from(levels), capacityKw: 6, waterM3: [5] });
    expectHand(result, {
      days: 1,
      missing_share: 0,
      mean_kw: 50 / 24, // Σx = 8·1 + 6·2 + 10·3 = 50 over 24 readings
      max_kw: 3,
      min_kw: 1,
      energy_kwh: 50, // h = 1
      load_factor: 50 / 24 / 3,
      cv: Math.sqrt(107) / 25, // Σx² = 122, Σ(x−m)² = 122 − 2500/24 = 107/6, σ = √107/12, m = 25/12
      night_share: 8 / 50,
      work_share: 30 / 50,
      weekend_ratio: NaN, // a Monday only: no weekend readings
      peak_valley: 2 / 3, // p = x: (3 − 1)/3
      peak_hour: 8, // first slot at 3 kW
      daily_cv: NaN, // one day
      zero_share: 0,
      capacity_util: 0.5, // 3/6
      acf_day: NaN, // D < 2
      acf_week: NaN, // D < 14
      ramp_rate: 1 / 3, // steps of 1 kW, ÷ max 3
      operating_hours: 10, // θ = 1 + 0.5·2 = 2; 10 readings > 2: 24·10/24
      trend_ratio: NaN, // D < 14
      water_per_kwh: 0.1, // 5 m³ / 50 kWh
    });
  });

  it('leaves missing readings out of every sum, count and pair', async () => {
    // Slots 0–5: NaN, +Inf, −Inf, −1, −0.5, NaN (missing); slot 10 = 8 kW; the other 17 = 2 kW.
    const missing = [NaN, Infinity, -Infinity, -1, -0.5, NaN];
    const loadKw = Float32Array.from(day(24, (s) => (s < 6 ? missing[s]! : s === 10 ? 8 : 2)));
    expectHand(await featuresOf(24, MONDAY, { loadKw }), {
      missing_share: 6 / 24,
      mean_kw: 42 / 18, // 17·2 + 8 = 42 over n = 18
      max_kw: 8,
      min_kw: 2,
      energy_kwh: 42,
      night_share: 4 / 42, // valid night slots: 22, 23 (2 kW each)
      work_share: 26 / 42, // 8–17: 9·2 + 8
      ramp_rate: 6 / 8, // 2 → 8 → 2
      operating_hours: 24 / 18, // θ = 5; one reading above: 24·1/18
      zero_share: 0,
    });
  });
});

describe('zero_share at the 0.01 kW boundary', () => {
  it('counts float32 0.01 and −0 as zero, the next float32 above 0.01 not', async () => {
    const f001 = Math.fround(0.01); // 0.009999999776… ≤ 0.01
    const above = 0.010000000707805157; // next float32 after it, > 0.01
    const loadKw = Float32Array.from(day(24, (s) => [f001, above, -0, 1][s % 4]!));
    // 6 + 6 of 24 readings are ≤ 0.01; min is +0 (−0 counts as 0 and is never output)
    expectHand(await featuresOf(24, MONDAY, { loadKw }), { zero_share: 0.5, min_kw: 0 });
  });
});

describe('−0 readings count as 0 and never give −0', () => {
  it('a step from +0 to −0 is a ramp of +0', async () => {
    // Valid pairs: (0, −0) only, plus 5 kW alone: largest step |−0 − 0| = 0, ÷ max 5 = +0
    const loadKw = Float32Array.from(day(24, (s) => [0, -0, NaN, 5][s] ?? NaN));
    expectHand(await featuresOf(24, MONDAY, { loadKw }), { ramp_rate: 0, min_kw: 0, zero_share: 2 / 3, operating_hours: 8 });
  });
  it('−0 first and last in the curve', async () => {
    const loadKw = Float32Array.from(day(24, (s) => (s === 0 || s === 23 ? -0 : 2)));
    // min +0; θ = 1: 22 readings above → 22 h; steps of 2 → ramp 1; p min +0 → peak_valley 1
    expectHand(await featuresOf(24, MONDAY, { loadKw }), { min_kw: 0, operating_hours: 22, ramp_rate: 1, peak_valley: 1, zero_share: 2 / 24 });
  });
});

describe('peak_hour and peak_valley per points-per-day', () => {
  it.each([
    [48, 17, 8.5],
    [96, 33, 8.25],
    [288, 7, 7 / 12], // 24·7/288
    [24, 23, 23],
  ])('P = %i: first peak at slot %i → hour %d', async (P, slot, hour) => {
    // 1 kW everywhere, 5 kW at `slot` and again at a later slot: the first one counts.
    const loadKw = curve(P, 2, (_, s) => (s === slot || s === P - 1 ? 5 : 1));
    expectHand(await featuresOf(P, MONDAY, { loadKw }), { peak_hour: hour, peak_valley: 0.8 }); // (5 − 1)/5
  });

  it('averages each slot over days and skips slots without a value', async () => {
    // P = 24, D = 2: slot 3 = 9 then 1 (p = 5); slot 4 = 6 then missing (p = 6); the rest 2 then 4 (p = 3); slot 0 missing on both days.
    const loadKw = curve(24, 2, (d, s) => (s === 0 ? NaN : s === 3 ? [9, 1][d]! : s === 4 ? [6, NaN][d]! : [2, 4][d]!));
    expectHand(await featuresOf(24, MONDAY, { loadKw }), { peak_hour: 4, peak_valley: 0.5 }); // (6 − 3)/6
  });
});

describe('night and work slots at their boundaries', () => {
  it.each([
    // P = 96: 21:45 and 22:00, 05:45 and 06:00, 07:45 and 08:00, 17:45 and 18:00
    [96, [87, 88, 23, 24, 31, 32, 71, 72]],
    // P = 288: 21:55 and 22:00, 05:55 and 06:00, 07:55 and 08:00, 17:55 and 18:00
    [288, [263, 264, 71, 72, 95, 96, 215, 216]],
  ])('P = %i', async (P, slots) => {
    const loadKw = curve(P, 1, (_, s) => (slots.includes(s) ? 1 : 0));
    // 8 kW·slots in all; night: 22:00 and 05:xx; work: 08:00 and 17:xx
    expectHand(await featuresOf(P, MONDAY, { loadKw }), { night_share: 0.25, work_share: 0.25 });
  });
});

describe('calendar: weekend_ratio and daily_cv', () => {
  // Constant days: 4 kW on day 0, 6 kW on day 1, 2 kW on days 2–6.
  const week = curve(24, 7, (d) => [4, 6, 2, 2, 2, 2, 2][d]!);
  it('starting on Saturday 2024-01-06', async () => {
    expectHand(await featuresOf(24, SATURDAY, { loadKw: week }), {
      weekend_ratio: 2.5, // weekend (4 + 6)/2 = 5, weekdays 2
      // g = 4, 6, 2, 2, 2, 2, 2: mean 20/7, Σg² = 72, variance 72/7 − 400/49 = 104/49
      daily_cv: Math.sqrt(104) / 20,
      // m = 20/7; deviations 8/7, 22/7, −6/7 ×5; per slot Σ dev² = 728/49,
      // lag-1-day products 176/49 − 132/49 + 4·36/49 = 188/49 → 188/728
      acf_day: 47 / 182,
    });
  });
  it('starting on Monday 2024-01-01: the weekend is days 5 and 6', async () => {
    expectHand(await featuresOf(24, MONDAY, { loadKw: week }), { weekend_ratio: 2 / 3.2 }); // weekdays (4+6+2+2+2)/5
  });
  it('across 29 February 2000 (Monday 2000-02-28; days 5, 6 are 4 and 5 March)', async () => {
    const loadKw = curve(48, 7, (d) => (d >= 5 ? 3 : 1));
    expectHand(await featuresOf(48, '2000-02-28', { loadKw }), { weekend_ratio: 3 });
  });
  it('from Friday 1999-12-31 over the year change', async () => {
    const loadKw = curve(24, 4, (d) => [1, 6, 2, 3][d]!); // Fri, Sat, Sun, Mon
    expectHand(await featuresOf(24, '1999-12-31', { loadKw }), { weekend_ratio: 4 / 2 }); // (6+2)/2 ÷ (1+3)/2
  });
});

describe('autocorrelation', () => {
  it('identical days: acf_day = (D − 1)/D', async () => {
    const loadKw = curve(24, 4, (_, s) => 1 + (s % 3));
    expectHand(await featuresOf(24, MONDAY, { loadKw }), { acf_day: 3 / 4, acf_week: NaN });
  });
  it('14 identical days: acf_day = 13/14, acf_week = 7/14', async () => {
    const loadKw = curve(96, 14, (_, s) => (s >= 32 && s < 72 ? 4 : 1));
    expectHand(await featuresOf(96, MONDAY, { loadKw }), { acf_day: 13 / 14, acf_week: 0.5 });
  });
  it('a weekly pattern over 14 days', async () => {
    // Days 1,1,1,1,1,3,3 twice. m = 11/7, deviations A = −4/7 (×5 days), B = 10/7 (×2).
    // Per slot Σ dev² = 2·(5·16 + 2·100)/49 = 560/49. Lag 7: same days → 280/49 → 0.5.
    // Lag 1: 8 AA, 3 AB/BA, 2 BB → (128 − 120 + 200)/49 = 208/49 → 208/560 = 13/35.
    const loadKw = curve(24, 14, (d) => (d % 7 >= 5 ? 3 : 1));
    expectHand(await featuresOf(24, MONDAY, { loadKw }), { acf_week: 0.5, acf_day: 13 / 35, weekend_ratio: 3, trend_ratio: 1 });
  });
  it('anti-correlated days, and the same with one reading missing', async () => {
    // Day 0 = 1, day 1 = 3: m = 2, every pair (−1)(+1), Σ dev² = 48 → −24/48.
    expectHand(await featuresOf(24, MONDAY, { loadKw: curve(24, 2, (d) => 1 + 2 * d) }), { acf_day: -0.5 });
    // Slot 0 of day 1 missing: m = 93/47, deviations −46/47 and 48/47; 23 pairs:
    // −23·2208 / (24·2116 + 23·2304) = −50784/103776 = −23/47.
    const loadKw = curve(24, 2, (d, s) => (d === 1 && s === 0 ? NaN : 1 + 2 * d));
    expectHand(await featuresOf(24, MONDAY, { loadKw }), { acf_day: -23 / 47 });
  });
});

describe('ramp_rate and operating_hours', () => {
  it('ramp across the day boundary', async () => {
    const loadKw = curve(24, 2, (d, s) => (d === 1 && s === 0 ? 5 : 1)); // 1 → 5 → 1 at t = 23, 24, 25
    expectHand(await featuresOf(24, MONDAY, { loadKw }), { ramp_rate: 0.8 });
  });
  it('readings exactly at θ are not above it', async () => {
    // 8 readings each of 1, 2, 3: θ = 1 + 0.5·(3 − 1) = 2, so 8 readings above → 8 h
    expectHand(await featuresOf(24, MONDAY, { loadKw: curve(24, 1, (_, s) => 1 + (s % 3)) }), { operating_hours: 8 });
    // Add a day with 12 readings of 3 and 12 missing: 20 above of n = 36 → 24·20/36 = 40/3
    const loadKw = curve(24, 2, (d, s) => (d === 0 ? 1 + (s % 3) : s < 12 ? 3 : NaN));
    expectHand(await featuresOf(24, MONDAY, { loadKw }), { operating_hours: 40 / 3 });
  });
  it('P = 96: a quarter of the day at 5 kW over 1 kW is 6 h', async () => {
    expectHand(await featuresOf(96, MONDAY, { loadKw: curve(96, 3, (_, s) => (s >= 40 && s < 64 ? 5 : 1)) }), { operating_hours: 6 });
  });
});

describe('trend_ratio over 14 or more days', () => {
  it('day d at d + 1 kW', async () => {
    // first 7 days mean (1..7) = 4, last 7 (8..14) = 11
    expectHand(await featuresOf(24, MONDAY, { loadKw: curve(24, 14, (d) => d + 1) }), { trend_ratio: 11 / 4 });
    // D = 20: last 7 days are 14..20, mean 17
    expectHand(await featuresOf(24, MONDAY, { loadKw: curve(24, 20, (d) => d + 1) }), { trend_ratio: 17 / 4 });
  });
});

describe('water_per_kwh', () => {
  it('sums the valid daily water over energy_kwh', async () => {
    // 1 kW over 2 days = 48 kWh; water 2 m³ and a missing day
    expectHand(await featuresOf(24, MONDAY, { loadKw: curve(24, 2, () => 1), waterM3: [2, NaN] }), { water_per_kwh: 2 / 48, energy_kwh: 48 });
    // P = 48: 2 kW over one day = 0.5 h · 48 · 2 = 48 kWh; 12 m³
    expectHand(await featuresOf(48, MONDAY, { loadKw: curve(48, 1, () => 2), waterM3: [12] }), { water_per_kwh: 0.25, energy_kwh: 48 });
    // P = 288: 6 kW over one day = 144 kWh; water 0 and 36 m³
    expectHand(await featuresOf(288, MONDAY, { loadKw: curve(288, 2, () => 3), waterM3: [0, 36] }), { water_per_kwh: 0.25, energy_kwh: 144 });
  });
});
