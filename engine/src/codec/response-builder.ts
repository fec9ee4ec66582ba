// The results of a batch scored block by block with one rule set (its
// ScoredBatch blocks in request order), with the tallies the rest of its
// ScoreBatchResponse (shared/spec/api.md) is made of: summary counts, rule
// hits, the rules the results name.
//
// Each block is turned into plain result objects as it is added: nothing of
// the block (its feature matrix views engine memory) is kept, so blocks can be
// scored one after another on the same engine. Floats are rounded to float32
// when added, so that the JSON and the binary form carry the same values.
import { gridcode } from '#gen/scoring.js';
import { featureNames } from '../catalogue.js';
import type { CompiledRuleSet } from '../rules/program.js';
import { Code, type ScoredBatch } from '../scoring/scored-batch.js';
import { ruleInfos } from './rule-info.js';
import { SUMMARY_COUNTS } from './response-json.js';
import { summaryOf, type EncodedResults, type ResponsePart } from './response-parts.js';

export interface ResponseOptions {
  /** Every consumer's feature values, aligned with the response's feature_names. */
  readonly includeFeatures?: boolean;
  /** Leave GREEN results out; the summary still counts them. */
  readonly flaggedOnly?: boolean;
  /** For each fired rule, the values its expression read. */
  readonly includeEvidence?: boolean;
}

type ResultProperties = gridcode.v1.ConsumerResult.$Properties;
type EvidenceProperties = gridcode.v1.Evidence.$Properties;

/**
 * Collects the results of a batch scored block by block with one rule set.
 * Blocks that include features must be scored with `allFeatures`.
 */
export class ResponseBuilder {
  /** The names of each result's `features`; empty unless features are included. */
  readonly featureNames: readonly string[];
  private results: ResultProperties[] = [];
  /** total, green, yellow, red, gray. */
  private readonly counts = [0, 0, 0, 0, 0];
  /** Consumers each rule fired for, by rule index (file order). */
  private readonly hits: number[];
  /** named[r] is 1 once rule r is among the reasons of a result in the response (GREEN ones left out by flaggedOnly are not). */
  private readonly named: Uint8Array;

  constructor(
    readonly ruleSet: CompiledRuleSet,
    readonly options: ResponseOptions = {},
  ) {
    this.featureNames = options.includeFeatures ? featureNames(ruleSet.templates.names) : [];
    this.hits = ruleSet.rules.map(() => 0);
    this.named = new Uint8Array(ruleSet.rules.length);
  }

  /** Consumers added so far. */
  get consumerCount(): number {
    return this.counts[0]!;
  }

  /**
   * Adds the next block of the batch: `ids` are its consumers' ids, in order,
   * `districts` their districts ('' = none; an empty array when none has one).
   * Reads the block's feature matrix, so it must be called before the engine scores another block.
   */
  add(scored: ScoredBatch, ids: readonly string[], districts: readonly string[] = []): void {
    if (scored.ruleSet !== this.ruleSet && scored.ruleSet.digest !== this.ruleSet.digest) {
      throw new Error(`a block scored with rule set ${ref(scored.ruleSet)} added to the response of ${ref(this.ruleSet)}`);
    }
    const count = scored.count;
    if (ids.length !== count) throw new RangeError(`a block of ${count} consumers given ${ids.length} ids`);
    if (districts.length !== 0 && districts.length !== count) throw new RangeError(`a block of ${count} consumers given ${districts.length} districts`);

    const summary = scored.summary();
    SUMMARY_COUNTS.forEach((name, i) => (this.counts[i]! += summary[name]));
    for (let r = 0; r < this.hits.length; r++) this.hits[r]! += scored.hits[r]!;

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
      // The same strings the scan decoded (nothing allocated here); most batches have no district and skip this.
      if (districts.length > 0 && districts[c] !== '') result.district = districts[c]!;
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

  /** The results added since the last call, handed over to be encoded (see ResultsWriter). */
  takeResults(): ResultProperties[] {
    const taken = this.results;
    this.results = [];
    return taken;
  }

  /** The part these blocks make, with their results as encoded by the caller. */
  part(results: EncodedResults): ResponsePart {
    return {
      ruleSet: ref(this.ruleSet),
      digest: this.ruleSet.digest,
      featureNames: this.featureNames,
      ruleIds: this.ruleSet.rules.map((rule) => rule.id),
      counts: [...this.counts],
      hits: [...this.hits],
      rules: ruleInfos(this.ruleSet.rules, this.named),
      results: results.results,
      resultCount: results.resultCount,
    };
  }

  /** The response with the results not taken; the builder should not be used afterwards (the response shares its results). */
  build(): gridcode.v1.ScoreBatchResponse {
    const response: gridcode.v1.ScoreBatchResponse.$Properties = {
      ruleSet: ref(this.ruleSet),
      ruleSetDigest: this.ruleSet.digest,
      results: this.results,
      summary: summaryOf(
        this.counts,
        this.ruleSet.rules.map((rule) => rule.id),
        this.hits,
      ),
    };
    if (this.featureNames.length > 0) response.featureNames = [...this.featureNames];
    const rules = ruleInfos(this.ruleSet.rules, this.named);
    if (rules.length > 0) response.rules = rules;
    return new gridcode.v1.ScoreBatchResponse(response);
  }
}

/** One scored block and the ids (and districts, when any) of its consumers. */
export interface ScoredBlock {
  readonly scored: ScoredBatch;
  readonly ids: readonly string[];
  readonly districts?: readonly string[];
}

/**
 * The response of the blocks of a batch, in order. The iterable must yield a
 * block only once the previous one was consumed (a generator that scores lazily does).
 */
export function buildScoreBatchResponse(ruleSet: CompiledRuleSet, blocks: Iterable<ScoredBlock>, options: ResponseOptions = {}): gridcode.v1.ScoreBatchResponse {
  const builder = new ResponseBuilder(ruleSet, options);
  for (const { scored, ids, districts } of blocks) builder.add(scored, ids, districts);
  return builder.build();
}

function ref(ruleSet: Pick<CompiledRuleSet, 'id' | 'version'>): string {
  return `${ruleSet.id}@${ruleSet.version}`;
}
