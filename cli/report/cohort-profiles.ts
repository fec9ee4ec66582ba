// The cohorts' profiles for the report (followup.md, Cohorts): per cohort
// (one group and one category) the sum, slot by slot, of its peers'
// normalised average days p_s ÷ mean_kw (unit-free), from the profiles the
// engine keeps for the peer pass (FeatureBlock.profiles, never the
// readings). A peer is counted as the engine's peer pass counts one
// (engine/src/cohorts/cohort-fill.ts): usable, at least the rule set's
// min_valid_share of valid readings, and a defined mean; and, for the shape,
// a mean ≠ 0 (engine/assembly/peers.ts divides by it). A listed site's cohort
// profile is that of its peers: its own term (its average day ÷ its mean,
// from site-curves.ts) taken out, as the peer pass does; a listed site is RED
// or YELLOW, so usable. Held: P float64 sums and counts per cohort (~1.2 KiB
// at P = 96), nothing per consumer: the listed site's cohort is known from its
// own record, decoded in the second pass (site-curves.ts).
import type { FeatureBlock } from '../../engine/src/index.js';
import type { SiteCurves } from './site-curves.js';

interface CohortSum {
  readonly sum: Float64Array;
  readonly count: Int32Array;
}

/** The key of the cohort of a consumer with `group` ('' = none) and category (proto enum value); undefined without a group. */
export function cohortKey(group: string, category: number): string | undefined {
  return group === '' ? undefined : `${category}\u0000${group}`;
}

export class CohortProfiles {
  private readonly cohorts = new Map<string, CohortSum>();

  /** `minValidShare`: the rule set's min_valid_share (below it a consumer is GRAY, nobody's peer). */
  constructor(private readonly minValidShare: number) {}

  /** Adds the peers of a block with its peer features complete (BlockScoringOptions.onPeerBlock). */
  add(block: FeatureBlock): void {
    if (block.profiles.length === 0) return;
    const P = block.pointsPerDay;
    const mean = block.names.indexOf('mean_kw');
    for (let c = 0; c < block.count; c++) {
      const key = cohortKey(block.groups[c] ?? '', block.category[c]!);
      if (key === undefined) continue;
      const m = block.matrix[mean * block.count + c]!;
      const gray = block.status[c] !== 0 || block.valid[c]! < this.minValidShare * block.readings[c]!;
      if (gray || !Number.isFinite(m) || m === 0) continue;
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
   * The mean normalised profile of the peers of a listed site (its own term
   * taken out) brought to kW by its own mean, so that it sits on its average
   * day's axis; undefined without a group or peers.
   */
  peerProfile(own: SiteCurves): Float64Array | undefined {
    const cohort = own.cohort === undefined ? undefined : this.cohorts.get(own.cohort);
    if (!cohort || !Number.isFinite(own.meanKw) || own.meanKw === 0) return undefined;
    const out = new Float64Array(cohort.sum.length);
    let any = false;
    for (let s = 0; s < out.length; s++) {
      const mine = own.averageDay[s]!;
      const takeOut = Number.isFinite(mine); // the site is one of the summed peers wherever its slot has a value
      const n = cohort.count[s]! - (takeOut ? 1 : 0);
      out[s] = n > 0 ? ((cohort.sum[s]! - (takeOut ? mine / own.meanKw : 0)) / n) * own.meanKw : NaN;
      any ||= n > 0;
    }
    return any ? out : undefined;
  }
}
