// The evaluation behind `npm run eval` (main.ts): a rule set scored against
// labels, on the generated population and on the real data.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { FeatureEngine, parseBatchHeader, type CompiledRuleSet } from '../../engine/src/index.js';
import { KINDS, populationBatches, shapeLibrary } from '../population/index.js';
import { buildGroups } from '../real-data/cases.js';
import { dataRoot } from '../real-data/data.js';
import { scoreGroups } from '../real-data/score.js';
import { CODES, metrics, newConfusion, precisionAt, type Confusion, type Metrics } from './metrics.js';

export interface PopulationEval {
  readonly metrics: Metrics;
  readonly confusion: Confusion;
  /** rule id → consumers of each kind it fired for. */
  readonly hits: Record<string, number[]>;
  readonly shapes: string;
  readonly generateAndScoreS: number;
  /** With `cohorts`: the transformer areas of the population (cut ones included), and the batches it was scored in. */
  readonly areas: number;
  readonly batches: number;
}

export interface EvalOptions {
  readonly consumers: number;
  readonly seed?: number;
  readonly days?: number;
  readonly pointsPerDay?: number;
  readonly startDate?: string;
  readonly batchSize?: number;
  readonly shapes?: 'auto' | 'parametric';
  /** Send Consumer.baseline_kw (bench/population `baselines`; default false). */
  readonly baselines?: boolean;
  /** Transformer areas (bench/population `cohorts`; default false): batches end on area boundaries. */
  readonly cohorts?: boolean;
  /** With `cohorts`: send Consumer.group (default true); false scores the same population without it. */
  readonly sendGroups?: boolean;
  readonly engine?: FeatureEngine;
  readonly progress?: (done: number) => void;
}

/** Scores a generated population with `ruleSet` and compares the codes with the labels. */
export async function evaluatePopulation(ruleSet: CompiledRuleSet, options: EvalOptions): Promise<PopulationEval> {
  const engine = options.engine ?? (await FeatureEngine.load());
  const P = options.pointsPerDay ?? 96;
  const startDate = options.startDate ?? '2026-03-02';
  const header = parseBatchHeader(P, startDate);
  const confusion = newConfusion(KINDS);
  const R = ruleSet.rules.length;
  const hitsByKind = ruleSet.rules.map(() => new Array<number>(KINDS.length).fill(0));
  const started = performance.now();
  let done = 0;
  let areas = 0;
  let batches = 0;
  let shapes = '';
  const population = {
    consumers: options.consumers,
    batchSize: options.batchSize ?? 2000,
    days: options.days ?? 30,
    pointsPerDay: P,
    startDate,
    seed: options.seed ?? 1,
    shapes: options.shapes ?? 'auto',
    baselines: options.baselines ?? false,
    cohorts: options.cohorts ?? false,
    sendGroups: options.sendGroups ?? true,
  };
  // one batch is one cohort space: with cohorts, a batch is whole areas (populationBatches ends them on area boundaries)
  for (const batch of populationBatches(population)) {
    const scored = engine.scoreWire(header, batch, ruleSet);
    const { codes, fired, count } = scored;
    for (let c = 0; c < count; c++) confusion.counts[batch.labels[c]!]![codes[c]! - 1]!++;
    for (let r = 0; r < R; r++) {
      const row = hitsByKind[r]!;
      for (let c = 0; c < count; c++) if (fired[r * count + c]) row[batch.labels[c]!]!++;
    }
    done += count;
    areas += batch.areas?.count ?? 0;
    batches++;
    options.progress?.(done);
  }
  shapes = shapeLibrary(P, options.shapes ?? 'auto').source;
  return {
    metrics: metrics(confusion),
    confusion,
    hits: Object.fromEntries(ruleSet.rules.map((r, i) => [r.id, hitsByKind[i]!])),
    shapes,
    generateAndScoreS: (performance.now() - started) / 1000,
    areas,
    batches,
  };
}

export interface RealEval {
  readonly metrics: Metrics;
  readonly groups: { group: string; expect: string; total: number; counts: Record<string, number> }[];
  /** Precision at the population's prevalence (4.5 %) from the real recall and false-positive rates. */
  readonly red_precision_at_4_5pct: number;
  readonly flagged_precision_at_4_5pct: number;
}

/** The real-data cases of bench/real-data/ as labels: "flag" groups suspects, "green" groups not, residential "green" groups households. */
export async function evaluateReal(ruleSet: CompiledRuleSet, engine?: FeatureEngine): Promise<RealEval | undefined> {
  if (!existsSync(path.join(dataRoot, 'INDEX.md'))) return undefined;
  const groups = buildGroups();
  const scored = await scoreGroups(groups, ruleSet, engine ? { engine } : {});
  const counted = groups.filter((g) => g.expect !== 'info');
  const confusion = newConfusion(counted.map((g) => ({ name: g.name, suspect: g.expect === 'flag', household: g.expect === 'green' && g.category === 'residential' })));
  counted.forEach((g, i) => {
    const counts = scored.get(g.name)!.counts;
    CODES.forEach((code, k) => (confusion.counts[i]![k] = counts[code]));
  });
  const m = metrics(confusion);
  return {
    metrics: m,
    groups: groups.map((g) => ({ group: g.name, expect: g.expect, total: g.cases.length, counts: { ...scored.get(g.name)!.counts } })),
    red_precision_at_4_5pct: precisionAt(0.045, m.red_recall, m.false_red_rate),
    flagged_precision_at_4_5pct: precisionAt(0.045, m.flagged_recall, m.false_flagged_rate),
  };
}


/** What the cohort comparison reports of one scoring of the population (with its groups, or without). */
export interface CohortSide {
  readonly red_recall: number;
  readonly flagged_recall: number;
  readonly red_precision: number;
  readonly flagged_precision: number;
  readonly household_red_share: number;
  readonly household_flagged_share: number;
  readonly false_flagged_rate: number;
  /** Suspect kind → its consumers and the shares of them coded RED, and RED or YELLOW (GRAY counts as missed). */
  readonly by_kind: Record<string, { n: number; red_recall: number; flagged_recall: number }>;
}

/** The comparison: the same cohort population scored with Consumer.group and with the groups dropped. */
export interface CohortComparison {
  readonly areas: number;
  readonly consumers_per_area: number;
  readonly batches: number;
  readonly with_groups: CohortSide;
  readonly without_groups: CohortSide;
}

function cohortSide(e: PopulationEval): CohortSide {
  const m = e.metrics;
  const by_kind: CohortSide['by_kind'] = {};
  e.confusion.classes.forEach((k, i) => {
    if (!k.suspect) return;
    const [, y, r] = e.confusion.counts[i]!;
    const n = e.confusion.counts[i]!.reduce((a, v) => a + v, 0);
    by_kind[k.name] = { n, red_recall: n > 0 ? r! / n : NaN, flagged_recall: n > 0 ? (r! + y!) / n : NaN };
  });
  return {
    red_recall: m.red_recall,
    flagged_recall: m.flagged_recall,
    red_precision: m.red_precision,
    flagged_precision: m.flagged_precision,
    household_red_share: m.household_red_share,
    household_flagged_share: m.household_flagged_share,
    false_flagged_rate: m.false_flagged_rate,
    by_kind,
  };
}

/** Compares the scorings of one cohort population with its groups (`withGroups`) and without (`withoutGroups`); they must be the same consumers. */
export function compareCohorts(withGroups: PopulationEval, withoutGroups: PopulationEval): CohortComparison {
  const n = withGroups.metrics.consumers;
  if (withoutGroups.metrics.consumers !== n || withoutGroups.areas !== withGroups.areas) throw new Error('the cohort comparison needs the same population scored twice');
  return {
    areas: withGroups.areas,
    consumers_per_area: withGroups.areas > 0 ? n / withGroups.areas : NaN,
    batches: withGroups.batches,
    with_groups: cohortSide(withGroups),
    without_groups: cohortSide(withoutGroups),
  };
}
