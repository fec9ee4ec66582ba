import { beforeAll, describe, expect, it } from 'vitest';
import { FeatureEngine } from '../engine.js';
import { FeatureGroup } from '../catalogue.js';
import { parseBatchHeader } from '../header.js';
import { Op, type CompiledRule, type CompiledRuleSet } from '../rules/program.js';
import { TemplateSet } from '../templates.js';

// The column VM on hand-assembled programs, so that it is tested apart from
// the compiler: NaN semantics, masks, scores, code precedence, GRAY, reasons.

type Instruction = [number, number?];
const NIGHT = 8; // night_share column
const MEAN = 2; // mean_kw column

function ruleSet(instructions: Instruction[], constants: number[], rules: Partial<CompiledRule>[], extra: Partial<CompiledRuleSet> = {}): CompiledRuleSet {
  const code = new Int32Array(instructions.length * 4);
  instructions.forEach(([op, a], i) => {
    code[i * 4] = op;
    code[i * 4 + 1] = a ?? 0;
  });
  const full = rules.map((r, i) => ({ id: `r${i}`, score: 0, effect: 'score' as const, reason: '', when: '', reads: [], attributes: [], ...r }));
  return {
    id: 'test',
    version: '1',
    digest: '0',
    source: '',
    description: '',
    thresholds: { yellow: 40, red: 70 },
    minValidShare: 0.8,
    templates: TemplateSet.empty,
    rules: full,
    reasonOrder: Int32Array.from(full.keys()),
    program: { code, constants: Float64Array.from(constants), maxDepth: 8 },
    featureNames: [],
    groups: FeatureGroup.all,
    ...extra,
  };
}

const header = parseBatchHeader(24, '2026-11-02');
/** A day at `level` kW with `night` kW from 22:00 to 06:00. */
const day = (level: number, night: number) => Float32Array.from({ length: 24 }, (_, h) => (h >= 22 || h < 6 ? night : level));

let engine: FeatureEngine;
beforeAll(async () => {
  engine = await FeatureEngine.load();
});

describe('the rule VM', () => {
  it('compares columns with NaN false, != included, and not(NaN > x) true', () => {
    // r0: night_share > 0.3; r1: night_share != 0.3; r2: not (night_share > 0.3); r3: defined(night_share)
    const set = ruleSet(
      [[Op.loadFeature, NIGHT], [Op.constant, 0], [Op.gt], [Op.fire, 0],
       [Op.loadFeature, NIGHT], [Op.constant, 0], [Op.ne], [Op.fire, 1],
       [Op.loadFeature, NIGHT], [Op.constant, 0], [Op.gt], [Op.not], [Op.fire, 2],
       [Op.loadFeature, NIGHT], [Op.defined], [Op.fire, 3]],
      [0.3],
      [{ score: 10 }, { score: 10 }, { score: 10 }, { score: 10 }],
      { minValidShare: 0 },
    );
    // night share: all at night → 8/8·…; zero curve → NaN night_share (Σx = 0)
    const scored = engine.scoreConsumers(header, [{ loadKw: day(0, 5) }, { loadKw: day(0, 0) }, { loadKw: day(2, 0.5) }, { loadKw: day(1, 1) }], set);
    expect(scored.reasons(0)).toEqual(['r0', 'r1', 'r3']); // night_share 1
    expect(scored.reasons(1)).toEqual(['r2']); // Σx = 0: night_share NaN, only the negation fires
    expect(scored.reasons(2)).toEqual(['r1', 'r2', 'r3']); // 4 / 36 = 0.111
    expect(scored.reasons(3)).toEqual(['r0', 'r1', 'r3']); // 8 / 24 = 0.333
    expect(Array.from(scored.hits)).toEqual([2, 3, 2, 3]);
  });

  it('sums scores up to 100 and codes by the thresholds', () => {
    // r0 (30): mean_kw > 1; r1 (30): mean_kw > 2; r2 (50): mean_kw > 3
    const set = ruleSet(
      [[Op.loadFeature, MEAN], [Op.constant, 0], [Op.gt], [Op.fire, 0],
       [Op.loadFeature, MEAN], [Op.constant, 1], [Op.gt], [Op.fire, 1],
       [Op.loadFeature, MEAN], [Op.constant, 2], [Op.gt], [Op.fire, 2]],
      [1, 2, 3],
      [{ score: 30 }, { score: 30 }, { score: 50 }],
    );
    const flat = (kw: number) => ({ loadKw: new Float32Array(24).fill(kw) });
    const scored = engine.scoreConsumers(header, [flat(0.5), flat(1.5), flat(2.5), flat(3.5)], set);
    expect(Array.from(scored.scores)).toEqual([0, 30, 60, 100]);
    expect(Array.from(scored.codes)).toEqual([1, 1, 2, 3]); // 30 < 40 yellow; 60 ≥ 40; 110 capped at 100 ≥ 70
  });

  it('puts GRAY first, then exempt, then red, then thresholds', () => {
    // r0 exempt: mean_kw > 4; r1 red: mean_kw > 2; r2 (80): mean_kw > 1
    const set = ruleSet(
      [[Op.loadFeature, MEAN], [Op.constant, 0], [Op.gt], [Op.fire, 0],
       [Op.loadFeature, MEAN], [Op.constant, 1], [Op.gt], [Op.fire, 1],
       [Op.loadFeature, MEAN], [Op.constant, 2], [Op.gt], [Op.fire, 2]],
      [4, 2, 1],
      [{ effect: 'exempt' }, { effect: 'red' }, { score: 80 }],
      { reasonOrder: Int32Array.of(0, 1, 2) },
    );
    const flat = (kw: number) => new Float32Array(24).fill(kw);
    const gappy = flat(5);
    gappy.fill(NaN, 0, 6); // 18 of 24 valid = 75% < 80%
    const scored = engine.scoreConsumers(header, [{ loadKw: flat(5) }, { loadKw: flat(3) }, { loadKw: flat(1.5) }, { loadKw: flat(0.5) }, { loadKw: gappy }, { loadKw: flat(5).subarray(0, 23) }], set);
    expect(Array.from(scored.codes)).toEqual([1, 3, 3, 1, 4, 4]);
    expect(scored.reasons(0)).toEqual(['r0', 'r1', 'r2']); // exempt wins, reasons still listed
    expect(scored.reasons(4)).toEqual([]); // GRAY fires nothing
    expect(scored.note(4)).toMatch(/75\.0% of readings are valid; rule set test needs 80\.0%/);
    expect(scored.note(5)).toMatch(/23 readings is not a whole number of days/);
    expect(Array.from(scored.hits)).toEqual([1, 2, 3]); // GRAY consumers not counted
    expect(scored.summary()).toEqual({ total: 6, green: 2, yellow: 0, red: 2, gray: 2, ruleHits: { r0: 1, r1: 2, r2: 3 } });
  });

  it('shows as evidence the values each fired rule read', () => {
    const set = ruleSet(
      [[Op.loadFeature, NIGHT], [Op.constant, 0], [Op.gt], [Op.loadAttribute, 2], [Op.constant, 1], [Op.lt], [Op.and], [Op.fire, 0]],
      [0.3, 10],
      [{ score: 50, reads: ['night_share', 'capacity_kw'] }],
    );
    const scored = engine.scoreConsumers(header, [{ loadKw: day(0, 5), capacityKw: 4 }, { loadKw: day(0, 5), capacityKw: 40 }], set);
    expect(scored.evidence(0)).toEqual([{ rule: 'r0', values: { night_share: 1, capacity_kw: 4 } }]);
    expect(scored.evidence(1)).toEqual([]);
  });

  it('reads baseline_kw (unknown as NaN) and watch as attributes, in rules and in evidence', () => {
    // r0: baseline_kw > 1 (attribute 5); r1: watch == 2 (closed, attribute 4); r2: not (baseline_kw > 1)
    const set = ruleSet(
      [[Op.loadAttribute, 5], [Op.constant, 0], [Op.gt], [Op.fire, 0], [Op.loadAttribute, 4], [Op.constant, 1], [Op.eq], [Op.fire, 1], [Op.loadAttribute, 5], [Op.constant, 0], [Op.gt], [Op.not], [Op.fire, 2]],
      [1, 2],
      [{ score: 10, reads: ['baseline_kw'] }, { score: 10 }, { score: 10, reads: ['baseline_kw'] }],
    );
    const consumers = [
      { loadKw: day(0, 5), baselineKw: 2.5, watch: { status: 2, since: '' } },
      { loadKw: day(0, 5), baselineKw: 0 },
      { loadKw: day(0, 5), baselineKw: -3, watch: { status: 1 } },
      { loadKw: day(0, 5), baselineKw: Infinity },
    ];
    const scored = engine.scoreConsumers(header, consumers, set);
    expect([0, 1, 2, 3].map((c) => scored.reasons(c))).toEqual([['r0', 'r1'], ['r2'], ['r2'], ['r2']]);
    expect(scored.evidence(0)).toEqual([{ rule: 'r0', values: { baseline_kw: 2.5 } }, { rule: 'r1', values: {} }]);
    expect(scored.evidence(1)).toEqual([{ rule: 'r2', values: { baseline_kw: NaN } }]);
  });

  it('evaluates category and zone attributes as enum codes', () => {
    // r0: category == 1 (residential) and zone != 2 (industrial park)
    const set = ruleSet(
      [[Op.loadAttribute, 0], [Op.constant, 0], [Op.eq], [Op.loadAttribute, 1], [Op.constant, 1], [Op.ne], [Op.and], [Op.fire, 0]],
      [1, 2],
      [{ score: 50 }],
    );
    const load = new Float32Array(24).fill(1);
    const scored = engine.scoreConsumers(header, [{ loadKw: load, category: 1, zone: 1 }, { loadKw: load, category: 1, zone: 2 }, { loadKw: load, category: 3, zone: 1 }, { loadKw: load, category: 1 }], set);
    expect(scored.reasons(0)).toEqual(['r0']);
    expect(scored.reasons(1)).toEqual([]);
    expect(scored.reasons(2)).toEqual([]);
    expect(scored.reasons(3)).toEqual(['r0']); // zone unspecified (0) != 2
  });
});
