// A former response in canonical proto3 JSON, read in two passes in bounded
// memory, as json-batch-file.ts reads a request: pass 1 streams the file
// through the JSON scanner (the syntax of the whole file, its top-level
// members, where each result object lies); pass 2 reads the results block by
// block and parses one at a time, keeping only its id and code.
import { gridcode } from '#gen/scoring.js';
import { blocksOf } from '../engine/src/index.js';
import { InputError } from './errors.js';
import { BlockReader, ByteWindow, RangeList } from './file-ranges.js';
import { describePosition, feedFile } from './json-batch-file.js';
import { describeByte, JsonScanner, JsonSyntaxError } from './json-stream.js';
import type { ResponseHeader, ResponseSink } from './previous-response.js';
import { NOT_A_RESPONSE, resultFromJson, ResultError } from './result-codes.js';

/** A summary longer than this is not five counts and a rule_hits map. */
const MAX_SUMMARY_BYTES = 1 << 20;

/** The members of a ScoreBatchResponse, by both names proto3 JSON accepts. */
const RESPONSE_MEMBERS = new Map<string, string>([
  ['featureNames', 'featureNames'] as const,
  ['feature_names', 'featureNames'] as const,
  // Read only for a sink that wants them (ResponseSink.header), else skipped like the others.
  ['ruleSet', 'ruleSet'] as const,
  ['rule_set', 'ruleSet'] as const,
  ['ruleSetDigest', 'ruleSetDigest'] as const,
  ['rule_set_digest', 'ruleSetDigest'] as const,
  ['rules', 'rules'] as const,
  ['results', 'results'] as const,
  ['summary', 'summary'] as const,
  // What `score --previous` adds to its JSON output: a file written that way is a previous file too.
  ['transitions', 'other'] as const,
]);
const REQUEST_MEMBERS = new Set(['consumers', 'startDate', 'start_date', 'pointsPerDay', 'points_per_day']);

export function readJsonResponse(path: string, fd: number, size: number, into: ResponseSink): void {
  const results = new RangeList();
  /** The member name each field was first given by: proto3 JSON refuses a field given twice, by either of its names. */
  const seen = new Map<string, string>();
  let summary: { start: number; end: number } | undefined;
  const headerRanges: { kind: string; start: number; end: number }[] = [];
  const window = new ByteWindow(fd, size);
  const scanner = new JsonScanner({
    member(name, start, end) {
      const kind = RESPONSE_MEMBERS.get(name);
      if (kind === undefined) {
        const hint = REQUEST_MEMBERS.has(name) ? ` (this is a batch, a ScoreBatchRequest: ${into.option} takes the response gridcode score wrote for it)` : '';
        throw new InputError(path, `${NOT_A_RESPONSE}: unknown member ${JSON.stringify(name)}${hint}; a response has ruleSet, ruleSetDigest, results, summary, featureNames, rules`);
      }
      const before = seen.get(kind);
      if (kind !== 'other' && before !== undefined) throw new InputError(path, `the response gives ${kind} twice (as ${JSON.stringify(before)} and ${JSON.stringify(name)}; proto3 JSON takes one of the two spellings, once)`);
      seen.set(kind, name);
      if (kind === 'summary') summary = { start, end };
      if (into.header && (kind === 'ruleSet' || kind === 'ruleSetDigest' || kind === 'rules')) headerRanges.push({ kind, start, end });
      if (kind === 'results') {
        const first = window.at(start);
        if (first !== 0x5b && first !== 0x6e) throw new InputError(path, `results: expected a list of result objects, got ${describeByte(first)}`);
      }
    },
    element(name, index, start, end, first) {
      if (RESPONSE_MEMBERS.get(name) !== 'results') return;
      if (seen.has('results')) throw new InputError(path, 'the response gives results twice');
      if (first !== 0x7b) throw new InputError(path, `results[${index}]: expected a result object, got ${describeByte(first)}`);
      results.push(start, end);
    },
  });
  try {
    feedFile(fd, size, scanner);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    // A protobuf response starts with field 1's tag, 0x0a, which reads as a newline: the first other byte is binary.
    const byte = window.at(error.offset);
    const binary = !seen.size && (byte < 0x20 || byte >= 0x7f) && byte !== -1;
    const hint = binary ? ' (is this a binary protobuf response? name it .pb)' : '';
    throw new InputError(path, `invalid JSON at ${describePosition(fd, error.offset)}: ${error.message}${hint}`);
  }
  if (!seen.has('results') && !seen.has('summary') && !seen.has('ruleSet')) {
    throw new InputError(path, `${NOT_A_RESPONSE}: it has no ruleSet, results or summary`);
  }
  if (summary) into.total = readSummary(path, window, summary.start, summary.end);
  if (into.header) for (const range of headerRanges) readHeader(path, window, range, into.header);
  readResults(path, fd, size, results, into);
}

/** ruleSet, ruleSetDigest or rules, into `header` (a sink that wants them); at most 16 MiB (a rule set is at most 1 MiB). */
function readHeader(path: string, window: ByteWindow, range: { kind: string; start: number; end: number }, header: ResponseHeader): void {
  if (range.end - range.start > MAX_SUMMARY_BYTES * 16) throw new InputError(path, `${range.kind}: ${range.end - range.start} bytes long; that cannot be right`);
  try {
    const value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(window.slice(range.start, range.end - range.start))) as unknown;
    if (range.kind !== 'rules') {
      // proto3 JSON: null is the field's default value, '' for a string.
      if (value === null) return;
      if (typeof value !== 'string') throw new Error('expected a string');
      if (range.kind === 'ruleSet') header.ruleSet = value;
      else header.ruleSetDigest = value;
      return;
    }
    if (value === null) return;
    if (!Array.isArray(value)) throw new Error('expected a list of RuleInfo objects');
    for (const rule of value) {
      if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) throw new Error('expected a RuleInfo object');
      header.rules.push(gridcode.v1.RuleInfo.fromObject(rule as gridcode.v1.RuleInfo.$Shape));
    }
  } catch (error) {
    throw new InputError(path, `${range.kind}: ${(error as Error).message.replace(/^\.gridcode\.v1\./, '')}`);
  }
}

/** The summary's total (0 when the summary leaves it out, as proto3 JSON does). */
function readSummary(path: string, window: ByteWindow, start: number, end: number): number {
  if (end - start > MAX_SUMMARY_BYTES) throw new InputError(path, `summary: ${end - start} bytes long; that cannot be a Summary`);
  try {
    const value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(window.slice(start, end - start))) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('expected a Summary object');
    return gridcode.v1.Summary.fromObject(value as gridcode.v1.Summary.$Shape).total;
  } catch (error) {
    throw new InputError(path, `summary: ${(error as Error).message.replace(/^\.gridcode\.v1\./, '')}`);
  }
}

function readResults(path: string, fd: number, size: number, results: RangeList, into: ResponseSink): void {
  const reader = new BlockReader(fd, size);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (const [first, last] of blocksOf(results)) {
    const { bytes, spans } = reader.read(results, first, last);
    for (let k = 0; k < last - first; k++) {
      const index = first + k;
      try {
        into.add(resultFromJson(JSON.parse(decoder.decode(bytes.subarray(spans[2 * k], spans[2 * k + 1]))) as unknown));
      } catch (error) {
        if (!(error instanceof ResultError || error instanceof SyntaxError || error instanceof TypeError)) throw error;
        // Pass 1 checked the syntax: a SyntaxError or TypeError here is bad UTF-8 (or a file changed since).
        const why = error instanceof ResultError ? error.message : 'not valid UTF-8';
        throw new InputError(path, `results[${index}] (byte ${results.start(index)}): ${why}`);
      }
    }
  }
}
