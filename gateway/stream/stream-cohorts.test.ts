// The order of a ScoreStream's cohort steps (stream-cohorts.ts), with a fake
// phase 2 that records what it is given: positions shifted to the stream's,
// the carry handed on, ungrouped messages held behind the open run until
// another group or the stream's end (or distance) ends it, an empty message
// ending nothing; a group that comes back is invalid_argument naming both positions.
// Over real workers and clients in score-stream-cohorts.e2e.test.ts.
import { describe, expect, it } from 'vitest';
import { GroupRuns, MAX_GROUP_RUN, type FeatureBlock } from '../../engine/src/index.js';
import { ServiceError } from '../rpc/codes.js';
import type { CallContext } from '../rpc/types.js';
import type { GroupStretch, StreamCohortsStep } from '../tasks/cohort-tasks.js';
import type { ScorePart, StreamHeader } from '../tasks/protocol.js';
import { StreamCohorts, type StreamCohortsRunner } from './stream-cohorts.js';

const HEADER: StreamHeader = { ruleSet: 'peers@1', startDate: '2026-03-02', pointsPerDay: 96, includeFeatures: false, flaggedOnly: false, includeEvidence: false };
const context: CallContext = { method: 'ScoreStream', protocol: 'grpc', requestId: 'test', tenant: { id: 't', ruleSets: '*', defaultRuleSet: 'default' }, signal: new AbortController().signal };

/** A part of `n` consumers, named by `label` (in ruleSet, for the test to follow it). */
function part(label: string, n: number, deferred?: { groups: string[] }): ScorePart {
  const base: ScorePart = { kind: 'part', ruleSet: label, digest: 'd', featureNames: [], ruleIds: [], counts: [deferred ? 0 : n, 0, 0, 0, 0], hits: [], results: new Uint8Array(0), resultCount: 0, engineSeconds: 0 };
  if (!deferred) return base;
  const block = { first: 0, count: n, groups: deferred.groups, names: ['mean_kw'], matrix: new Float64Array(n) } as unknown as FeatureBlock;
  const stretches: GroupStretch[] = [];
  deferred.groups.forEach((group, c) => {
    const last = stretches.at(-1);
    if (last && last.group === group) stretches[stretches.length - 1] = { ...last, end: c + 1 };
    else stretches.push({ group, start: c, end: c + 1 });
  });
  return { ...base, deferred: { blocks: [block], consumers: n, stretches } };
}

/**
 * A fake phase 2 on the real GroupRuns: the message's blocks at stream
 * positions, the run ended by `finish`; the blocks before the open run are
 * ready (labelled carried<n> and step<n>), the others carried.
 */
function recorder(): { steps: StreamCohortsStep[]; runner: StreamCohortsRunner } {
  const steps: StreamCohortsStep[] = [];
  const runner: StreamCohortsRunner = async (step) => {
    steps.push(step);
    const runs = new GroupRuns(step.open);
    const shifted = step.blocks.map((block) => ({ ...block, first: block.first + step.offset }));
    for (const block of shifted) block.groups.forEach((group, c) => runs.next(group, block.first + c));
    if (step.finish) runs.end();
    const open = runs.openRun;
    const pending = [...step.carry, ...shifted];
    const ready = pending.filter((block) => !open || block.first + block.count <= open.start);
    const sum = (blocks: FeatureBlock[]) => blocks.reduce((n, block) => n + block.count, 0);
    const carried = ready.filter((block) => step.carry.includes(block));
    const own = ready.filter((block) => !step.carry.includes(block));
    // As the worker does: the time so far goes with the message's own results, else with the carried ones.
    const seconds = (label: string, n: number, mine: boolean) => ({ ...part(label, n), engineSeconds: mine ? step.engineSeconds : 0 });
    const ownFirst = sum(own) > 0;
    return {
      kind: 'stream-cohorts',
      carried: seconds(`carried${steps.length}`, sum(carried), !ownFirst),
      part: seconds(`step${steps.length}`, sum(own), ownFirst),
      carry: pending.slice(ready.length),
      open,
    };
  };
  return { steps, runner };
}

const labels = (parts: ScorePart[]) => parts.map((p) => `${p.ruleSet}:${p.counts[0]}`);

describe('StreamCohorts', () => {
  it('keeps the engine time of steps that scored nobody yet for the next step (metrics count scored parts only)', async () => {
    const { steps, runner } = recorder();
    const cohorts = new StreamCohorts(runner, 'proto', context);
    const timed = (p: ScorePart, engineSeconds: number) => ({ ...p, engineSeconds });
    await cohorts.settle(timed(part('m0', 2, { groups: ['a', 'a'] }), 0.5), HEADER);
    await cohorts.settle(timed(part('m1', 2, { groups: ['a', 'a'] }), 0.25), HEADER);
    expect(steps.map((step) => step.engineSeconds)).toEqual([0.5, 0.75]);
    await cohorts.finish(HEADER);
    // The last step, which scores the run, is handed every second so far (what it reports is the worker's: gateway/worker/cohorts.ts).
    expect(steps[2]!.engineSeconds).toBe(0.75);
  });

  it('carries the open run across messages and holds ungrouped messages behind it until another group starts, or the stream ends', async () => {
    const { steps, runner } = recorder();
    const cohorts = new StreamCohorts(runner, 'proto', context);
    const settle = async (p: ScorePart) => labels(await cohorts.settle(p, HEADER));
    expect(await settle(part('m0', 3))).toEqual(['m0:3']);
    // Run b opens at 6: the message's block waits.
    expect(await settle(part('m1', 4, { groups: ['', 'a', 'a', 'b'] }))).toEqual(['step1:0']);
    expect(steps[0]).toMatchObject({ carry: [], offset: 3, finish: false });
    expect(await settle(part('m2', 2, { groups: ['b', 'b'] }))).toEqual(['step2:0']);
    expect(steps[1]).toMatchObject({ offset: 7, finish: false, open: { group: 'b', start: 6 } });
    expect(steps[1]!.carry).toHaveLength(1);
    // Ungrouped consumers do not end run b: those messages wait behind it, answered without results; an empty one ends nothing.
    expect(await settle(part('m3', 5))).toEqual(['m3:0']);
    expect(await settle(part('empty', 0))).toEqual(['empty:0']);
    expect(await settle(part('m4', 1))).toEqual(['m4:0']);
    expect(steps).toHaveLength(2);
    // Group c ends b: b's blocks, the held messages, then what of this message is ready (nothing: c is open).
    expect(await settle(part('m5', 2, { groups: ['c', 'c'] }))).toEqual(['carried3:6', 'm3:5', 'm4:1', 'step3:0']);
    expect(steps[2]).toMatchObject({ offset: 15, finish: false });
    expect(labels(await cohorts.finish(HEADER))).toEqual(['carried4:2', 'step4:0']);
    expect(steps[3]).toMatchObject({ blocks: [], finish: true });
    expect(await cohorts.finish(HEADER)).toEqual([]);
  });

  it('ends the open run at ungrouped consumers MAX_GROUP_RUN after its first, before their own part', async () => {
    const { steps, runner } = recorder();
    const cohorts = new StreamCohorts(runner, 'proto', context);
    expect(labels(await cohorts.settle(part('m0', 2, { groups: ['', 'a'] }), HEADER))).toEqual(['step1:0']);
    expect(labels(await cohorts.settle(part('near', 10), HEADER))).toEqual(['near:0']);
    expect(labels(await cohorts.settle(part('far', MAX_GROUP_RUN), HEADER))).toEqual(['carried2:2', 'near:10', 'step2:0', `far:${MAX_GROUP_RUN}`]);
    expect(steps[1]).toMatchObject({ blocks: [], finish: true });
    expect(await cohorts.finish(HEADER)).toEqual([]);
  });

  it('ends the stream with invalid_argument when a group comes back, across messages or inside one', async () => {
    const across = new StreamCohorts(recorder().runner, 'proto', context);
    await across.settle(part('m0', 3, { groups: ['a', 'a', 'a'] }), HEADER);
    await across.settle(part('m1', 2, { groups: ['b', 'b'] }), HEADER);
    const error = await across.settle(part('m2', 2, { groups: ['', 'a'] }), HEADER).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({ code: 'invalid_argument', message: expect.stringMatching(/^group "a" is not contiguous: it ended at consumer 2 and comes back at consumer 6;/) });
    const inside = new StreamCohorts(recorder().runner, 'proto', context);
    await inside.settle(part('m0', 2), HEADER);
    await expect(inside.settle(part('m1', 4, { groups: ['x', 'y', 'x', 'x'] }), HEADER)).rejects.toThrow(/group "x" is not contiguous: it ended at consumer 2 and comes back at consumer 4/);
  });

  it('asks a full server again instead of failing; without a phase 2, a deferred message is an internal error', async () => {
    let refused = 0;
    const { runner } = recorder();
    const busy: StreamCohortsRunner = async (...args) => {
      if (refused++ < 2) throw new ServiceError('resource_exhausted', 'full', { retryAfterMs: 1 });
      return runner(...args);
    };
    const cohorts = new StreamCohorts(busy, 'proto', context);
    expect(labels(await cohorts.settle(part('m0', 2, { groups: ['a', 'b'] }), HEADER))).toEqual(['step1:0']);
    expect(refused).toBe(3);
    await expect(new StreamCohorts(undefined, 'proto', context).settle(part('m0', 1, { groups: ['a'] }), HEADER)).rejects.toThrow(/no cohort step/);
  });
});
