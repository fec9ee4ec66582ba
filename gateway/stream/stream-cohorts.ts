// The cohorts of one ScoreStream (followup.md, Cohorts): a group is a
// contiguous run across the whole stream, message boundaries included (an
// upstream chunking a sorted file cuts groups), and its consumers' peer
// features need all of it. Messages are scored in parallel (phase 1, with
// `defer`); a message whose consumers have groups comes back with its blocks
// unscored. Phase-1 results arrive here in stream order, and:
// - their group stretches (from the worker: O(runs) here, never O(consumers))
//   go into the stream's GroupRuns, which ends the stream with
//   invalid_argument for a group that comes back after another, and says
//   when the open run ends (engine/src/cohorts/group-runs.ts);
// - a sequential phase 2 in a worker ('stream-cohorts') gets the blocks left
//   waiting by the previous one (the open run's) and the message's blocks,
//   and scores those before the open run;
// - an ungrouped message comes back scored, but its results follow the open
//   run's in request order: its part is held here until the run ends (at a
//   later message, or at its own consumers when the run ends there, or at
//   the end of the stream), and its response goes out without results.
// What waits (blocks in the carry, parts held) is within one open run: bounded
// by MAX_GROUP_RUN consumers, which GroupRuns enforces.
import { BatchError, GroupRuns, type FeatureBlock } from '../../engine/src/index.js';
import { ServiceError } from '../rpc/codes.js';
import type { CallContext, Serialization } from '../rpc/types.js';
import { blocksMoved, type GroupStretch, type StreamCohortsResult, type StreamCohortsStep } from '../tasks/cohort-tasks.js';
import type { ScorePart, StreamHeader } from '../tasks/protocol.js';
import { isBusy, pause } from './busy.js';

/** One phase-2 step on a worker (the service's streamCohorts). */
export type StreamCohortsRunner = (step: StreamCohortsStep, header: StreamHeader, serialization: Serialization, context: CallContext) => Promise<StreamCohortsResult>;

export class StreamCohorts {
  private readonly runs = new GroupRuns();
  /** Consumers of the stream before the next message. */
  private offset = 0;
  /** Blocks waiting for the open run to end, and that run, as the last phase 2 left them. */
  private carry: FeatureBlock[] = [];
  private open: GroupStretch | undefined;
  /** Ungrouped messages' parts after the carry, in order: they go out when it does. */
  private held: ScorePart[] = [];
  /** Engine seconds of phase-2 steps that scored nobody yet, for the next step's part. */
  private unreportedSeconds = 0;

  constructor(
    private readonly run: StreamCohortsRunner | undefined,
    private readonly serialization: Serialization,
    private readonly context: CallContext,
  ) {}

  /**
   * The parts that answer a message's phase-1 part, in request order (one
   * without results when its consumers wait). Throws ServiceError
   * invalid_argument for a group that is not contiguous.
   */
  async settle(part: ScorePart, header: StreamHeader): Promise<ScorePart[]> {
    const offset = this.offset;
    if (!part.deferred) {
      // No consumer with a group (or no peer features): one stretch of none.
      const n = part.counts[0] ?? 0;
      if (n === 0) return [part];
      this.track([{ group: '', start: 0, end: n }], offset);
      this.offset += n;
      if (this.carry.length === 0) return [part];
      if (this.runs.openRun) {
        this.held.push(part);
        return [withoutResults(part)];
      }
      // The open run ended among these consumers (too far from its first): its blocks, then this part.
      return [...this.release(await this.step([], 0, true, 0, header)), part];
    }
    const { blocks, consumers, stretches } = part.deferred;
    this.track(stretches, offset);
    this.offset += consumers;
    return this.release(await this.step(blocks, offset, false, part.engineSeconds, header));
  }

  /** The end of the stream: the parts still waiting, in order (none when nothing does). */
  async finish(header: StreamHeader | undefined): Promise<ScorePart[]> {
    if (this.carry.length === 0 || !header) return [];
    return this.release(await this.step([], 0, true, 0, header));
  }

  /** A message's stretches (positions in the message) into the stream's runs. */
  private track(stretches: readonly GroupStretch[], offset: number): void {
    try {
      for (const { group, start, end } of stretches) this.runs.span(group, offset + start, offset + end);
    } catch (error) {
      if (error instanceof BatchError) throw new ServiceError(error.code, error.message);
      throw error;
    }
  }

  /** A phase 2's parts in request order: the carried blocks, the parts held behind them once they are out, the message's. */
  private release(step: { carried: ScorePart; part: ScorePart; released: boolean }): ScorePart[] {
    if (!step.released) return [step.part];
    const held = this.held;
    this.held = [];
    return [step.carried, ...held, step.part];
  }

  /** One phase 2, waiting (not failing) while the server is full, as the messages do. */
  private async step(blocks: FeatureBlock[], offset: number, finish: boolean, engineSeconds: number, header: StreamHeader): Promise<{ carried: ScorePart; part: ScorePart; released: boolean }> {
    if (!this.run) throw new Error('a ScoreStream message came back deferred, and the stream has no cohort step to settle it');
    const carried = this.carry.reduce((n, block) => n + block.count, 0);
    // Engine time of steps that released no result yet rides with this one (metrics count scored parts only).
    const step: StreamCohortsStep = { carry: this.carry, open: this.open, blocks, offset, finish, engineSeconds: engineSeconds + this.unreportedSeconds };
    for (;;) {
      try {
        const result = await this.run(step, header, this.serialization, this.context);
        this.carry = result.carry;
        this.open = result.open;
        const scoredNone = !result.carried.counts[0] && !result.part.counts[0];
        this.unreportedSeconds = scoredNone ? result.carried.engineSeconds + result.part.engineSeconds : 0;
        // Ready blocks are a prefix of the carry then the message's: the carry goes out whole or not at all.
        return { carried: result.carried, part: result.part, released: carried > 0 && result.carried.counts[0] === carried };
      } catch (error) {
        if (!isBusy(error) || blocksMoved(step.carry) || blocksMoved(blocks)) throw error;
        await pause(this.context.signal);
      }
    }
  }
}

/** A held part's response: its fields (the first response names the rule set), no results yet. */
function withoutResults(part: ScorePart): ScorePart {
  const { ruleSet, digest, featureNames, ruleIds } = part;
  return { kind: 'part', ruleSet, digest, featureNames, ruleIds, counts: part.counts.map(() => 0), hits: part.hits.map(() => 0), results: new Uint8Array(0), resultCount: 0, engineSeconds: 0 };
}
