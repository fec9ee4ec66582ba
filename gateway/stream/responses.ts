// The response messages of a ScoreStream (api.md): each holds the results of
// one request message, in order; the first also names the rule set, its
// digest and the feature names; a rule is described (RuleInfo) in the first
// response whose results name it, once per stream; the last response carries
// the summary of the whole stream. Results are the parts' bytes as the
// workers wrote them, the same as ScoreBatch's for the same consumers.
import type { gridcode } from '#gen/scoring.js';
import type { Serialization } from '../rpc/types.js';
import { assembleMessage, summaryOf, type ResponseFields } from '../../engine/src/codec/index.js';
import type { ScorePart } from '../tasks/protocol.js';

export class StreamResponses {
  private first = true;
  private readonly described = new Set<string>();
  /** The stream's counts and rule hits so far. */
  private totals: { ruleIds: readonly string[]; counts: number[]; hits: number[] } | undefined;
  /** Consumers answered so far. */
  consumers = 0;

  constructor(private readonly serialization: Serialization) {}

  /** The response to one request message's part. */
  next(part: ScorePart): Uint8Array {
    const fields: ResponseFields = {};
    if (this.first) {
      this.first = false;
      fields.ruleSet = part.ruleSet;
      fields.ruleSetDigest = part.digest;
      if (part.featureNames.length > 0) fields.featureNames = [...part.featureNames];
    }
    const rules = (part.rules ?? []).filter((info) => info.id && !this.described.has(info.id));
    for (const info of rules) this.described.add(info.id!);
    if (rules.length > 0) fields.rules = rules;
    this.count(part);
    return assembleMessage(fields, [part], this.serialization);
  }

  /** The last response: the summary of the whole stream (counts of zero consumers for an empty stream). */
  last(): Uint8Array {
    const summary: gridcode.v1.Summary.$Properties = this.totals ? summaryOf(this.totals.counts, this.totals.ruleIds, this.totals.hits) : {};
    return assembleMessage({ summary }, [], this.serialization);
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
