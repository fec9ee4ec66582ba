// Typical daily load shapes of the consumer kinds the benchmark population
// mixes. Each kind draws its own parameters, so no two consumers share a
// curve; the shapes are deliberately plausible (evening-peaking households,
// shift-working factories, …) so that the engine's branches see realistic data.
import type { Prng } from './prng.js';

export const CONSUMER_KINDS = [
  'household',
  'shop',
  'office',
  'factory',
  /** A household account with daytime machinery: the case gridcode exists to find. */
  'hidden_workshop',
  /** An empty flat: exact zeros or a few watts of standby. */
  'vacant',
  /** A household whose meter drops out for whole days and many readings. */
  'patchy',
  /** No valid reading at all (every feature but days/missing_share/energy is NaN). */
  'offline',
] as const;
export type ConsumerKind = (typeof CONSUMER_KINDS)[number];

/** Share of each kind in the population, in CONSUMER_KINDS order. */
export const KIND_WEIGHTS: readonly number[] = [0.55, 0.1, 0.08, 0.12, 0.06, 0.04, 0.04, 0.01];

/** kW levels of one consumer for a workday and a weekend day, one value per slot. */
export interface DayShapes {
  readonly workday: Float64Array;
  readonly saturday: Float64Array;
  readonly sunday: Float64Array;
  /** Relative σ of the per-reading multiplicative noise. */
  readonly noise: number;
  /** Chance per reading of an appliance spike, and its size in kW. */
  readonly spikeChance: number;
  readonly spikeKw: number;
}

/** A smooth 0→1→0 window over [start, end) hours with edges `edge` hours wide (handles wrap past midnight). */
function window(hour: number, start: number, end: number, edge: number): number {
  const rise = (h: number) => 0.5 + 0.5 * Math.tanh((h - start) / edge);
  const fall = (h: number) => 0.5 - 0.5 * Math.tanh((h - end) / edge);
  if (end > 24) return Math.max(rise(hour) * fall(hour), rise(hour + 24) * fall(hour + 24));
  return rise(hour) * fall(hour);
}

/** A Gaussian bump centred at `centre` hours, σ = `width` hours. */
function bump(hour: number, centre: number, width: number): number {
  const d = hour - centre;
  return Math.exp(-(d * d) / (2 * width * width));
}

/** Fills one slot array with level(hour at the middle of the slot). */
function profile(points: number, level: (hour: number) => number): Float64Array {
  const out = new Float64Array(points);
  const h = 24 / points;
  for (let s = 0; s < points; s++) out[s] = Math.max(0, level((s + 0.5) * h));
  return out;
}

export function drawShapes(kind: ConsumerKind, points: number, rng: Prng): DayShapes {
  const p = (level: (hour: number) => number) => profile(points, level);
  switch (kind) {
    case 'household':
    case 'patchy':
    case 'hidden_workshop': {
      const base = rng.range(0.08, 0.4);
      const morning = rng.range(0.2, 1.0);
      const evening = rng.range(0.8, 3.0);
      const eveningAt = rng.range(18.5, 21);
      const width = rng.range(1.2, 2.5);
      const home = (hour: number, late: number) =>
        base + morning * bump(hour, 7 + late, 0.8) + evening * bump(hour, eveningAt, width) + (late ? 0.4 * evening * bump(hour, 13, 2) : 0);
      // The workshop runs machines 8–18 h on workdays (and often Saturday mornings).
      const machine = kind === 'hidden_workshop' ? rng.range(4, 18) : 0;
      const saturdayShift = rng.chance(0.5) ? 13 : 8;
      return {
        workday: p((hour) => home(hour, 0) + machine * window(hour, 8, 18, 0.15)),
        saturday: p((hour) => home(hour, 1.5) + machine * window(hour, 8, saturdayShift, 0.15)),
        sunday: p((hour) => home(hour, 1.5)),
        noise: kind === 'hidden_workshop' ? 0.15 : 0.3,
        spikeChance: 0.01,
        spikeKw: rng.range(1, 2.5),
      };
    }
    case 'shop': {
      const fridge = rng.range(0.8, 4);
      const open = rng.range(4, 20);
      const opens = rng.range(8, 10);
      const closes = rng.range(19, 22);
      const sundayOpen = rng.chance(0.7) ? 0.9 : 0;
      return {
        workday: p((hour) => fridge + open * window(hour, opens, closes, 0.25)),
        saturday: p((hour) => fridge + 1.15 * open * window(hour, opens, closes, 0.25)),
        sunday: p((hour) => fridge + sundayOpen * open * window(hour, opens + 1, closes - 2, 0.25)),
        noise: 0.1,
        spikeChance: 0,
        spikeKw: 0,
      };
    }
    case 'office': {
      const base = rng.range(2, 10);
      const busy = rng.range(15, 80);
      const arrive = rng.range(7, 9);
      return {
        workday: p((hour) => base + busy * window(hour, arrive, arrive + 10, 0.6) * (1 - 0.15 * bump(hour, 12.5, 0.7))),
        saturday: p(() => base),
        sunday: p(() => base),
        noise: 0.08,
        spikeChance: 0,
        spikeKw: 0,
      };
    }
    case 'factory': {
      const shifts = rng.int(1, 3);
      const load = rng.range(50, 500);
      const base = load * rng.range(0.04, 0.15);
      const start = shifts === 3 ? 0 : rng.range(5.5, 8);
      const end = shifts === 3 ? 24 : start + 8 * shifts;
      // Breaks between shifts dip the load; 3-shift plants run through the week.
      const running = (hour: number) => (shifts === 3 ? 1 : window(hour, start, end, 0.2)) * (1 - 0.3 * bump(hour, start + 4, 0.25));
      const saturday = shifts === 3 ? 1 : rng.chance(0.4) ? 0.6 : 0;
      const sunday = shifts === 3 ? 0.9 : 0;
      return {
        workday: p((hour) => base + load * running(hour)),
        saturday: p((hour) => base + saturday * load * running(hour)),
        sunday: p((hour) => base + sunday * load * running(hour)),
        noise: 0.06,
        spikeChance: 0.002,
        spikeKw: load * 0.3,
      };
    }
    case 'vacant': {
      // Half are exact zeros (mean 0: cv, load_factor, … undefined), half a few watts of standby.
      const standby = rng.chance(0.5) ? 0 : rng.range(0.003, 0.02);
      const flat = p(() => standby);
      return { workday: flat, saturday: flat, sunday: flat, noise: standby ? 0.2 : 0, spikeChance: 0, spikeKw: 0 };
    }
    case 'offline': {
      const flat = p(() => 0);
      return { workday: flat, saturday: flat, sunday: flat, noise: 0, spikeChance: 0, spikeKw: 0 };
    }
  }
}

/** Contracted capacity in kW for a kind, scaled to its usual peak; 0 or NaN (unknown) for some. */
export function drawCapacity(kind: ConsumerKind, peakKw: number, rng: Prng): number {
  if (rng.chance(0.08)) return rng.chance(0.5) ? 0 : NaN;
  if (kind === 'household' || kind === 'hidden_workshop' || kind === 'patchy' || kind === 'vacant') return rng.chance(0.5) ? 8 : 12;
  return Math.ceil(Math.max(peakKw, 1) * rng.range(1.1, 1.6));
}

/** Typical daily water use in m³ (workdays), by kind. */
export function drawWater(kind: ConsumerKind, rng: Prng): number {
  switch (kind) {
    case 'factory':
      return rng.range(10, 200);
    case 'hidden_workshop':
      return rng.range(2, 20); // plating and dyeing workshops use a lot of water
    case 'office':
      return rng.range(1, 8);
    case 'shop':
      return rng.range(0.3, 3);
    default:
      return rng.range(0.1, 0.6);
  }
}
