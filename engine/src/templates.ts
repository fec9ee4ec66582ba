import { TemplateError } from './errors.js';
import type { PointsPerDay } from './header.js';

/** Templates are written at 96 points (15-minute slots) in rule sets (features.md, Templates). */
export const TEMPLATE_POINTS = 96;
/** Most templates one set may hold (engine/assembly/templates.ts sizes its scratch for it). */
export const MAX_TEMPLATES = 64;
const NAME = /^[a-z][a-z0-9_]*$/;

/**
 * A validated, ordered set of reference daily profiles. Each template adds the
 * feature `corr_<name>`. Resampled profiles are cached per points-per-day, so
 * a rule set pays for resampling once, not once per batch.
 */
export class TemplateSet {
  readonly names: readonly string[];
  private readonly profiles: readonly Float64Array[];
  private readonly resampled = new Map<PointsPerDay, Float64Array>();

  private constructor(names: string[], profiles: Float64Array[]) {
    this.names = names;
    this.profiles = profiles;
  }

  static readonly empty = new TemplateSet([], []);

  /** Throws TemplateError naming the template when one is not 96 finite numbers or its name is unusable. */
  static from(templates: Readonly<Record<string, ArrayLike<unknown>>>): TemplateSet {
    const entries = Object.keys(templates).length;
    if (entries > MAX_TEMPLATES) throw new TemplateError('', `${entries} templates; a rule set may define at most ${MAX_TEMPLATES}`);
    const names: string[] = [];
    const profiles: Float64Array[] = [];
    for (const [name, values] of Object.entries(templates)) {
      if (!NAME.test(name)) throw new TemplateError(name, `template name ${JSON.stringify(name)} must match [a-z][a-z0-9_]* so that corr_${name} is a feature name`);
      if (values == null || typeof values.length !== 'number') throw new TemplateError(name, `template ${name} must be a list of ${TEMPLATE_POINTS} numbers`);
      if (values.length !== TEMPLATE_POINTS) throw new TemplateError(name, `template ${name} has ${values.length} values; it needs ${TEMPLATE_POINTS} (one per 15 minutes from midnight)`);
      const profile = new Float64Array(TEMPLATE_POINTS);
      for (let i = 0; i < TEMPLATE_POINTS; i++) {
        const v = values[i];
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new TemplateError(name, `template ${name} value ${i} is ${String(v)}; every value must be a finite number`);
        profile[i] = v;
      }
      names.push(name);
      profiles.push(normalise(profile));
    }
    return new TemplateSet(names, profiles);
  }

  /**
   * A base rule set's templates, then `own` (`extends`, issue 15): the base's
   * columns come first, so corr_<name> of the base has the same index in
   * every rule set that extends it. The caller has checked that no name is in
   * both and that there are at most MAX_TEMPLATES in all.
   */
  static merge(base: TemplateSet, own: TemplateSet): TemplateSet {
    if (base.names.length === 0) return own;
    return new TemplateSet([...base.names, ...own.names], [...base.profiles, ...own.profiles]);
  }

  /** All templates brought to P points, template after template (T × P values). */
  at(pointsPerDay: PointsPerDay): Float64Array {
    let out = this.resampled.get(pointsPerDay);
    if (!out) {
      out = new Float64Array(this.profiles.length * pointsPerDay);
      this.profiles.forEach((profile, t) => out!.set(resample(profile, pointsPerDay), t * pointsPerDay));
      this.resampled.set(pointsPerDay, out);
    }
    return out;
  }
}

/**
 * Brings the largest |value| into [1, 2) by a power of two. A template is a
 * shape, so its scale is irrelevant (rules.md) and the correlation does not
 * change, while the engine's sums of squares can no longer overflow or
 * underflow (1e200 or 1e-300 are finite numbers a file may hold). Powers of
 * two keep every value exact; they are applied in steps because 2^1074 is
 * not a float64.
 */
function normalise(profile: Float64Array): Float64Array {
  let largest = 0;
  for (const v of profile) largest = Math.max(largest, Math.abs(v));
  if (largest === 0) return profile;
  let exponent = -Math.floor(Math.log2(largest));
  while (exponent !== 0) {
    const step = Math.max(-1000, Math.min(1000, exponent));
    for (let i = 0; i < profile.length; i++) profile[i]! *= 2 ** step;
    exponent -= step;
  }
  return profile;
}

/** features.md: for P < 96 average each run of 96/P points; for P = 288 repeat each point 3 times. */
function resample(profile: Float64Array, points: PointsPerDay): Float64Array {
  const out = new Float64Array(points);
  if (points >= TEMPLATE_POINTS) {
    const repeat = points / TEMPLATE_POINTS;
    for (let s = 0; s < points; s++) out[s] = profile[Math.floor(s / repeat)]!;
  } else {
    const run = TEMPLATE_POINTS / points;
    for (let s = 0; s < points; s++) {
      let sum = 0;
      for (let k = 0; k < run; k++) sum += profile[s * run + k]!;
      out[s] = sum / run;
    }
  }
  return out;
}
