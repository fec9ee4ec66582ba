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
