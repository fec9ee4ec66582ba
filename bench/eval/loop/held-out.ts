// The held-out check of the loop: a population of another seed, never
// inspected and never tuned on, scored with a round's rule set over one fixed
// window (month 1), listed as the loop lists (site-lists.ts: same districts
// and capacity), every listed site's truth read from the labels (no
// unreachable: this measures the rule set, not the visits). Precision at
// capacity with its 95 % Wilson interval (engine/src/outcomes Tally), the
// share of all the window's workshops that the lists hold, and the precision
// of every flagged site, listed or not: the loop's visits only ever see the
// top of the lists, so a tuning that flags more households would show here
// first.
import type { CompiledRuleSet, FeatureEngine } from '../../../engine/src/index.js';
import { Tally, type PrecisionFigures } from '../../../engine/src/outcomes/index.js';
import { scoreMonth, type MonthPopulation } from './score-month.js';
import { siteLists } from './site-lists.js';
import { isWorkshop, truthOutcome } from './site-truth.js';

export interface HeldOutFigures {
  /** The rule set, id@version. */
  readonly ruleSet: string;
  /** Consumers on a list whatever the capacity, and within it. */
  readonly flagged: number;
  readonly listed: number;
  /** Precision of the listed sites. */
  readonly atCapacity: PrecisionFigures;
  /** Precision of every flagged site, beyond capacity too. */
  readonly allFlagged: PrecisionFigures;
  /** Workshops in the window, and on the lists within capacity. */
  readonly workshops: number;
  readonly workshopsListed: number;
  readonly seconds: number;
}

export interface HeldOutOptions {
  readonly districts: number;
  readonly capacity: number;
  readonly withYellow: boolean;
}

export function heldOutPrecision(engine: FeatureEngine, ruleSet: CompiledRuleSet, population: MonthPopulation, options: HeldOutOptions): HeldOutFigures {
  const month = scoreMonth(engine, ruleSet, population, 1);
  const lists = siteLists(month, { ...options, consumers: population.consumers, redThreshold: ruleSet.thresholds.red });
  const tally = new Tally();
  const all = new Tally();
  let flagged = 0;
  let listed = 0;
  let workshopsListed = 0;
  for (const list of lists) {
    flagged += list.ranked.length;
    for (const s of list.ranked) all.add(truthOutcome(month.kinds[s.index]!));
    for (const s of list.ranked.slice(0, list.listed)) {
      listed++;
      const outcome = truthOutcome(month.kinds[s.index]!);
      if (outcome === 'confirmed') workshopsListed++;
      tally.add(outcome);
    }
  }
  const workshops = month.kinds.reduce((n, kind) => n + (isWorkshop(kind) ? 1 : 0), 0);
  return { ruleSet: `${ruleSet.id}@${ruleSet.version}`, flagged, listed, atCapacity: tally.figures(), allFlagged: all.figures(), workshops, workshopsListed, seconds: month.seconds };
}
