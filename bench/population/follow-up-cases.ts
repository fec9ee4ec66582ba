// The labelled cases of the watched sites (issue 13, followup.md): sites an
// earlier inspection found, each with a Watch status, and what they did since.
// Every case is built from the population's own kinds (kinds.ts) and curves
// (real London households where the data are there, machines from the
// library); follow-up.ts says how each case changes its day plan and why.
// `suspect` is the ground truth: the sites the rules should flag again.

/** WatchStatus of proto/gridcode/v1/scoring.proto. */
export const WATCH = { none: 0, rectified: 1, closed: 2, restricted: 3, cleared: 4 } as const;

/** A kind of KINDS a case's sites are drawn from, with its share; `heavy`: the heaviest of four draws. */
export interface Underlying {
  readonly kind: string;
  readonly weight: number;
  readonly heavy?: boolean;
}

export interface FollowUpCase {
  readonly name: string;
  /** True for the sites the rules should flag (relapse, production against a restriction). */
  readonly suspect: boolean;
  /** WatchStatus sent in Consumer.watch. */
  readonly status: number;
  readonly underlying: readonly Underlying[];
  readonly description: string;
}

/** Workshops a site may have been before it was closed or restricted. */
const WORKSHOPS: readonly Underlying[] = [
  { kind: 'workshop_housing_shift', weight: 0.3 },
  { kind: 'workshop_housing_night', weight: 0.15 },
  { kind: 'workshop_housing_intermittent', weight: 0.2 },
  { kind: 'workshop_small_contract', weight: 0.15 },
  { kind: 'workshop_commercial', weight: 0.2 },
];

/** Workshops in housing: a home part and machines (what rectification separates). */
const IN_HOUSING: readonly Underlying[] = [
  { kind: 'workshop_housing_shift', weight: 0.35 },
  { kind: 'workshop_housing_night', weight: 0.2 },
  { kind: 'workshop_housing_intermittent', weight: 0.25 },
  { kind: 'workshop_small_contract', weight: 0.2 },
];

/** The usual false alarms: what an inspection found to be nothing. */
const FALSE_ALARMS: readonly Underlying[] = [
  { kind: 'household_evening', weight: 0.3, heavy: true },
  { kind: 'household_electric_heating', weight: 0.2 },
  { kind: 'household_ev_night', weight: 0.25 },
  { kind: 'shop', weight: 0.25 },
];

const { rectified, closed, restricted, cleared } = WATCH;

export const FOLLOW_UP_CASES: readonly FollowUpCase[] = [
  { name: 'closed_relapse', suspect: true, status: closed, underlying: WORKSHOPS, description: 'workshop ordered shut 1-6 months ago: standby, then its machines run again from a day in the window (or from the start)' },
  { name: 'closed_compliant', suspect: false, status: closed, underlying: WORKSHOPS, description: 'workshop ordered shut 1-6 months ago that stays shut: standby only (some vacant premises read exact zeros)' },
  { name: 'rectified_relapse', suspect: true, status: rectified, underlying: IN_HOUSING, description: 'workshop in housing made to comply 1-6 months ago: the home stays, the machines come back from a day in the window (or from the start)' },
  { name: 'rectified_compliant', suspect: false, status: rectified, underlying: IN_HOUSING, description: 'workshop in housing made to comply 1-6 months ago that complies: the home part alone' },
  { name: 'restricted_producing', suspect: true, status: restricted, underlying: WORKSHOPS, description: 'workshop under a production restriction (pollution alert) from a day in the window that keeps producing as before' },
  { name: 'restricted_compliant', suspect: false, status: restricted, underlying: WORKSHOPS, description: 'workshop under a production restriction from a day in the window that cuts its machines to 0-30 %' },
  { name: 'cleared', suspect: false, status: cleared, underlying: FALSE_ALARMS, description: 'known false alarm cleared 1-6 months ago (heavy household, electric heating, EV home, shop) behaving as it always did' },
];

/** Index of a case by name; throws for an unknown name. */
export function caseIndex(name: string): number {
  const i = FOLLOW_UP_CASES.findIndex((c) => c.name === name);
  if (i < 0) throw new Error(`no follow-up case ${name}`);
  return i;
}
