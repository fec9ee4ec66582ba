// Random load curves for property tests. fast-check draws a small recipe (a
// shape, a seed and the damage to apply); `buildCurve` turns it into P·D
// float32 readings deterministically, so a failing recipe reproduces exactly
// and long curves (400 days × 288) cost no per-reading shrinking.
import fc from 'fast-check';

export const SHAPES = ['noise', 'constant', 'daily', 'offset', 'tiny', 'huge', 'boundary', 'levels', 'allMissing', 'zeros', 'sparse'] as const;
/** float32 subnormal readings (below 1.2e-38 kW): valid, but kept out of SHAPES so they are tested on their own. */
export type Shape = (typeof SHAPES)[number] | 'subnormal';

export interface CurveRecipe {
  readonly shape: Shape;
  readonly seed: number;
  /** Share of readings replaced by NaN, ±Inf or a negative value. */
  readonly missingRate: number;
  /** Runs of zeros (up to two days long) written over the curve. */
  readonly zeroRuns: number;
  /** Single readings multiplied far above the rest. */
  readonly spikes: number;
  /** Whole days made missing. */
  readonly dayGaps: number;
  /** One slot made missing on every day (a profile slot without a value). */
  readonly slotGap: boolean;
  /** Zeros written as −0. */
  readonly negativeZero: boolean;
}

export function curveRecipeOf(shapes: readonly Shape[]): fc.Arbitrary<CurveRecipe> {
  return fc.record({
  shape: fc.constantFrom(...shapes),
  seed: fc.integer({ min: 0, max: 0x7fffffff }),
  missingRate: fc.constantFrom(0, 0, 0.003, 0.05, 0.4, 0.9),
  zeroRuns: fc.constantFrom(0, 0, 1, 3),
  spikes: fc.constantFrom(0, 0, 1, 4),
  dayGaps: fc.constantFrom(0, 0, 1, 3),
  slotGap: fc.boolean(),
  negativeZero: fc.boolean(),
  });
}

export const curveRecipe: fc.Arbitrary<CurveRecipe> = curveRecipeOf(SHAPES);

/** mulberry32: a small seeded generator, uniform in [0, 1). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const F32_001 = Math.fround(0.01);
const F32_AFTER_001 = nextFloat32(F32_001, +1);
const F32_BEFORE_001 = nextFloat32(F32_001, -1);
const MISSING = [NaN, Infinity, -Infinity, -1, -0.5, -1e-30, -3e38];

export function nextFloat32(x: number, direction: 1 | -1): number {
  const bits = new Float32Array([x]);
  const ints = new Int32Array(bits.buffer);
  ints[0]! += x >= 0 ? direction : -direction;
  return bits[0]!;
}

export function buildCurve(recipe: CurveRecipe, P: number, D: number): Float32Array {
  const rng = random(recipe.seed);
  const N = P * D;
  const x = new Float32Array(N);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(rng() * values.length)]!;
  fillShape(recipe.shape, x, P, rng, pick);

  for (let r = 0; r < recipe.zeroRuns; r++) {
    const start = Math.floor(rng() * N);
    const length = 1 + Math.floor(rng() * 2 * P);
    x.fill(0, start, Math.min(N, start + length));
  }
  for (let s = 0; s < recipe.spikes; s++) x[Math.floor(rng() * N)] = Math.abs(x[Math.floor(rng() * N)]! || 1) * (10 + 1000 * rng());
  if (recipe.negativeZero) for (let t = 0; t < N; t++) if (x[t] === 0 && rng() < 0.5) x[t] = -0;
  for (let g = 0; g < recipe.dayGaps; g++) {
    const d = Math.floor(rng() * D);
    x.fill(NaN, d * P, (d + 1) * P);
  }
  if (recipe.slotGap) {
    const s = Math.floor(rng() * P);
    for (let d = 0; d < D; d++) x[d * P + s] = pick(MISSING);
  }
  if (recipe.missingRate > 0) for (let t = 0; t < N; t++) if (rng() < recipe.missingRate) x[t] = pick(MISSING);
  return x;
}

function fillShape(shape: Shape, x: Float32Array, P: number, rng: () => number, pick: <T>(values: readonly T[]) => T): void {
  const N = x.length;
  switch (shape) {
    case 'noise': {
      const scale = 10 ** (-1 + 4 * rng());
      for (let t = 0; t < N; t++) x[t] = scale * rng();
      return;
    }
    case 'constant':
      return void x.fill(pick([0.1, 1, 3.7, 1234.5678, 0.01, 7e-3, 1e30]));
    case 'daily': {
      // A shift, a residential evening peak or both, lower at weekends, with noise.
      const base = 0.2 + 5 * rng();
      const amplitude = 10 * rng();
      const evening = rng() < 0.5;
      const noise = 0.3 * rng();
      const weekendFactor = rng();
      for (let t = 0; t < N; t++) {
        const hour = (24 * (t % P)) / P;
        const day = Math.floor(t / P);
        const on = evening ? hour >= 17 && hour < 23 : hour >= 8 && hour < 17;
        const level = base + (on ? amplitude : 0) * (day % 7 >= 5 ? weekendFactor : 1);
        x[t] = level * (1 + noise * (rng() - 0.5));
      }
      return;
    }
    case 'offset': {
      // Large level, small relative variation: cancellation in one-pass variances.
      const level = pick([1000, 5e4, 1e6]);
      for (let t = 0; t < N; t++) x[t] = level * (1 + 1e-5 * rng());
      return;
    }
    case 'tiny':
      for (let t = 0; t < N; t++) x[t] = 1e-30 * rng();
      return;
    case 'subnormal':
      for (let t = 0; t < N; t++) x[t] = 1e-40 * rng();
      return;
    case 'huge':
      for (let t = 0; t < N; t++) x[t] = 3e38 * rng();
      return;
    case 'boundary':
      for (let t = 0; t < N; t++) x[t] = pick([0, F32_001, F32_AFTER_001, F32_BEFORE_001, 0.02, 1]);
      return;
    case 'levels': {
      // min, max and readings exactly at θ = min + 0.5·(max − min), plus levels either side.
      const lo = Math.floor(8 * rng()) / 4;
      const hi = lo + (1 + Math.floor(16 * rng())) / 4;
      const theta = lo + 0.5 * (hi - lo);
      const levels = [lo, theta, theta, hi, nextFloat32(theta, 1), nextFloat32(theta, -1)];
      for (let t = 0; t < N; t++) x[t] = pick(levels);
      return;
    }
    case 'allMissing':
      for (let t = 0; t < N; t++) x[t] = pick(MISSING);
      return;
    case 'zeros':
      return void x.fill(0);
    case 'sparse':
      for (let t = 0; t < N; t++) x[t] = rng() < 0.02 ? 100 * rng() : NaN;
      return;
  }
}

export type WaterKind = 'none' | 'empty' | 'valid' | 'someInvalid' | 'allInvalid';
export const waterKind: fc.Arbitrary<WaterKind> = fc.constantFrom('none', 'empty', 'valid', 'someInvalid', 'allInvalid');

export function buildWater(kind: WaterKind, D: number, seed: number): Float32Array | undefined {
  if (kind === 'none') return undefined;
  if (kind === 'empty') return new Float32Array(0);
  const rng = random(seed ^ 0x5bd1e995);
  const water = new Float32Array(D);
  for (let d = 0; d < D; d++) {
    const invalid = kind === 'allInvalid' || (kind === 'someInvalid' && rng() < 0.4);
    water[d] = invalid ? MISSING[Math.floor(rng() * MISSING.length)]! : rng() < 0.1 ? 0 : 5 * rng();
  }
  return water;
}

/** capacity_kw values: unknown ones (absent, 0, negative, NaN, ±Inf) and known ones. */
export const capacityKw: fc.Arbitrary<number | undefined> = fc.oneof(
  fc.constantFrom(undefined, 0, -0, -5, NaN, Infinity, -Infinity),
  fc.float({ min: Math.fround(1e-3), max: Math.fround(1e6), noNaN: true }),
);

/**
 * 96-point templates, including flat ones and ones that only become flat after
 * averaging to P ≤ 48. Values are multiples of 1e-6 in [−10, 10] (no 5e-324
 * and the like: extreme template scales are tested on their own).
 */
const templateValue = fc.integer({ min: -10_000_000, max: 10_000_000 }).map((k) => k / 1e6);
export const template: fc.Arbitrary<number[]> = fc.oneof(
  fc.array(templateValue, { minLength: 96, maxLength: 96 }),
  templateValue.map((v) => Array<number>(96).fill(v)),
  fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 6, max: 9 })).map(([a, b]) => Array.from({ length: 96 }, (_, i) => (i % 2 ? a : b))),
  fc.tuple(fc.integer({ min: 0, max: 95 }), fc.integer({ min: 1, max: 95 })).map(([start, length]) => Array.from({ length: 96 }, (_, i) => ((i - start + 96) % 96 < length ? 1 : 0.1))),
);

/** Fixed, realistic templates: a residential evening peak and a one-shift workshop. */
export const RESIDENTIAL = Array.from({ length: 96 }, (_, i) => {
  const hour = i / 4;
  return 0.3 + (hour >= 6.5 && hour < 8.5 ? 0.6 : 0) + (hour >= 17 && hour < 23 ? 1.2 : 0);
});
export const INDUSTRIAL_1SHIFT = Array.from({ length: 96 }, (_, i) => (i >= 32 && i < 68 ? 1 : 0.05));
