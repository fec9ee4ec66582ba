// The follow-up evaluation behind `npm run eval` (issue 13): the watched
// sites of bench/population/follow-up.ts, scored through the product exactly
// as the main population is (FeatureEngine.scoreWire on the generated
// ScoreBatchRequest bytes, Consumer.watch and baseline_kw included), codes
// against the case labels, and the four headline rates of the issue. A GRAY
// site counts in every denominator: a relapse behind a broken meter is not
// caught, a compliant site coded GRAY is not GREEN.
import { FeatureEngine, parseBatchHeader, type CompiledRuleSet } from '../../engine/src/index.js';
import { FOLLOW_UP_CASES, KINDS, followUpBatches, shapeLibrary } from '../population/index.js';
import { newConfusion, type Confusion } from './metrics.js';
import type { EvalOptions } from './evaluate.js';

/** The follow-up targets, as shares of the sites of the cases named. */
export interface FollowUpRates {
  /** closed_relapse + rectified_relapse coded RED or YELLOW. */
  readonly relapse_caught: number;
  /** closed_compliant + rectified_compliant + restricted_compliant coded GREEN. */
  readonly compliant_green: number;
  /** The same among the sites not coded GRAY (whose meter data support a code). */
  readonly compliant_green_judged: number;
  /** restricted_producing coded RED or YELLOW. */
  readonly restricted_producing_flagged: number;
  /** cleared coded GREEN (not flagged again). */
  readonly cleared_green: number;
}

export interface FollowUpEval {
  readonly sites: number;
  readonly confusion: Confusion;
  readonly rates: FollowUpRates;
  /** rule id → sites of each case it fired for. */
  readonly hits: Record<string, number[]>;
  /** case → kind the sites are built from → counts per code (GREEN, YELLOW, RED, GRAY). */
  readonly byKind: Record<string, Record<string, number[]>>;
  readonly shapes: string;
  readonly seconds: number;
}

/** Share of the sites of `cases` whose code is one of `codes` (1 GREEN, 2 YELLOW, 3 RED, 4 GRAY); GRAY sites count in the denominator. */
/** The share of the sites of `cases` coded one of `codes`; with `judged`, of those not GRAY. */
function share(c: Confusion, cases: readonly string[], codes: readonly number[], judged = false): number {
  let hit = 0;
  let n = 0;
  c.classes.forEach((k, i) => {
    if (!cases.includes(k.name)) return;
    const row = c.counts[i]!;
    n += row.reduce((a, v) => a + v, 0) - (judged ? row[3]! : 0);
    for (const code of codes) hit += row[code - 1]!;
  });
  return n > 0 ? hit / n : NaN;
}

export function followUpRates(c: Confusion): FollowUpRates {
  return {
    relapse_caught: share(c, ['closed_relapse', 'rectified_relapse'], [2, 3]),
    compliant_green: share(c, ['closed_compliant', 'rectified_compliant', 'restricted_compliant'], [1]),
    compliant_green_judged: share(c, ['closed_compliant', 'rectified_compliant', 'restricted_compliant'], [1], true),
    restricted_producing_flagged: share(c, ['restricted_producing'], [2, 3]),
    cleared_green: share(c, ['cleared'], [1]),
  };
}

/** Scores `options.consumers` watched sites with `ruleSet` and compares the codes with the case labels. */
export async function evaluateFollowUp(ruleSet: CompiledRuleSet, options: Omit<EvalOptions, 'baselines'>): Promise<FollowUpEval> {
  const engine = options.engine ?? (await FeatureEngine.load());
  const P = options.pointsPerDay ?? 96;
  const startDate = options.startDate ?? '2026-03-02';
  const header = parseBatchHeader(P, startDate);
  const confusion = newConfusion(FOLLOW_UP_CASES.map((c) => ({ name: c.name, suspect: c.suspect, household: false })));
  const hits = ruleSet.rules.map(() => new Array<number>(FOLLOW_UP_CASES.length).fill(0));
  const byKind: Record<string, Record<string, number[]>> = Object.fromEntries(FOLLOW_UP_CASES.map((c) => [c.name, {}]));
  const started = performance.now();
  let done = 0;
  const batches = followUpBatches({ consumers: options.consumers, batchSize: options.batchSize ?? 2000, days: options.days ?? 30, pointsPerDay: P, startDate, seed: options.seed ?? 1, shapes: options.shapes ?? 'auto' });
  for (const batch of batches) {
    const { codes, fired, count } = engine.scoreWire(header, batch, ruleSet);
    for (let c = 0; c < count; c++) {
      const label = batch.labels[c]!;
      confusion.counts[label]![codes[c]! - 1]!++;
      const kinds = byKind[FOLLOW_UP_CASES[label]!.name]!;
      (kinds[KINDS[batch.kinds[c]!]!.name] ??= [0, 0, 0, 0])[codes[c]! - 1]!++;
    }
    hits.forEach((row, r) => {
      for (let c = 0; c < count; c++) if (fired[r * count + c]) row[batch.labels[c]!]!++;
    });
    done += count;
    options.progress?.(done);
  }
  return {
    sites: done,
    confusion,
    rates: followUpRates(confusion),
    hits: Object.fromEntries(ruleSet.rules.map((r, i) => [r.id, hits[i]!])),
    byKind,
    shapes: shapeLibrary(P, options.shapes ?? 'auto').source,
    seconds: (performance.now() - started) / 1000,
  };
}
