// The loop's tuning step: `gridcode tune` with its defaults, in memory. The
// batch is the month just scored (with the rule set that scored it), the
// outcomes every decided visit so far (lists and audits of all rounds, as an
// analyst would pass the whole outcomes file): each site's rules and feature
// values are those of this month, as gridcode tune reads them from the batch
// it is given, and each keeps whether it was an audit visit (the rise guard
// counts only those). engine/src/tuning tuneScored() does what gridcode tune
// does with them (GRAY left out, split by id, --holdout 0.3, --seed 1), and the
// result compiled as gridcode tune writes it (cli/tune/tuned-file.ts), under
// a new version: the next round's rule set. No file is written.
import { featureNames } from '../../../engine/src/catalogue.js';
import type { CompiledRuleSet } from '../../../engine/src/index.js';
import type { Outcome } from '../../../engine/src/outcomes/index.js';
import { tuneScored, type InspectedResult, type TuneResult } from '../../../engine/src/tuning/index.js';
import { DEFAULTS } from '../../../cli/tune/tune-options.js';
import { tunedRuleSet } from '../../../cli/tune/tuned-file.js';
import type { MonthScores } from './score-month.js';

/** gridcode tune's defaults (cli/tune/tune-options.ts). */
export const TUNE_DEFAULTS: TuneStepOptions = DEFAULTS;

export interface TuneStepOptions {
  readonly holdout: number;
  readonly seed: number;
  readonly minSupport: number;
  readonly pYellow: number;
  readonly pRed: number;
  /** false: no rise guard (engine/src/tuning/rise-guard.ts), for the negative control of tests/eval-loop.test.ts only. */
  readonly riseGuard?: boolean;
}

/** A decided visit: what the inspector found, and whether it was drawn in the random audit. */
export interface DecidedVisit {
  readonly outcome: Outcome;
  readonly audit: boolean;
}

export interface TuneStep {
  readonly ruleSet: CompiledRuleSet;
  readonly result: TuneResult;
  /** Decided sites met, GRAY ones left out, tuned on, held out. */
  readonly decided: number;
  readonly gray: number;
  readonly tunedOn: number;
  readonly heldOut: number;
  /** "rule: score 40 → 47", "rule: night_share > 0.35 → 0.42": what changed. */
  readonly changes: readonly string[];
}

/** `outcomes`: consumer index → its decided visit, all rounds so far. */
export function tuneStep(old: CompiledRuleSet, month: MonthScores, outcomes: ReadonlyMap<number, DecidedVisit>, version: string, options: TuneStepOptions): TuneStep {
  const names = featureNames(old.templates.names);
  const inspected: InspectedResult[] = [];
  for (const [index, visit] of outcomes) {
    const detail = month.details.get(index);
    if (!detail) throw new Error(`the loop kept no rules or features of inspected consumer c${index} in month ${month.month}`);
    inspected.push({ id: `c${index}`, code: month.codes[index]!, fired: detail.fired, values: detail.values, ...visit });
  }
  const { result, decided, gray, tuning, heldOut } = tuneScored(inspected, old.rules, { ...options, thresholds: old.thresholds, isFeature: (name) => names.includes(name) });
  if (!result) throw new Error(`nothing to tune on after month ${month.month}: ${decided} decided visits, ${gray} GRAY, ${heldOut.size} held out`);
  const { ruleSet } = tunedRuleSet(old, { scores: result.scores, suggestions: result.suggestions, version, header: [] });
  const changes = [
    ...result.scores.filter((s) => s.after !== s.before).map((s) => `${s.rule}: score ${s.before} → ${s.after} (${s.confirmed} confirmed of ${s.support})`),
    ...result.suggestions.map((s) => `${s.rule}: ${s.cut.feature} ${s.cut.op} ${s.cut.value} → ${s.to} (F1 ${s.f1Before.toFixed(3)} → ${s.f1After.toFixed(3)})`),
  ];
  return { ruleSet, result, decided, gray, tunedOn: tuning.length, heldOut: heldOut.size, changes };
}
