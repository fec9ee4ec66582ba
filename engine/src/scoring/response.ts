// The ScoreBatchResponse of a batch (shared/spec/api.md), built from the
// batch's ScoredBatch blocks in request order, and its two serializations:
// binary protobuf and canonical proto3 JSON.
//
// Each block is turned into plain result objects as it is added: nothing of
// the block (its feature matrix views engine memory) is kept, so blocks can be
// scored one after another on the same engine. Floats are rounded to float32
// when added, so that the JSON and the binary form carry the same values.
import { gridcode } from '#gen/scoring.js';
import { featureNames } from '../catalogue.js';
import type { CompiledRuleSet } from '../rules/program.js';
import { float32Json } from './float32-json.js';
import { ruleInfoJson, ruleInfos } from './rule-info.js';
import { Code, type ScoredBatch } from './scored-batch.js';

export { float32Json };

export interface ResponseOptions {
  /** Every consumer's feature values, aligned with the response's feature_names. */
  readonly includeFeatures?: boolean;
  /** Leave GREEN results out; the summary still counts them. */
  readonly flaggedOnly?: boolean;
  /** For each fired rule, the values its expression read. */
  readonly includeEvidence?: boolean;
}

/** The counts of a Summary, in field order. */
const SUMMARY_COUNTS = ['total', 'green', 'yellow', 'red', 'gray'] as const;

type ResultProperties = gridcode.v1.ConsumerResult.$Properties;
type EvidenceProperties = gridcode.v1.Evidence.$Properties;

/**
 * Collects the results of a batch scored block by block with one rule set.
 * Blocks that include features must be scored with `allFeatures`.
 */
export class ResponseBuilder {
  /** The names of each result's `features`; empty unless features are included. */
  readonly featureNames: readonly string[];
  private readonly results: ResultProperties[] = [];
  private readonly counts = { total: 0, green: 0, yellow: 0, red: 0, gray: 0 };
  /** Consumers each rule fired for, by rule id, in file order. */
  private readonly ruleHits = new Map<string, number>();
  /** named[r] is 1 once rule r is among the reasons of a result in the response (GREEN ones left out by flaggedOnly are not). */
  private readonly named: Uint8Array;

  constructor(
    readonly ruleSet: CompiledRuleSet,
    readonly options: ResponseOptions = {},
  ) {
    this.featureNames = options.includeFeatures ? featureNames(ruleSet.templates.names) : [];
    for (const rule of ruleSet.rules) this.ruleHits.set(rule.id, 0);
    this.named = new Uint8Array(ruleSet.rules.length);
  }

  /** Consumers added so far. */
  get consumerCount(): number {
    return this.counts.total;
  }

  /**
   * Adds the next block of the batch: `ids` are its consumers' ids, in order.
   * Reads the block's feature matrix, so it must be called before the engine scores another block.
   */
  add(scored: ScoredBatch, ids: readonly string[]): void {
    if (scored.ruleSet !== this.ruleSet && scored.ruleSet.digest !== this.ruleSet.digest) {
      throw new Error(`a block scored with rule set ${ref(scored.ruleSet)} added to the response of ${ref(this.ruleSet)}`);
    }
    const count = scored.count;
    if (ids.length !== count) throw new RangeError(`a block of ${count} consumers given ${ids.length} ids`);

    const summary = scored.summary();
    for (const name of SUMMARY_COUNTS) this.counts[name] += summary[name];
    for (const [rule, hits] of Object.entries(summary.ruleHits)) this.ruleHits.set(rule, (this.ruleHits.get(rule) ?? 0) + hits);

    const { flaggedOnly = false, includeEvidence = false } = this.options;
    const matrix = this.featureNames.length > 0 ? scored.matrix : undefined;
    const columns = matrix ? this.featureNames.map((name) => matrix.indexOf(name) * count) : [];
    const values = matrix?.values;
    for (let c = 0; c < count; c++) {
      const code = scored.codes[c]!;
      if (flaggedOnly && code === Code.green) continue;
      // Only what differs from the proto3 default is set, as the JSON form and the encoder expect.
      const result: ResultProperties = { code: code as gridcode.v1.Code };
      const id = ids[c]!;
      if (id !== '') result.id = id;
      const score = Math.fround(scored.scores[c]!);
      if (!Object.is(score, 0)) result.score = score;
      const reasons = scored.reasons(c);
      if (reasons.length > 0) {
        result.reasons = reasons;
        for (let r = 0; r < this.named.length; r++) if (scored.fired[r * count + c]) this.named[r] = 1;
      }
      if (values) {
        const features = new Array<number>(columns.length);
        for (let f = 0; f < columns.length; f++) features[f] = Math.fround(values[columns[f]! + c]!);
        if (features.length > 0) result.features = features;
      }
      const note = scored.note(c);
      if (note) result.note = note;
      if (includeEvidence && reasons.length > 0) {
        result.evidence = scored.evidence(c).map(({ rule, values: read }) => {
          const evidence: EvidenceProperties = { rule };
          const entries = Object.entries(read);
          if (entries.length > 0) evidence.values = Object.fromEntries(entries.map(([name, value]) => [name, Math.fround(value)]));
          return evidence;
        });
      }
      this.results.push(result);
    }
  }

  /** The response; the builder should not be used afterwards (the response shares its results). */
  build(): gridcode.v1.ScoreBatchResponse {
    const summary: gridcode.v1.Summary.$Properties = {};
    for (const name of SUMMARY_COUNTS) if (this.counts[name]) summary[name] = this.counts[name];
    const hits = [...this.ruleHits].filter(([, n]) => n > 0);
    if (hits.length > 0) summary.ruleHits = Object.fromEntries(hits);
    const response: gridcode.v1.ScoreBatchResponse.$Properties = {
      ruleSet: ref(this.ruleSet),
      ruleSetDigest: this.ruleSet.digest,
      results: this.results,
      summary,
    };
    if (this.featureNames.length > 0) response.featureNames = [...this.featureNames];
    const rules = ruleInfos(this.ruleSet.rules, this.named);
    if (rules.length > 0) response.rules = rules;
    return new gridcode.v1.ScoreBatchResponse(response);
  }
}

/** One scored block and the ids of its consumers. */
export interface ScoredBlock {
  readonly scored: ScoredBatch;
  readonly ids: readonly string[];
}

/**
 * The response of the blocks of a batch, in order. The iterable must yield a
 * block only once the previous one was consumed (a generator that scores lazily does).
 */
export function buildScoreBatchResponse(ruleSet: CompiledRuleSet, blocks: Iterable<ScoredBlock>, options: ResponseOptions = {}): gridcode.v1.ScoreBatchResponse {
  const builder = new ResponseBuilder(ruleSet, options);
  for (const { scored, ids } of blocks) builder.add(scored, ids);
  return builder.build();
}

/** The binary protobuf form. */
export function encodeResponse(response: gridcode.v1.ScoreBatchResponse.$Properties): Uint8Array {
  return gridcode.v1.ScoreBatchResponse.encode(response).finish();
}

/**
 * The canonical proto3 JSON form, in pieces of at most `resultsPerChunk`
 * results, for writing with backpressure: lowerCamelCase names, enums by name,
 * default values left out, floats as the shortest decimal that reads back as
 * the same float32, non-finite ones as "NaN", "Infinity", "-Infinity". One
 * result per line, and one rule per line; ends with a newline.
 */
export function* responseJsonChunks(response: gridcode.v1.ScoreBatchResponse.$Properties, resultsPerChunk = 1000): Generator<string> {
  const head: string[] = [];
  if (response.ruleSet) head.push(`"ruleSet":${JSON.stringify(response.ruleSet)}`);
  if (response.ruleSetDigest) head.push(`"ruleSetDigest":${JSON.stringify(response.ruleSetDigest)}`);
  const tail: string[] = [];
  if (response.summary) tail.push(`"summary":${summaryJson(response.summary)}`);
  if (response.featureNames?.length) tail.push(`"featureNames":${JSON.stringify(response.featureNames)}`);
  // One rule a line too: a reader finds a code's reasons explained below the results.
  if (response.rules?.length) tail.push(`"rules":[\n${response.rules.map(ruleInfoJson).join(',\n')}\n]`);
  const results = response.results ?? [];
  if (results.length === 0) {
    yield `{${[...head, ...tail].join(',')}}\n`;
    return;
  }
  yield `{${[...head, '"results":[\n'].join(',')}`;
  for (let from = 0; from < results.length; from += resultsPerChunk) {
    const to = Math.min(results.length, from + resultsPerChunk);
    let chunk = '';
    for (let i = from; i < to; i++) chunk += `${resultJson(results[i]!)}${i + 1 < results.length ? ',' : ''}\n`;
    yield chunk;
  }
  yield `]${tail.map((member) => `,${member}`).join('')}}\n`;
}

/** The canonical proto3 JSON form as one string (see responseJsonChunks). */
export function responseJson(response: gridcode.v1.ScoreBatchResponse.$Properties): string {
  let out = '';
  for (const chunk of responseJsonChunks(response)) out += chunk;
  return out;
}

function resultJson(result: ResultProperties): string {
  const parts: string[] = [];
  if (result.id) parts.push(`"id":${JSON.stringify(result.id)}`);
  if (result.code) parts.push(`"code":${enumJson(gridcode.v1.Code, result.code)}`);
  if (result.score != null && !Object.is(result.score, 0)) parts.push(`"score":${float32Json(result.score)}`);
  if (result.reasons?.length) parts.push(`"reasons":${JSON.stringify(result.reasons)}`);
  if (result.features?.length) parts.push(`"features":[${result.features.map(float32Json).join(',')}]`);
  if (result.note) parts.push(`"note":${JSON.stringify(result.note)}`);
  if (result.evidence?.length) parts.push(`"evidence":[${result.evidence.map(evidenceJson).join(',')}]`);
  return `{${parts.join(',')}}`;
}

function evidenceJson(evidence: EvidenceProperties): string {
  const parts: string[] = [];
  if (evidence.rule) parts.push(`"rule":${JSON.stringify(evidence.rule)}`);
  const values = evidence.values ? Object.entries(evidence.values) : [];
  if (values.length > 0) parts.push(`"values":{${values.map(([name, value]) => `${JSON.stringify(name)}:${float32Json(value)}`).join(',')}}`);
  return `{${parts.join(',')}}`;
}

function summaryJson(summary: gridcode.v1.Summary.$Properties): string {
  const parts: string[] = [];
  for (const name of SUMMARY_COUNTS) {
    const n = summary[name];
    if (n) parts.push(`"${name}":${n}`);
  }
  const hits = summary.ruleHits ? Object.entries(summary.ruleHits) : [];
  if (hits.length > 0) parts.push(`"ruleHits":{${hits.map(([rule, n]) => `${JSON.stringify(rule)}:${n}`).join(',')}}`);
  return `{${parts.join(',')}}`;
}

function enumJson(values: object, value: number): string {
  const name = (values as Record<number, string | undefined>)[value];
  return typeof name === 'string' ? JSON.stringify(name) : String(value);
}

function ref(ruleSet: Pick<CompiledRuleSet, 'id' | 'version'>): string {
  return `${ruleSet.id}@${ruleSet.version}`;
}
