// The cohorts' profiles for the report (followup.md, Cohorts): per cohort
// (one group and one category) the sum, slot by slot, of its peers'
// normalised average days p_s ÷ mean_kw (unit-free), from the profiles the
// engine keeps for the peer pass (FeatureBlock.profiles, never the
// readings). A listed site's cohort profile is that of its peers: its own
// term (its average day ÷ its mean, from site-curves.ts) taken out, as the
// peer pass does. Held: P float64 sums and counts per cohort, ~1.5 KiB at
// P = 96, whatever the cohort's size.
import type { FeatureBlock } from '../../engine/src/index.js';
import type { SiteCurves } from './site-curves.js';

interface CohortSum {
  readonly sum: Float64Array;
  readonly count: Int32Array;
}

export class CohortProfiles {
  private readonly cohorts = new Map<string, CohortSum>();
  /** Each grouped consumer's cohort key, and whether it counted as a peer. */
  private readonly membership = new Map<string, { readonly key: string; readonly peer: boolean }>();
  /** Whether any block came (none when the rule set reads no peer feature). */
  seen = false;

  /** Adds the usable members of a block with its peer features complete (BlockScoringOptions.onPeerBlock). */
  add(block: FeatureBlock): void {
    this.seen = true;
    if (block.profiles.length === 0) return;
    const P = block.pointsPerDay;
    const mean = block.names.indexOf('mean_kw');
    for (let c = 0; c < block.count; c++) {
      const group = block.groups[c] ?? '';
      if (group === '') continue;
      const key = `${block.category[c]!}\u0000${group}`;
      const m = block.matrix[mean * block.count + c]!;
      // A peer, as the peer pass counts one: usable (not GRAY) with a defined, non-zero mean.
      const peer = block.status[c] === 0 && Number.isFinite(m) && m !== 0;
      this.membership.set(block.ids[c]!, { key, peer });
      if (!peer) continue;
      let cohort = this.cohorts.get(key);
      if (!cohort) this.cohorts.set(key, (cohort = { sum: new Float64Array(P), count: new Int32Array(P) }));
      for (let s = 0; s < P; s++) {
        const v = block.profiles[c * P + s]!;
        if (!Number.isFinite(v)) continue;
        cohort.sum[s] = cohort.sum[s]! + v / m;
        cohort.count[s] = cohort.count[s]! + 1;
      }
    }
  }

  /**
   * The peers' mean normalised profile of `id` brought to kW by its own mean
   * (so that it sits on its average day's axis); undefined without a group or peers.
   */
  peerProfile(id: string, own: SiteCurves): Float64Array | undefined {
    const member = this.membership.get(id);
    const cohort = member && this.cohorts.get(member.key);
    if (!member || !cohort || !Number.isFinite(own.meanKw) || own.meanKw === 0) return undefined;
    const out = new Float64Array(cohort.sum.length);
    let any = false;
    for (let s = 0; s < out.length; s++) {
      const mine = own.averageDay[s]!;
      const takeOut = member.peer && Number.isFinite(mine);
      const n = cohort.count[s]! - (takeOut ? 1 : 0);
      out[s] = n > 0 ? ((cohort.sum[s]! - (takeOut ? mine / own.meanKw : 0)) / n) * own.meanKw : NaN;
      any ||= n > 0;
    }
    return any ? out : undefined;
  }
}
