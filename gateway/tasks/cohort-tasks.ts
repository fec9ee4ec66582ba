// The tasks of the peer features (followup.md, Cohorts) between the service
// and the workers. A consumer's peers may lie in another part of a split
// batch or another message of a ScoreStream, so such a part comes back with
// its computed blocks unscored (ScorePart.deferred); the service fills their
// peer features in a second step and has them scored. Blocks always move
// between threads in the transfer list (blockTransfers), never cloned: a
// block is about 0.7 KiB per consumer (engine/src/cohorts/feature-block.ts).
import { blockBuffers, type FeatureBlock } from '../../engine/src/index.js';
import type { Serialization } from '../rpc/types.js';
import type { RuleSetCatalog, ScorePart, StreamHeader, TaskTenant } from './protocol.js';

/** Consumers [start, end) of one group ('' = none), by position. */
export interface GroupStretch {
  readonly group: string;
  readonly start: number;
  readonly end: number;
}

/** A deferred part's blocks, and what the main thread needs of them without reading every consumer. */
export interface DeferredBlocks {
  /** In order; `first` is a position in the part's request. */
  readonly blocks: FeatureBlock[];
  /** Consumers in the blocks. */
  readonly consumers: number;
  /** groupStretches(blocks), computed in the worker: O(runs) for the main thread, never O(consumers). */
  readonly stretches: GroupStretch[];
}

/**
 * The rule set of a second step, resolved as the part's was: the header the
 * part came back with names it `id@version`, in the same catalog, for the
 * same caller. Its min_valid_share decides who is a peer.
 */
export interface RuleSetOf {
  readonly catalog: RuleSetCatalog;
  readonly tenant: TaskTenant;
  readonly header: StreamHeader;
}

/** A split batch's deferred blocks, all of them in batch order: one cohort space, filled in and handed back. */
export interface PeersTask extends RuleSetOf {
  readonly kind: 'peers';
  readonly blocks: FeatureBlock[];
}

export interface BlocksResult {
  readonly kind: 'blocks';
  /** The task's blocks, in the same order, their peer features filled in. */
  readonly blocks: FeatureBlock[];
  readonly engineSeconds: number;
}

/** Blocks whose peer features are complete (one deferred part's), scored into a part. */
export interface ScoreBlocksTask extends RuleSetOf {
  readonly kind: 'score-blocks';
  readonly response: Serialization;
  readonly blocks: FeatureBlock[];
  /** Engine time already spent on these blocks (the part's first step), added to the part's for the metrics. */
  readonly engineSeconds: number;
}

/**
 * One step of a ScoreStream's cohorts, in stream order (groups are
 * contiguous runs): the blocks left waiting by the previous step and its open
 * run, then a message's deferred blocks (or none, to end the open run);
 * answered with the blocks now ready, scored, and what still waits.
 */
export interface StreamCohortsStep {
  /** Blocks still waiting for the open run (positions in the stream). */
  readonly carry: FeatureBlock[];
  readonly open?: GroupStretch | undefined;
  /** A message's deferred blocks (positions in the message), or none. */
  readonly blocks: FeatureBlock[];
  /** Consumers of the stream before the message: added to its blocks' positions. */
  readonly offset: number;
  /** The open run ends here (an ungrouped message follows, or the stream ends): every block is scored. */
  readonly finish: boolean;
  /** Engine time of the message's first step, added to the part's for the metrics. */
  readonly engineSeconds: number;
}

export interface StreamCohortsTask extends RuleSetOf, StreamCohortsStep {
  readonly kind: 'stream-cohorts';
  readonly response: Serialization;
}

export interface StreamCohortsResult {
  readonly kind: 'stream-cohorts';
  /**
   * The carried blocks that became ready, scored: all of them or none (the
   * open run they wait for ended or not). The main thread may hold ungrouped
   * messages' parts between them and the message's own.
   */
  readonly carried: ScorePart;
  /** The message's blocks that became ready, scored (no results when none did). */
  readonly part: ScorePart;
  readonly carry: FeatureBlock[];
  readonly open?: GroupStretch | undefined;
}

/** The buffers of `blocks` for a transfer list: each once, empty ones left out (nothing to move). */
export function blockTransfers(blocks: readonly FeatureBlock[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const block of blocks) for (const buffer of blockBuffers(block)) if (buffer.byteLength > 0) buffers.add(buffer);
  return [...buffers];
}

/** Whether any of `blocks` was moved to another thread (its arrays detached): such a task cannot be tried again. */
export function blocksMoved(blocks: readonly FeatureBlock[]): boolean {
  // A moved ArrayBuffer is detached: byteLength 0 (a block's matrix is never empty: it has the catalogue's columns).
  return blocks.some((block) => block.matrix.buffer.byteLength === 0);
}
