// The learning loop of issue 17 on the generated population (npm run eval --
// --loop): round r scores month r with the current rule set
// (score-month.ts), lists and visits as the inspectors would
// (inspection-round.ts: only flagged sites are visited, plus an optional
// random audit), adds the decided visits to every earlier one, and tunes the
// rule set on them as `gridcode tune` would (tune-step.ts): round r + 1 scores
// with the result. Each round's rule set is also scored on a population of
// another seed that the loop never visits nor tunes on (held-out.ts), and so
// is the rule set tuned after the last round: the honest measure of what the
// tuning learnt.
import { Code, type CompiledRuleSet, type FeatureEngine } from '../../../engine/src/index.js';
import { heldOutPrecision, type HeldOutFigures } from './held-out.js';
import { inspectionRound, type RoundResult } from './inspection-round.js';
import { scoreMonth, type MonthPopulation } from './score-month.js';
import { flags } from './site-lists.js';
import { auditDrawn } from './site-truth.js';
import { tuneStep, type DecidedVisit, type TuneStep, type TuneStepOptions } from './tune-step.js';

export interface LoopOptions {
  /** The loop's population: seed S, visited and tuned on. */
  readonly population: MonthPopulation;
  /** The held-out population's seed (≠ S); same size and calendar. */
  readonly heldOutSeed: number;
  readonly rounds: number;
  readonly districts: number;
  /** Sites each district's inspectors visit per round. */
  readonly capacity: number;
  readonly withYellow: boolean;
  /** Share of the unflagged eligible consumers drawn for the random audit each round (0: none). */
  readonly auditRate: number;
  /** Share of visits that end unreachable. */
  readonly unreachableRate: number;
  readonly tune: TuneStepOptions;
  readonly progress?: (line: string) => void;
}

export interface LoopRound {
  readonly round: number;
  /** The rule set the round scored with, id@version. */
  readonly ruleSet: string;
  readonly monthStart: string;
  readonly seconds: number;
  readonly result: RoundResult;
  /** Decided visits of all rounds so far. */
  readonly decidedSoFar: number;
  /** The round's rule set on the held-out seed. */
  readonly heldOut: HeldOutFigures;
  /** The tuning after the round: the next round's rule set. */
  readonly tuned: TuneStep;
  /** Consumers of this month RED or YELLOW with the tuned rule set, neither with the round's, and never visited: whose precision nobody knows (as gridcode tune counts them). */
  readonly unverified: number;
}

export interface LoopReport {
  readonly rounds: readonly LoopRound[];
  /** The rule set tuned after the last round, on the held-out seed. */
  readonly finalHeldOut: HeldOutFigures;
  readonly finalRuleSet: CompiledRuleSet;
}

export function runLoop(engine: FeatureEngine, initial: CompiledRuleSet, options: LoopOptions): LoopReport {
  const { population } = options;
  const heldOutPopulation = { ...population, seed: options.heldOutSeed };
  const listing = { districts: options.districts, capacity: options.capacity, withYellow: options.withYellow };
  const decided = new Map<number, DecidedVisit>();
  /** Every consumer visited so far, unreachable ones too (an outcome row each). */
  const visited = new Set<number>();
  const rounds: LoopRound[] = [];
  let ruleSet = initial;
  for (let round = 1; round <= options.rounds; round++) {
    const started = performance.now();
    const ref = `${ruleSet.id}@${ruleSet.version}`;
    options.progress?.(`  round ${round}: scoring month ${round} of seed ${population.seed} with ${ref}`);
    // Details for the sites a list or the audit may visit, and for those decided before (the tuner reads them).
    const keep = (index: number, code: number) => flags(code, options.withYellow) || decided.has(index) || auditDrawn(population.seed, round, index, options.auditRate);
    const month = scoreMonth(engine, ruleSet, population, round, keep);
    const result = inspectionRound(round, month, decided, { ...listing, consumers: population.consumers, redThreshold: ruleSet.thresholds.red, seed: population.seed, auditRate: options.auditRate, unreachableRate: options.unreachableRate });
    for (const v of result.visits) if (v.outcome !== 'unreachable') decided.set(v.index, { outcome: v.outcome, audit: v.audit });
    options.progress?.(`  round ${round}: ${result.visits.length} visits; the held-out seed ${options.heldOutSeed} with ${ref}`);
    const heldOut = heldOutPrecision(engine, ruleSet, heldOutPopulation, listing);
    const tuned = tuneStep(ruleSet, month, decided, `${initial.version}-loop${round}`, options.tune);
    for (const v of result.visits) visited.add(v.index);
    const unverified = newlyFlagged(month.codes, scoreMonth(engine, tuned.ruleSet, population, round).codes, (index) => visited.has(index));
    rounds.push({ round, ruleSet: ref, monthStart: month.startDate, seconds: (performance.now() - started) / 1000, result, decidedSoFar: decided.size, heldOut, tuned, unverified });
    ruleSet = tuned.ruleSet;
  }
  options.progress?.(`  the held-out seed ${options.heldOutSeed} with ${ruleSet.id}@${ruleSet.version}, tuned after round ${options.rounds}`);
  const finalHeldOut = heldOutPrecision(engine, ruleSet, heldOutPopulation, listing);
  return { rounds, finalHeldOut, finalRuleSet: ruleSet };
}

/** Consumers RED or YELLOW (gridcode.v1.Code 3, 2) in `after` and neither in `before`, that `inspected` does not name. */
function newlyFlagged(before: Uint8Array, after: Uint8Array, inspected: (index: number) => boolean): number {
  const flagged = (code: number) => code === Code.red || code === Code.yellow;
  let count = 0;
  for (let i = 0; i < after.length; i++) if (flagged(after[i]!) && !flagged(before[i]!) && !inspected(i)) count++;
  return count;
}
