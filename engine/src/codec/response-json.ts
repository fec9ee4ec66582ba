// The canonical proto3 JSON form of a ScoreBatchResponse (and of a
// ScoreStreamResponse, which has the same fields), written in pieces that a
// response is the concatenation of: the text before the results, the result
// lines, the text after them (jsonFrame). A whole response, a batch split
// across workers and each message of a stream are all written from them.
//
// lowerCamelCase names, enums by name, default values left out, floats as the
// shortest decimal that reads back as the same float32, non-finite ones as
// "NaN", "Infinity", "-Infinity". One result per line, and one rule per line;
// ends with a newline.
import { gridcode } from '#gen/scoring.js';
import { float32Json } from './float32-json.js';
import { ruleInfoJson } from './rule-info.js';

type ResponseProperties = gridcode.v1.ScoreBatchResponse.$Properties;
type ResultProperties = gridcode.v1.ConsumerResult.$Properties;
type EvidenceProperties = gridcode.v1.Evidence.$Properties;

/** The fields of a ScoreBatchResponse (or ScoreStreamResponse) other than its results. */
export type ResponseFields = Omit<ResponseProperties, 'results'>;

/** The counts of a Summary, in field order. */
export const SUMMARY_COUNTS = ['total', 'green', 'yellow', 'red', 'gray'] as const;

/** Between two result lines, whether of one part or of two. */
export const RESULT_SEPARATOR = ',\n';

/**
 * The text around a response's results: `open`, then the result lines
 * separated by RESULT_SEPARATOR, then `close`. The members are in field order:
 * those numbered before `results` (rule_set, rule_set_digest) go in `open`,
 * the others (summary, feature_names, rules) in `close`, whichever of them
 * `fields` sets. Without results the `results` member is left out (a default
 * value) and everything is in `close`.
 */
export function jsonFrame(fields: ResponseFields, hasResults: boolean): { readonly open: string; readonly close: string } {
  const before: string[] = [];
  if (fields.ruleSet) before.push(`"ruleSet":${JSON.stringify(fields.ruleSet)}`);
  if (fields.ruleSetDigest) before.push(`"ruleSetDigest":${JSON.stringify(fields.ruleSetDigest)}`);
  const after: string[] = [];
  if (fields.summary) after.push(`"summary":${summaryJson(fields.summary)}`);
  if (fields.featureNames?.length) after.push(`"featureNames":${JSON.stringify(fields.featureNames)}`);
  // One rule a line too: a reader finds a code's reasons explained below the results.
  if (fields.rules?.length) after.push(`"rules":[\n${fields.rules.map(ruleInfoJson).join(',\n')}\n]`);
  if (!hasResults) return { open: '', close: `{${[...before, ...after].join(',')}}\n` };
  return { open: `{${[...before, '"results":[\n'].join(',')}`, close: `\n]${after.map((member) => `,${member}`).join('')}}\n` };
}

/** Results [from, to) as lines separated by RESULT_SEPARATOR, with nothing before the first or after the last. */
export function jsonResultLines(results: readonly ResultProperties[], from = 0, to = results.length): string {
  let out = '';
  for (let i = from; i < to; i++) out += `${i > from ? RESULT_SEPARATOR : ''}${resultJson(results[i]!)}`;
  return out;
}

/** A whole response in pieces of at most `resultsPerChunk` results, for writing with backpressure. */
export function* responseJsonChunks(response: ResponseProperties, resultsPerChunk = 1000): Generator<string> {
  const results = response.results ?? [];
  const { open, close } = jsonFrame(response, results.length > 0);
  if (open) yield open;
  for (let from = 0; from < results.length; from += resultsPerChunk) {
    yield `${from > 0 ? RESULT_SEPARATOR : ''}${jsonResultLines(results, from, Math.min(results.length, from + resultsPerChunk))}`;
  }
  yield close;
}

/** A whole response as one string (see responseJsonChunks). */
export function responseJson(response: ResponseProperties): string {
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
  if (result.district) parts.push(`"district":${JSON.stringify(result.district)}`);
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
