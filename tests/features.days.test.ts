// Hand-computed cases for the five day features of docs/features.md
// (held_max_kw, busy_days, busy_weekend_ratio, work_kw_p90, night_busy_hours).
// Expected values are worked out in the comments from that page's table; each
// case checks the engine and the reference against them. Notation: H the held
// peak, L = min_kw + 0.5 (H − min_kw) the busy level; a day is busy with
// b · 24 ≥ 3 P readings above L (P/8 readings: 3 at P = 24, 36 at P = 288).
import { describe, expect, it } from 'vitest';
import { nextFloat32 } from './support/curves.js';
import { curve, expectHand, featuresOf } from './support/hand.js';

const MONDAY = '2024-01-01';

describe('held_max_kw', () => {
  it('one glitch reading moves max_kw, not held_max_kw', async () => {
    // P = 24: 1 kW, slot 10 = 50 (glitch), slots 14 and 15 = 4. Pairs: min(1, 50) = 1 twice, min(4, 4) = 4 → H = 4.
    // L = 1 + 0.5·3 = 2.5; above: 50, 4, 4 = 3 readings = 3 h → busy. Work 8–17: (7·1 + 50 + 4 + 4)/10 = 6.5.
    const loadKw = curve(24, 1, (_, s) => (s === 10 ? 50 : s === 14 || s === 15 ? 4 : 1));
    expectHand(await featuresOf(24, MONDAY, { loadKw }), {
      max_kw: 50, held_max_kw: 4, busy_days: 1, busy_weekend_ratio: NaN, work_kw_p90: 6.5, night_busy_hours: 0,
    });
  });

  it('two high readings across midnight are held', async () => {
    // Mon 23:00 = Tue 00:00 = 6 kW, Mon 12:00 = 9 (glitch), else 1: H = min(6, 6) = 6, L = 3.5.
    // Above L: Mon 12:00, 23:00; Tue 00:00: 2 and 1 readings, neither day busy.
    // Night: 2 readings above over k = 2 nights → 24·2/(24·2) = 1 h. Work means 1.8 (Mon) and 1: rank ⌈1.8⌉ = 2 → 1.8.
    const loadKw = curve(24, 2, (d, s) => ((d === 0 && s === 23) || (d === 1 && s === 0) ? 6 : d === 0 && s === 12 ? 9 : 1));
    expectHand(await featuresOf(24, MONDAY, { loadKw }), { max_kw: 9, held_max_kw: 6, busy_days: 0, night_busy_hours: 1, work_kw_p90: 1.8 });
  });

  it('a missing reading between two high ones breaks the pair', async () => {
    // P = 48: 2 kW, slots 20 and 22 = 7, slot 21 missing: every pair has a 2 → H = 2 = min_kw, L = 2.
    // Above L: 2 readings (6 needed) → not busy. Work slots 16–35, 19 valid: (17·2 + 2·7)/19 = 48/19.
    const loadKw = curve(48, 1, (_, s) => (s === 21 ? NaN : s === 20 || s === 22 ? 7 : 2));
    expectHand(await featuresOf(48, MONDAY, { loadKw }), { max_kw: 7, held_max_kw: 2, busy_days: 0, work_kw_p90: 48 / 19 });
  });
});

describe('busy_days and busy_weekend_ratio', () => {
  // P = 96, Monday to Sunday: 1 kW, and 5 kW from 10:00 to 14:00 (slots 40–55, 16 readings = 4 h) on the busy days.
  // H = 5, L = 3: a busy day has 16 readings above L (16·24 = 384 ≥ 288), the others none.
  // Work window (slots 32–71, 40 readings): (16·5 + 24·1)/40 = 2.6 on a busy day, 1 else; k = 7, rank 7 = 2.6.
  it.each([
    ['Monday–Friday', [0, 1, 2, 3, 4], 5 / 7, 0 / 2 / (5 / 5)],
    ['Monday–Saturday', [0, 1, 2, 3, 4, 5], 6 / 7, 1 / 2 / (5 / 5)],
    ['Monday–Thursday and the weekend', [0, 1, 2, 3, 5, 6], 6 / 7, 2 / 2 / (4 / 5)],
  ])('a workshop busy %s', async (_, busy, busyDays, ratio) => {
    const loadKw = curve(96, 7, (d, s) => (busy.includes(d) && s >= 40 && s < 56 ? 5 : 1));
    expectHand(await featuresOf(96, MONDAY, { loadKw }), {
      held_max_kw: 5, busy_days: busyDays, busy_weekend_ratio: ratio, work_kw_p90: 2.6, night_busy_hours: 0,
    });
  });

  it.each([24, 48, 96, 288])('P = %i: 3 h above L is busy, one reading less is not', async (P) => {
    // 1 kW; from 09:00 (slot 9P/24) 4 kW for P/8 readings on day 0 and P/8 − 1 on day 1 (≥ 2: H = 4), L = 2.5.
    // Day 0: (P/8)·24 = 3P → busy; day 1: (P/8 − 1)·24 < 3P → not. Work window 10P/24 slots:
    // day 0 mean 1 + 3·(P/8)/(10P/24) = 1.9 > day 1; k = 2, rank ⌈1.8⌉ = 2 → 1.9.
    const from = (9 * P) / 24;
    const loadKw = curve(P, 2, (d, s) => (s >= from && s < from + P / 8 - d ? 4 : 1));
    expectHand(await featuresOf(P, MONDAY, { loadKw }), { held_max_kw: 4, busy_days: 0.5, work_kw_p90: 1.9 });
  });

  it('a reading exactly at L is not above it, the next float32 is', async () => {
    // P = 24, 1 kW, 4 kW at 09:00 and 10:00 both days: H = 4, L = 2.5 (exact).
    // 11:00 and 23:00 are 2.5 on day 0 (2 above: not busy) and the next float32 on day 1 (4 above: busy).
    // Night: Tue 23:00 only → 24·1/(24·2) = 0.5 h.
    const over = nextFloat32(2.5, 1);
    const loadKw = curve(24, 2, (d, s) => (s === 9 || s === 10 ? 4 : s === 11 || s === 23 ? [2.5, over][d]! : 1));
    expectHand(await featuresOf(24, MONDAY, { loadKw }), { held_max_kw: 4, busy_days: 0.5, night_busy_hours: 0.5 });
  });

  it('L between two float32 values: the float32 below is not above it, the one above is', async () => {
    // min = float32(0.1), H = 3: L = min + 0.5·(3 − min) is no float32. Both days: min, 3 kW at 12:00 and 13:00;
    // 15:00 is the float32 just below L on day 0 (2 above: not busy), just above on day 1 (3 above: busy).
    const min = Math.fround(0.1);
    const level = min + 0.5 * (3 - min);
    const below = Math.fround(level) < level ? Math.fround(level) : nextFloat32(Math.fround(level), -1);
    expect([below < level, nextFloat32(below, 1) > level]).toEqual([true, true]);
    const loadKw = curve(24, 2, (d, s) => (s === 12 || s === 13 ? 3 : s === 15 ? [below, nextFloat32(below, 1)][d]! : min));
    expectHand(await featuresOf(24, MONDAY, { loadKw }), { held_max_kw: 3, busy_days: 0.5 });
  });
});

describe('work_kw_p90 (nearest rank ⌈0.9 k⌉ of the daily work-window means)', () => {
  it('30 days: rank 27, the 4th largest', async () => {
    // Day d: v = (7d mod 30) + 1 (1…30, each once); work slots 8–17 alternate v + 1 and v − 1 (mean v); 100 kW outside.
    const loadKw = curve(24, 30, (d, s) => (s >= 8 && s < 18 ? ((7 * d) % 30) + 1 + (s % 2 ? -1 : 1) : 100));
    expectHand(await featuresOf(24, MONDAY, { loadKw }), { work_kw_p90: 27 });
  });
  it('10 days: rank 9, the 2nd largest', async () => {
    // P = 48, day d: work slots 16–35 at (3d mod 10) + 1 (1…10, each once), 0 outside.
    const loadKw = curve(48, 10, (d, s) => (s >= 16 && s < 36 ? ((3 * d) % 10) + 1 : 0));
    expectHand(await featuresOf(48, MONDAY, { loadKw }), { work_kw_p90: 9 });
  });
  it('1 day: the day itself', async () => {
    // P = 96: work slot s (32–71) = s − 31 (1…40), mean 20.5; 50 kW outside.
    const loadKw = curve(96, 1, (_, s) => (s >= 32 && s < 72 ? s - 31 : 50));
    expectHand(await featuresOf(96, MONDAY, { loadKw }), { work_kw_p90: 20.5, max_kw: 50 });
  });
});

describe('night_busy_hours', () => {
  /** 1 kW, 6 kW from `from` h on Monday–Friday evenings to `to` h the next morning (Tuesday–Saturday). */
  const shift = (P: number, from: number, to: number) =>
    curve(P, 7, (d, s) => ((s * 24 >= from * P && d <= 4) || (s * 24 < to * P && d >= 1 && d <= 5) ? 6 : 1));

  it.each([24, 48, 96, 288])('P = %i: a 22:00–06:00 shift on Monday–Friday nights', async (P) => {
    // H = 6, L = 3.5. Hours above (all in the night window): Mon 2, Tue–Fri 8, Sat 6, Sun 0 → 40 h over 7 nights.
    // Busy (≥ 3 h): Tue–Sat → 5/7; weekend 1/2 ÷ weekdays 4/5.
    expectHand(await featuresOf(P, MONDAY, { loadKw: shift(P, 22, 6) }), {
      held_max_kw: 6, night_busy_hours: 40 / 7, busy_days: 5 / 7, busy_weekend_ratio: 1 / 2 / (4 / 5), work_kw_p90: 1,
    });
  });

  it.each([24, 48, 96])('P = %i: a 21:00–07:00 shift, whose first and last hour are outside the night window', async (P) => {
    // Hours above: Mon 3 (2 at night), Tue–Fri 10 (8), Sat 7 (6), Sun 0 → 40 h of night over 7 nights.
    // Busy: Mon (exactly 3 h) to Sat → 6/7; weekend 1/2 ÷ weekdays 5/5.
    expectHand(await featuresOf(P, MONDAY, { loadKw: shift(P, 21, 7) }), {
      night_busy_hours: 40 / 7, busy_days: 6 / 7, busy_weekend_ratio: 0.5, work_kw_p90: 1,
    });
  });

  // One reading above L either side of the 06:00 and 22:00 edges. At P = 24 the edges fall inside four-slot
  // vectors (slots 4–7, 20–23) and, in pass 2, inside eight-slot turns at P = 24 and 48: completed from the readings.
  it.each([
    ...[0, 4, 5, 22, 23].map((slot) => [24, slot, 1] as const), // 00:00, 04:00, 05:00, 22:00, 23:00
    ...[6, 7, 16, 20, 21].map((slot) => [24, slot, 0] as const), // 06:00, 07:00, 16:00, 20:00, 21:00
    ...[8, 11, 44, 47].map((slot) => [48, slot, 1] as const), // 04:00, 05:30, 22:00, 23:30
    ...[12, 15, 40, 43].map((slot) => [48, slot, 0] as const), // 06:00, 07:30, 20:00, 21:30
    ...([[96, 23, 1], [96, 88, 1], [96, 24, 0], [96, 87, 0]] as const), // 05:45, 22:00 | 06:00, 21:45
    ...([[288, 71, 1], [288, 264, 1], [288, 72, 0], [288, 263, 0]] as const), // 05:55, 22:00 | 06:00, 21:55
  ] as (readonly [number, number, number])[])('P = %i: 5 kW in slot %i of day 1 counts %i reading at night', async (P, slot, inside) => {
    // Day 0: 5 kW at 12:00 and the next slot (H = 5), 1 kW else; L = 3. Two nights with readings:
    // 24 · inside / (P · 2). Neither day busy.
    const loadKw = curve(P, 2, (d, s) => ((d === 0 && (s === P / 2 || s === P / 2 + 1)) || (d === 1 && s === slot) ? 5 : 1));
    expectHand(await featuresOf(P, MONDAY, { loadKw }), { held_max_kw: 5, night_busy_hours: (24 * inside) / (P * 2), busy_days: 0 });
  });

  // The denominator k: a day counts when it has a valid reading in the night window, wherever the edge falls.
  it.each([
    ...[4, 5, 22, 23].map((slot) => [24, slot, 1] as const), // 04:00, 05:00, 22:00, 23:00
    ...[6, 7, 20, 21].map((slot) => [24, slot, 0] as const), // 06:00, 07:00, 20:00, 21:00
    ...([[48, 11, 1], [48, 44, 1], [48, 12, 0], [48, 43, 0]] as const), // 05:30, 22:00 | 06:00, 21:30
  ] as (readonly [number, number, number])[])('P = %i: a day whose one valid reading is slot %i adds %i night to k', async (P, slot, inside) => {
    // Day 0: 5 kW in slots 0 and 1 (H = 5, L = 3, 2 readings above L at night), 1 kW else; day 1: 1 kW in
    // `slot` only. k = 1 + inside: 24·2/(P·(1 + inside)). Two days with readings, neither busy.
    const loadKw = curve(P, 2, (d, s) => (d === 0 ? (s < 2 ? 5 : 1) : s === slot ? 1 : NaN));
    expectHand(await featuresOf(P, MONDAY, { loadKw }), { night_busy_hours: (24 * 2) / (P * (1 + inside)), busy_days: 0 });
  });
});
