import { consumers, points, profiles } from './layout';


// peer_corr of one cohort (../shared/spec/followup.md; the host computes
// peer_count and peer_ratio, a sort of the means): the correlation of each
// member's average daily profile p with its cohort profile q, q_s the mean of
// p⁽ʲ⁾_s ÷ m⁽ʲ⁾ over the member's peers with m ≠ 0 that have a value at s.
// The host gathers the cohort into a scratch area after the batch
// (layoutCohort): per member its mean, whether it is a peer, its profile. The
// pass sums p/m per slot over every peer once and takes each member's own
// term out for its q (O(n·P), not O(n²·P)), two slots at a time in f64x2.

const ONES: v128 = f64x2.splat(1.0);

let size: i32 = 0;
let cohortPoints: i32 = 96;
export let cohortMeans: usize = 0; // f64[size]: each member's mean_kw (NaN undefined)
export let cohortPeers: usize = 0; // f64[size]: 1 when the member is a peer of the others (not GRAY, mean defined), 0 otherwise
export let cohortProfiles: usize = 0; // f32[size × P]: each member's profile p_s, kW (NaN: no value)
export let cohortCorr: usize = 0; // f64[size]: peer_corr of each member, written by cohortCorrelations
let slotSums: usize = 0; // f64[P]: Σ p/m over the peers with m ≠ 0 that have a value at s
let slotTerms: usize = 0; // f64[P]: how many terms
let inverseAll: usize = 0; // f64[P]: 1 ÷ terms
let inverseLess: usize = 0; // f64[P]: 1 ÷ (terms − 1): a member's own term out
let pairP: usize = 0; // f64[P]: one member's p_s where it has a pair, NaN elsewhere (kW)
let pairQ: usize = 0; // f64[P]: its q_s there

@inline function align16(address: usize): usize {
  return (address + 15) & ~(<usize>15);
}

/** Places a cohort of `count` members with `pointsPerDay` slots after the current batch; false when memory cannot grow to hold it. */
export function layoutCohort(count: i32, pointsPerDay: i32): bool {
  const c = <usize>count;
  const P = <usize>pointsPerDay;
  const base = align16(profiles + <usize>consumers * <usize>points * 4);
  cohortMeans = base;
  cohortPeers = align16(cohortMeans + c * 8);
  cohortProfiles = align16(cohortPeers + c * 8);
  cohortCorr = align16(cohortProfiles + c * P * 4);
  slotSums = align16(cohortCorr + c * 8);
  slotTerms = slotSums + P * 8;
  inverseAll = slotTerms + P * 8;
  inverseLess = inverseAll + P * 8;
  pairP = inverseLess + P * 8;
  pairQ = pairP + P * 8;
  const end = <f64>pairQ + <f64>P * 8 + 16;
  if (end > 4294967295.0) return false;
  const pages = <i32>Math.ceil(end / 65536);
  if (pages > memory.size() && memory.grow(pages - memory.size()) < 0) return false;
  size = count;
  cohortPoints = pointsPerDay;
  return true;
}

/**
 * peer_corr of every member of the cohort laid out last, into cohortCorr;
 * `used` is the number of peers with m ≠ 0, `flat` the relative variation of
 * q that counts as none (rounding residue of taking a term out of a sum).
 */
export function cohortCorrelations(used: i32, flat: f64): void {
  const P = cohortPoints;
  memory.fill(slotSums, 0, <usize>P * 16); // sums and terms
  for (let j = 0; j < size; j++) {
    const m = load<f64>(cohortMeans + (<usize>j << 3));
    if (load<f64>(cohortPeers + (<usize>j << 3)) == 0 || m == 0 || m != m) continue; // only defined means count
    const inverse = f64x2.splat(1.0 / m);
    const row = cohortProfiles + <usize>j * P * 4;
    for (let s = 0; s < P; s += 2) {
      const v = f64x2.promote_low_f32x4(v128.load64_zero(row + (<usize>s << 2)));
      const valued = f64x2.eq(v, v);
      const at = <usize>s << 3;
      v128.store(slotSums + at, f64x2.add(v128.load(slotSums + at), v128.and(f64x2.mul(v, inverse), valued)));
      v128.store(slotTerms + at, f64x2.add(v128.load(slotTerms + at), v128.and(ONES, valued)));
    }
  }
  for (let s = 0; s < P; s++) {
    const terms = load<f64>(slotTerms + (<usize>s << 3));
    store<f64>(inverseAll + (<usize>s << 3), 1.0 / terms);
    store<f64>(inverseLess + (<usize>s << 3), 1.0 / (terms - 1));
  }
  for (let c = 0; c < size; c++) {
    const m = load<f64>(cohortMeans + (<usize>c << 3));
    // A peer with m ≠ 0 has its own terms p/m in the slot sums: they come out of its q.
    const inSums = load<f64>(cohortPeers + (<usize>c << 3)) != 0 && m != 0 && m == m;
    const usedByOthers = inSums ? used - 1 : used;
    store<f64>(cohortCorr + (<usize>c << 3), usedByOthers < 4 ? NaN : correlation(c, P, inSums ? 1.0 / m : 0, flat));
  }
}

/**
 * Pearson r of member c's p with its q over the slots where both have a
 * value, in two passes: the pairs (kept at their slots, NaN where there is
 * none) with their sums, then the centred products.
 */
function correlation(c: i32, P: i32, ownInverse: f64, flat: f64): f64 {
  const row = cohortProfiles + <usize>c * P * 4;
  const inverses = ownInverse != 0 ? inverseLess : inverseAll;
  const least = f64x2.splat(ownInverse != 0 ? 2.0 : 1.0);
  const own = f64x2.splat(ownInverse);
  const none = f64x2.splat(NaN);
  let k = f64x2.splat(0);
  let sumP = f64x2.splat(0);
  let sumQ = f64x2.splat(0);
  let lowP = f64x2.splat(Infinity);
  let highP = f64x2.splat(-Infinity);
  let lowQ = f64x2.splat(Infinity);
  let highQ = f64x2.splat(-Infinity);
  for (let s = 0; s < P; s += 2) {
    const at = <usize>s << 3;
    const v = f64x2.promote_low_f32x4(v128.load64_zero(row + (<usize>s << 2)));
    // a pair: p has a value, and some peer (besides c) has one at s
    const pair = v128.and(f64x2.eq(v, v), f64x2.ge(v128.load(slotTerms + at), least));
    const q = f64x2.mul(f64x2.sub(v128.load(slotSums + at), f64x2.mul(v, own)), v128.load(inverses + at));
    v128.store(pairP + at, v128.bitselect(v, none, pair));
    v128.store(pairQ + at, v128.bitselect(q, none, pair));
    k = f64x2.add(k, v128.and(ONES, pair));
    sumP = f64x2.add(sumP, v128.and(v, pair));
    sumQ = f64x2.add(sumQ, v128.and(q, pair));
    lowP = f64x2.pmin(lowP, v128.bitselect(v, f64x2.splat(Infinity), pair));
    highP = f64x2.pmax(highP, v128.bitselect(v, f64x2.splat(-Infinity), pair));
    lowQ = f64x2.pmin(lowQ, v128.bitselect(q, f64x2.splat(Infinity), pair));
    highQ = f64x2.pmax(highQ, v128.bitselect(q, f64x2.splat(-Infinity), pair));
  }
  const n = lane(k);
  const minP = min(f64x2.extract_lane(lowP, 0), f64x2.extract_lane(lowP, 1));
  const maxP = max(f64x2.extract_lane(highP, 0), f64x2.extract_lane(highP, 1));
  const minQ = min(f64x2.extract_lane(lowQ, 0), f64x2.extract_lane(lowQ, 1));
  const maxQ = max(f64x2.extract_lane(highQ, 0), f64x2.extract_lane(highQ, 1));
  // Zero variance of p means exactly equal values (its own float32 profile); of q, no more than rounding residue.
  if (n < 2 || maxP == minP || maxQ - minQ <= flat * max(abs(minQ), abs(maxQ))) return NaN;
  const meanP = f64x2.splat(lane(sumP) / n);
  const meanQ = f64x2.splat(lane(sumQ) / n);
  let squaresP = f64x2.splat(0);
  let squaresQ = f64x2.splat(0);
  let cross = f64x2.splat(0);
  for (let s = 0; s < P; s += 2) {
    const at = <usize>s << 3;
    const p = v128.load(pairP + at);
    const pair = f64x2.eq(p, p);
    const dp = v128.and(f64x2.sub(p, meanP), pair);
    const dq = v128.and(f64x2.sub(v128.load(pairQ + at), meanQ), pair);
    squaresP = f64x2.add(squaresP, f64x2.mul(dp, dp));
    squaresQ = f64x2.add(squaresQ, f64x2.mul(dq, dq));
    cross = f64x2.add(cross, f64x2.mul(dp, dq));
  }
  const product = lane(squaresP) * lane(squaresQ);
  const sxy = lane(cross);
  // kW near float32's 3.4e38, or ratios p/m of tiny means, overflow (or underflow) the squares: scale instead.
  let r = product > 0 && product < Infinity && isFinite(sxy) ? sxy / Math.sqrt(product) : scaled(P, lane(sumP) / n, lane(sumQ) / n);
  if (r > 1) r = 1;
  else if (r < -1) r = -1;
  return r == 0 ? 0 : r;
}

/** Both lanes summed. */
@inline function lane(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** r over the pairs kept by correlation(), deviations scaled by their largest first (r does not change). */
function scaled(P: i32, meanP: f64, meanQ: f64): f64 {
  let scaleP: f64 = 0;
  let scaleQ: f64 = 0;
  for (let s = 0; s < P; s++) {
    const p = load<f64>(pairP + (<usize>s << 3));
    if (p != p) continue;
    scaleP = max(scaleP, abs(p - meanP));
    scaleQ = max(scaleQ, abs(load<f64>(pairQ + (<usize>s << 3)) - meanQ));
  }
  let cross: f64 = 0;
  let squaresP: f64 = 0;
  let squaresQ: f64 = 0;
  for (let s = 0; s < P; s++) {
    const p = load<f64>(pairP + (<usize>s << 3));
    if (p != p) continue;
    const dp = (p - meanP) / scaleP;
    const dq = (load<f64>(pairQ + (<usize>s << 3)) - meanQ) / scaleQ;
    cross += dp * dq;
    squaresP += dp * dp;
    squaresQ += dq * dq;
  }
  return cross / Math.sqrt(squaresP * squaresQ);
}
