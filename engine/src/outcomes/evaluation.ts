// What inspection outcomes say about a scoring run (issue 17): per rule, per
// code, per district, at the inspectors' capacity, and the recall a random
// audit of unflagged consumers allows. Pure: the caller scores the batch and
// reads the outcomes (gridcode evaluate, cli/outcomes/); `gridcode tune` and
// `npm run eval` use the same figures. Definitions (README "Learning from
// inspections"):
//   - precision = confirmed ÷ decided (tally.ts), with its 95 % Wilson interval;
//   - base rate = the precision of every site with an outcome (audit rows
//     too): what an inspection finds on average;
//   - lift of a rule = its precision ÷ the base rate;
//   - flagged = on an inspection list (RED; YELLOW too when the caller lists
//     YELLOW); a district's precision is over its flagged sites;
//   - recall (recall.ts) only from audit rows on unflagged consumers.
import { districtOrder } from './district-order.js';
import { estimateRecall, type RecallFigures } from './recall.js';
import type { Outcome } from './outcome-words.js';
import { Tally, type PrecisionFigures } from './tally.js';

/** ConsumerResult codes 1 … 4 (gridcode.v1.Code), by name. */
export const CODE_NAMES = ['GREEN', 'YELLOW', 'RED', 'GRAY'] as const;

/** A consumer of the batch with an outcome. */
export interface SiteOutcome {
  readonly id: string;
  /** 1 GREEN, 2 YELLOW, 3 RED, 4 GRAY. */
  readonly code: number;
  /** '' for none. */
  readonly district: string;
  /** Ids of the rules that fired for it. */
  readonly rules: readonly string[];
  /** On an inspection list, whatever the capacity. */
  readonly flagged: boolean;
  /** On the list its district's inspectors can visit (within capacity). */
  readonly listed: boolean;
  readonly outcome: Outcome;
  /** Drawn in a random audit of consumers that were not flagged. */
  readonly audit: boolean;
}

/** Counts over the whole batch, with or without outcomes. */
export interface BatchCounts {
  readonly consumers: number;
  /** Per district ('' for none): its consumers flagged, not flagged, and listed within capacity. */
  readonly districts: ReadonlyMap<string, { readonly flagged: number; readonly unflagged: number; readonly listed: number }>;
  /** Per rule id, in the rule set's order: the consumers it fired for. */
  readonly fired: ReadonlyMap<string, number>;
}

export interface RuleFigures extends PrecisionFigures {
  readonly rule: string;
  /** Consumers of the batch it fired for, inspected or not. */
  readonly fired: number;
  /** precision ÷ base rate; null when either is unknown or the base rate is 0. */
  readonly lift: number | null;
}

export interface DistrictFigures extends PrecisionFigures {
  /** '' for the consumers without a district. */
  readonly district: string;
  readonly flagged: number;
  readonly listed: number;
}

export interface OutcomeFigures {
  /** Consumers of the batch with an outcome. */
  readonly sites: number;
  readonly baseRate: PrecisionFigures;
  readonly rules: readonly RuleFigures[];
  readonly codes: readonly (PrecisionFigures & { readonly code: (typeof CODE_NAMES)[number] })[];
  /** Flagged sites of each district. */
  readonly districts: readonly DistrictFigures[];
  /** The listed sites (within capacity), and how many of them have no outcome. */
  readonly capacity: PrecisionFigures & { readonly listed: number; readonly withoutOutcome: number };
  /** Sites with an outcome that are neither flagged nor audited: not a random sample, used for no recall. */
  readonly unflaggedNotAudited: number;
  /** Audit rows on consumers this run flags: counted as inspections of flagged sites, not in the audit sample. */
  readonly auditOnFlagged: number;
  readonly recall: RecallFigures;
}

export function evaluateOutcomes(sites: Iterable<SiteOutcome>, batch: BatchCounts): OutcomeFigures {
  const all = new Tally();
  const rules = new Map<string, Tally>([...batch.fired.keys()].map((rule) => [rule, new Tally()]));
  const codes = CODE_NAMES.map(() => new Tally());
  const districts = new Map<string, Tally>();
  const listed = new Tally();
  const audits = new Map<string, Tally>();
  const found = new Map<string, number>();
  let count = 0;
  let unflaggedNotAudited = 0;
  let auditOnFlagged = 0;
  for (const site of sites) {
    count++;
    all.add(site.outcome);
    for (const rule of new Set(site.rules)) {
      let tally = rules.get(rule);
      if (!tally) rules.set(rule, (tally = new Tally())); // a rule the counts lack still gets its row
      tally.add(site.outcome);
    }
    codes[site.code - 1]?.add(site.outcome);
    if (site.listed) listed.add(site.outcome);
    if (site.flagged) {
      if (site.audit) auditOnFlagged++;
      tallyOf(districts, site.district).add(site.outcome);
      if (site.outcome === 'confirmed') found.set(site.district, (found.get(site.district) ?? 0) + 1);
    } else if (site.audit) {
      tallyOf(audits, site.district).add(site.outcome);
    } else {
      unflaggedNotAudited++;
    }
  }
  const baseRate = all.figures();
  const base = baseRate.precision;
  const listedTotal = [...batch.districts.values()].reduce((sum, d) => sum + d.listed, 0);
  const listedFigures = listed.figures();
  const names = new Set([...batch.districts.entries()].filter(([, d]) => d.flagged > 0).map(([name]) => name));
  for (const name of districts.keys()) names.add(name);
  return {
    sites: count,
    baseRate,
    rules: [...rules.entries()].map(([rule, tally]) => {
      const figures = tally.figures();
      const lift = figures.precision !== null && base !== null && base > 0 ? figures.precision / base : null;
      return { rule, fired: batch.fired.get(rule) ?? 0, ...figures, lift };
    }),
    codes: codes.map((tally, k) => ({ code: CODE_NAMES[k]!, ...tally.figures() })),
    districts: [...names].sort(districtOrder).map((district) => {
      const counts = batch.districts.get(district);
      return { district, flagged: counts?.flagged ?? 0, listed: counts?.listed ?? 0, ...(districts.get(district) ?? new Tally()).figures() };
    }),
    capacity: { listed: listedTotal, withoutOutcome: listedTotal - listedFigures.outcomes, ...listedFigures },
    unflaggedNotAudited,
    auditOnFlagged,
    recall: estimateRecall(audits, found, batch.districts),
  };
}

function tallyOf(tallies: Map<string, Tally>, district: string): Tally {
  let tally = tallies.get(district);
  if (!tally) tallies.set(district, (tally = new Tally()));
  return tally;
}
