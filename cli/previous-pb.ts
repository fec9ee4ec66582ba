// A former response in binary protobuf, read in one pass in bounded memory:
// the top-level fields are walked by their tags and lengths through a small
// window of the file, as pb-batch-file.ts walks a request; each result (field
// 3) is read alone and decoded with the generated codec, keeping only its id
// and code; the summary is decoded for its total. Other fields are skipped,
// except rule_set, rule_set_digest and rules for a sink that wants them.
import { gridcode } from '#gen/scoring.js';
import { BatchError } from '../engine/src/index.js';
import { WireType } from '../engine/src/wire/reader.js';
import { InputError } from './errors.js';
import { ByteWindow } from './file-ranges.js';
import type { ResponseSink } from './previous-response.js';
import { NOT_A_RESPONSE, resultFromProto, ResultError } from './result-codes.js';

const WIRE_TYPE_NAMES = ['varint', '64-bit', 'length-delimited', 'group start', 'group end', '32-bit'];
const MAX_VARINT_BYTES = 10;
/** ScoreBatchResponse's fields (proto/gridcode/v1/scoring.proto), all length-delimited. */
const RESPONSE_FIELDS: Readonly<Record<number, string>> = { 1: 'rule_set', 2: 'rule_set_digest', 3: 'results', 4: 'summary', 5: 'feature_names', 6: 'rules' };
const RULE_SET = 1;
const RULE_SET_DIGEST = 2;
const RESULTS = 3;
const SUMMARY = 4;
const RULES = 6;
/** A request's points_per_day and flags are varints where a response has results and lists: the likeliest mistake. */
const requestHint = (option: string) => ` (this looks like a batch, a ScoreBatchRequest: ${option} takes the response gridcode score wrote for it)`;
/** A single result or summary longer than this is not one. */
const MAX_MESSAGE_BYTES = 256 << 20;

export function readProtobufResponse(path: string, fd: number, size: number, into: ResponseSink): void {
  const batchHint = requestHint(into.option);
  if (size === 0) throw new InputError(path, `the file is empty; expected a ScoreBatchResponse (binary protobuf)`);
  const window = new ByteWindow(fd, size);
  const jsonHint = window.at(0) === 0x7b ? ' (this file looks like JSON: name it .json)' : '';
  const fail = (at: number, message: string): never => {
    throw new InputError(path, `malformed protobuf at byte ${at}: ${message}${jsonHint}`);
  };
  const varint = (at: number, what: string): [number, number] => {
    const reader = window.wire(at, MAX_VARINT_BYTES);
    const start = reader.pos;
    try {
      const value = reader.varint();
      return [value, window.wireOrigin + reader.pos];
    } catch (error) {
      if (!(error instanceof BatchError)) throw error;
      return fail(at, reader.end - start < MAX_VARINT_BYTES ? `the file ends inside the ${what}` : `the ${what} is a varint longer than ${MAX_VARINT_BYTES} bytes`);
    }
  };

  const counts: Record<number, number> = {};
  for (let pos = 0; pos < size; ) {
    const tagAt = pos;
    const [tag, afterTag] = varint(pos, 'field tag');
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (field === 0 || field > 0x1fffffff) fail(tagAt, `field number ${field} is not valid`);
    const known = RESPONSE_FIELDS[field];
    if (known !== undefined && wireType !== WireType.bytes) {
      const type = `${wireType} (${WIRE_TYPE_NAMES[wireType] ?? 'invalid'})`;
      throw new InputError(path, `${NOT_A_RESPONSE}: field ${field} at byte ${tagAt} has wire type ${type}, where a response has ${known}, length-delimited${batchHint}${jsonHint}`);
    }
    pos = afterTag;
    switch (wireType) {
      case WireType.varint:
        pos = varint(pos, `value of field ${field}`)[1];
        break;
      case WireType.fixed64:
      case WireType.fixed32:
        pos += wireType === WireType.fixed64 ? 8 : 4;
        if (pos > size) fail(tagAt, `the value of field ${field} runs past the end of the file`);
        break;
      case WireType.bytes: {
        const [length, body] = varint(pos, `length of field ${field}`);
        if (body + length > size) fail(tagAt, `field ${field}${known ? ` (${known})` : ''} has length ${length}, which runs past the end of the file (${size} bytes)`);
        const header = into.header && (field === RULE_SET || field === RULE_SET_DIGEST || field === RULES) ? into.header : undefined;
        if (field === RESULTS || field === SUMMARY || header) {
          if (length > MAX_MESSAGE_BYTES) fail(body, `${known} of ${length} bytes; that cannot be right`);
          const bytes = window.slice(body, length);
          if (field === RESULTS) addResult(bytes, counts[RESULTS] ?? 0, body);
          else if (field === SUMMARY) into.total = summaryTotal(bytes, body);
          else if (field === RULES) header!.rules.push(ruleInfo(bytes, body));
          else if (field === RULE_SET) header!.ruleSet = utf8Text(bytes, body, known!);
          else header!.ruleSetDigest = utf8Text(bytes, body, known!);
        }
        counts[field] = (counts[field] ?? 0) + 1;
        pos = body + length;
        break;
      }
      default:
        fail(tagAt, `wire type ${wireType} (${WIRE_TYPE_NAMES[wireType] ?? 'invalid'}) is not allowed here`);
    }
  }
  // A response has one summary; a request has its consumers in the same field number, one per consumer.
  if ((counts[SUMMARY] ?? 0) > 1) throw new InputError(path, `${NOT_A_RESPONSE}: field 4 (summary) comes ${counts[SUMMARY]} times${batchHint}`);
  if (!counts[1] && !counts[RESULTS] && !counts[SUMMARY]) throw new InputError(path, `${NOT_A_RESPONSE}: it has no rule_set, results or summary${jsonHint}`);

  function addResult(bytes: Uint8Array, index: number, at: number): void {
    try {
      into.add(resultFromProto(bytes));
    } catch (error) {
      if (!(error instanceof ResultError)) throw error;
      throw new InputError(path, `results[${index}] (byte ${at}): ${error.message}`);
    }
  }

  function ruleInfo(bytes: Uint8Array, at: number): gridcode.v1.RuleInfo {
    try {
      return gridcode.v1.RuleInfo.decode(bytes);
    } catch (error) {
      return fail(at, `rules: ${(error as Error).message}`);
    }
  }

  function utf8Text(bytes: Uint8Array, at: number, what: string): string {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return fail(at, `${what} is not valid UTF-8`);
    }
  }

  function summaryTotal(bytes: Uint8Array, at: number): number {
    try {
      return gridcode.v1.Summary.decode(bytes).total;
    } catch (error) {
      return fail(at, `summary: ${(error as Error).message}`);
    }
  }
}
