// A ScoreBatchResponse from the parts of a batch, in request order. The whole
// batch scored in one worker is one part, so that a split batch and an
// unsplit one are assembled by the same code and are equal byte for byte.
//
// Binary protobuf: protobufjs writes fields in field-number order, and a
// repeated field's elements concatenate, so the response is
//   encode({rule_set, rule_set_digest}) ‖ part results… ‖ encode({summary, feature_names, rules}).
// JSON: the text responseJsonChunks writes, with the parts' result lines in between.
import { gridcode } from '#gen/scoring.js';
import { responseJsonChunks } from '../../engine/src/scoring/response.js';
import type { Serialization } from '../service/types.js';
import type { ScorePart, BatchStats } from './protocol.js';

const COUNT_NAMES = ['total', 'green', 'yellow', 'red', 'gray'] as const;
const encoder = new TextEncoder();
const COMMA_NEWLINE = encoder.encode(',\n');

/** The Summary of the parts, set as ResponseBuilder sets it: only non-zero counts and hits, rule_hits in rule order. */
export function mergedSummary(parts: readonly ScorePart[]): gridcode.v1.Summary.$Properties {
  const summary: gridcode.v1.Summary.$Properties = {};
  COUNT_NAMES.forEach((name, i) => {
    let n = 0;
    for (const part of parts) n += part.counts[i] ?? 0;
    if (n) summary[name] = n;
  });
  const first = parts[0];
  if (first) {
    const hits: Record<string, number> = {};
    let any = false;
    first.ruleIds.forEach((rule, r) => {
      let n = 0;
      for (const part of parts) n += part.hits[r] ?? 0;
      if (n > 0) {
        hits[rule] = n;
        any = true;
      }
    });
    if (any) summary.ruleHits = hits;
  }
  return summary;
}

/**
 * The rules named in any part's results, each once, in file order: a rule
 * named only in another part's results is named in the batch's.
 */
export function mergedRules(parts: readonly ScorePart[]): gridcode.v1.RuleInfo.$Properties[] {
  const named = new Map<string, gridcode.v1.RuleInfo.$Properties>();
  for (const part of parts) for (const info of part.rules ?? []) if (info.id && !named.has(info.id)) named.set(info.id, info);
  return (parts[0]?.ruleIds ?? []).flatMap((id) => named.get(id) ?? []);
}

/** The response of a batch from its parts (at least one), in the given serialization. */
export function assembleResponse(parts: readonly ScorePart[], serialization: Serialization): Uint8Array {
  const first = parts[0];
  if (!first) throw new Error('assembleResponse needs at least one part');
  for (const part of parts) {
    if (part.digest !== first.digest) throw new Error(`parts of one batch scored with different rule sets (${first.ruleSet} ${first.digest}, ${part.ruleSet} ${part.digest})`);
  }
  const summary = mergedSummary(parts);
  // The fields after `results`, set as ResponseBuilder sets them.
  const tail: gridcode.v1.ScoreBatchResponse.$Properties = { summary };
  if (first.featureNames.length > 0) tail.featureNames = [...first.featureNames];
  const rules = mergedRules(parts);
  if (rules.length > 0) tail.rules = rules;
  const pieces: Uint8Array[] = [];
  if (serialization === 'proto') {
    pieces.push(gridcode.v1.ScoreBatchResponse.encode({ ruleSet: first.ruleSet, ruleSetDigest: first.digest }).finish());
    for (const part of parts) if (part.results.length > 0) pieces.push(part.results);
    pieces.push(gridcode.v1.ScoreBatchResponse.encode(tail).finish());
    return Buffer.concat(pieces);
  }
  const head: gridcode.v1.ScoreBatchResponse.$Properties = { ruleSet: first.ruleSet, ruleSetDigest: first.digest, ...tail };
  const withResults = parts.filter((part) => part.resultCount > 0);
  if (withResults.length === 0) return encoder.encode([...responseJsonChunks({ ...head, results: [] })].join(''));
  // With one result, responseJsonChunks yields: the head up to "[\n", the result line, then "]" and the tail.
  const chunks = [...responseJsonChunks({ ...head, results: [{}] }, 1)];
  if (chunks.length !== 3) throw new Error(`unexpected JSON response layout (${chunks.length} chunks)`);
  pieces.push(encoder.encode(chunks[0]!));
  withResults.forEach((part, i) => {
    if (i + 1 < withResults.length) {
      // Not the last: its last line ends in "\n" and needs the comma before it.
      pieces.push(part.results.subarray(0, part.results.length - 1), COMMA_NEWLINE);
    } else pieces.push(part.results);
  });
  pieces.push(encoder.encode(chunks[2]!));
  return Buffer.concat(pieces);
}

/** The result lines of a part in the JSON form (see ScorePart.results). */
export function jsonResultLines(results: readonly gridcode.v1.ConsumerResult.$Properties[]): string {
  if (results.length === 0) return '';
  const chunks = [...responseJsonChunks({ results: [...results] })];
  // "{"results":[\n", the lines…, "]}\n".
  return chunks.slice(1, -1).join('');
}

/** The results of a part in binary protobuf: ScoreBatchResponse field 3, repeated. */
export function protoResults(results: readonly gridcode.v1.ConsumerResult.$Properties[]): Uint8Array {
  if (results.length === 0) return new Uint8Array(0);
  return gridcode.v1.ScoreBatchResponse.encode({ results: [...results] }).finish();
}


/** What the metrics count of a batch scored in one or more parts. */
export function statsOf(parts: readonly ScorePart[]): BatchStats {
  const first = parts[0]!;
  return {
    ruleSet: first.ruleSet,
    ruleIds: first.ruleIds,
    counts: first.counts.map((_, i) => parts.reduce((n, part) => n + (part.counts[i] ?? 0), 0)),
    hits: first.hits.map((_, r) => parts.reduce((n, part) => n + (part.hits[r] ?? 0), 0)),
    engineSeconds: parts.reduce((sum, part) => sum + part.engineSeconds, 0),
  };
}
