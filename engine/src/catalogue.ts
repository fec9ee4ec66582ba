// The feature catalogue of ../shared/spec/features.md, in column order.
// The order is the engine's column layout (engine/assembly/columns.ts) and the
// order of `feature_names` in responses; it only ever grows at the end.
export const BASE_FEATURES = [
  'days',
  'missing_share',
  'mean_kw',
  'max_kw',
  'min_kw',
  'energy_kwh',
  'load_factor',
  'cv',
  'night_share',
  'work_share',
  'weekend_ratio',
  'peak_valley',
  'peak_hour',
  'daily_cv',
  'zero_share',
  'capacity_util',
  'acf_day',
  'acf_week',
  'ramp_rate',
  'operating_hours',
  'trend_ratio',
  'water_per_kwh',
  // issue 12: what a window average hides (docs/features.md)
  'held_max_kw',
  'busy_days',
  'busy_weekend_ratio',
  'work_kw_p90',
  'night_busy_hours',
  // issue 13: the consumer against its own past and its follow-up (../shared/spec/followup.md)
  'baseline_ratio',
  'watch_days',
  'since_watch_kw',
  // issue 13: the consumer against its cohort (followup.md), filled by the peer pass (engine/src/cohorts)
  'peer_count',
  'peer_ratio',
  'peer_corr',
] as const;

export type BaseFeature = (typeof BASE_FEATURES)[number];

/** Prefix of the per-template correlation features, `corr_<template>`. */
export const CORR_PREFIX = 'corr_';

/** Consumer attributes rules can read besides the features. */
export const ATTRIBUTES = ['category', 'zone', 'capacity_kw', 'points_per_day', 'watch', 'baseline_kw'] as const;

/** Column names for a template set: the base catalogue, then one `corr_<name>` per template. */
export function featureNames(templateNames: readonly string[]): string[] {
  return [...BASE_FEATURES, ...templateNames.map((name) => CORR_PREFIX + name)];
}

/**
 * Feature groups that cost a pass of their own in the engine. A caller that
 * needs none of a group's features skips its pass (see `FeatureSelection`).
 * Bit values are shared with engine/assembly/columns.ts.
 */
export const FeatureGroup = {
  deviation: 1, // cv
  acfDay: 2,
  acfWeek: 4,
  operating: 8, // operating_hours
  ramp: 16, // ramp_rate
  correlation: 32, // corr_<template>
  busy: 64, // busy_days, busy_weekend_ratio, night_busy_hours
  peer: 128, // peer_count, peer_ratio, peer_corr: profiles kept, the peer pass over each cohort
  all: 255,
} as const;

const GROUP_OF: Partial<Record<BaseFeature, number>> = {
  cv: FeatureGroup.deviation,
  acf_day: FeatureGroup.acfDay,
  acf_week: FeatureGroup.acfWeek,
  operating_hours: FeatureGroup.operating,
  ramp_rate: FeatureGroup.ramp,
  busy_days: FeatureGroup.busy,
  busy_weekend_ratio: FeatureGroup.busy,
  night_busy_hours: FeatureGroup.busy,
  peer_count: FeatureGroup.peer,
  peer_ratio: FeatureGroup.peer,
  peer_corr: FeatureGroup.peer,
};

/** The group bits needed to compute the named features (unknown names are ignored). */
export function groupsFor(names: Iterable<string>): number {
  let groups = 0;
  for (const name of names) {
    if (name.startsWith(CORR_PREFIX)) groups |= FeatureGroup.correlation;
    else groups |= GROUP_OF[name as BaseFeature] ?? 0;
  }
  return groups;
}

/**
 * The values a feature can take when it is defined (NaN aside), from its
 * formula in features.md / followup.md with readings ≥ 0 (a negative reading
 * is missing): the rule checker warns about a comparison that is always or
 * never true over this range (`night_share > 40`). Only ranges the formula
 * proves are listed; a feature not here is unbounded as far as rules know.
 */
export type FeatureKind = 'share' | 'fraction' | 'ratio' | 'correlation';
export interface FeatureRange {
  readonly kind: FeatureKind;
  readonly min: number;
  readonly max: number;
}
export const FEATURE_KINDS: Readonly<Record<FeatureKind, FeatureRange>> = {
  share: { kind: 'share', min: 0, max: 1 }, // a part divided by its whole
  fraction: { kind: 'fraction', min: 0, max: 1 }, // a quantity divided by one at least as large
  ratio: { kind: 'ratio', min: 0, max: Infinity }, // a quantity ≥ 0 divided by one > 0
  correlation: { kind: 'correlation', min: -1, max: 1 }, // Pearson, or an autocorrelation
};
const KIND_OF: Partial<Record<BaseFeature, FeatureKind>> = {
  missing_share: 'share',
  load_factor: 'share', // mean ÷ max
  night_share: 'share',
  work_share: 'share',
  peak_valley: 'share', // (max − min) ÷ max of the profile
  zero_share: 'share',
  busy_days: 'share',
  weekend_ratio: 'ratio',
  capacity_util: 'ratio',
  // max |x_t − x_{t−1}| ÷ max_kw: for readings a, b ≥ 0, |a − b| ≤ max(a, b) ≤ max_kw (so also in float32: rounding is monotone).
  ramp_rate: 'fraction',
  trend_ratio: 'ratio',
  busy_weekend_ratio: 'ratio',
  baseline_ratio: 'ratio',
  peer_ratio: 'ratio',
  peer_corr: 'correlation',
  // r(k) = Σ_pairs (x_t − m)(x_{t+k} − m) ÷ Σ_V (x_t − m)²: by Cauchy–Schwarz the numerator is at most
  // √(Σ_pairs (x_t − m)²) · √(Σ_pairs (x_{t+k} − m)²), each a sum over a subset of V, so |r| ≤ 1 with gaps too.
  acf_day: 'correlation',
  acf_week: 'correlation',
};

/** The range of feature `name` (a base feature or `corr_<template>`), or undefined when it has none. */
export function featureRange(name: string): FeatureRange | undefined {
  if (name.startsWith(CORR_PREFIX)) return FEATURE_KINDS.correlation;
  const kind = KIND_OF[name as BaseFeature];
  return kind === undefined ? undefined : FEATURE_KINDS[kind];
}
