// One month of the loop's population scored with one rule set, in-process as
// `npm run eval` scores (FeatureEngine.scoreWire on the generator's
// ScoreBatchRequest bytes). Month m (1, 2, …) is the same consumers (same
// seed, same indices: the same kinds, hence the same truth) over the `days`
// days after month m − 1: startDate + (m − 1)·days. What changes is what time
// changes in the generator: weekdays, the season, a real household's days.
//
// Kept for every consumer: code, score sum (as a response carries it,
// float32) and kind. Kept only for the consumers `keep` asks for (flagged,
// audited, inspected before): the rules that fired and the feature values the
// tuner reads.
import { featureNames } from '../../../engine/src/catalogue.js';
import { parseBatchHeader, type CompiledRuleSet, type FeatureEngine } from '../../../engine/src/index.js';
import { addDays } from '../../population/dates.js';
import { populationBatches } from '../../population/index.js';
import { uncappedSum } from '../../../cli/list/ranking.js';

export interface MonthPopulation {
  readonly consumers: number;
  readonly seed: number;
  readonly days: number;
  readonly pointsPerDay: number;
  /** Day 0 of month 1 (YYYY-MM-DD). */
  readonly startDate: string;
  readonly batchSize: number;
  readonly shapes: 'auto' | 'parametric';
}

/** The rules that fired for a consumer and the feature values of its month. */
export interface SiteDetail {
  readonly fired: readonly string[];
  readonly values: ReadonlyMap<string, number>;
}

export interface MonthScores {
  readonly month: number;
  readonly startDate: string;
  /** gridcode.v1.Code per consumer index: 1 GREEN, 2 YELLOW, 3 RED, 4 GRAY. */
  readonly codes: Uint8Array;
  readonly scores: Float32Array;
  /** The fired rules' scores added without the cap at 100 (cli/list/ranking.ts uncappedSum): what orders REDs at the cap. */
  readonly uncapped: Float32Array;
  /** Kind (KINDS index) per consumer index: the generator's label. */
  readonly kinds: Uint8Array;
  /** Rule id → consumers it fired for. */
  readonly fired: ReadonlyMap<string, number>;
  /** Consumer index → its detail, for the consumers `keep` asked for. */
  readonly details: ReadonlyMap<number, SiteDetail>;
  readonly seconds: number;
}

/** The first day of month `month` (1-based). */
export function monthStart(population: MonthPopulation, month: number): string {
  return addDays(population.startDate, (month - 1) * population.days);
}

export function scoreMonth(
  engine: FeatureEngine,
  ruleSet: CompiledRuleSet,
  population: MonthPopulation,
  month: number,
  keep: (index: number, code: number) => boolean = () => false,
): MonthScores {
  const started = performance.now();
  const startDate = monthStart(population, month);
  const header = parseBatchHeader(population.pointsPerDay, startDate);
  const N = population.consumers;
  const codes = new Uint8Array(N);
  const scores = new Float32Array(N);
  const uncapped = new Float32Array(N);
  const ruleScores = new Map(ruleSet.rules.map((rule) => [rule.id, rule.score]));
  const kinds = new Uint8Array(N);
  const hits = new Array<number>(ruleSet.rules.length).fill(0);
  const details = new Map<number, SiteDetail>();
  const features = new Set(featureNames(ruleSet.templates.names));
  for (const batch of populationBatches({ ...population, startDate })) {
    const scored = engine.scoreWire(header, batch, ruleSet);
    const names = scored.matrix.names.filter((name) => features.has(name));
    for (let c = 0; c < scored.count; c++) {
      const index = batch.first + c;
      const code = scored.codes[c]!;
      codes[index] = code;
      scores[index] = scored.scores[c]!;
      // Only a sum at the cap can differ from its uncapped sum: read the fired rules of those alone.
      uncapped[index] = scores[index]! >= 100 ? uncappedSum(scored.reasons(c), (rule) => ruleScores.get(rule)) : scores[index]!;
      kinds[index] = batch.labels[c]!;
      // the matrix views engine memory: read now, before the next batch
      if (keep(index, code)) details.set(index, { fired: scored.reasons(c), values: new Map(names.map((name) => [name, scored.matrix.value(c, name)])) });
    }
    for (let r = 0; r < hits.length; r++) hits[r]! += scored.hits[r]!;
  }
  return {
    month,
    startDate,
    codes,
    scores,
    uncapped,
    kinds,
    fired: new Map(ruleSet.rules.map((rule, r) => [rule.id, hits[r]!])),
    details,
    seconds: (performance.now() - started) / 1000,
  };
}
