// What tuning learns from: per decided inspection, the rules that fired and
// the feature values the rules compare, and whether the site was confirmed
// (engine/src/outcomes: confirmed vs not_found or licensed; unreachable
// sites and GRAY consumers never get here). And the rules it may change.
import type { Effect } from '../rules/program.js';

export interface TuneSite {
  readonly id: string;
  /** Ids of the rules that fired for it. */
  readonly fired: ReadonlySet<string>;
  /** Feature values by name (NaN or absent when undefined). */
  readonly values: ReadonlyMap<string, number>;
  readonly confirmed: boolean;
  /** Drawn in the random audit of unflagged consumers (the outcomes' audit column): the only sites the rise guard counts as support below a threshold (rise-guard.ts). */
  readonly audit: boolean;
}

export interface TuneRule {
  readonly id: string;
  readonly when: string;
  readonly score: number;
  readonly effect: Effect;
}
