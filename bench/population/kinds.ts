// The labelled consumer kinds of the evaluation population (issue 5). Every
// generated consumer is one of these; its kind index is its label. `suspect`
// is the ground truth the rule set is measured against: an unlicensed
// workshop (any kind starting with `workshop_`). The mix follows practice:
// about 4.5 % suspects (Guangzhou flagged ~260,000 of 5.8 million accounts),
// two thirds households.
//
// Category and zone are the enum numbers of proto/gridcode/v1/scoring.proto
// (Category: 1 residential, 2 commercial, 3 industrial; Zone: 1
// residential_area, 2 industrial_park, 3 commercial_area).

export const CATEGORY = { residential: 1, commercial: 2, industrial: 3 } as const;
export const ZONE = { residential_area: 1, industrial_park: 2, commercial_area: 3 } as const;

export interface KindInfo {
  /** Stable name, used in reports and label manifests. */
  readonly name: string;
  /** True for the consumers the rule set should flag (hidden workshops). */
  readonly suspect: boolean;
  /** A household account (counts in household_red_share). */
  readonly household: boolean;
  /** Share of the population. The weights sum to 1. */
  readonly weight: number;
  readonly category: number;
  /** Zone of most consumers of the kind; see `zoneAlt`. */
  readonly zone: number;
  /** Some consumers sit in another zone: [zone, share]. */
  readonly zoneAlt?: readonly [number, number];
  readonly description: string;
}

const R = CATEGORY.residential;
const C = CATEGORY.commercial;
const I = CATEGORY.industrial;

export const KINDS: readonly KindInfo[] = [
  { name: 'household_evening', suspect: false, household: true, weight: 0.52, category: R, zone: ZONE.residential_area, description: 'household with the usual morning rise and evening peak' },
  { name: 'household_shift_worker', suspect: false, household: true, weight: 0.06, category: R, zone: ZONE.residential_area, description: 'household whose day is shifted: home and active during the day, away at night' },
  { name: 'household_electric_heating', suspect: false, household: true, weight: 0.05, category: R, zone: ZONE.residential_area, description: 'household with night storage heating, seasonal' },
  { name: 'household_ev_night', suspect: false, household: true, weight: 0.04, category: R, zone: ZONE.residential_area, description: 'household charging an electric car at night (3.7-11 kW, most nights)' },
  { name: 'household_holiday_home', suspect: false, household: true, weight: 0.03, category: R, zone: ZONE.residential_area, description: 'holiday home: standby most days, occupied some weekends or a week' },
  { name: 'shop', suspect: false, household: false, weight: 0.09, category: C, zone: ZONE.commercial_area, zoneAlt: [ZONE.residential_area, 0.4], description: 'shop: opening hours over a refrigeration base' },
  { name: 'restaurant', suspect: false, household: false, weight: 0.04, category: C, zone: ZONE.commercial_area, zoneAlt: [ZONE.residential_area, 0.5], description: 'restaurant: lunch and dinner peaks, kitchen base' },
  { name: 'office', suspect: false, household: false, weight: 0.05, category: C, zone: ZONE.commercial_area, zoneAlt: [ZONE.residential_area, 0.2], description: 'office: working-day hours, quiet weekends' },
  { name: 'factory_1shift', suspect: false, household: false, weight: 0.025, category: I, zone: ZONE.industrial_park, description: 'licensed factory in an industrial park, one shift' },
  { name: 'factory_2shift', suspect: false, household: false, weight: 0.02, category: I, zone: ZONE.industrial_park, description: 'licensed factory in an industrial park, two shifts' },
  { name: 'factory_3shift', suspect: false, household: false, weight: 0.015, category: I, zone: ZONE.industrial_park, description: 'licensed factory in an industrial park, three shifts (continuous)' },
  { name: 'workshop_housing_shift', suspect: true, household: false, weight: 0.012, category: R, zone: ZONE.residential_area, description: 'hidden workshop on a residential account: machinery on a day (or two-shift) rhythm' },
  { name: 'workshop_housing_intermittent', suspect: true, household: false, weight: 0.008, category: R, zone: ZONE.residential_area, description: 'hidden workshop on a residential account: machinery in irregular blocks, not every day' },
  { name: 'workshop_housing_night', suspect: true, household: false, weight: 0.006, category: R, zone: ZONE.residential_area, description: 'hidden workshop on a residential account producing at night' },
  { name: 'workshop_housing_restart', suspect: true, household: false, weight: 0.006, category: R, zone: ZONE.residential_area, description: 'hidden workshop on a residential account restarting after a quiet period' },
  { name: 'workshop_small_contract', suspect: true, household: false, weight: 0.005, category: R, zone: ZONE.residential_area, description: 'hidden workshop registered with a small contracted capacity that its machines exceed' },
  { name: 'workshop_commercial', suspect: true, household: false, weight: 0.008, category: C, zone: ZONE.residential_area, zoneAlt: [ZONE.commercial_area, 0.35], description: 'hidden workshop in commercial premises (a "shop" account): shift or night production' },
];

export type KindName = string;

/** Index of a kind by name; throws for an unknown name. */
export function kindIndex(name: string): number {
  const i = KINDS.findIndex((k) => k.name === name);
  if (i < 0) throw new Error(`no kind ${name}`);
  return i;
}

/** Share of suspects in the configured mix (0.045). */
export const SUSPECT_SHARE = KINDS.reduce((a, k) => a + (k.suspect ? k.weight : 0), 0);
