// The peer pass (followup.md, Cohorts; peer_count, peer_ratio, peer_corr):
// hand-computed cohorts, every case where a feature is undefined, and the pass
// against the O(size²·P) float64 reference of tests/reference/peers.ts on
// random cohorts, with one PeerPass reused across cohorts of every size.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceCohortRows, referencePeerFeatures, referencePeers, type ReferenceCohortMember, type ReferencePeerFeatures, type ReferencePeerRow } from '../../../tests/reference/peers.js';
import { featureMismatch } from '../../../tests/support/tolerance.js';
import { FeatureEngine } from '../engine.js';
import { compileEngine } from '../wasm.js';
import type { CohortRows, PeerOutput, PeerPass } from './peer-pass.js';

// The pass computes peer_corr in engine memory: one engine's pass for most
// tests, a new engine's (nothing left from earlier cohorts) where that matters.
let module: WebAssembly.Module;
let engine: FeatureEngine;
beforeAll(async () => {
  module = await compileEngine();
  engine = await FeatureEngine.load({ module });
});
const freshPass = async (): Promise<PeerPass> => (await FeatureEngine.load({ module })).peerPass;

/** A member written by hand: mean_kw (kW), profile (kW, NaN = no value), and whether it is a peer (default yes). */
type Member = readonly [mean: number, profile: readonly number[], peer?: 0 | 1];

function rowsOf(P: number, members: readonly Member[]): CohortRows {
  const size = members.length;
  const rows = { size, pointsPerDay: P, mean: new Float64Array(size), peer: new Uint8Array(size), profiles: new Float32Array(size * P) };
  members.forEach(([mean, profile, peer = 1], i) => {
    if (profile.length !== P) throw new Error(`member ${i}: ${profile.length} slots, not ${P}`);
    rows.mean[i] = mean;
    rows.peer[i] = peer;
    rows.profiles.set(profile, i * P);
  });
  return rows;
}

function outputOf(size: number): PeerOutput {
  return { count: new Float64Array(size), ratio: new Float64Array(size), corr: new Float64Array(size) };
}

/** The pass's features per member. */
function run(rows: CohortRows, pass = engine.peerPass): ReferencePeerFeatures[] {
  const out = outputOf(rows.size);
  pass.run(rows, out);
  return Array.from({ length: rows.size }, (_, c) => ({ peer_count: out.count[c]!, peer_ratio: out.ratio[c]!, peer_corr: out.corr[c]! }));
}

function column(features: readonly ReferencePeerFeatures[], name: keyof ReferencePeerFeatures): number[] {
  return features.map((f) => f[name]);
}

/** Hand values agree to float64 rounding (a few ulps of results of order 1); NaN where NaN; never −0. */
function expectValues(actual: readonly number[], expected: readonly number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => {
    const e = expected[i]!;
    expect(Object.is(a, -0), `member ${i}: −0`).toBe(false);
    if (Number.isNaN(e)) expect(a, `member ${i}`).toBeNaN();
    else expect(Math.abs(a - e), `member ${i}: ${a} vs ${e}`).toBeLessThanOrEqual(4e-16 * Math.max(1, Math.abs(e)));
  });
}

const NA = NaN;

describe('hand-computed cohorts (P = 4)', () => {
  // p/m of each member (its profile ÷ its mean, dimensionless):
  //   0: [0,1,2,1]  1: [1,1,1,1]  2: [0,1,2,1]  3: [1,1,2,0]  4: [2,0,0,2]  5: [1,2,1,0]
  // Sum over all six S = [5,6,8,5]; member c's q = (S − own p/m) ÷ 5 (the scale does not change r).
  const SIX: Member[] = [
    [1, [0, 1, 2, 1]],
    [2, [2, 2, 2, 2]],
    [2, [0, 2, 4, 2]],
    [4, [4, 4, 8, 0]],
    [0.5, [1, 0, 0, 1]],
    [8, [8, 16, 8, 0]],
  ];

  it('six peers: each has five', () => {
    const f = run(rowsOf(4, SIX));
    expect(column(f, 'peer_count')).toEqual([5, 5, 5, 5, 5, 5]);
    // Means sorted [0.5, 1, 2, 2, 4, 8]: whichever one is left out, the middle of the other five is 2.
    expectValues(column(f, 'peer_ratio'), [0.5, 1, 1, 2, 0.25, 4]);
    expectValues(column(f, 'peer_corr'), [
      // 0: p − p̄ = [−1,0,1,0]; S − [0,1,2,1] = [5,5,6,4], − 5 = [0,0,1,−1]: r = 1 / √(2·2) = 0.5
      0.5,
      // 1: flat profile, zero variance
      NA,
      // 2: p = 2 × member 0's, same q: 0.5
      0.5,
      // 3: p − p̄ = [0,0,4,−4]; S − [1,1,2,0] = [4,5,6,5], − 5 = [−1,0,1,0]: r = 4 / √(32·2) = 0.5
      0.5,
      // 4: p − p̄ = [.5,−.5,−.5,.5]; S − [2,0,0,2] = [3,6,8,3], − 5 = [−2,1,3,−2]: r = −4 / √(1·18)
      -4 / Math.sqrt(18),
      // 5: p − p̄ = [0,8,0,−8]; S − [1,2,1,0] = [4,4,7,5], − 5 = [−1,−1,2,0]: r = −8 / √(128·6) = −1/(2√3)
      -1 / (2 * Math.sqrt(3)),
    ]);
  });

  it('a member that is no peer (GRAY) is left out of the others and gets its own values against all of them', () => {
    const members = SIX.map(([mean, profile], i): Member => [mean, profile, i === 5 ? 0 : 1]);
    const f = run(rowsOf(4, members));
    expect(column(f, 'peer_count')).toEqual([4, 4, 4, 4, 4, 5]);
    // Peers' means [1,2,2,4,0.5]. Even counts: 0 → [0.5,2,2,4] → 2; 1 and 2 → [0.5,1,2,4] → 1.5;
    // 3 → [0.5,1,2,2] → 1.5; 4 → [1,2,2,4] → 2; 5 (odd) → [0.5,1,2,2,4] → 2.
    expectValues(column(f, 'peer_ratio'), [0.5, 2 / 1.5, 2 / 1.5, 4 / 1.5, 0.25, 4]);
    // S' = sum over members 0–4 = [4,4,7,5].
    expectValues(column(f, 'peer_corr'), [
      // 0: S' − [0,1,2,1] = [4,3,5,4], − 4 = [0,−1,1,0]; p − p̄ = [−1,0,1,0]: r = 1 / √(2·2)
      0.5,
      NA,
      0.5,
      // 3: S' − [1,1,2,0] = [3,3,5,5], − 4 = [−1,−1,1,1]; p − p̄ = [0,0,4,−4]: cross 4 − 4 = 0
      0,
      // 4: S' − [2,0,0,2] = [2,4,7,3], − 4 = [−2,0,3,−1]; p − p̄ = [.5,−.5,−.5,.5]: r = −3 / √(1·14)
      -3 / Math.sqrt(14),
      // 5: q = S' ÷ 5 (nothing of its own to take out), − 4 = [−1,−1,2,0]; p − p̄ = [0,8,0,−8]: as before
      -1 / (2 * Math.sqrt(3)),
    ]);
  });

  it('slots without a value: q averages, per slot, the peers that have one', () => {
    // p/m:  0: [1,1,–,2]  1: [–,2,1,1]  2: [0,–,–,3]  3: [1,2,–,1]  4: [1,–,3,0]
    // S = [3,5,4,7] over n = [4,3,2,5] terms.
    const members: Member[] = [
      [1, [1, 1, NA, 2]],
      [2, [NA, 4, 2, 2]],
      [1, [0, NA, NA, 3]],
      [4, [4, 8, NA, 4]],
      [2, [2, NA, 6, 0]],
    ];
    const f = run(rowsOf(4, members));
    expect(column(f, 'peer_count')).toEqual([4, 4, 4, 4, 4]);
    // Means [1,2,1,4,2]: 0 → [1,2,2,4] → 2; 1 → [1,1,2,4] → 1.5; 2 → 2; 3 → [1,1,2,2] → 1.5; 4 → [1,1,2,4] → 1.5.
    expectValues(column(f, 'peer_ratio'), [0.5, 2 / 1.5, 0.5, 4 / 1.5, 2 / 1.5]);
    expectValues(column(f, 'peer_corr'), [
      // 0, slots 0,1,3: q = [(3−1)/3, (5−1)/2, (7−2)/4] = [2/3, 2, 5/4]; ×36 − mean: [−23,25,−2];
      //    p = [1,1,2], ×3 − mean: [−1,−1,2]: r = (23 − 25 − 4) / √(6·1158)
      -6 / Math.sqrt(6 * 1158),
      // 1, slots 1,2,3: q = [(5−2)/2, (4−1)/1, (7−1)/4] = [1.5,3,1.5] → [−.5,1,−.5]; p = [4,2,2] → [4,−2,−2]/3: r = −1 / √(24/9·1.5)
      -0.5,
      // 2, slots 0,3: q = [(3−0)/3, (7−3)/4] = [1,1]: zero variance
      NA,
      // 3, slots 0,1,3: q = [2/3, 3/2, 3/2], ×18 − mean: [−10,5,5]; p = [4,8,4] → [−1,2,−1]: r = 15 / √(6·150)
      0.5,
      // 4, slots 0,2,3: q = [2/3, 1, 7/4], ×36 − mean: [−17,−5,22]; p = [2,6,0] → [−1,5,−4]: r = −96 / √(42·798)
      -96 / Math.sqrt(42 * 798),
    ]);
  });
});

describe('undefined when … (followup.md)', () => {
  const shape = (k: number): number[] => [k, 2 * k, 3 * k, 0];

  it('fewer than 4 peers: peer_ratio and peer_corr; peer_count is always defined', () => {
    const four: Member[] = [1, 2, 3, 4].map((m) => [m, shape(m)]);
    const f = run(rowsOf(4, four));
    expect(column(f, 'peer_count')).toEqual([3, 3, 3, 3]);
    expectValues(column(f, 'peer_ratio'), [NA, NA, NA, NA]);
    expectValues(column(f, 'peer_corr'), [NA, NA, NA, NA]);
    // One more member (not a peer itself) sees the four: defined for it only.
    const g = run(rowsOf(4, [...four, [5, [0, 1, 0, 3], 0]]));
    expect(column(g, 'peer_count')).toEqual([3, 3, 3, 3, 4]);
    expect(column(g, 'peer_ratio').slice(0, 4).every(Number.isNaN)).toBe(true);
    expectValues([g[4]!.peer_ratio], [5 / 2.5]);
    // q = mean of [1,2,3,0] = [1,2,3,0] → [−.5,.5,1.5,−1.5]; p − p̄ = [−1,0,−1,2]: r = (.5 + 0 − 1.5 − 3) / √(6·5)
    expectValues([g[4]!.peer_corr], [-4 / Math.sqrt(30)]);
  });

  it('a cohort of one, and an empty cohort', () => {
    const f = run(rowsOf(4, [[3, [1, 2, 3, 4]]]));
    expect(f).toEqual([{ peer_count: 0, peer_ratio: NaN, peer_corr: NaN }]);
    expect(run(rowsOf(4, []))).toEqual([]);
  });

  it('the median of the peers’ means is 0', () => {
    // Means [0,0,0,1,2]. 3 → [0,0,0,2] → (0+0)/2; 4 → [0,0,0,1] → 0: undefined.
    // 0–2 → [0,0,1,2] → 0.5: 0 ÷ 0.5 = 0. Only 2 peers have a mean ≠ 0: peer_corr undefined for all.
    const f = run(rowsOf(4, [0, 0, 0, 1, 2].map((m): Member => [m, shape(m)])));
    expect(column(f, 'peer_count')).toEqual([4, 4, 4, 4, 4]);
    expectValues(column(f, 'peer_ratio'), [0, 0, 0, NA, NA]);
    expectValues(column(f, 'peer_corr'), [NA, NA, NA, NA, NA]);
  });

  it('never −0: a mean of 0 over a negative median', () => {
    // Means [0,−1,−1,−2,−3]: member 0's peers [−3,−2,−1,−1] → −1.5; 0 ÷ −1.5 is −0 in IEEE arithmetic.
    const f = run(rowsOf(4, [0, -1, -1, -2, -3].map((m): Member => [m, [1, 2, 3, 4]])));
    expect(Object.is(f[0]!.peer_ratio, 0)).toBe(true);
    expectValues(column(f, 'peer_ratio'), [0, -1 / -1.5, -1 / -1.5, -2 / -1, -3 / -1]);
  });

  it('the own mean_kw is undefined: no peer_ratio; a peer flag with an undefined mean does not make a peer', () => {
    const members: Member[] = [
      ...[1, 2, 3, 4, 5].map((m): Member => [m, shape(m)]),
      [NA, [NA, NA, NA, NA], 0], // no valid reading: no mean, no profile
      [NA, [1, 2, 3, 4], 1], // flagged a peer against the contract: still not counted
    ];
    const f = run(rowsOf(4, members));
    expect(column(f, 'peer_count')).toEqual([4, 4, 4, 4, 4, 5, 5]);
    // 0 → [2,3,4,5] → 3.5; 1 → [1,3,4,5] → 3.5; 2 → [1,2,4,5] → 3; 3 → [1,2,3,5] → 2.5; 4 → [1,2,3,4] → 2.5.
    expectValues(column(f, 'peer_ratio'), [1 / 3.5, 2 / 3.5, 1, 4 / 2.5, 5 / 2.5, NA, NA]);
    // Every peer's p/m is [1,2,3,0]/1.5, so is q: members 0–4 are that shape (r = 1); member 5 has no profile;
    // member 6's profile [1,2,3,4] → [−1.5,−.5,.5,1.5] against q ∝ [−.5,.5,1.5,−1.5]: r = (.75−.25+.75−2.25) / √(5·5)
    expectValues(column(f, 'peer_corr'), [1, 1, 1, 1, 1, NA, -1 / 5]);
  });

  it('fewer than 4 peers with mean_kw ≠ 0: no q (but a member whose own mean is 0 still sees 4)', () => {
    const members: Member[] = [
      ...[1, 2, 3, 4].map((m): Member => [m, shape(m)]),
      [0, [0, 0, 0, 0]],
      [0, [0, 0, 0, 0]],
    ];
    const f = run(rowsOf(4, members));
    expect(column(f, 'peer_count')).toEqual([5, 5, 5, 5, 5, 5]);
    // Means [1,2,3,4,0,0]: 0 → [0,0,2,3,4] → 2; 1 → [0,0,1,3,4] → 1; 2 → [0,0,1,2,4] → 1; 3 → [0,0,1,2,3] → 1;
    // 4, 5 → [0,1,2,3,4] → 2.
    expectValues(column(f, 'peer_ratio'), [0.5, 2, 3, 4, 0, 0]);
    // Members 0–3 see 3 peers with a mean ≠ 0; 4 and 5 see 4, but their flat profile (all 0) has no variance.
    expectValues(column(f, 'peer_corr'), [NA, NA, NA, NA, NA, NA]);
    const varied = members.map((m, i): Member => (i === 5 ? [0, [0, 0, 1, 0]] : m));
    // Member 5 now: q = [1,2,3,0]/1.5 ∝ [−.5,.5,1.5,−1.5]; p − p̄ = [−.25,−.25,.75,−.25]: r = 1.5 / √(.75·5)
    expectValues([run(rowsOf(4, varied))[5]!.peer_corr], [1.5 / Math.sqrt(0.75 * 5)]);
  });

  it('fewer than 2 slots where both p and q have a value', () => {
    // The peers have values in slots 0 and 1 (and 2 in the second cohort); member 0 in slots 1–3.
    const cohort = (peerSlots: number[]): Member[] => [
      [2, [NA, 1, 2, 3]],
      ...[1, 2, 3, 4].map((m): Member => [m, [0, 1, 2, 3].map((s) => (peerSlots.includes(s) ? m * (s + 1) : NA))]),
    ];
    expect(run(rowsOf(4, cohort([0, 1])))[0]!.peer_corr).toBeNaN(); // slot 1 only
    // Slots 1 and 2: two points always correlate ±1. q ∝ [2,3], p = [1,2]: r = 1.
    expectValues([run(rowsOf(4, cohort([0, 1, 2])))[0]!.peer_corr], [1]);
    // A member with one slot of its own.
    expect(run(rowsOf(4, [[2, [NA, NA, 8, NA]], ...cohort([0, 1, 2, 3]).slice(1)]))[0]!.peer_corr).toBeNaN();
  });

  it('zero variance of q: a flat cohort gives no correlation, however it is summed', () => {
    // Flat peers have p/m = 1 in every slot: q = 1 exactly. Member 0's own terms p/m = [0.1,0.7,0.3,0.9]/0.3
    // are in the cohort's slot sums; taken out by plain float64 subtraction they leave rounding residue
    // (1.0000000000000002 in some slots) and a spurious r. The pass must give q = 1 exactly.
    const levels = [0.3, 1.7, 2.2, 5, 0.1, 7.3].map(Math.fround);
    const members: Member[] = [[0.3, [0.1, 0.7, 0.3, 0.9]], ...levels.map((v): Member => [v, [v, v, v, v]])];
    const f = run(rowsOf(4, members));
    expect(column(f, 'peer_count')).toEqual([6, 6, 6, 6, 6, 6, 6]);
    expect(column(f, 'peer_corr').every(Number.isNaN), `peer_corr ${column(f, 'peer_corr')}`).toBe(true);
  });

  it('zero variance of q with a spiky member at P = 288: its own large term taken out leaves q flat', () => {
    // A review's case: five flat peers and one member whose day is a single 33 kW slot; its p/m is about
    // 288 there, and taking that term out of the slot's sum leaves residue of 1e-14 of the peers' q = 1.
    const P = 288;
    const flat = [2.93, 1.17, 3.29, 1.48, 2.67].map(Math.fround);
    const spike = Array.from({ length: P }, (_, s) => Math.fround(s === 12 ? 33.27 : 0.0163));
    const spikeMean = spike.reduce((a, b) => a + b, 0) / P;
    const members: Member[] = [[spikeMean, spike], ...flat.map((v): Member => [v, Array<number>(P).fill(v)])];
    const f = run(rowsOf(P, members));
    expect(f[0]!.peer_count).toBe(5);
    expect(f[0]!.peer_corr, 'the cohort profile is flat: no correlation').toBeNaN();
  });
});

/** Random cohorts per property; FEATURE_FUZZ_SCALE=10 (environment) runs ten times as many, as for the feature properties. */
const SCALE = Number(process.env.FEATURE_FUZZ_SCALE ?? 1) || 1;

describe('the pass against the float64 reference (tests/reference/peers.ts)', () => {
  /**
   * Tolerance: the contract of features.md (tests/support/tolerance.ts), max(1e-4·|r|, 1e-6), for
   * peer_corr; peer_count and peer_ratio exactly. Both sides read the same float32 profile values and
   * float64 means, so p/m is the same float64 division in both, and peer_ratio the same division by the
   * same median. q's sums differ: the reference adds its peers one by one for each member, the
   * engine sums p/m over every peer once and takes the member's own term out, in plain float64, which
   * leaves rounding residue of about (size)·2⁻⁵³ of the largest terms; r's error is q's amplified by
   * how close to flat q is. A q flat to 1e-9 of its size is undefined (a real cohort profile varies by
   * percents), which bounds that amplification. Observed: up to about 1e-9 (means 1000 times apart in
   * one cohort, r near 0), so besides the contract every error is held below TIGHT = 1e-7: a tripwire
   * 1,000 times under the contract.
   */
  const TIGHT = 1e-7;
  let largest = 0;
  /** How many members were compared, and how many had each feature defined (the properties must reach both branches). */
  const seen = { members: 0, ratio: 0, corr: 0 };

  function compare(actual: readonly ReferencePeerFeatures[], expected: readonly ReferencePeerFeatures[], context: () => string): void {
    expect(actual.length).toBe(expected.length);
    actual.forEach((a, c) => {
      const r = expected[c]!;
      const where = () => `member ${c} of ${actual.length}: pass ${JSON.stringify(a)}, reference ${JSON.stringify(r)}\n${context()}`;
      seen.members++;
      if (!Number.isNaN(r.peer_ratio)) seen.ratio++;
      if (!Number.isNaN(r.peer_corr)) seen.corr++;
      expect(a.peer_count, where()).toBe(r.peer_count);
      const sameRatio = a.peer_ratio === r.peer_ratio || (Number.isNaN(a.peer_ratio) && Number.isNaN(r.peer_ratio));
      expect(sameRatio && !Object.is(a.peer_ratio, -0), where()).toBe(true);
      const problem = featureMismatch('peer_corr', a.peer_corr, r.peer_corr);
      expect(problem, problem && where()).toBeUndefined();
      if (Number.isFinite(r.peer_corr)) {
        const error = Math.abs(a.peer_corr - r.peer_corr) / Math.max(Math.abs(r.peer_corr), 1e-2);
        largest = Math.max(largest, error);
        expect(error, where()).toBeLessThanOrEqual(TIGHT);
      }
    });
  }

  // ---- Cohorts from curves: what the engine hands the pass (float32 profiles, float64 means).

  const KINDS = ['random', 'shaped', 'flat', 'zero', 'allMissing', 'unusable'] as const;
  /** true with probability p. */
  const chance = (p: number) => fc.integer({ min: 0, max: 999 }).map((n) => n < p * 1000);
  const memberRecipe = fc.record({
    kind: fc.constantFrom(...KINDS, 'random', 'shaped', 'shaped'),
    level: fc.constantFrom(0.05, 0.3, 1, 2, 2, 7.5, 40),
    seed: fc.integer({ min: 1, max: 0x7fffffff }),
    /** Share of slots with no reading on any day, and of other readings missing. */
    holes: fc.constantFrom(0, 0, 0.1, 0.5, 0.9),
    scattered: fc.constantFrom(0, 0.05, 0.3),
    gray: chance(0.15),
  });
  type MemberRecipe = typeof memberRecipe extends fc.Arbitrary<infer R> ? R : never;
  const curveCohort = fc.record({
    P: fc.constantFrom(24, 48, 96),
    D: fc.constantFrom(1, 2, 3),
    members: fc.array(memberRecipe, { minLength: 1, maxLength: 60, size: 'max' }),
    /** The cohort's common shape (a daily pattern), which 'shaped' members scale and perturb. */
    shapeSeed: fc.integer({ min: 1, max: 0x7fffffff }),
  });

  /** A small deterministic generator: the curve follows from its recipe. */
  function random(seed: number): () => number {
    let state = seed >>> 0 || 1;
    return () => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) / 2 ** 32;
    };
  }

  function curveOf(recipe: MemberRecipe, shape: Float64Array, P: number, D: number): Float32Array {
    const next = random(recipe.seed);
    if (recipe.kind === 'unusable') return new Float32Array(P * D + 1).fill(1); // not whole days: GRAY
    const x = new Float32Array(P * D);
    const emptySlot = Array.from({ length: P }, () => next() < recipe.holes);
    for (let t = 0; t < x.length; t++) {
      const s = t % P;
      let v: number;
      if (recipe.kind === 'random') v = recipe.level * 2 * next();
      else if (recipe.kind === 'shaped') v = recipe.level * shape[s]! * (0.8 + 0.4 * next());
      else if (recipe.kind === 'flat') v = recipe.level;
      else if (recipe.kind === 'zero') v = 0;
      else v = NaN;
      if (emptySlot[s] || next() < recipe.scattered) v = next() < 0.5 ? NaN : -1; // both invalid
      x[t] = v;
    }
    return x;
  }

  function shapeOf(seed: number, P: number): Float64Array {
    const next = random(seed);
    return Float64Array.from({ length: P }, () => (next() < 0.3 ? 0.1 : 2 * next()));
  }

  /** The rows the engine's caller builds from the reference's own mean_kw and float32 profiles. */
  function passRows(rows: readonly ReferencePeerRow[], P: number): CohortRows {
    return rowsOf(P, rows.map((r): Member => [r.mean, Array.from(r.profile), r.peer && !Number.isNaN(r.mean) ? 1 : 0]));
  }

  it('random cohorts of curves (sizes 1–60, P = 24/48/96; gaps, GRAY, zero, flat and equal curves)', () => {
    const pass = engine.peerPass; // one pass for every cohort: its scratch is reused across sizes
    fc.assert(
      fc.property(curveCohort, ({ P, D, members, shapeSeed }) => {
        const shape = shapeOf(shapeSeed, P);
        const cohort: ReferenceCohortMember[] = members.map((m) => ({ loadKw: curveOf(m, shape, P, D), gray: m.gray }));
        const expected = referencePeers(cohort, P, { float32Profiles: true });
        const rows = referenceCohortRows(cohort, P, { float32Profiles: true });
        compare(run(passRows(rows, P), pass), expected, () => `P=${P}, D=${D}, kinds ${members.map((m) => m.kind[0]).join('')}`);
      }),
      { numRuns: 300 * SCALE },
    );
  });

  // ---- Cohorts as rows: means the curves cannot give (negative, unrelated to the profile).

  const rowRecipe = fc.record({
    mean: fc.oneof(
      fc.constantFrom(0, -0, NaN, 1, 1, 2.5, -2.5),
      // |mean| in [1e-3, 1e3], either sign: p/m stays finite, as for any mean_kw of float32 readings.
      fc.tuple(fc.boolean(), fc.double({ min: -3, max: 3, noNaN: true })).map(([negative, e]) => (negative ? -1 : 1) * 10 ** e),
      fc.double({ min: 1e-3, max: 1e2, noNaN: true }),
    ),
    peer: fc.boolean().chain((b) => (b ? fc.constant(1 as const) : fc.constantFrom(0 as const, 1 as const))),
    seed: fc.integer({ min: 1, max: 0x7fffffff }),
    flat: chance(0.1),
    holes: fc.constantFrom(0, 0.2, 0.8),
    scale: fc.constantFrom(1, 1e-3, 1e3),
  });
  const rowCohort = fc.record({ P: fc.constantFrom(24, 48, 96), members: fc.array(rowRecipe, { minLength: 1, maxLength: 60, size: 'max' }) });

  it('random cohorts as rows (negative, zero, NaN and equal means; means unrelated to the profiles)', () => {
    const pass = engine.peerPass;
    fc.assert(
      fc.property(rowCohort, ({ P, members }) => {
        const rows: ReferencePeerRow[] = members.map((m) => {
          const next = random(m.seed);
          // A flat profile equals its own mean (p/m = 1), as for a curve; otherwise any kW, float32.
          const value = () => (m.flat ? m.mean : Math.fround(m.scale * 10 * next()));
          const profile = Float64Array.from({ length: P }, () => (next() < m.holes ? NaN : value()));
          return { mean: m.flat ? Math.fround(m.mean) : m.mean, peer: m.peer === 1, profile: profile.map(Math.fround) };
        });
        compare(run(passRows(rows, P), pass), referencePeerFeatures(rows), () => `P=${P}, means ${members.map((m) => m.mean).join(',')}`);
      }),
      { numRuns: 300 * SCALE },
    );
  });

  it('one PeerPass across cohorts of changing size and P leaks nothing: equal to a fresh engine’s pass, bit for bit', async () => {
    const shared = engine.peerPass;
    await fc.assert(
      fc.asyncProperty(fc.array(curveCohort, { minLength: 2, maxLength: 5 }), async (cohorts) => {
        for (const { P, D, members, shapeSeed } of cohorts) {
          const shape = shapeOf(shapeSeed, P);
          const rows = referenceCohortRows(members.map((m) => ({ loadKw: curveOf(m, shape, P, D), gray: m.gray })), P, { float32Profiles: true });
          const exact = passRows(rows, P);
          // The same cohort in arrays longer than it, with junk past the end that must not be read…
          const size = exact.size;
          const junk: CohortRows = {
            size,
            pointsPerDay: P,
            mean: Float64Array.from({ length: size + 7 }, (_, i) => (i < size ? exact.mean[i]! : 1e6 + i)),
            peer: Uint8Array.from({ length: size + 7 }, (_, i) => (i < size ? exact.peer[i]! : 1)),
            profiles: Float32Array.from({ length: (size + 7) * P }, (_, t) => (t < size * P ? exact.profiles[t]! : 1e6 + t)),
          };
          // …and outputs longer than it, whose tail must not be written.
          const out = { count: new Float64Array(size + 3).fill(-7), ratio: new Float64Array(size + 3).fill(-7), corr: new Float64Array(size + 3).fill(-7) };
          shared.run(junk, out);
          const fresh = outputOf(size);
          (await freshPass()).run(exact, fresh);
          for (const key of ['count', 'ratio', 'corr'] as const) {
            for (let c = 0; c < size; c++) expect(Object.is(out[key][c], fresh[key][c]), `${key}[${c}]: ${out[key][c]} vs ${fresh[key][c]}`).toBe(true);
            expect(Array.from(out[key].subarray(size))).toEqual([-7, -7, -7]);
          }
        }
      }),
      { numRuns: 60 * SCALE },
    );
  });

  afterAll(() => {
    console.log(`[peer-pass] ${seen.members} members compared (peer_ratio defined for ${seen.ratio}, peer_corr for ${seen.corr}); largest peer_corr error against the reference, |a−r| / max(|r|, 0.01): ${largest.toExponential(3)}`);
  });
});
