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
// t — only as the random audit says. The support below t is the AUDIT sites
// (the random sample of unflagged consumers, the outcomes' audit column) where
// the rule fired and the old score sum, on the batch tuned on, stays below t.
// Listed sites do not count even when their sum on this batch is below t:
// they were chosen because they were flagged (in an earlier month, on other
// curves), so their confirmed share says nothing about a random site where
// the rule fires (review 2: residential-working-week 39 → 66 over 8 rounds,
// held-out precision of all flagged 0.837). Three cases:
//   - supported: ≥ minSupport such audit sites, at least the share p_t that
//     t stands for (--yellow-probability, --red-probability) confirmed: the
//     learned score stands;
//   - contradicted: ≥ minSupport, fewer than p_t confirmed: the score does
//     not rise at all (the old one is kept);
//   - unknown: fewer than minSupport: at most a prior-sized step
//     (PRIOR_SD_POINTS) and never to t on its own (≤ t − 1).
// Together with other rules the rule still lifts sites across t; `gridcode
// tune` counts and reports the consumers the new version newly flags that
// were never inspected.
import { PRIOR_SD_POINTS, type Thresholds } from './score-scale.js';
import type { TuneSite } from './tune-site.js';

export interface RiseCap {
  /** The threshold the learned score would have crossed on its own. */
  readonly threshold: 'YELLOW' | 'RED';
  /** 'contradicted': enough audit support, too few confirmed (no rise); 'unknown': too little audit support (a step of at most PRIOR_SD_POINTS, below the threshold). */
  readonly kind: 'contradicted' | 'unknown';
  /** The learned score before the cap. */
  readonly learned: number;
  /** Decided audit sites where the rule fired whose old score sum stayed below that threshold, and confirmed among them. */
  readonly support: number;
  readonly confirmed: number;
}

export interface RiseGuard {
  readonly thresholds: Thresholds;
  readonly pYellow: number;
  readonly pRed: number;
  readonly minSupport: number;
}

/** `after` capped as above; `oldScores`: every score rule's current score. */
export function capRise(rule: string, before: number, after: number, sites: readonly TuneSite[], oldScores: ReadonlyMap<string, number>, guard: RiseGuard): { after: number; cap?: RiseCap } {
  const levels = [['YELLOW', guard.thresholds.yellow, guard.pYellow], ['RED', guard.thresholds.red, guard.pRed]] as const;
  for (const [name, t, p] of levels) {
    if (!(before < t && after >= t)) continue;
    const { support, confirmed } = auditSupport(rule, t, sites, oldScores);
    const found = { threshold: name, learned: after, support, confirmed };
    if (support < guard.minSupport) return { after: Math.min(after, before + PRIOR_SD_POINTS, t - 1), cap: { ...found, kind: 'unknown' } };
    if (confirmed < p * support) return { after: before, cap: { ...found, kind: 'contradicted' } };
  }
  return { after };
}

/** Decided audit sites where `rule` fired and the old score sum stayed below `t`, and confirmed among them. */
export function auditSupport(rule: string, t: number, sites: readonly TuneSite[], oldScores: ReadonlyMap<string, number>): { support: number; confirmed: number } {
  let support = 0;
  let confirmed = 0;
  for (const site of sites) {
    if (!site.audit || !site.fired.has(rule)) continue;
    let sum = 0;
    for (const id of site.fired) sum += oldScores.get(id) ?? 0;
    if (sum >= t) continue;
    support++;
    if (site.confirmed) confirmed++;
  }
  return { support, confirmed };
}
