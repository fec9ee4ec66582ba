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
  let shapes = '';
  for (const batch of populationBatches({ consumers: options.consumers, batchSize: options.batchSize ?? 2000, days: options.days ?? 30, pointsPerDay: P, startDate, seed: options.seed ?? 1, shapes: options.shapes ?? 'auto', baselines: options.baselines ?? false })) {
    const scored = engine.scoreWire(header, batch, ruleSet);
    const { codes, fired, count } = scored;
    for (let c = 0; c < count; c++) confusion.counts[batch.labels[c]!]![codes[c]! - 1]!++;
    for (let r = 0; r < R; r++) {
      const row = hitsByKind[r]!;
      for (let c = 0; c < count; c++) if (fired[r * count + c]) row[batch.labels[c]!]!++;
    }
    done += count;
    options.progress?.(done);
  }
  shapes = shapeLibrary(P, options.shapes ?? 'auto').source;
  return {
    metrics: metrics(confusion),
    confusion,
    hits: Object.fromEntries(ruleSet.rules.map((r, i) => [r.id, hitsByKind[i]!])),
    shapes,
    generateAndScoreS: (performance.now() - started) / 1000,
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

