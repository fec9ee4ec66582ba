// The engine alone, single-threaded, on the same request bytes the gateway
// gets: what one worker does for a batch, stage by stage, timed in-process.
// A worker's job is the engine's block-scoring use case (scoreBatchRequest,
// blocks within BLOCK_LIMITS) and the assembly of its response
// (assembleResponse); the use case times its own stages:
//   scan     scanRequest (locate the consumers in the bytes) and the header
//   features FeatureEngine.computeWire (wire scan of each consumer, copy of the readings into WASM memory, the feature sweeps)
//   rules    FeatureEngine.rescore (the compiled rule set over the feature columns)
//   results  ResponseBuilder.add (codes, scores, reasons as result objects)
//   encode   protobuf encoding of the results and the response (protobufjs)
// `wireScan` times scanConsumers alone (the part of `features` that walks the consumer messages), once more, for the breakdown.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assembleResponse } from '../../engine/src/codec/index.js';
import { blocksOf, FeatureEngine, scanConsumers, scanRequest, scoreBatchRequest, spanRanges, type CompiledRuleSet } from '../../engine/src/index.js';
import { packageRoot } from '../../engine/src/package-root.js';
import { compileRuleSet } from '../../engine/src/rules/compile-rule-set.js';

export const STAGES = ['scan', 'features', 'rules', 'results', 'encode'] as const;
export type Stage = (typeof STAGES)[number];

export interface StageTimes {
  /** Seconds per stage, summed over the batches timed. */
  readonly seconds: Record<Stage, number>;
  /** scanConsumers alone (included in `features`). */
  readonly wireScanSeconds: number;
  readonly consumers: number;
  readonly responseBytes: number;
}

export class InProcessScorer {
  private constructor(
    private readonly engine: FeatureEngine,
    readonly ruleSet: CompiledRuleSet,
  ) {}

  static async load(): Promise<InProcessScorer> {
    const file = join(packageRoot, 'rules', 'default.yaml');
    const { ruleSet } = compileRuleSet(readFileSync(file, 'utf8'), { file });
    if (!ruleSet) throw new Error(`${file} does not compile`);
    return new InProcessScorer(await FeatureEngine.load(), ruleSet);
  }

  /** Scores one serialized ScoreBatchRequest as a worker does, adding each stage's time to `into`. */
  score(bytes: Uint8Array, into: { seconds: Record<Stage, number>; wireScanSeconds: number; consumers: number; responseBytes: number }): Uint8Array {
    const ruleSet = this.ruleSet;
    const { part, seconds } = scoreBatchRequest(this.engine, bytes, { resolveRuleSet: () => ruleSet, serialization: 'proto' });
    const started = performance.now();
    const out = assembleResponse([part], 'proto');
    for (const stage of STAGES) into.seconds[stage] += seconds[stage];
    into.seconds.encode += (performance.now() - started) / 1000;
    // computeWire scans the consumers (ids included) itself; timed apart, block by block, to show its share.
    const { consumers } = scanRequest(bytes);
    for (const [first, last] of blocksOf(spanRanges(consumers.spans))) {
      const spans = consumers.spans.subarray(2 * first, 2 * last);
      const t0 = performance.now();
      scanConsumers(bytes, spans, first);
      into.wireScanSeconds += (performance.now() - t0) / 1000;
    }
    into.consumers += consumers.spans.length >> 1;
    into.responseBytes += out.length;
    return out;
  }

  /**
   * Scores the batches round-robin for at least `minSeconds` (after one warm-up
   * pass) and returns the stage times; consumers/s = consumers / total seconds.
   */
  time(batches: readonly Uint8Array[], minSeconds: number): StageTimes {
    const fresh = () => ({ seconds: { scan: 0, features: 0, rules: 0, results: 0, encode: 0 }, wireScanSeconds: 0, consumers: 0, responseBytes: 0 });
    const warm = fresh();
    for (const bytes of batches) this.score(bytes, warm);
    const times = fresh();
    const started = performance.now();
    for (let i = 0; performance.now() - started < minSeconds * 1000 || i < batches.length; i++) this.score(batches[i % batches.length]!, times);
    return times;
  }
}

export function totalSeconds(times: StageTimes): number {
  return STAGES.reduce((sum, stage) => sum + times.seconds[stage], 0);
}
