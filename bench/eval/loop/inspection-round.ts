// One round of the loop (npm run eval -- --loop): the month's scores made
// into inspection lists as `gridcode list` makes them (site-lists.ts), the
// listed sites visited, and an optional
// random audit of the unflagged consumers. Sites decided in an earlier round
// are off the lists and out of the audit (a confirmed workshop is closed or
// watched, a cleared site is not visited again the next month); an
// unreachable one stays eligible. The figures are those of `gridcode
// evaluate` (engine/src/outcomes evaluateOutcomes): precision at capacity
// and, with audits, the audit estimate of recall; beside it the true recall
// from the generator's labels, with the same definition.
import { evaluateOutcomes, type OutcomeFigures, type Outcome, type SiteOutcome } from '../../../engine/src/outcomes/index.js';
import type { MonthScores } from './score-month.js';
import { flags, siteLists, type ListOptions } from './site-lists.js';
import { auditDrawn, districtOf, isWorkshop, visitOutcome } from './site-truth.js';

export interface RoundOptions extends ListOptions {
  readonly seed: number;
  readonly auditRate: number;
  readonly unreachableRate: number;
}

/** A visit of the round. */
export interface Visit {
  readonly index: number;
  readonly district: string;
  readonly code: number;
  readonly outcome: Outcome;
  /** Drawn in the random audit of unflagged consumers (else: on a list, within capacity). */
  readonly audit: boolean;
}

export interface RoundResult {
  readonly round: number;
  /** Consumers not decided in an earlier round, and the workshops among them. */
  readonly eligible: number;
  readonly workshopsEligible: number;
  /** Per district: eligible consumers flagged (on a list, whatever the capacity) and listed within capacity. */
  readonly districts: ReadonlyMap<string, { readonly flagged: number; readonly unflagged: number; readonly listed: number }>;
  readonly visits: readonly Visit[];
  /** gridcode evaluate's figures over the round's visits. */
  readonly figures: OutcomeFigures;
  /** From the labels: confirmed listed sites ÷ (those + workshops among the eligible unflagged consumers), all districts. */
  readonly trueRecall: { readonly found: number; readonly missed: number; readonly recall: number | null };
}

export function inspectionRound(round: number, month: MonthScores, decided: { has(index: number): boolean }, options: RoundOptions): RoundResult {
  const N = options.consumers;
  const districts = new Map<string, { flagged: number; unflagged: number; listed: number }>();
  const auditable: number[] = [];
  let eligible = 0;
  let workshopsEligible = 0;
  let missed = 0;
  for (let index = 0; index < N; index++) {
    if (decided.has(index)) continue;
    eligible++;
    const workshop = isWorkshop(month.kinds[index]!);
    if (workshop) workshopsEligible++;
    const district = districtOf(index, N, options.districts);
    let counts = districts.get(district);
    if (!counts) districts.set(district, (counts = { flagged: 0, unflagged: 0, listed: 0 }));
    if (flags(month.codes[index]!, options.withYellow)) counts.flagged++;
    else {
      counts.unflagged++;
      if (workshop) missed++;
      if (auditDrawn(options.seed, round, index, options.auditRate)) auditable.push(index);
    }
  }
  const visits: Visit[] = [];
  const visit = (index: number, district: string, audit: boolean) =>
    visits.push({ index, district, code: month.codes[index]!, outcome: visitOutcome(options.seed, round, index, month.kinds[index]!, options.unreachableRate), audit });
  for (const list of siteLists(month, options, (index) => decided.has(index))) {
    districts.get(list.district)!.listed = list.listed;
    for (const s of list.ranked.slice(0, list.listed)) visit(s.index, s.district, false);
  }
  for (const index of auditable) visit(index, districtOf(index, N, options.districts), true);

  const sites: SiteOutcome[] = visits.map((v) => ({
    id: `c${v.index}`,
    code: v.code,
    district: v.district,
    rules: month.details.get(v.index)?.fired ?? [],
    flagged: !v.audit,
    listed: !v.audit,
    outcome: v.outcome,
    audit: v.audit,
  }));
  const figures = evaluateOutcomes(sites, { consumers: eligible, districts, fired: month.fired });
  const found = visits.filter((v) => !v.audit && v.outcome === 'confirmed').length;
  return {
    round,
    eligible,
    workshopsEligible,
    districts,
    visits,
    figures,
    trueRecall: { found, missed, recall: found + missed > 0 ? found / (found + missed) : null },
  };
}
