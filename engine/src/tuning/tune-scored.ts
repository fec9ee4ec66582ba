// A tuning step on a scored batch met with its inspection outcomes: the one
// way `gridcode tune` (cli/tune/tune-command.ts) and the eval loop
// (bench/eval/loop/tune-step.ts) turn inspected results into tuning sites.
// Undecided outcomes (unreachable) are dropped; GRAY results are counted and
// left out (their code does not depend on the scores); the decided sites are
// split by id and seed into a tuning part and a held-out part (split.ts), and
// the tuning part is tuned (tune.ts). The audit flag of each outcome row is
// carried to the site: the rise guard counts only audit sites (rise-guard.ts).
import { isDecided, type Outcome } from '../outcomes/index.js';
import { Code } from '../scoring/scored-batch.js';
import { isHeldOut } from './split.js';
import { tune, type TuneOptions, type TuneResult } from './tune.js';
import type { TuneRule, TuneSite } from './tune-site.js';

/** One consumer of the batch with an outcome row. */
export interface InspectedResult {
  readonly id: string;
  /** gridcode.v1.Code of the result (Code in scoring/scored-batch.ts). */
  readonly code: number;
  /** Ids of the rules that fired for it. */
  readonly fired: Iterable<string>;
  /** Feature values by name. */
  readonly values: ReadonlyMap<string, number>;
  readonly outcome: Outcome;
  /** The row's audit flag: drawn in the random audit of unflagged consumers. */
  readonly audit: boolean;
}

export interface ScoredTuning {
  /** Null when no decided site is left to tune on (the caller says why). */
  readonly result: TuneResult | null;
  /** Decided sites met (GRAY included), GRAY ones left out. */
  readonly decided: number;
  readonly gray: number;
  readonly tuning: readonly TuneSite[];
  /** Ids of the decided, non-GRAY sites held out. */
  readonly heldOut: ReadonlySet<string>;
}

export function tuneScored(inspected: Iterable<InspectedResult>, rules: readonly TuneRule[], options: TuneOptions & { readonly holdout: number }): ScoredTuning {
  const sites: TuneSite[] = [];
  let decided = 0;
  let gray = 0;
  for (const r of inspected) {
    if (!isDecided(r.outcome)) continue;
    decided++;
    if (r.code === Code.gray) {
      gray++;
      continue;
    }
    sites.push({ id: r.id, fired: new Set(r.fired), values: r.values, confirmed: r.outcome === 'confirmed', audit: r.audit });
  }
  const heldOut = new Set(sites.filter((site) => isHeldOut(site.id, options.seed, options.holdout)).map((site) => site.id));
  const tuning = sites.filter((site) => !heldOut.has(site.id));
  return { result: tuning.length === 0 ? null : tune(tuning, rules, options), decided, gray, tuning, heldOut };
}
