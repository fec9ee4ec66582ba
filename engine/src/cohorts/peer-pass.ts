// The peer features of one cohort (followup.md, Cohorts and New features):
// peer_count, peer_ratio and peer_corr of every member, from the members'
// mean_kw and average daily profiles alone (never the readings).
//
// Every member's peers are the cohort's peers less itself, so the pass works
// leave-one-out from cohort-wide totals instead of comparing each member with
// each other one: O(size·P + size·log size) per cohort, not O(size²·P).
// - Median (here): the peers' means are sorted once; the median of the peers
//   less member c is read at shifted indexes past c's rank.
// - peer_corr (the engine, engine/assembly/peers.ts, SIMD): Σ p⁽ʲ⁾_s ÷ m⁽ʲ⁾
//   and the number of terms are summed per slot over every peer once; member
//   c's own term is taken out for its q. Taking a term out of a float64 sum
//   leaves rounding residue (4 + 0.1 − 0.1 = 3.9999999999999996), so q counts
//   as flat (zero variance: peer_corr undefined) when it varies by no more
//   than FLAT_Q of its largest value: a real cohort profile varies by
//   percents, and the residue, amplified by 1/spread, stays far inside the
//   accuracy rule (≤ 1e-14 ÷ 1e-9 = 1e-5 of r).
import type { EngineExports } from '../wasm.js';

/** One cohort's consumers, as the peer pass reads them (gathered by the caller). */
export interface CohortRows {
  /** Consumers in the cohort (members 0 … size-1). */
  readonly size: number;
  readonly pointsPerDay: number;
  /** Member i's own mean_kw (NaN when undefined). Arrays may be longer than size. */
  readonly mean: Float64Array;
  /** 1 when member i counts as a peer of the others (not GRAY and mean_kw defined); 0 otherwise. */
  readonly peer: ArrayLike<number>;
  /** Member i's average daily profile p_s at [i·P, (i+1)·P): kW, NaN where the slot has no value. */
  readonly profiles: Float32Array;
}

/** Where the pass writes, members 0 … size-1. */
export interface PeerOutput {
  readonly count: Float64Array;
  readonly ratio: Float64Array;
  readonly corr: Float64Array;
}

/** q's relative variation that counts as none (see the header). */
const FLAT_Q = 1e-9;

/** Fewest peers for peer_ratio, and fewest peers with mean_kw ≠ 0 for peer_corr. */
const MIN_PEERS = 4;

/**
 * The peer pass of one engine (its memory holds the cohort while the engine
 * computes peer_corr): scratch arrays are kept and grown, so that no cohort
 * allocates per consumer.
 */
export class PeerPass {
  /** The peers' means ascending, kW: entries [0, peers). */
  private sorted = new Float64Array(0);

  constructor(private readonly wasm: EngineExports) {}

  /**
   * Rows for a cohort of `size` members in engine memory, for the caller to
   * fill and hand to run() (no copy then). Valid until the engine's next
   * batch or cohort. Throws RangeError when memory cannot grow to hold them.
   */
  rows(size: number, pointsPerDay: number): CohortRows & { readonly peer: Float64Array } {
    const { wasm } = this;
    if (!wasm.layoutCohort(size, pointsPerDay)) throw new RangeError(`a cohort of ${size} consumers does not fit in engine memory`);
    const buffer = wasm.memory.buffer;
    return {
      size,
      pointsPerDay,
      mean: new Float64Array(buffer, wasm.cohortMeans(), size),
      peer: new Float64Array(buffer, wasm.cohortPeers(), size),
      profiles: new Float32Array(buffer, wasm.cohortProfiles(), size * pointsPerDay),
    };
  }

  run(rows: CohortRows, out: PeerOutput): void {
    const { size, pointsPerDay: P, mean } = rows;
    const inEngine = rows.profiles.buffer === this.wasm.memory.buffer && rows.profiles.byteOffset === this.wasm.cohortProfiles();
    if (!inEngine) {
      const own = this.rows(size, P);
      own.mean.set(mean.subarray(0, size));
      for (let j = 0; j < size; j++) own.peer[j] = rows.peer[j]!;
      own.profiles.set(rows.profiles.subarray(0, size * P));
      return this.run(own, out);
    }
    if (this.sorted.length < size) this.sorted = new Float64Array(Math.max(size, 2 * this.sorted.length));
    const isPeer = (j: number) => rows.peer[j] === 1 && !Number.isNaN(mean[j]!); // followup.md: only defined means count
    const { sorted } = this;
    let peers = 0;
    let used = 0; // peers with m ≠ 0: the ones q is made of
    for (let j = 0; j < size; j++) {
      if (!isPeer(j)) continue;
      sorted[peers++] = mean[j]!;
      if (mean[j] !== 0) used++;
    }
    sorted.subarray(0, peers).sort();
    for (let c = 0; c < size; c++) {
      const own = isPeer(c);
      const count = own ? peers - 1 : peers;
      out.count[c] = count;
      out.ratio[c] = this.ratio(mean[c]!, own, count);
    }
    this.wasm.cohortCorrelations(used, FLAT_Q);
    out.corr.set(new Float64Array(this.wasm.memory.buffer, this.wasm.cohortCorr(), size));
  }

  /** mean_kw ÷ the median of the `count` peers' means (member c left out of `sorted` when it is a peer). */
  private ratio(m: number, own: boolean, count: number): number {
    if (count < MIN_PEERS || Number.isNaN(m)) return NaN;
    // c's rank among the sorted means: any copy of its value, since removing any one gives the same values.
    const rank = own ? this.lowerBound(m, count + 1) : count;
    const half = count >> 1;
    const median = count % 2 === 1 ? this.others(half, rank) : (this.others(half - 1, rank) + this.others(half, rank)) / 2;
    if (median === 0) return NaN;
    const r = m / median;
    return r === 0 ? 0 : r; // never −0 (mean 0 over a negative median)
  }

  /** The i-th smallest mean of the peers less the one at `rank` (rank = the peer count when none is left out), kW. */
  private others(i: number, rank: number): number {
    return this.sorted[i < rank ? i : i + 1]!;
  }

  /** First index in sorted[0, n) whose value is ≥ m. */
  private lowerBound(m: number, n: number): number {
    let low = 0;
    let high = n;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.sorted[mid]! < m) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
