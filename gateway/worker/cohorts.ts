// The second step of parts whose cohorts span other parts (gateway/tasks/
// cohort-tasks.ts), inside a worker: the peer pass over a split batch's
// blocks (one cohort space, 'batch' mode), scoring blocks whose peer features
// are complete, and one step of a ScoreStream's cohorts ('stream' mode, the
// waiting blocks and the open run carried from the previous step). The rule
// set is resolved again as the part's was, from the header the part came back with.
import { CohortSpace, GroupRuns, scoreComputedBlocks, type CompiledRuleSet, type FeatureBlock, type FeatureEngine } from '../../engine/src/index.js';
import type { BlocksResult, PeersTask, RuleSetOf, ScoreBlocksTask, StreamCohortsResult, StreamCohortsTask } from '../tasks/cohort-tasks.js';
import { resolveEntry } from '../tasks/catalog.js';
import type { ScorePart } from '../tasks/protocol.js';
import type { Serialization } from '../rpc/types.js';
import type { RuleSetCache } from './rule-sets.js';
import { asServiceError } from './score.js';

/** A split batch's deferred blocks as one cohort space: every cohort complete, peer features filled in. */
export function fillPeers(engine: FeatureEngine, ruleSets: RuleSetCache, task: PeersTask): BlocksResult {
  const started = performance.now();
  const space = new CohortSpace('batch', ruleSetOf(ruleSets, task).minValidShare, engine.peerPass);
  for (const block of task.blocks) space.add(block);
  const blocks = space.finish();
  return { kind: 'blocks', blocks, engineSeconds: (performance.now() - started) / 1000 };
}

/** One deferred part's blocks, their peer features complete, scored into its part. */
export function scoreBlocks(engine: FeatureEngine, ruleSets: RuleSetCache, task: ScoreBlocksTask): ScorePart {
  return scored(engine, ruleSetOf(ruleSets, task), task, task.blocks, task.response, task.engineSeconds);
}

/**
 * One step of a stream's cohorts: the carried blocks and open run, then the
 * message's blocks at their stream positions; the blocks before the open run
 * (all of them with `finish`) are scored, the carried ones and the message's
 * apart (ungrouped messages between them may be waiting on the main thread),
 * the others carried to the next step.
 */
export function streamCohorts(engine: FeatureEngine, ruleSets: RuleSetCache, task: StreamCohortsTask): StreamCohortsResult {
  const started = performance.now();
  const ruleSet = ruleSetOf(ruleSets, task);
  // Contiguity was checked where the stream is read (the main thread's GroupRuns): this one only needs the open run.
  const space = new CohortSpace('stream', ruleSet.minValidShare, engine.peerPass, new GroupRuns(task.open), task.carry);
  const ready: FeatureBlock[] = [];
  const add = (block: FeatureBlock) => asServiceError(() => space.add(task.offset === 0 ? block : { ...block, first: block.first + task.offset }));
  for (const block of task.blocks) ready.push(...add(block));
  if (task.finish) ready.push(...space.finish());
  // Ready blocks come in order, so the carried ones (the same objects) first.
  const carried = new Set(task.carry);
  const split = ready.findIndex((block) => !carried.has(block));
  const cut = split < 0 ? ready.length : split;
  // The time so far goes with the message's own results, or the carried ones when it has none yet (metrics drop empty parts).
  const prior = task.engineSeconds + (performance.now() - started) / 1000;
  const own = ready.length > cut;
  const before = scored(engine, ruleSet, task, ready.slice(0, cut), task.response, own ? 0 : prior);
  const part = scored(engine, ruleSet, task, ready.slice(cut), task.response, own ? prior : 0);
  const open = space.openRun;
  return { kind: 'stream-cohorts', carried: before, part, carry: space.takeWaiting(), ...(open ? { open: { group: open.group, start: open.start, end: open.end } } : {}) };
}

function scored(engine: FeatureEngine, ruleSet: CompiledRuleSet, of: RuleSetOf, blocks: readonly FeatureBlock[], response: Serialization, priorSeconds: number): ScorePart {
  const { part, header, seconds } = asServiceError(() => scoreComputedBlocks(engine, blocks, ruleSet, of.header, response));
  return { kind: 'part', ...part, engineSeconds: priorSeconds + seconds.peers + seconds.rules, header };
}

function ruleSetOf(ruleSets: RuleSetCache, of: RuleSetOf): CompiledRuleSet {
  return ruleSets.get(of.catalog, resolveEntry(of.catalog, of.tenant, of.header.ruleSet));
}
