// The peer features of the consumers at positions [from, to) of some computed
// blocks (followup.md, Cohorts): a cohort is the consumers of one non-empty
// group and one category; its members are gathered into the peer pass's rows,
// and peer_count, peer_ratio and peer_corr written back into each block's
// matrix. One pass over the cohorts' features and profiles, never over the
// readings. Allocation is per call (indexes over the range) and per cohort
// (a map entry), never per consumer.
import { BASE_FEATURES } from '../catalogue.js';
import type { FeatureBlock } from './feature-block.js';
import type { PeerOutput, PeerPass } from './peer-pass.js';

// Columns of the catalogue's base features: the same in every block.
const MEAN_KW = BASE_FEATURES.indexOf('mean_kw');
const PEER_COUNT = BASE_FEATURES.indexOf('peer_count');
const PEER_RATIO = BASE_FEATURES.indexOf('peer_ratio');
const PEER_CORR = BASE_FEATURES.indexOf('peer_corr');

/** Categories are proto enum values 0 … 5; a cohort key is group × 8 + category. */
const CATEGORY_SLOTS = 8;

export class CohortFill {
  private out: PeerOutput = { count: new Float64Array(0), ratio: new Float64Array(0), corr: new Float64Array(0) };

  /**
   * `minValidShare`: the rule set's; a consumer below it is GRAY, and a GRAY
   * consumer is nobody's peer. `pass`: an engine's (its memory holds each cohort).
   */
  constructor(
    private readonly minValidShare: number,
    private readonly pass: PeerPass,
  ) {}

  /** Fills the peer columns of positions [from, to) of `blocks` (in position order, covering the range). */
  fill(blocks: readonly FeatureBlock[], from: number, to: number): void {
    const n = to - from;
    if (n <= 0 || blocks.length === 0) return;
    const blockOf = new Int32Array(n);
    const cohortOf = new Int32Array(n).fill(-1);
    const groupIds = new Map<string, number>();
    const cohortIds = new Map<number, number>();
    // Neighbours mostly share a group: the last one's id saves a map lookup (a string hash) per consumer.
    let lastGroup = '';
    let g = -1;
    blocks.forEach((block, b) => {
      const start = Math.max(from, block.first);
      const end = Math.min(to, block.first + block.count);
      for (let p = start; p < end; p++) {
        const c = p - block.first;
        blockOf[p - from] = b;
        const group = block.groups[c] ?? '';
        if (group === '') continue;
        if (group !== lastGroup) {
          const known = groupIds.get(group);
          if (known === undefined) groupIds.set(group, (g = groupIds.size));
          else g = known;
          lastGroup = group;
        }
        const key = g * CATEGORY_SLOTS + block.category[c]!;
        let k = cohortIds.get(key);
        if (k === undefined) cohortIds.set(key, (k = cohortIds.size));
        cohortOf[p - from] = k;
      }
    });
    // Counting sort: each cohort's positions together, in position order.
    const K = cohortIds.size;
    const starts = new Int32Array(K + 1);
    for (let i = 0; i < n; i++) if (cohortOf[i]! >= 0) starts[cohortOf[i]! + 1]!++;
    for (let k = 0; k < K; k++) starts[k + 1]! += starts[k]!;
    const order = new Int32Array(starts[K]!);
    const next = starts.slice(0, K);
    for (let i = 0; i < n; i++) if (cohortOf[i]! >= 0) order[next[cohortOf[i]!]!++] = i;
    for (let k = 0; k < K; k++) this.cohort(blocks, blockOf, from, order.subarray(starts[k]!, starts[k + 1]!));
  }

  /** One cohort: members by their offsets from `from`. */
  private cohort(blocks: readonly FeatureBlock[], blockOf: Int32Array, from: number, members: Int32Array): void {
    const size = members.length;
    const P = blocks[blockOf[members[0]!]!]!.pointsPerDay;
    const rows = this.pass.rows(size, P); // in engine memory: the cohort is gathered there, once
    const out = this.output(size);
    for (let m = 0; m < size; ) {
      const block = blocks[blockOf[members[m]!]!]!;
      const c = from + members[m]! - block.first;
      // Members next to each other in one block (the usual cohort) are one copy of their profiles.
      let run = 1;
      while (m + run < size && members[m + run] === members[m]! + run && blocks[blockOf[members[m + run]!]!] === block) run++;
      rows.profiles.set(block.profiles.subarray(c * P, (c + run) * P), m * P);
      for (let i = 0; i < run; i++) {
        const mean = block.matrix[MEAN_KW * block.count + c + i]!;
        const gray = block.status[c + i] !== 0 || block.valid[c + i]! < this.minValidShare * block.readings[c + i]!;
        rows.mean[m + i] = mean;
        rows.peer[m + i] = !gray && !Number.isNaN(mean) ? 1 : 0;
      }
      m += run;
    }
    this.pass.run(rows, out);
    for (let m = 0; m < size; m++) {
      const block = blocks[blockOf[members[m]!]!]!;
      const c = from + members[m]! - block.first;
      // An unusable consumer keeps every feature undefined (features.md), its peer features too.
      if (block.status[c] !== 0) continue;
      block.matrix[PEER_COUNT * block.count + c] = out.count[m]!;
      block.matrix[PEER_RATIO * block.count + c] = out.ratio[m]!;
      block.matrix[PEER_CORR * block.count + c] = out.corr[m]!;
    }
  }

  /** The pass's output arrays, grown to `size`. */
  private output(size: number): PeerOutput {
    if (this.out.count.length < size) {
      const capacity = Math.max(size, 2 * this.out.count.length);
      this.out = { count: new Float64Array(capacity), ratio: new Float64Array(capacity), corr: new Float64Array(capacity) };
    }
    return this.out;
  }

}

