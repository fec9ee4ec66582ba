// A response put together from parts: its fields (rule set, summary, rules…)
// and the results of one or more parts already encoded, in request order, by
// concatenation. Binary protobuf: protobufjs writes fields in field-number
// order and a repeated field's elements concatenate, so a response is
//   encode(fields before results) ‖ each part's results ‖ encode(fields after results);
// JSON: jsonFrame's open ‖ the parts' results, separated ‖ close. A batch
// scored in one piece, a batch split across workers and each ScoreStream
// message are all put together here, so that they agree byte for byte.
import { gridcode } from '#gen/scoring.js';
import type { RuleInfoProperties } from './rule-info.js';
import { jsonFrame, RESULT_SEPARATOR, SUMMARY_COUNTS, type ResponseFields } from './response-json.js';
import { ResultsWriter } from './results-writer.js';

export type { ResponseFields };

/** Binary protobuf, or canonical proto3 JSON as UTF-8. */
export type Serialization = 'proto' | 'json';

/** (Part of) a batch scored: its results encoded, and what the response's other fields are made of. */
export interface ResponsePart {
  /** `id@version` of the rule set used. */
  readonly ruleSet: string;
  readonly digest: string;
  /** Feature names of the response (empty unless features are included). */
  readonly featureNames: readonly string[];
  /** The rule ids in file order, which is the order of the summary's rule_hits. */
  readonly ruleIds: readonly string[];
  /** total, green, yellow, red, gray. */
  readonly counts: readonly number[];
  /** Consumers each rule fired for, aligned with ruleIds. */
  readonly hits: readonly number[];
  /**
   * RuleInfo of each rule named in the reasons of the part's results, in file
   * order (the response's `rules` are their union). Absent means none.
   */
  readonly rules?: readonly RuleInfoProperties[];
  /**
   * The part's results: binary protobuf, as ScoreBatchResponse field 3
   * (repeated fields concatenate), or JSON, one result a line, the lines
   * separated by ",\n" with nothing before the first or after the last;
   * empty when it has none.
   */
  readonly results: Uint8Array;
  readonly resultCount: number;
}

/** Results already encoded, as parts carry them. */
export type EncodedResults = Pick<ResponsePart, 'results' | 'resultCount'>;

const encoder = new TextEncoder();
const SEPARATOR = encoder.encode(RESULT_SEPARATOR);

/** A Summary with only its non-zero counts and hits, rule_hits in rule order, as proto3 leaves defaults out. */
export function summaryOf(counts: readonly number[], ruleIds: readonly string[], hits: readonly number[]): gridcode.v1.Summary.$Properties {
  const summary: gridcode.v1.Summary.$Properties = {};
  SUMMARY_COUNTS.forEach((name, i) => {
    if (counts[i]) summary[name] = counts[i];
  });
  const ruleHits = ruleIds.flatMap((id, r) => (hits[r] ? [[id, hits[r]] as const] : []));
  if (ruleHits.length > 0) summary.ruleHits = Object.fromEntries(ruleHits);
  return summary;
}

/** The Summary of the parts together. */
export function mergedSummary(parts: readonly ResponsePart[]): gridcode.v1.Summary.$Properties {
  const ruleIds = parts[0]?.ruleIds ?? [];
  const counts = SUMMARY_COUNTS.map((_, i) => parts.reduce((n, part) => n + (part.counts[i] ?? 0), 0));
  const hits = ruleIds.map((_, r) => parts.reduce((n, part) => n + (part.hits[r] ?? 0), 0));
  return summaryOf(counts, ruleIds, hits);
}

/**
 * The rules named in any part's results, each once, in file order: a rule
 * named only in another part's results is named in the batch's.
 */
export function mergedRules(parts: readonly ResponsePart[]): RuleInfoProperties[] {
  const named = new Map<string, RuleInfoProperties>();
  for (const part of parts) for (const info of part.rules ?? []) if (info.id && !named.has(info.id)) named.set(info.id, info);
  return (parts[0]?.ruleIds ?? []).flatMap((id) => named.get(id) ?? []);
}

/** The fields besides the results of the response of a batch scored in these parts (at least one, all with one rule set). */
export function batchFields(parts: readonly ResponsePart[]): ResponseFields {
  const first = parts[0];
  if (!first) throw new Error('a response needs at least one part');
  for (const part of parts) {
    if (part.digest !== first.digest) throw new Error(`parts of one batch scored with different rule sets (${first.ruleSet} ${first.digest}, ${part.ruleSet} ${part.digest})`);
  }
  const fields: ResponseFields = { ruleSet: first.ruleSet, ruleSetDigest: first.digest, summary: mergedSummary(parts) };
  if (first.featureNames.length > 0) fields.featureNames = [...first.featureNames];
  const rules = mergedRules(parts);
  if (rules.length > 0) fields.rules = rules;
  return fields;
}

/** The response of a batch from its parts, in request order. */
export function assembleResponse(parts: readonly ResponsePart[], serialization: Serialization): Uint8Array {
  return assembleMessage(batchFields(parts), parts, serialization);
}

/**
 * A ScoreBatchResponse or ScoreStreamResponse (the same fields and numbers):
 * `fields`, with the results of `parts` in order in their place.
 */
export function assembleMessage(fields: ResponseFields, parts: readonly EncodedResults[], serialization: Serialization): Uint8Array {
  return Buffer.concat(responsePieces(fields, parts, serialization));
}

/** The pieces whose concatenation is the message of assembleMessage, for writing one after another. */
export function responsePieces(fields: ResponseFields, parts: readonly EncodedResults[], serialization: Serialization): Uint8Array[] {
  const withResults = parts.filter((part) => part.resultCount > 0);
  const pieces: Uint8Array[] = [];
  if (serialization === 'proto') {
    // Only the fields set, as the JSON form: `fields` may be a whole message, results and all.
    const before: ResponseFields = {};
    if (fields.ruleSet) before.ruleSet = fields.ruleSet;
    if (fields.ruleSetDigest) before.ruleSetDigest = fields.ruleSetDigest;
    const after: ResponseFields = {};
    if (fields.summary) after.summary = fields.summary;
    if (fields.featureNames?.length) after.featureNames = fields.featureNames;
    if (fields.rules?.length) after.rules = fields.rules;
    pieces.push(gridcode.v1.ScoreBatchResponse.encode(before).finish());
    for (const part of withResults) pieces.push(part.results);
    pieces.push(gridcode.v1.ScoreBatchResponse.encode(after).finish());
    return pieces;
  }
  const { open, close } = jsonFrame(fields, withResults.length > 0);
  pieces.push(encoder.encode(open));
  withResults.forEach((part, i) => {
    if (i > 0) pieces.push(SEPARATOR);
    pieces.push(part.results);
  });
  pieces.push(encoder.encode(close));
  return pieces;
}

/** A whole response message in binary protobuf, as assembleMessage writes it. */
export function encodeResponse(response: gridcode.v1.ScoreBatchResponse.$Properties): Uint8Array {
  const results = response.results ?? [];
  return assembleMessage(response, [{ results: ResultsWriter.encode(results, 'proto'), resultCount: results.length }], 'proto');
}
