// Before timing, the benchmark makes sure the engine and the JS baseline
// compute the same thing: a faster engine that returns different numbers
// would make the ratio meaningless. The tolerance is the one features.md
// gives the engine against a float64 evaluation, and the JS baseline is such
// an evaluation.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** features.md: these are counts or positions and must match exactly (up to the last bit of the final division). */
const STEP_FEATURES = new Set(['days', 'missing_share', 'zero_share', 'peak_hour', 'operating_hours']);
const REL = 1e-4;
const ABS = 1e-6;
const STEP_REL = 1e-9;

export interface Mismatch {
  /** Index in the population. */
  readonly consumer: number;
  readonly kind: string;
  readonly feature: string;
  /** JS (float64 reference) value. */
  readonly expected: number;
  /** Engine value. */
  readonly got: number;
}

/** Whether an engine value passes against the float64 reference. NaN must match NaN exactly. */
export function agrees(feature: string, expected: number, got: number): boolean {
  if (Number.isNaN(expected) || Number.isNaN(got)) return Number.isNaN(expected) && Number.isNaN(got);
  const tolerance = STEP_FEATURES.has(feature) ? STEP_REL * Math.abs(expected) : Math.max(REL * Math.abs(expected), ABS);
  return Math.abs(got - expected) <= tolerance;
}

/** Column-major F × count values (FeatureMatrix layout) with their column names. */
export interface Columns {
  readonly names: readonly string[];
  readonly count: number;
  readonly values: Float64Array;
}

/** Compares the first `upTo` consumers of one batch, column by name. */
export function compareBatch(engine: Columns, js: Columns, upTo: number, first: number, kindOf: (c: number) => string): Mismatch[] {
  const missing = js.names.filter((name) => !engine.names.includes(name));
  if (missing.length) throw new Error(`engine matrix lacks ${missing.join(', ')}; it has ${engine.names.join(', ')}`);
  const out: Mismatch[] = [];
  js.names.forEach((feature, f) => {
    const e = engine.names.indexOf(feature);
    for (let c = 0; c < upTo; c++) {
      const expected = js.values[f * js.count + c]!;
      const got = engine.values[e * engine.count + c]!;
      if (!agrees(feature, expected, got)) out.push({ consumer: first + c, kind: kindOf(c), feature, expected, got });
    }
  });
  return out;
}

export interface CurveDump {
  readonly consumer: number;
  readonly kind: string;
  readonly startDate: string;
  readonly pointsPerDay: number;
  readonly capacityKw: number;
  readonly loadKw: Float32Array;
  readonly waterM3: Float32Array | undefined;
  readonly mismatches: readonly Mismatch[];
}

/** Writes one disagreeing consumer as JSON (NaN/±Inf as strings) so that the engine can be debugged on that curve alone. */
export function dumpCurve(dump: CurveDump): string {
  const number = (v: number) => (Number.isFinite(v) ? (Object.is(v, -0) ? '-0' : v) : String(v));
  const file = join(tmpdir(), `gridcode-bench-mismatch-${dump.consumer}.json`);
  const json = {
    ...dump,
    capacityKw: number(dump.capacityKw),
    loadKw: Array.from(dump.loadKw, number),
    waterM3: dump.waterM3 ? Array.from(dump.waterM3, number) : null,
    mismatches: dump.mismatches.map((m) => ({ ...m, expected: number(m.expected), got: number(m.got) })),
  };
  writeFileSync(file, JSON.stringify(json) + '\n');
  return file;
}

export function describe(m: Mismatch): string {
  return `consumer ${m.consumer} (${m.kind}): ${m.feature} expected ${m.expected} (JS, float64) got ${m.got} (engine)`;
}
