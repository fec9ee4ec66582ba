// The peer features of one cohort (followup.md, Cohorts and New features):
// peer_count, peer_ratio and peer_corr of every member, from the members'
// mean_kw and average daily profiles alone (never the readings).
//
// Every member's peers are the cohort's peers less itself, so the pass works
// leave-one-out from cohort-wide totals instead of comparing each member with
// each other one: O(size·P + size·log size) per cohort, not O(size²·P).
// - Median: the peers' means are sorted once; the median of the peers less
//   member c is read at shifted indexes past c's rank.
// - Cohort profile q: Σ p⁽ʲ⁾_s ÷ m⁽ʲ⁾ and the number of terms are summed per
//   slot over every peer once; member c's own term is taken out for its q.
// The sums are plain float64: taking c's term out of a total leaves rounding
// residue (4 + 0.1 − 0.1 = 3.9999999999999996), so q counts as flat (zero
// variance: peer_corr undefined) when it varies by no more than that residue
// can, (size + 2)·2⁻⁵¹ of its largest value; a real cohort profile varies by
// percents. (Exact double-double sums cost the pass twice as much.)

/** One cohort's consumers, as the peer pass reads them (gathered by the caller). */
export interface CohortRows {
  /** Consumers in the cohort (members 0 … size-1). */
  readonly size: number;
  readonly pointsPerDay: number;
  /** Member i's own mean_kw (NaN when undefined). Arrays may be longer than size. */
  readonly mean: Float64Array;
  /** 1 when member i counts as a peer of the others (not GRAY and mean_kw defined); 0 otherwise. */
  readonly peer: Uint8Array;
  /** Member i's average daily profile p_s at [i·P, (i+1)·P): kW, NaN where the slot has no value. */
  readonly profiles: Float32Array;
}

/** Where the pass writes, members 0 … size-1. */
export interface PeerOutput {
  readonly count: Float64Array;
  readonly ratio: Float64Array;
  readonly corr: Float64Array;
}

/** Fewest peers for peer_ratio, and fewest peers with mean_kw ≠ 0 for peer_corr. */
const MIN_PEERS = 4;

/** The peer pass: scratch arrays are kept and grown, so that no cohort allocates per consumer. */
export class PeerPass {
  /** The peers' means ascending, kW: entries [0, peers). */
  private sorted = new Float64Array(0);
  /** Per slot, Σ p/m over the peers with m ≠ 0 that have a value there (dimensionless). */
  private sums = new Float64Array(0);
  /** Per slot, 1 ÷ the number of terms in those sums, and 1 ÷ one fewer (a member's own term out). */
  private inverse = new Float64Array(0);
  private inverseLessOne = new Float64Array(0);
  /** Per slot, how many terms those sums hold. */
  private terms = new Int32Array(0);
  /** One member's p (kW) and q (dimensionless) over the slots where both have a value. */
  private p = new Float64Array(0);
  private q = new Float64Array(0);

  run(rows: CohortRows, out: PeerOutput): void {
    const { size, pointsPerDay: P, mean, profiles } = rows;
    this.grow(size, P);
    const isPeer = (j: number) => rows.peer[j] === 1 && !Number.isNaN(mean[j]!); // followup.md: only defined means count
    const { sorted, sums, terms, inverse, inverseLessOne } = this;
    sums.fill(0, 0, P);
    terms.fill(0, 0, P);
    let peers = 0;
    let used = 0; // peers with m ≠ 0: the ones q is made of
    for (let j = 0; j < size; j++) {
      if (!isPeer(j)) continue;
      const m = mean[j]!;
      sorted[peers++] = m;
      if (m === 0) continue;
      used++;
      // x = p/m is finite: a nonzero mean_kw of float32 readings is ≥ 1e-45 kW and p ≤ 3.4e38 kW.
      const inv = 1 / m;
      for (let s = 0, t = j * P; s < P; s++, t++) {
        const v = profiles[t]!;
        if (v !== v) continue; // NaN: no value at s
        sums[s]! += v * inv;
        terms[s]!++;
      }
    }
    for (let s = 0; s < P; s++) {
      inverse[s] = 1 / terms[s]!;
      inverseLessOne[s] = 1 / (terms[s]! - 1);
    }
    sorted.subarray(0, peers).sort();
    const flat = (size + 2) * Number.EPSILON * 2;

    for (let c = 0; c < size; c++) {
      const own = isPeer(c);
      const count = own ? peers - 1 : peers;
      out.count[c] = count;
      out.ratio[c] = this.ratio(mean[c]!, own, count);
      // A peer with m ≠ 0 has its own terms p/m in the slot sums: they come out of its q.
      const inSums = own && mean[c] !== 0;
      const usedByOthers = inSums ? used - 1 : used;
      out.corr[c] = usedByOthers < MIN_PEERS ? NaN : this.correlation(profiles, c * P, P, inSums ? 1 / mean[c]! : 0, flat);
    }
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

  /**
   * Pearson correlation of the member's profile (at profiles[at, at + P)) with
   * its cohort profile q. `ownInverse` = 1/m ≠ 0 when the member's own terms
   * p/m are in the slot sums and come out of its q; `flat`: q's relative
   * variation that is rounding residue (see the header). One pass of sums
   * shifted by the first pair (p₀, q₀): a shift near the means keeps the
   * centred sums from cancelling, and profiles vary by percents, not by 1e-8.
   */
  private correlation(profiles: Float32Array, at: number, P: number, ownInverse: number, flat: number): number {
    const { sums, terms } = this;
    const inverse = ownInverse !== 0 ? this.inverseLessOne : this.inverse;
    const least = ownInverse !== 0 ? 2 : 1; // terms a slot needs for a q: one besides the member's own
    let k = 0;
    let p0 = 0;
    let q0 = 0;
    let sumP = 0;
    let sumQ = 0;
    let squaresP = 0;
    let squaresQ = 0;
    let cross = 0;
    let variesP = false;
    let lowQ = Infinity;
    let highQ = -Infinity;
    for (let s = 0; s < P; s++) {
      const v = profiles[at + s]!;
      if (v !== v || terms[s]! < least) continue; // no value at s, or no peer has one: no pair
      const qs = (sums[s]! - v * ownInverse) * inverse[s]!;
      if (k === 0) {
        p0 = v;
        q0 = qs;
      }
      // Zero variance of p means exactly equal values (p is the member's own float32 profile).
      variesP ||= v !== p0;
      if (qs < lowQ) lowQ = qs;
      if (qs > highQ) highQ = qs;
      const dp = v - p0;
      const dq = qs - q0;
      sumP += dp;
      sumQ += dq;
      squaresP += dp * dp;
      squaresQ += dq * dq;
      cross += dp * dq;
      k++;
    }
    if (k < 2 || !variesP || highQ - lowQ <= flat * Math.max(Math.abs(lowQ), Math.abs(highQ))) return NaN;
    const varP = squaresP - (sumP * sumP) / k;
    const varQ = squaresQ - (sumQ * sumQ) / k;
    const product = varP * varQ;
    // kW near float32's 3.4e38, or ratios p/m of tiny means, overflow the squares (or underflow them): scale instead.
    let r = product > 0 && product < Infinity && Number.isFinite(cross) ? (cross - (sumP * sumQ) / k) / Math.sqrt(product) : this.scaledCorrelation(profiles, at, P, ownInverse, least);
    if (r > 1) r = 1;
    else if (r < -1) r = -1;
    return r === 0 ? 0 : r;
  }

  /** The same r over values whose squares overflow or underflow: the pairs kept, deviations scaled by their largest first. */
  private scaledCorrelation(profiles: Float32Array, at: number, P: number, ownInverse: number, least: number): number {
    const { sums, terms, p, q } = this;
    const inverse = ownInverse !== 0 ? this.inverseLessOne : this.inverse;
    let k = 0;
    for (let s = 0; s < P; s++) {
      const v = profiles[at + s]!;
      if (v !== v || terms[s]! < least) continue;
      p[k] = v;
      q[k++] = (sums[s]! - v * ownInverse) * inverse[s]!;
    }
    scaledDeviations(p, k);
    scaledDeviations(q, k);
    let cross = 0;
    let squaresP = 0;
    let squaresQ = 0;
    for (let i = 0; i < k; i++) {
      cross += p[i]! * q[i]!;
      squaresP += p[i]! * p[i]!;
      squaresQ += q[i]! * q[i]!;
    }
    return cross / Math.sqrt(squaresP * squaresQ);
  }

  private grow(size: number, P: number): void {
    if (this.sorted.length < size) this.sorted = new Float64Array(Math.max(size, 2 * this.sorted.length));
    if (this.sums.length < P) {
      this.sums = new Float64Array(P);
      this.inverse = new Float64Array(P);
      this.inverseLessOne = new Float64Array(P);
      this.terms = new Int32Array(P);
      this.p = new Float64Array(P);
      this.q = new Float64Array(P);
    }
  }
}

/** values[0, k) ← (v − mean) ÷ max |v − mean|; the values must vary. */
function scaledDeviations(values: Float64Array, k: number): void {
  let sum = 0;
  for (let i = 0; i < k; i++) sum += values[i]!;
  const mean = sum / k;
  let scale = 0;
  for (let i = 0; i < k; i++) scale = Math.max(scale, Math.abs(values[i]! - mean));
  for (let i = 0; i < k; i++) values[i] = (values[i]! - mean) / scale;
}
