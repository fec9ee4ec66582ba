// The guard against selection bias in learned scores (`gridcode tune`, issue
// 17 review). Inspections see only flagged sites, so a rule that never
// decides a code on its own looks perfect: every inspected site where it
// fired was confirmed, thanks to the other rules that fired with it. The fit
// then raises it, and on a new batch it flags, alone, sites nobody ever
// inspected (a household rule at 20 raised to 56: RED+YELLOW precision 0.98 →
// 0.72 on another population).
//
// The rule: a score may rise to or past a threshold t (YELLOW, then RED) that
// its old score was below — so that a site where the rule fires alone crosses
// t — only when at least minSupport decided sites where it fired were below t
// under the old scores (their code did not reach t, so they were inspected for
// other reasons: audits, lists, YELLOW sites for RED), and at least the share
// p_t that t stands for (--yellow-probability, --red-probability) of them was
// confirmed. Those are the sites whose outcomes say what crossing t with this
// rule means; the logistic model, additive, lets the many confirmed sites
// where strong rules fired too outweigh them. Without that support the new
// score stops at t − 1: the rule cannot lift a site across t on its own.
// Together with other rules it still can; `gridcode tune` counts and reports
// the consumers the new version newly flags that were never inspected.
import type { Thresholds } from './score-scale.js';
import type { TuneSite } from './tune-site.js';

export interface RiseCap {
  /** The threshold the learned score would have crossed on its own. */
  readonly threshold: 'YELLOW' | 'RED';
  /** The learned score before the cap. */
  readonly learned: number;
  /** Decided sites where the rule fired whose old score sum stayed below that threshold, and confirmed among them. */
  readonly support: number;
  readonly confirmed: number;
}

/** `after` capped as above; `oldScores`: every score rule's current score. */
export function capRise(
  rule: string,
  before: number,
  after: number,
  sites: readonly TuneSite[],
  oldScores: ReadonlyMap<string, number>,
  guard: { readonly thresholds: Thresholds; readonly pYellow: number; readonly pRed: number; readonly minSupport: number },
): { after: number; cap?: RiseCap } {
  const levels = [['YELLOW', guard.thresholds.yellow, guard.pYellow], ['RED', guard.thresholds.red, guard.pRed]] as const;
  for (const [name, t, p] of levels) {
    if (!(before < t && after >= t)) continue;
    const { support, confirmed } = belowSupport(rule, t, sites, oldScores);
    if (support < guard.minSupport || confirmed < p * support) return { after: Math.max(before, t - 1), cap: { threshold: name, learned: after, support, confirmed } };
  }
  return { after };
}

/** Decided sites where `rule` fired and the old score sum stayed below `t`, and confirmed among them. */
export function belowSupport(rule: string, t: number, sites: readonly TuneSite[], oldScores: ReadonlyMap<string, number>): { support: number; confirmed: number } {
  let support = 0;
  let confirmed = 0;
  for (const site of sites) {
    if (!site.fired.has(rule)) continue;
    let sum = 0;
    for (const id of site.fired) sum += oldScores.get(id) ?? 0;
    if (sum >= t) continue;
    support++;
    if (site.confirmed) confirmed++;
  }
  return { support, confirmed };
}
