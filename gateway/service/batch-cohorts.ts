// A split ScoreBatch is one cohort space (followup.md, Cohorts): a
// consumer's peers may lie in another worker's part, so the result must not
// depend on where the batch was cut. The parts are scored with `defer`; those
// whose consumers have groups come back with their blocks unscored. Then:
//   1. one 'peers' task gets every deferred block of every part, in batch
//      order, and fills in the peer features over all of them ('batch' mode);
//   2. each deferred part's blocks are scored by a 'score-blocks' task, the
//      parts in parallel.
// Parts that came back final (no group) stay as they are. Blocks move to and
// from the workers in transfer lists: the main thread never copies them, and
// never reads them consumer by consumer.
import { blockTransfers, type RuleSetOf } from '../tasks/cohort-tasks.js';
import type { ResultOf, RuleSetCatalog, ScorePart, TaskTenant, WorkerTask } from '../tasks/protocol.js';
import type { Serialization } from '../rpc/types.js';

/** Runs a task on a worker (the service's run, with the batch's signal): its result, or the error its failure means. */
export type TaskRunner = <T extends WorkerTask>(task: T, transferList: Transferable[]) => Promise<ResultOf<T>>;

export interface BatchCohortsContext {
  readonly catalog: RuleSetCatalog;
  readonly tenant: TaskTenant;
  readonly response: Serialization;
}

/** The parts of a split batch, in order, each final: deferred ones scored once every cohort is complete. */
export async function settleBatchCohorts(parts: readonly ScorePart[], context: BatchCohortsContext, run: TaskRunner): Promise<ScorePart[]> {
  const deferred = parts.filter((part) => part.deferred);
  if (deferred.length === 0) return [...parts];
  // Every part resolved the same request's rule set: its header names it `id@version`.
  const header = deferred[0]!.header;
  if (!header) throw new Error('a deferred part came back without its header');
  const of: RuleSetOf = { catalog: context.catalog, tenant: context.tenant, header };

  const blocks = deferred.flatMap((part) => part.deferred!.blocks);
  const filled = await run({ kind: 'peers', ...of, blocks }, blockTransfers(blocks));
  if (filled.blocks.length !== blocks.length) throw new Error(`the peer pass gave back ${filled.blocks.length} blocks of ${blocks.length}`);

  // Back to their parts: the same blocks, in the same order. The peer pass's time goes to the first.
  let at = 0;
  let peerSeconds = filled.engineSeconds;
  return Promise.all(
    parts.map((part) => {
      if (!part.deferred) return part;
      const own = filled.blocks.slice(at, (at += part.deferred.blocks.length));
      const engineSeconds = part.engineSeconds + peerSeconds;
      peerSeconds = 0;
      return run({ kind: 'score-blocks', ...of, response: context.response, blocks: own, engineSeconds }, blockTransfers(own));
    }),
  );
}
