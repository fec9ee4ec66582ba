// Deterministic synthetic load curves, written straight into one Float32Array
// per batch (consumer after consumer), so that the engine side of the
// benchmark can hand out subarray views and never builds per-consumer arrays.
// Consumer i is the same curve whatever the batch size: its PRNG is seeded
// from (seed, i), not from the batch.
import { Prng } from './prng.js';
import { CONSUMER_KINDS, KIND_WEIGHTS, drawCapacity, drawShapes, drawWater, type ConsumerKind } from './shapes.js';

export interface PopulationOptions {
  readonly days: number;
  readonly pointsPerDay: number;
  /** Weekday of day 0, 0 = Monday … 6 = Sunday (as BatchHeader.startWeekday). */
  readonly startWeekday: number;
  readonly seed: number;
}

export interface CurveBatch {
  /** Index of the batch's first consumer in the population. */
  readonly first: number;
  readonly count: number;
  /** Readings per consumer: days × pointsPerDay. */
  readonly readings: number;
  /** kW, count × readings, consumer after consumer. Missing readings are NaN (rarely −1, −0 or +Inf). */
  readonly loadKw: Float32Array;
  /** m³ per day, count × days; only meaningful where hasWater is 1. */
  readonly waterM3: Float32Array;
  readonly hasWater: Uint8Array;
  /** kW; 0 or NaN = unknown. */
  readonly capacityKw: Float32Array;
  /** Index into CONSUMER_KINDS. */
  readonly kind: Uint8Array;
  /** followup.md: the consumer's own reference mean (kW; 0 = unknown), a watch status (0 = none) and its `since` as a day index from day 0 (may lie outside the window). */
  readonly baselineKw: Float32Array;
  readonly watchStatus: Uint8Array;
  readonly watchSinceDay: Int32Array;
}

/** Kind of consumer i: the first consumers cover every kind once, so a small self-check sees them all. */
function kindOf(index: number, rng: Prng): ConsumerKind {
  return CONSUMER_KINDS[index < CONSUMER_KINDS.length ? index : rng.pick(KIND_WEIGHTS)]!;
}

/** A well-mixed 32-bit seed for consumer i (splitmix-style finaliser). */
function consumerSeed(seed: number, index: number): number {
  let z = (seed ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** What a faulty meter writes instead of a reading: mostly NaN, sometimes values the spec also counts as missing (or as 0). */
function glitch(rng: Prng): number {
  const r = rng.next();
  if (r < 0.6) return NaN;
  if (r < 0.8) return -rng.range(0.1, 5); // negative: missing
  if (r < 0.9) return -0; // counts as a valid 0
  return Infinity; // missing
}

export function generateBatch(first: number, count: number, options: PopulationOptions): CurveBatch {
  const { days, pointsPerDay: P, startWeekday } = options;
  const N = days * P;
  const batch: CurveBatch = {
    first,
    count,
    readings: N,
    loadKw: new Float32Array(count * N),
    waterM3: new Float32Array(count * days),
    hasWater: new Uint8Array(count),
    capacityKw: new Float32Array(count),
    kind: new Uint8Array(count),
    baselineKw: new Float32Array(count),
    watchStatus: new Uint8Array(count),
    watchSinceDay: new Int32Array(count),
  };
  for (let c = 0; c < count; c++) fillConsumer(batch, c, options, startWeekday, P);
  return batch;
}

function fillConsumer(batch: CurveBatch, c: number, options: PopulationOptions, startWeekday: number, P: number): void {
  const { days } = options;
  const rng = new Prng(consumerSeed(options.seed, batch.first + c));
  const kind = kindOf(batch.first + c, rng);
  batch.kind[c] = CONSUMER_KINDS.indexOf(kind);
  const shapes = drawShapes(kind, P, rng);
  const out = batch.loadKw.subarray(c * batch.readings, (c + 1) * batch.readings);

  // Meter faults: most meters are clean; some drop single readings, some go offline for hours.
  const glitchRate = kind === 'patchy' ? 0.05 : rng.chance(0.3) ? 0.001 : 0;
  const dayMissing = kind === 'patchy' ? 0.3 : 0.005;
  let peak = 0;
  for (let d = 0; d < days; d++) {
    const weekday = (startWeekday + d) % 7;
    const shape = weekday === 5 ? shapes.saturday : weekday === 6 ? shapes.sunday : shapes.workday;
    const dayLost = kind === 'offline' || rng.chance(dayMissing);
    // Weather and occupancy move whole days up or down by a few per cent.
    const dayFactor = 1 + 0.08 * rng.gauss();
    for (let s = 0; s < P; s++) {
      let kw = shape[s]! * dayFactor * (1 + shapes.noise * rng.gauss());
      if (shapes.spikeChance && rng.chance(shapes.spikeChance)) kw += shapes.spikeKw;
      if (kw < 0) kw = 0;
      if (kw > peak) peak = kw;
      out[d * P + s] = dayLost ? NaN : glitchRate && rng.chance(glitchRate) ? glitch(rng) : kw;
    }
  }
  if (kind !== 'offline' && rng.chance(0.2)) {
    // Outages of 1 reading to 2 days, anywhere (also across midnight).
    for (let k = rng.int(1, 3); k > 0; k--) {
      const start = rng.int(0, out.length - 1);
      out.fill(NaN, start, Math.min(out.length, start + rng.int(1, 2 * P)));
    }
  }

  batch.capacityKw[c] = drawCapacity(kind, peak, rng);
  if (rng.chance(0.4)) {
    batch.hasWater[c] = 1;
    const perDay = drawWater(kind, rng);
    const water = batch.waterM3.subarray(c * days, (c + 1) * days);
    for (let d = 0; d < days; d++) {
      const weekend = (startWeekday + d) % 7 >= 5;
      const m3 = perDay * (weekend && kind !== 'household' ? 0.3 : 1) * (1 + 0.2 * rng.gauss());
      water[d] = rng.chance(0.03) ? NaN : Math.max(0, m3);
    }
  }
  // Follow-up inputs, drawn last so that every earlier draw (the curve) stays as it was:
  // 4 in 5 consumers have a baseline near their own mean, 1 in 20 is a watched site.
  if (rng.chance(0.8)) {
    let sum = 0;
    let n = 0;
    for (const v of out) if (v >= 0 && v < Infinity) (sum += v), n++;
    batch.baselineKw[c] = n > 0 ? (sum / n) * rng.range(0.6, 1.5) : 0;
  }
  if (rng.chance(0.05)) {
    batch.watchStatus[c] = rng.int(1, 4);
    batch.watchSinceDay[c] = rng.int(-20, days + 5);
  }
}
