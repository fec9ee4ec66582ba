// The engine alone, single-threaded, on the same request bytes the gateway
// gets: what one worker does for a batch, stage by stage, timed in-process.
// The stages are those of gateway/worker/score.ts (blocks of at most 2000
// consumers) and gateway/worker/assemble.ts:
//   scan     scanRequest (locate the consumers in the bytes)
//   features FeatureEngine.computeWire (wire scan of each consumer, copy of the readings into WASM memory, the feature sweeps)
//   rules    FeatureEngine.rescore (the compiled rule set over the feature columns)
//   results  ResponseBuilder.add/build (codes, scores, reasons as result objects)
//   encode   protobuf encoding of the results and the response (protobufjs)
// `wireScan` times scanConsumers alone (the part of `features` that walks the consumer messages), once more, for the breakdown.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FeatureEngine, parseBatchHeader, scanConsumers, scanRequest, type CompiledRuleSet } from '../../engine/src/index.js';
import { packageRoot } from '../../engine/src/package-root.js';
import { compileRuleSet } from '../../engine/src/rules/compile-rule-set.js';
import { ResponseBuilder } from '../../engine/src/scoring/response.js';
import { assembleResponse, protoResults } from '../../gateway/worker/assemble.js';
import type { ScorePart } from '../../gateway/worker/protocol.js';

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

const BLOCK = 2000;

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
    const now = () => process.hrtime.bigint();
    const s = (t: bigint) => Number(t) / 1e9;
    let t0 = now();
    const request = scanRequest(bytes);
    const header = parseBatchHeader(request.pointsPerDay, request.startDate);
    const n = request.consumers.spans.length >> 1;
    into.seconds.scan += s(now() - t0);
    const ruleSet = this.ruleSet;
    const builder = new ResponseBuilder(ruleSet, {});
    const options = { templates: ruleSet.templates, groups: ruleSet.groups };
    for (let first = 0; first < n; first += BLOCK) {
      const last = Math.min(n, first + BLOCK);
      const spans = request.consumers.spans.subarray(2 * first, 2 * last);
      const source = { bytes, spans };
      // computeWire scans the consumers (ids included) itself; timed apart to show its share.
      t0 = now();
      scanConsumers(bytes, spans);
      into.wireScanSeconds += s(now() - t0);
      t0 = now();
      this.engine.computeWire(header, source, options);
      into.seconds.features += s(now() - t0);
      t0 = now();
      const scored = this.engine.rescore(ruleSet);
      into.seconds.rules += s(now() - t0);
      t0 = now();
      builder.add(scored, scored.matrix.ids);
      into.seconds.results += s(now() - t0);
    }
    t0 = now();
    const response = builder.build();
    into.seconds.results += s(now() - t0);
    t0 = now();
    const summary = response.summary!;
    const part: ScorePart = {
      kind: 'part',
      ruleSet: response.ruleSet,
      digest: response.ruleSetDigest,
      featureNames: response.featureNames,
      ruleIds: ruleSet.rules.map((rule) => rule.id),
      counts: [summary.total ?? 0, summary.green ?? 0, summary.yellow ?? 0, summary.red ?? 0, summary.gray ?? 0],
      hits: ruleSet.rules.map((rule) => summary.ruleHits?.[rule.id] ?? 0),
      engineSeconds: 0,
      results: protoResults(response.results),
      resultCount: response.results.length,
    };
    const out = assembleResponse([part], 'proto');
    into.seconds.encode += s(now() - t0);
    into.consumers += n;
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
