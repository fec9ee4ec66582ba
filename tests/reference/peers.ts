// The float64 reference of the peer features of ../shared/spec/followup.md
// (Cohorts, New features): peer_count, peer_ratio, peer_corr. Written straight
// from the formulas, member by member over every other member, O(size²·P):
// no leave-one-out totals, no sorting tricks, sharing no code with engine/.
import { unusable } from './features.js';
import { averageDailyProfile, templateCorrelation } from './profile.js';
import { curveStats, promote } from './readings.js';

/** One member as the formulas read it. */
export interface ReferencePeerRow {
  /** The member's mean_kw, kW; NaN when undefined. */
  readonly mean: number;
  /** Whether it is a peer of the others: not GRAY (its mean must be defined too, checked here). */
  readonly peer: boolean;
  /** Its average daily profile p_s, kW; NaN where the slot has no value. */
  readonly profile: Float64Array;
}

export interface ReferencePeerFeatures {
  peer_count: number;
  peer_ratio: number;
  peer_corr: number;
}

/** A consumer of the cohort as sent. */
export interface ReferenceCohortMember {
  readonly loadKw: ArrayLike<number>;
  /** GRAY for a reason of the rule set (below min_valid_share); an unusable curve is GRAY anyway. */
  readonly gray?: boolean;
}

export interface ReferenceCohortOptions {
  /**
   * Round each profile value to float32 before the formulas: the engine keeps
   * the profiles it hands the peer pass as float32. Off: the spec's float64.
   */
  readonly float32Profiles?: boolean;
}

/** Each member's mean_kw and average daily profile, from its curve, as features.ts gets them. */
export function referenceCohortRows(members: readonly ReferenceCohortMember[], pointsPerDay: number, options: ReferenceCohortOptions = {}): ReferencePeerRow[] {
  return members.map((member) => {
    // An unusable consumer has every feature NaN and no profile.
    if (unusable(member, pointsPerDay)) return { mean: NaN, peer: false, profile: new Float64Array(pointsPerDay).fill(NaN) };
    const x = promote(member.loadKw);
    const mean = curveStats(x).mean;
    const profile = averageDailyProfile(x, pointsPerDay);
    if (options.float32Profiles) profile.forEach((v, s) => (profile[s] = Math.fround(v)));
    return { mean, peer: !member.gray, profile };
  });
}

/** The peer features of every member of one cohort given as curves. */
export function referencePeers(members: readonly ReferenceCohortMember[], pointsPerDay: number, options: ReferenceCohortOptions = {}): ReferencePeerFeatures[] {
  return referencePeerFeatures(referenceCohortRows(members, pointsPerDay, options));
}

/** The peer features of every member, from the members' rows (all profiles of one length P). */
export function referencePeerFeatures(rows: readonly ReferencePeerRow[]): ReferencePeerFeatures[] {
  // followup.md: a GRAY consumer is nobody's peer; only peers whose mean_kw is defined count.
  const counts = (j: number) => rows[j]!.peer && !Number.isNaN(rows[j]!.mean);
  return rows.map((row, c) => {
    const peers = rows.filter((_, j) => j !== c && counts(j));
    return { peer_count: peers.length, peer_ratio: peerRatio(row.mean, peers), peer_corr: peerCorr(row.profile, peers) };
  });
}

/** mean_kw ÷ median of the peers' mean_kw; NaN for < 4 peers, median 0 or mean undefined. */
function peerRatio(mean: number, peers: readonly ReferencePeerRow[]): number {
  if (peers.length < 4 || Number.isNaN(mean)) return NaN;
  const means = peers.map((j) => j.mean).sort((a, b) => a - b);
  const k = means.length;
  const median = k % 2 === 1 ? means[(k - 1) / 2]! : (means[k / 2 - 1]! + means[k / 2]!) / 2;
  if (median === 0) return NaN;
  const r = mean / median;
  return r === 0 ? 0 : r; // a result is never −0
}

/**
 * Pearson correlation of p with q_s = mean over the peers j with m⁽ʲ⁾ ≠ 0 that
 * have a value at s of p⁽ʲ⁾_s ÷ m⁽ʲ⁾, over the slots where both have a value.
 * NaN for < 4 such peers, < 2 slots, or zero variance on either side.
 */
function peerCorr(profile: Float64Array, peers: readonly ReferencePeerRow[]): number {
  const used = peers.filter((j) => j.mean !== 0);
  if (used.length < 4) return NaN;
  const P = profile.length;
  const q: number[] = [];
  const p = new Float64Array(P);
  for (let s = 0; s < P; s++) {
    let sum = 0;
    let count = 0;
    for (const j of used) {
      const v = j.profile[s]!;
      if (Number.isNaN(v)) continue;
      sum += v / j.mean;
      count++;
    }
    q.push(count === 0 ? NaN : sum / count);
    // templateCorrelation reads the slots where its profile has a value: keep those where q has one too.
    p[s] = count === 0 ? NaN : profile[s]!;
  }
  const r = templateCorrelation(p, q);
  return r === 0 ? 0 : r;
}
