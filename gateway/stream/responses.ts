// The response messages of a ScoreStream (api.md): one per request message,
// each holding the next results in request order, then the last, which
// carries the summary of the whole stream. With cohorts a message's results
// may come in a later response, once their group's run has ended
// (stream-cohorts.ts), and the last response may carry the results of the run
// open at the end. The first response also names the rule set, its digest
// and the feature names; a rule is described (RuleInfo) in the first response
// whose results name it, once per stream. Results are the parts' bytes as the
// workers wrote them, the same as ScoreBatch's for the same consumers.
import type { Serialization } from '../rpc/types.js';
import { assembleMessage, summaryOf, type ResponseFields } from '../../engine/src/codec/index.js';
import { mergedRules } from '../../engine/src/codec/response-parts.js';
import type { ScorePart } from '../tasks/protocol.js';

export class StreamResponses {
  private first = true;
  private readonly described = new Set<string>();
  /** The stream's counts and rule hits so far. */
  private totals: { ruleIds: readonly string[]; counts: number[]; hits: number[] } | undefined;
  /** Consumers answered so far. */
  consumers = 0;

  constructor(private readonly serialization: Serialization) {}

  /**
   * The response to one request message: the parts that answer it, in order
   * (its own; with cohorts, the results of earlier messages whose run just
   * ended, or none yet while its consumers wait for theirs).
   */
  next(parts: readonly ScorePart[]): Uint8Array {
    return assembleMessage(this.fields(parts), parts, this.serialization);
  }

  /**
   * The last response: the summary of the whole stream (counts of zero
   * consumers for an empty stream), after the results of `parts`, the
   * consumers that waited for the stream to end (their run was open).
   */
  last(parts: readonly ScorePart[] = []): Uint8Array {
    const fields = this.fields(parts);
    fields.summary = this.totals ? summaryOf(this.totals.counts, this.totals.ruleIds, this.totals.hits) : {};
    return assembleMessage(fields, parts, this.serialization);
  }

  /** The fields besides the results and summary, the parts counted. */
  private fields(parts: readonly ScorePart[]): ResponseFields {
    const fields: ResponseFields = {};
    const head = parts[0];
    if (this.first && head) {
      this.first = false;
      fields.ruleSet = head.ruleSet;
      fields.ruleSetDigest = head.digest;
      if (head.featureNames.length > 0) fields.featureNames = [...head.featureNames];
    }
    // In rule-file order across the parts, each described once per stream.
    const rules = mergedRules(parts).filter((info) => info.id && !this.described.has(info.id));
    for (const info of rules) this.described.add(info.id!);
    if (rules.length > 0) fields.rules = rules;
    for (const part of parts) this.count(part);
    return fields;
  }

  private count(part: ScorePart): void {
    this.consumers += part.counts[0] ?? 0;
    if (!this.totals) {
      this.totals = { ruleIds: part.ruleIds, counts: [...part.counts], hits: [...part.hits] };
      return;
    }
    part.counts.forEach((n, i) => (this.totals!.counts[i] = (this.totals!.counts[i] ?? 0) + n));
    part.hits.forEach((n, r) => (this.totals!.hits[r] = (this.totals!.hits[r] ?? 0) + n));
  }
}
