// Tuning (engine/src/tuning) on populations whose truth is known by
// construction, and the logistic fit against independent computations.
import { describe, expect, it } from 'vitest';
import { random } from '../../../tests/support/curves.js';
import { Tally } from '../outcomes/index.js';
import { fitLogistic, learnScores, logit, scoreScale, shortBetween, sigmoid, suggestThresholds, tune, withSuggestions, type LogisticProblem, type TuneRule, type TuneSite } from './index.js';

const RULES: TuneRule[] = [
  // informative: fires for 80 % of workshops, 10 % of the others; scored too low
  { id: 'a', when: 'night_share > 0.3', score: 30, effect: 'score' },
  // fires at random (40 % of everyone); scored high enough to make RED alone
  { id: 'b', when: 'mean_kw > 1', score: 70, effect: 'score' },
  // fires for 1 site in 100: too little support
  { id: 'c', when: 'load_factor > 0.5', score: 25, effect: 'score' },
  { id: 'park', when: 'zone == industrial_park', score: 0, effect: 'exempt' },
];
const THRESHOLDS = { yellow: 40, red: 70 };

/** n decided inspections: 40 % workshops (confirmed), the rules firing as RULES says; 3 % in a park. */
function population(seed: number, n = 1500): TuneSite[] {
  const rnd = random(seed);
  return Array.from({ length: n }, (_, i) => {
    const workshop = rnd() < 0.4;
    const fired = new Set<string>();
    if (rnd() < (workshop ? 0.8 : 0.1)) fired.add('a');
    if (rnd() < 0.4) fired.add('b');
    if (rnd() < 0.01) fired.add('c');
    if (rnd() < 0.03) fired.add('park');
    return { id: `s${seed}-${i}`, fired, values: new Map(), confirmed: workshop, audit: true };
  });
}

/** The code rules.md gives a site with these scores: 1 GREEN, 2 YELLOW, 3 RED. */
function code(site: TuneSite, scores: ReadonlyMap<string, number>): number {
  if (site.fired.has('park')) return 1;
  const sum = Math.min(100, [...site.fired].reduce((t, id) => t + (scores.get(id) ?? 0), 0));
  return sum >= THRESHOLDS.red ? 3 : sum >= THRESHOLDS.yellow ? 2 : 1;
}

function precision(sites: readonly TuneSite[], scores: ReadonlyMap<string, number>, minCode: number): number {
  const tally = new Tally();
  for (const site of sites) if (code(site, scores) >= minCode) tally.add(site.confirmed ? 'confirmed' : 'not_found');
  return tally.figures().precision!;
}

const OPTIONS = { thresholds: THRESHOLDS, pYellow: 0.3, pRed: 0.6, minSupport: 20 };

describe('learnScores on a population whose truth is known', () => {
  const learned = learnScores(population(1), RULES, OPTIONS);
  const after = new Map(learned.scores.map((s) => [s.rule, s.after]));

  it('ranks the informative rule above the random one, and leaves the rare and the exempt rule alone', () => {
    expect(after.get('a')!).toBeGreaterThan(after.get('b')!);
    const c = learned.scores.find((s) => s.rule === 'c')!;
    expect(c.support).toBeLessThan(20);
    expect([c.status, c.after]).toEqual(['too little support', 25]);
    expect(learned.scores.find((s) => s.rule === 'park')).toMatchObject({ status: 'effect rule', after: 0 });
    for (const s of learned.scores) expect(Number.isInteger(s.after) && s.after >= 0 && s.after <= 100).toBe(true);
  });

  it('does not lose precision on another seed (RED, and RED or YELLOW)', () => {
    const other = population(2);
    const before = new Map(RULES.map((rule) => [rule.id, rule.score]));
    expect(precision(other, after, 3)).toBeGreaterThanOrEqual(precision(other, before, 3));
    expect(precision(other, after, 2)).toBeGreaterThanOrEqual(precision(other, before, 2));
  });

  it('makes a score sum at the red threshold mean the red probability: a only, learned with the exact scale', () => {
    // Sites where only `a` fired: the model's probability σ(−b/a + w_a) is the red probability when a's score is the red threshold.
    const scale = scoreScale(THRESHOLDS, 0.3, 0.6);
    expect(sigmoid((70 - scale.b) / scale.a)).toBeCloseTo(0.6, 12);
    expect(sigmoid((40 - scale.b) / scale.a)).toBeCloseTo(0.3, 12);
    expect(sigmoid(scale.intercept)).toBeLessThan(0.3);
  });
});

describe('fitLogistic against independent computations', () => {
  it('one indicator with a fixed offset: w = logit(confirmed share) − offset', () => {
    const y = [true, true, true, false, false, true, false, true]; // 5 of 8
    const problem: LogisticProblem = { rows: y.map(() => [0]), y, offset: y.map(() => -1.2), columns: 1, l2: 1e-9, prior: [0], lower: [-50], upper: [50] };
    expect(fitLogistic(problem).weights[0]!).toBeCloseTo(logit(5 / 8) + 1.2, 6);
  });

  it('the gradient of the penalised loss is zero at the optimum (finite differences, written here)', () => {
    const rnd = random(7);
    const columns = 4;
    const rows = Array.from({ length: 300 }, () => [0, 1, 2, 3].filter(() => rnd() < 0.4));
    const y = rows.map((cols) => rnd() < sigmoid(-1 + (cols.includes(0) ? 2 : 0) - (cols.includes(1) ? 0.5 : 0)));
    const problem: LogisticProblem = { rows, y, offset: rows.map(() => -1), columns, l2: 0.5, prior: [0.2, 0.2, 0.2, 0.2], lower: [-20, -20, -20, -20], upper: [20, 20, 20, 20] };
    const loss = (w: number[]) =>
      rows.reduce((t, cols, i) => {
        const eta = -1 + cols.reduce((s, j) => s + w[j]!, 0);
        return t + Math.log1p(Math.exp(eta)) - (y[i] ? eta : 0);
      }, 0) + w.reduce((t, wj, j) => t + (0.5 * 0.5 * (wj - problem.prior[j]!) ** 2), 0);
    const w = fitLogistic(problem).weights;
    for (let j = 0; j < columns; j++) {
      const h = 1e-5;
      const up = [...w];
      const down = [...w];
      up[j]! += h;
      down[j]! -= h;
      expect(Math.abs((loss(up) - loss(down)) / (2 * h))).toBeLessThan(1e-4);
    }
  });

  it('holds a weight the data push below its bound at the bound, where the loss rises inwards', () => {
    const y = [false, false, false, false, true];
    const problem: LogisticProblem = { rows: y.map(() => [0]), y, offset: y.map(() => 0), columns: 1, l2: 1e-6, prior: [0], lower: [0], upper: [10] };
    const fit = fitLogistic(problem);
    expect([fit.weights[0], fit.atBound[0]]).toEqual([0, true]);
  });
});

describe('threshold suggestions', () => {
  const rule: TuneRule = { id: 'night', when: 'mean_kw > 1 and night_share > 0.3', score: 40, effect: 'score' };
  /** Sites the rule fired for, night_share uniform on (0.3, 1); confirmed with probability pAbove above 0.6, pBelow below. */
  function nightSites(seed: number, n: number, pAbove: number, pBelow: number): TuneSite[] {
    const rnd = random(seed);
    return Array.from({ length: n }, (_, i) => {
      const night = 0.3 + 0.7 * rnd();
      return { id: `n${seed}-${i}`, fired: new Set(['night']), values: new Map([['night_share', night], ['mean_kw', 2]]), confirmed: rnd() < (night > 0.6 ? pAbove : pBelow), audit: true };
    });
  }
  const options = { minSupport: 20, seed: 1, isFeature: (name: string) => name === 'night_share' || name === 'mean_kw' };

  it('moves the number towards where the truth changes, and the refit sees the rule fire only above it', () => {
    const sites = nightSites(3, 400, 0.9, 0.1);
    const [s] = suggestThresholds(sites, [rule], options);
    expect(s).toBeDefined();
    expect(s!.cut.feature).toBe('night_share');
    expect(s!.to).toBeGreaterThan(0.5);
    expect(s!.to).toBeLessThan(0.7);
    expect(s!.f1After).toBeGreaterThan(s!.f1Before);
    const kept = withSuggestions(sites, [s!]).filter((site) => site.fired.has('night')).length;
    expect(kept).toBe(sites.filter((site) => site.values.get('night_share')! > s!.to).length);
  });

  it('suggests nothing where the feature says nothing, or where the rule has too little support', () => {
    for (const seed of [4, 7, 8, 9, 10]) expect(suggestThresholds(nightSites(seed, 400, 0.5, 0.5), [rule], options)).toEqual([]);
    expect(suggestThresholds(nightSites(5, 15, 0.9, 0.1), [rule], options)).toEqual([]);
    expect(suggestThresholds(nightSites(5, 400, 0.9, 0.1), [{ ...rule, effect: 'red' }], options)).toEqual([]);
  });

  it('tune applies the suggestion before learning the score', () => {
    const sites = nightSites(6, 400, 0.9, 0.1);
    const result = tune(sites, [rule], { ...options, ...OPTIONS });
    expect(result.suggestions).toHaveLength(1);
    const support = result.scores[0]!.support;
    expect(support).toBe(sites.filter((site) => site.values.get('night_share')! > result.suggestions[0]!.to).length);
  });
});

describe('shortBetween: the number a suggestion writes', () => {
  it('takes more digits when 3 do not fall strictly between, never the raw midpoint of review 2', () => {
    // Two feature values 3 significant digits cannot separate: the midpoint 0.8353951014727533 was written as is.
    for (const [low, high] of [[0.8353902029455066, 0.8354], [0.8351, 0.8356], [1.23449, 1.23451], [0.1, 0.9], [-2.5, -2.4999]]) {
      const x = shortBetween(low!, high!);
      expect(x > low! && x < high!).toBe(true);
      // its significant digits: the fewest that give it back
      let digits = 1;
      while (Number(x.toPrecision(digits)) !== x) digits++;
      // the fewest (3 at least): the midpoint to one digit fewer is not strictly between
      if (digits > 3) {
        const shorter = Number(((low! + high!) / 2).toPrecision(digits - 1));
        expect(shorter > low! && shorter < high!).toBe(false);
      }
      expect(digits).toBeLessThan(10);
    }
    expect(shortBetween(0.8353902029455066, 0.8354)).toBe(0.835395);
  });
});
