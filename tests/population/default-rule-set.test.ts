// rules/default.yaml on a small generated population (parametric shapes, so
// independent of ../shared/data), scored through the product
// (FeatureEngine.scoreWire on the generator's bytes). The floors and ceilings
// are the figures measured for seeds 1-3 at 20,000 consumers, with margins:
//   flagged (RED + YELLOW) recall 0.528-0.563, precision 0.944-0.978;
//   RED recall 0.259-0.334, precision 0.924-0.970;
//   households coded RED 0.05-0.09 %, RED or YELLOW 0.07-0.16 %.
// A change of the generator or of the rule set that moves these far fails
// here; `npm run eval` shows where.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluatePopulation, type PopulationEval } from '../../bench/eval/evaluate.js';
import { KINDS } from '../../bench/population/index.js';
import { repoRoot } from '../../bench/real-data/data.js';
import { loadRuleSet } from '../../bench/real-data/score.js';

describe('the default rule set on a generated population (20,000 consumers, seed 1)', () => {
  let result: PopulationEval;
  beforeAll(async () => {
    result = await evaluatePopulation(loadRuleSet(path.join(repoRoot, 'rules', 'default.yaml')), { consumers: 20_000, seed: 1, shapes: 'parametric' });
  });

  it('has the configured share of suspects', () => {
    expect(result.metrics.suspect_share).toBeGreaterThan(0.04);
    expect(result.metrics.suspect_share).toBeLessThan(0.05);
  });

  it('finds more than 45 % of the workshops (RED + YELLOW) with precision above 85 %', () => {
    expect(result.metrics.flagged_recall).toBeGreaterThan(0.45);
    expect(result.metrics.flagged_precision).toBeGreaterThan(0.85);
    expect(result.metrics.red_recall).toBeGreaterThan(0.2);
    expect(result.metrics.red_precision).toBeGreaterThan(0.8);
  });

  it('codes fewer than 0.3 % of households RED and fewer than 0.5 % RED or YELLOW', () => {
    expect(result.metrics.household_red_share).toBeLessThan(0.003);
    expect(result.metrics.household_flagged_share).toBeLessThan(0.005);
  });

  it('never flags a licensed factory in a park, and flags most workshops with a small contract', () => {
    const row = (name: string) => result.confusion.counts[KINDS.findIndex((k) => k.name === name)]!;
    for (const f of ['factory_1shift', 'factory_2shift', 'factory_3shift']) expect(row(f)[1]! + row(f)[2]!, f).toBe(0);
    const small = row('workshop_small_contract');
    expect((small[1]! + small[2]!) / small.reduce((a, v) => a + v, 0)).toBeGreaterThan(0.85);
  });
});
