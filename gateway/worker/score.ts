// Scoring a ScoreBatchRequest inside a worker: locate the fields in the
// protobuf bytes (scanRequest), resolve the rule set, score the consumers
// block by block straight from the bytes (FeatureEngine.scoreWire copies each
// consumer's packed readings into WASM memory), and encode the results.
import {
  BatchError,
  FeatureEngine,
  MAX_DAYS,
  parseBatchHeader,
  scanConsumers,
  scanRequest,
  type BatchHeader,
  type CompiledRuleSet,
  type RequestIndex,
} from '../../engine/src/index.js';
import { Code } from '../../engine/src/scoring/scored-batch.js';
import { ResponseBuilder } from '../../engine/src/scoring/response.js';
import type { Serialization } from '../service/types.js';
import { jsonResultLines, protoResults } from './assemble.js';
import type { RuleSetCatalog, ScorePart, TaskTenant, WorkerLimits } from './protocol.js';
import { resolveEntry, type RuleSetCache } from './rule-sets.js';
import { TaskError } from './task-error.js';

/** A block of consumers scored in one engine call: its memory stays in the tens of MiB (as the command line's blocks). */
export const BLOCK = { maxConsumers: 2000, maxBytes: 16 << 20 } as const;

const encoder = new TextEncoder();

export interface ScoreInput {
  /** The ScoreBatchRequest, binary protobuf. */
  readonly bytes: Uint8Array;
  readonly catalog: RuleSetCatalog;
  readonly tenant: TaskTenant;
  readonly limits: WorkerLimits;
  /** How the part's results are serialized. */
  readonly response: Serialization;
  /** This part of the consumers: [⌊i·n/k⌋, ⌊(i+1)·n/k⌋); the whole batch by default. */
  readonly part?: { readonly index: number; readonly count: number };
}

/** Scores (part of) a batch. Throws TaskError for what the client did wrong. */
export function scoreRequest(engine: FeatureEngine, ruleSets: RuleSetCache, input: ScoreInput): ScorePart {
  const request = asTaskError(() => scanRequest(input.bytes));
  const n = request.consumers.spans.length >> 1;
  if (n > input.limits.maxConsumers) throw new TaskError('invalid_argument', `batch has ${n} consumers; the limit is ${input.limits.maxConsumers}`);
  const header = asTaskError(() => parseBatchHeader(request.pointsPerDay, request.startDate));
  const entry = resolveEntry(input.catalog, input.tenant, request.ruleSet);
  const ruleSet = ruleSets.get(input.catalog, entry);
  const { index = 0, count = 1 } = input.part ?? {};
  const from = Math.floor((index * n) / count);
  const to = Math.floor(((index + 1) * n) / count);
  return scoreConsumers(engine, ruleSet, header, request, from, to, input);
}

function scoreConsumers(engine: FeatureEngine, ruleSet: CompiledRuleSet, header: BatchHeader, request: RequestIndex, from: number, to: number, input: ScoreInput): ScorePart {
  const options = { includeFeatures: request.includeFeatures, flaggedOnly: request.flaggedOnly, includeEvidence: request.includeEvidence };
  const builder = new ResponseBuilder(ruleSet, options);
  const { bytes, spans } = request.consumers;
  // The engine itself leaves out (GRAY, never copied) curves longer than MAX_DAYS; a lower limit is applied here.
  const readingLimit = input.limits.maxReadingsPerConsumer < MAX_DAYS * header.pointsPerDay ? input.limits.maxReadingsPerConsumer : undefined;
  /** Notes of consumers over the reading limit, by index in the results. */
  const overLimit = new Map<number, string>();
  let results = 0;
  let engineNanoseconds = 0n;
  for (let first = from; first < to; ) {
    let last = first + 1;
    while (last < to && last - first < BLOCK.maxConsumers && spans[2 * last + 1]! - spans[2 * first]! <= BLOCK.maxBytes) last++;
    let blockSpans = spans.subarray(2 * first, 2 * last);
    let tooLong: Map<number, string> | undefined;
    /** Ids from the reading-limit scan: the spans it blanks no longer carry them. */
    let scannedIds: readonly string[] | undefined;
    if (readingLimit !== undefined) {
      const index = blockError(first, () => scanConsumers(bytes, blockSpans));
      scannedIds = index.ids;
      for (let k = 0; k < last - first; k++) {
        const readings = index.readingCount[k]!;
        if (readings <= readingLimit) continue;
        tooLong ??= new Map();
        tooLong.set(k, `${readings} readings; the limit is ${readingLimit} per consumer`);
      }
      if (tooLong) {
        // An empty message in its place: the engine codes it GRAY without copying anything; the note is replaced below.
        blockSpans = blockSpans.slice();
        for (const k of tooLong.keys()) blockSpans[2 * k + 1] = blockSpans[2 * k]!;
      }
    }
    const started = process.hrtime.bigint();
    const scored = blockError(first, () => engine.scoreWire(header, { bytes, spans: blockSpans }, ruleSet, { allFeatures: options.includeFeatures }));
    engineNanoseconds += process.hrtime.bigint() - started;
    if (tooLong || options.flaggedOnly) {
      for (let k = 0; k < scored.count; k++) {
        if (options.flaggedOnly && scored.codes[k] === Code.green) continue;
        const note = tooLong?.get(k);
        if (note !== undefined) overLimit.set(results, note);
        results++;
      }
    } else results += scored.count;
    builder.add(scored, scannedIds ?? scored.matrix.ids);
    first = last;
  }
  const response = builder.build();
  for (const [i, note] of overLimit) response.results[i]!.note = note;
  const summary = response.summary!;
  const counts = [summary.total ?? 0, summary.green ?? 0, summary.yellow ?? 0, summary.red ?? 0, summary.gray ?? 0];
  const ruleIds = ruleSet.rules.map((rule) => rule.id);
  const hits = ruleIds.map((id) => summary.ruleHits?.[id] ?? 0);
  return {
    kind: 'part',
    ruleSet: response.ruleSet,
    digest: response.ruleSetDigest,
    featureNames: response.featureNames,
    ruleIds,
    counts,
    hits,
    rules: response.rules,
    engineSeconds: Number(engineNanoseconds) / 1e9,
    results: input.response === 'proto' ? protoResults(response.results) : encoder.encode(jsonResultLines(response.results)),
    resultCount: response.results.length,
  };
}

/** BatchErrors as TaskErrors (the codes are the service's). */
function asTaskError<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof BatchError) throw new TaskError(error.code, error.message);
    throw error;
  }
}

/** As asTaskError, with "consumer k" of a block named by its index in the batch. */
function blockError<T>(first: number, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof BatchError) throw new TaskError(error.code, error.message.replace(/^malformed protobuf in consumer (\d+)/, (_, k: string) => `malformed protobuf in consumers[${first + Number(k)}]`));
    throw error;
  }
}
