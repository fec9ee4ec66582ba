// Where computed blocks wait for their cohorts (followup.md, Cohorts). A
// consumer's peers may lie in other blocks, so a block is scored only once
// every cohort it holds is complete and its peer features are filled in:
//
// - 'batch': one request is one cohort space, in any order; its blocks wait
//   until the whole batch is computed (at most the batch, which the request
//   size bounds).
// - 'stream': a stream or a file, where a group is a contiguous run
//   (group-runs.ts); a run's peer features are filled in as soon as it ends,
//   and the blocks before the open run are ready. What waits is the open run
//   and the block it started in: bounded by MAX_GROUP_RUN whatever the length.
import type { FeatureBlock } from './feature-block.js';
import { CohortFill } from './cohort-fill.js';
import { GroupRuns } from './group-runs.js';
import type { PeerPass } from './peer-pass.js';

export type CohortMode = 'batch' | 'stream';

export class CohortSpace {
  private pending: FeatureBlock[] = [];
  private readonly fill: CohortFill;

  /**
   * `minValidShare`: the rule set's (a GRAY consumer is nobody's peer);
   * `pass`: the peer pass of the engine that holds each cohort (FeatureEngine.peerPass).
   * `runs`: in 'stream' mode, the runs so far (a stream's, when it outlives this space).
   * `waiting`: blocks that were waiting where the stream left off (see takeWaiting), with `runs` holding their open run.
   */
  constructor(
    readonly mode: CohortMode,
    minValidShare: number,
    pass: PeerPass,
    private readonly runs: GroupRuns = new GroupRuns(),
    waiting: readonly FeatureBlock[] = [],
  ) {
    this.fill = new CohortFill(minValidShare, pass);
    this.pending = [...waiting];
  }

  /** The run still open in 'stream' mode (its blocks wait), if any. */
  get openRun(): { readonly group: string; readonly start: number; readonly end: number } | undefined {
    return this.runs.openRun;
  }

  /** Blocks waiting for a cohort. */
  get waiting(): number {
    return this.pending.length;
  }

  /** The blocks waiting, in order (to carry them elsewhere); the space is then empty. */
  takeWaiting(): FeatureBlock[] {
    const blocks = this.pending;
    this.pending = [];
    return blocks;
  }

  /**
   * Adds the next block (its consumers follow the previous block's). Returns
   * the blocks now ready to score, in order. Throws BatchError in 'stream'
   * mode for a group that is not contiguous, or a run too long.
   */
  add(block: FeatureBlock): FeatureBlock[] {
    this.pending.push(block);
    if (this.mode === 'batch') return [];
    for (let c = 0; c < block.count; c++) {
      const ended = this.runs.next(block.groups[c] ?? '', block.first + c);
      if (ended) this.fill.fill(this.pending, ended.start, ended.end);
    }
    return this.ready();
  }

  /** The end of the batch or stream: every cohort is complete. Returns the blocks still waiting, in order. */
  finish(): FeatureBlock[] {
    if (this.pending.length === 0) return [];
    if (this.mode === 'batch') {
      const last = this.pending[this.pending.length - 1]!;
      this.fill.fill(this.pending, this.pending[0]!.first, last.first + last.count);
    } else {
      const ended = this.runs.end();
      if (ended) this.fill.fill(this.pending, ended.start, ended.end);
    }
    return this.takeWaiting();
  }

  /** The blocks that end before the open run starts. */
  private ready(): FeatureBlock[] {
    const open = this.runs.openRun;
    const until = open ? open.start : Infinity;
    let k = 0;
    while (k < this.pending.length && this.pending[k]!.first + this.pending[k]!.count <= until) k++;
    return this.pending.splice(0, k);
  }
}
