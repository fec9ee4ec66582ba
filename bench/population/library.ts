// Daily shape tables of the labelled population, built once per generator
// (per points_per_day), so that generating a consumer is only picking shapes
// and amplitudes and the per-reading work is a couple of table loads.
//
// Where ../shared/data has real profiles they are used (source 'real'):
//   households       LCL London 2013: each of the 100 households' mean workday,
//                    Saturday and Sunday; BDEW H25 (12 months) and H0 (3 seasons);
//                    and the real days of the 89 households with a full year
//                    (householdYears), which most generated households use
//   shift workers    those household days rotated by 6-11 h
//   shops            BDEW 1999 G4 and G0 typical days (3 seasons)
//   restaurants      BDEW 1999 G2 (evening-heavy trade) typical days
//   offices          BDEW 1999 G1; VDI 4657-3 offices small/medium (mean days)
//   factories        VDI metal processing + furniture shop (1 shift),
//                    electroplating (2 shifts), DAEWOO steel (3 shifts)
//   machinery        the production part of the VDI workshop days
//                    ((day - night base) / range), also moved to the night
// always mixed with parametric variants (the only ones without the data).
// Units: base shapes have a weekly mean of 1 (multiply by mean kW); overlays
// (machinery, heating, EV charging, bursts) have a peak of 1 (multiply by kW).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Prng } from './prng.js';
import { bdew1999, bdew2025, dataRoot, londonHouseholds, meanProfile, steelPlant, vdiProfile, type VdiName } from '../real-data/data.js';

export interface WeekShapes {
  readonly workday: Float32Array;
  readonly saturday: Float32Array;
  readonly sunday: Float32Array;
  /** Largest value of the three days. */
  readonly max: number;
}

export interface ShapeLibrary {
  readonly source: 'real' | 'parametric';
  /** Why the parametric fallback is used, when it is. */
  readonly notice: string | undefined;
  readonly P: number;
  readonly households: readonly WeekShapes[];
  readonly shifted: readonly WeekShapes[];
  readonly shops: readonly WeekShapes[];
  readonly restaurants: readonly WeekShapes[];
  readonly offices: readonly WeekShapes[];
  readonly factory1: readonly WeekShapes[];
  readonly factory2: readonly WeekShapes[];
  readonly factory3: readonly WeekShapes[];
  /** Machinery overlays, peak 1; Sunday mostly idle. */
  readonly dayShift: readonly WeekShapes[];
  readonly twoShift: readonly WeekShapes[];
  readonly nightShift: readonly WeekShapes[];
  /**
   * Real household years (kW, not normalised): LCL London 2013, each
   * household's first 364 days at P readings a day, with one padding day on
   * each side (day −1 = day 363, day 364 = day 0) so that a reader may shift
   * time by up to a day. Day j (0-based) starts at (j + 1) × P and falls on
   * weekday (HOUSEHOLD_YEAR_WEEKDAY + j) mod 7. Empty without the data.
   */
  readonly householdYears: readonly Float32Array[];
  /** Single days of machinery in irregular blocks, peak 1. */
  readonly bursts: readonly Float32Array[];
  /** Storage-heating charge blocks (night), peak 1. */
  readonly heating: readonly Float32Array[];
  /** EV charging blocks: index start × EV_DURATIONS + duration; peak 1. */
  readonly ev: readonly Float32Array[];
  /** 1 everywhere (standby, flat loads). */
  readonly ones: Float32Array;
}

/** Days in a household year (52 weeks, so that wrapping keeps the weekday). */
export const HOUSEHOLD_YEAR_DAYS = 364;
/** Weekday of 2013-01-01, day 0 of the London households (Tuesday; Monday = 0). */
export const HOUSEHOLD_YEAR_WEEKDAY = 1;

export const EV_STARTS = 13; // 20:00 … 02:00 in 30-minute steps
export const EV_DURATIONS = 10; // 1 h … 5.5 h in 30-minute steps

export type ShapeSource = 'auto' | 'parametric';

const cache = new Map<string, ShapeLibrary>();

/** The shape library for P readings a day (cached). 'auto' uses ../shared/data when present. */
export function shapeLibrary(P: number, source: ShapeSource = 'auto'): ShapeLibrary {
  const key = `${P}/${source}`;
  let lib = cache.get(key);
  if (!lib) {
    lib = build(P, source);
    cache.set(key, lib);
  }
  return lib;
}

// ---------------------------------------------------------------- helpers

const hourOf = (s: number, P: number) => ((s + 0.5) * 24) / P;

function sample(P: number, level: (hour: number) => number): Float32Array {
  const out = new Float32Array(P);
  for (let s = 0; s < P; s++) out[s] = Math.max(0, level(hourOf(s, P)));
  return out;
}

/** Resamples a day of n readings to P readings (means of groups, or repeats). */
function resample(day: ArrayLike<number>, P: number): Float32Array {
  const n = day.length;
  const out = new Float32Array(P);
  if (n === P) for (let s = 0; s < P; s++) out[s] = day[s]!;
  else if (n > P) {
    const k = n / P;
    for (let s = 0; s < P; s++) {
      let sum = 0;
      for (let j = 0; j < k; j++) sum += day[s * k + j]!;
      out[s] = sum / k;
    }
  } else {
    const k = P / n;
    for (let s = 0; s < P; s++) out[s] = day[Math.floor(s / k)]!;
  }
  return out;
}

function maxOf(...days: Float32Array[]): number {
  let m = 0;
  for (const d of days) for (const v of d) if (v > m) m = v;
  return m;
}

/** Base shapes: scaled so that the week (5 workdays, Saturday, Sunday) has mean 1. */
function week(workday: Float32Array, saturday: Float32Array, sunday: Float32Array): WeekShapes {
  const mean = (d: Float32Array) => d.reduce((a, v) => a + v, 0) / d.length;
  const m = (5 * mean(workday) + mean(saturday) + mean(sunday)) / 7;
  const f = m > 0 ? 1 / m : 1;
  const [w, sa, su] = [workday, saturday, sunday].map((d) => d.map((v) => v * f));
  return { workday: w!, saturday: sa!, sunday: su!, max: maxOf(w!, sa!, su!) };
}

/** Overlays: scaled so that the largest value is 1. */
function peakWeek(workday: Float32Array, saturday: Float32Array, sunday: Float32Array): WeekShapes {
  const m = maxOf(workday, saturday, sunday);
  const f = m > 0 ? 1 / m : 1;
  const [w, sa, su] = [workday, saturday, sunday].map((d) => d.map((v) => v * f));
  return { workday: w!, saturday: sa!, sunday: su!, max: 1 };
}

function rotate(day: Float32Array, slots: number): Float32Array {
  const P = day.length;
  return day.map((_, s) => day[(((s - slots) % P) + P) % P]!);
}

const rotateWeek = (w: WeekShapes, slots: number): WeekShapes => ({ workday: rotate(w.workday, slots), saturday: rotate(w.saturday, slots), sunday: rotate(w.sunday, slots), max: w.max });

/** A smooth 0→1→0 window over [start, end) hours (end may pass 24: wraps). */
function window(hour: number, start: number, end: number, edge: number): number {
  const one = (h: number) => (0.5 + 0.5 * Math.tanh((h - start) / edge)) * (0.5 - 0.5 * Math.tanh((h - end) / edge));
  return Math.max(one(hour), one(hour + 24), one(hour - 24));
}

const bump = (hour: number, centre: number, width: number) => {
  const d = Math.min(Math.abs(hour - centre), 24 - Math.abs(hour - centre));
  return Math.exp(-(d * d) / (2 * width * width));
};

// ---------------------------------------------------------------- parametric shapes

function parametricHousehold(P: number, rng: Prng): WeekShapes {
  const base = rng.range(0.15, 0.45);
  const morning = rng.range(0.2, 0.9);
  const evening = rng.range(0.8, 2.2);
  const eveningAt = rng.range(18, 21);
  const width = rng.range(1.2, 2.6);
  const midday = rng.range(0, 0.5);
  const day = (late: number, home: number) => sample(P, (h) => base + morning * bump(h, 7 + late, 0.9) + home * midday * bump(h, 13, 2.2) + evening * bump(h, eveningAt, width));
  return week(day(0, 1), day(1.5, 1.6), day(1.5, 1.8));
}

function parametricShop(P: number, rng: Prng): WeekShapes {
  const fridge = rng.range(0.15, 0.45);
  const opens = rng.range(7.5, 10);
  const closes = rng.range(18, 22);
  const dip = rng.range(0, 0.25);
  const day = (f: number, o: number, c: number) => sample(P, (h) => fridge + f * window(h, o, c, 0.3) * (1 - dip * bump(h, 13.5, 1)));
  return week(day(1, opens, closes), day(1.1, opens, closes - 1), day(rng.chance(0.5) ? 0.8 : 0, opens + 1, closes - 3));
}

function parametricRestaurant(P: number, rng: Prng): WeekShapes {
  const base = rng.range(0.15, 0.4);
  const lunch = rng.range(0.4, 1);
  const dinner = rng.range(0.7, 1.3);
  const opens = rng.range(10, 11.5);
  const closes = rng.range(21.5, 24);
  const day = (f: number) => sample(P, (h) => base + f * window(h, opens, closes, 0.4) * (0.4 + lunch * bump(h, 12.5, 1.2) + dinner * bump(h, 19, 1.6)));
  return week(day(1), day(1.2), day(1.1));
}

function parametricOffice(P: number, rng: Prng): WeekShapes {
  const base = rng.range(0.1, 0.35);
  const arrive = rng.range(7, 9);
  const leave = arrive + rng.range(9, 11);
  const workday = sample(P, (h) => base + window(h, arrive, leave, 0.6) * (1 - 0.12 * bump(h, 12.5, 0.7)));
  const weekend = sample(P, () => base);
  return week(workday, rng.chance(0.2) ? sample(P, (h) => base + 0.3 * window(h, 9, 13, 0.5)) : weekend, weekend);
}

function parametricFactory(P: number, shifts: number, rng: Prng): WeekShapes {
  const base = rng.range(0.05, 0.3);
  const start = shifts === 3 ? 6 : rng.range(5.5, 8);
  const end = shifts === 3 ? 30 : start + 8.5 * shifts;
  const running = (h: number) => (shifts === 3 ? 1 : window(h, start, end, 0.25)) * (1 - 0.25 * bump(h, start + 4.5, 0.3) - (shifts > 1 ? 0.2 * bump(h, start + 8.5, 0.3) : 0));
  const sat = shifts === 3 ? 0.9 : rng.chance(0.4) ? 0.6 : 0;
  const sun = shifts === 3 ? 0.8 : 0;
  return week(sample(P, (h) => base + running(h)), sample(P, (h) => base + sat * running(h)), sample(P, (h) => base + sun * running(h)));
}

/** Machinery: a shift from `start` lasting `hours` (may pass midnight), lunch dip, slight ramp. */
function parametricMachinery(P: number, start: number, hours: number, rng: Prng): WeekShapes {
  const dip = rng.range(0.1, 0.6);
  const dipAt = start + hours / 2;
  const run = (h: number, len: number) => window(h, start, start + len, 0.2) * (1 - dip * bump(h, dipAt, 0.4)) * (0.85 + 0.15 * rng.next());
  const satHours = rng.chance(0.5) ? hours / 2 : hours;
  return peakWeek(sample(P, (h) => run(h, hours)), sample(P, (h) => run(h, satHours)), sample(P, () => 0));
}

function burstDay(P: number, rng: Prng): Float32Array {
  const out = new Float32Array(P);
  const blocks = rng.int(1, 5);
  for (let b = 0; b < blocks; b++) {
    const start = rng.range(7, 21);
    const len = rng.range(0.5, 3);
    const level = rng.range(0.5, 1);
    for (let s = 0; s < P; s++) {
      const h = hourOf(s, P);
      if (h >= start && h < start + len) out[s] = Math.max(out[s]!, level);
    }
  }
  const m = maxOf(out);
  return out.map((v) => v / m);
}

// ---------------------------------------------------------------- real shapes

interface RealShapes {
  householdYears: Float32Array[];
  households: WeekShapes[];
  shops: WeekShapes[];
  restaurants: WeekShapes[];
  offices: WeekShapes[];
  factory1: WeekShapes[];
  factory2: WeekShapes[];
  factory3: WeekShapes[];
  machinery1: WeekShapes[];
  machinery2: WeekShapes[];
}

const WORKDAY = (w: number) => w < 5;
const SATURDAY = (w: number) => w === 5;
const SUNDAY = (w: number) => w === 6;

function meanWeek(values: Float64Array, n: number, startDate: string, P: number): WeekShapes | undefined {
  const [w, sa, su] = [WORKDAY, SATURDAY, SUNDAY].map((keep) => resample(meanProfile(values, n, startDate, keep), P));
  if ([w, sa, su].some((d) => d!.some((v) => !Number.isFinite(v)))) return undefined;
  const shapes = week(w!, sa!, su!);
  return Number.isFinite(shapes.max) ? shapes : undefined;
}

/** The production part of a workshop week: (day − night base) / range, per day type. */
function production(w: WeekShapes): WeekShapes {
  const base = Math.min(...w.workday);
  const part = (d: Float32Array) => d.map((v) => Math.max(0, v - base));
  return peakWeek(part(w.workday), part(w.saturday), part(w.sunday));
}

/**
 * One London household's year as real readings at P a day (see
 * ShapeLibrary.householdYears), or undefined when more than 2 % of its first
 * 364 days are missing (households whose data end early). A missing
 * half-hour takes the value of the same half-hour a week earlier or later.
 */
function householdYear(values: Float64Array, P: number): Float32Array | undefined {
  const n = 48;
  const D = HOUSEHOLD_YEAR_DAYS;
  if (values.length < D * n) return undefined;
  const day = new Float64Array(n);
  let missing = 0;
  for (let t = 0; t < D * n; t++) if (!Number.isFinite(values[t]!)) missing++;
  if (missing > 0.02 * D * n) return undefined;
  const out = new Float32Array((D + 2) * P);
  for (let d = 0; d < D; d++) {
    for (let s = 0; s < n; s++) {
      let v = values[d * n + s]!;
      for (let k = 1; !Number.isFinite(v) && k <= 8; k++) {
        const before = values[(d - 7 * k) * n + s];
        const after = values[(d + 7 * k) * n + s];
        v = before !== undefined && Number.isFinite(before) ? before : after !== undefined && d + 7 * k < D ? after : NaN;
      }
      day[s] = Number.isFinite(v) ? v : 0;
    }
    out.set(resample(day, P), (d + 1) * P);
  }
  out.copyWithin(0, D * P, (D + 1) * P);
  out.copyWithin((D + 1) * P, P, 2 * P);
  return out;
}

function loadReal(P: number): RealShapes {
  const out: RealShapes = { householdYears: [], households: [], shops: [], restaurants: [], offices: [], factory1: [], factory2: [], factory3: [], machinery1: [], machinery2: [] };
  const london = londonHouseholds();
  if (london) {
    for (const values of london.values()) {
      let sum = 0;
      let n = 0;
      for (const v of values) if (Number.isFinite(v)) (sum += v), n++;
      if (n < 0.5 * values.length || sum / n < 0.05) continue;
      const w = meanWeek(values, 48, '2013-01-01', P);
      if (w) out.households.push(w);
      const year = householdYear(values, P);
      if (year) out.householdYears.push(year);
    }
  }
  const b1999 = bdew1999();
  if (b1999) {
    const seasons = ['winter', 'transition', 'summer'];
    const typical = (id: string) =>
      seasons.flatMap((season) => {
        const days = b1999.get(id);
        const [w, sa, su] = ['workday', 'saturday', 'sunday'].map((d) => days?.get(`${season}/${d}`));
        return w && sa && su ? [week(resample(w, P), resample(sa, P), resample(su, P))] : [];
      });
    out.households.push(...typical('H0'));
    out.shops.push(...typical('G4'), ...typical('G0'));
    out.restaurants.push(...typical('G2'));
    out.offices.push(...typical('G1'));
  }
  const h25 = bdew2025('h25');
  if (h25) {
    for (let m = 1; m <= 12; m++) {
      const [w, sa, su] = ['WT', 'SA', 'FT'].map((d) => h25.get(`${m}/${d}`));
      if (w && sa && su) out.households.push(week(resample(w, P), resample(sa, P), resample(su, P)));
    }
  }
  const vdi = (name: VdiName) => {
    const p = vdiProfile(name);
    return p ? meanWeek(p.values, 96, p.startDate, P) : undefined;
  };
  for (const name of ['LP_Oe_Buero_k', 'LP_Oe_Buero_m'] as const) {
    const w = vdi(name);
    if (w) out.offices.push(w);
  }
  for (const name of ['LP_G_MV', 'LP_G_MH'] as const) {
    const w = vdi(name);
    if (w) out.factory1.push(w), out.machinery1.push(production(w));
  }
  const g = vdi('LP_G_G');
  if (g) out.factory2.push(g), out.machinery2.push(production(g));
  const steel = steelPlant();
  if (steel) {
    const w = meanWeek(steel, 96, '2018-01-01', P);
    if (w) out.factory3.push(w);
  }
  return out;
}

// ---------------------------------------------------------------- the library

function build(P: number, source: ShapeSource): ShapeLibrary {
  const rng = new Prng(0x5eed_5a9e);
  let notice: string | undefined;
  let real: RealShapes | undefined;
  if (source === 'auto') {
    if (existsSync(path.join(dataRoot, 'INDEX.md'))) real = loadReal(P);
    else notice = `population: real profiles not found at ${dataRoot}; using built-in parametric shapes (households, shops, offices, factories, workshops)`;
  }
  const many = <T>(n: number, make: () => T) => Array.from({ length: n }, make);

  const households = [...(real?.households ?? []), ...many(48, () => parametricHousehold(P, rng))];
  const shifted = many(96, () => rotateWeek(households[rng.int(0, households.length - 1)]!, Math.round((rng.range(6, 11) * P) / 24)));
  const machine = (start: [number, number], hours: [number, number]) => () => parametricMachinery(P, rng.range(...start), rng.range(...hours), rng);
  const machinery1 = real?.machinery1 ?? [];
  const machinery2 = real?.machinery2 ?? [];
  const dayShift = [...machinery1, ...machinery1, ...many(30, machine([6.5, 9], [7, 10.5]))];
  const twoShift = [...machinery2, ...many(16, machine([5.5, 7], [14, 16.5]))];
  const nightShift = [...machinery1.map((w) => rotateWeek(w, P / 2)), ...many(24, machine([19, 23], [6, 9.5]))];

  const heating = many(24, () => {
    const start = rng.range(21.5, 24);
    const end = start + rng.range(6, 8.5);
    const boost = rng.chance(0.4) ? rng.range(0.2, 0.6) : 0;
    return sample(P, (h) => window(h, start, end, 0.15) * (0.9 + 0.1 * rng.next()) + boost * window(h, 13, 16, 0.15));
  });
  const ev: Float32Array[] = [];
  for (let a = 0; a < EV_STARTS; a++) {
    for (let d = 0; d < EV_DURATIONS; d++) {
      const start = 20 + a * 0.5;
      const hours = 1 + d * 0.5;
      // constant current, tapering over the last half hour
      ev.push(sample(P, (h) => {
        const t = h >= start ? h - start : h + 24 - start;
        return t < hours - 0.5 ? 1 : t < hours ? 0.5 : 0;
      }));
    }
  }

  return {
    source: real ? 'real' : 'parametric',
    notice,
    P,
    households,
    householdYears: real?.householdYears ?? [],
    shifted,
    shops: [...(real?.shops ?? []), ...many(24, () => parametricShop(P, rng))],
    restaurants: [...(real?.restaurants ?? []), ...many(16, () => parametricRestaurant(P, rng))],
    offices: [...(real?.offices ?? []), ...many(24, () => parametricOffice(P, rng))],
    factory1: [...(real?.factory1 ?? []), ...many(12, () => parametricFactory(P, 1, rng))],
    factory2: [...(real?.factory2 ?? []), ...many(12, () => parametricFactory(P, 2, rng))],
    factory3: [...(real?.factory3 ?? []), ...many(12, () => parametricFactory(P, 3, rng))],
    dayShift,
    twoShift,
    nightShift,
    bursts: many(512, () => burstDay(P, rng)),
    heating,
    ev,
    ones: new Float32Array(P).fill(1),
  };
}
