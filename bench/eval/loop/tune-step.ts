// The loop's tuning step: `gridcode tune` with its defaults, in memory. The
// batch is the month just scored (with the rule set that scored it), the
// outcomes every decided visit so far (lists and audits of all rounds, as an
// analyst would pass the whole outcomes file): each site's rules and feature
// values are those of this month, as gridcode tune reads them from the batch
// it is given. GRAY sites are left out, the decided sites split by id into a
// tuning and a held-out part (engine/src/tuning split.ts, --holdout 0.3,
// --seed 1), the tuning part given to engine/src/tuning tune(), and the
// result compiled as gridcode tune writes it (cli/tune/tuned-file.ts), under
// a new version: the next round's rule set. No file is written.
import { featureNames } from '../../../engine/src/catalogue.js';
import type { CompiledRuleSet } from '../../../engine/src/index.js';
import type { Outcome } from '../../../engine/src/outcomes/index.js';
import { isHeldOut, tune, type TuneResult, type TuneSite } from '../../../engine/src/tuning/index.js';
import { tunedRuleSet } from '../../../cli/tune/tuned-file.js';
import type { MonthScores } from './score-month.js';

const GRAY = 4;

/** gridcode tune's defaults (cli/tune/tune-options.ts DEFAULTS). */
export const TUNE_DEFAULTS = { holdout: 0.3, seed: 1, minSupport: 20, pYellow: 0.3, pRed: 0.6 } as const;

export interface TuneStepOptions {
  readonly holdout: number;
  readonly seed: number;
  readonly minSupport: number;
  readonly pYellow: number;
  readonly pRed: number;
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

/** `outcomes`: consumer index → its decided outcome, all rounds so far. */
export function tuneStep(old: CompiledRuleSet, month: MonthScores, outcomes: ReadonlyMap<number, Outcome>, version: string, options: TuneStepOptions): TuneStep {
  const names = featureNames(old.templates.names);
  const sites: TuneSite[] = [];
  let gray = 0;
  for (const [index, outcome] of outcomes) {
    if (outcome === 'unreachable') continue;
    if (month.codes[index] === GRAY) {
      gray++;
      continue;
    }
    const detail = month.details.get(index);
    if (!detail) throw new Error(`the loop kept no rules or features of inspected consumer c${index} in month ${month.month}`);
    sites.push({ id: `c${index}`, fired: new Set(detail.fired), values: detail.values, confirmed: outcome === 'confirmed' });
  }
  const tuning = sites.filter((site) => !isHeldOut(site.id, options.seed, options.holdout));
  const result = tune(tuning, old.rules, {
    thresholds: old.thresholds,
    pYellow: options.pYellow,
    pRed: options.pRed,
    minSupport: options.minSupport,
    seed: options.seed,
    isFeature: (name) => names.includes(name),
  });
  const { ruleSet } = tunedRuleSet(old, { scores: result.scores, suggestions: result.suggestions, version, header: [] });
  const changes = [
    ...result.scores.filter((s) => s.after !== s.before).map((s) => `${s.rule}: score ${s.before} → ${s.after} (${s.confirmed} confirmed of ${s.support})`),
    ...result.suggestions.map((s) => `${s.rule}: ${s.cut.feature} ${s.cut.op} ${s.cut.value} → ${s.to} (F1 ${s.f1Before.toFixed(3)} → ${s.f1After.toFixed(3)})`),
  ];
  return { ruleSet, result, decided: sites.length + gray, gray, tunedOn: tuning.length, heldOut: sites.length - tuning.length, changes };
}
