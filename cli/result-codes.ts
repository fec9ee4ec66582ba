// ConsumerResults read with the generated codec (gen/, the one `gridcode
// score` writes responses with): from binary protobuf bytes or from a proto3
// JSON object, their code checked. `score --previous` reads both responses
// here (the former one from its file, the one just made from its encoded
// results) and keeps only id and code; `gridcode list` keeps what it shows.
import protobuf from 'protobufjs/minimal.js';
import { gridcode } from '#gen/scoring.js';
import type { Serialization } from '../engine/src/codec/index.js';

const { CODE_GREEN, CODE_GRAY } = gridcode.v1.Code;

/** A result reduced to what transitions need; features, evidence and the rest are dropped at once. */
export interface ResultCode {
  readonly id: string;
  /** CODE_GREEN … CODE_GRAY. */
  readonly code: gridcode.v1.Code;
}

/** A file that is not a response at all: the same words whichever the format. */
export const NOT_A_RESPONSE = 'not a ScoreBatchResponse';

/** A result that is not one `gridcode score` could have written: the message says why. */
export class ResultError extends Error {
  override readonly name = 'ResultError';
}

/** One serialized ConsumerResult (the body of a ScoreBatchResponse field 3). */
export function resultFromProto(bytes: Uint8Array): gridcode.v1.ConsumerResult {
  let result: gridcode.v1.ConsumerResult;
  try {
    result = gridcode.v1.ConsumerResult.decode(bytes);
  } catch (error) {
    throw new ResultError(`not a ConsumerResult: ${(error as Error).message}`);
  }
  return checked(result);
}

/** One result of a proto3 JSON response, already parsed. */
export function resultFromJson(value: unknown): gridcode.v1.ConsumerResult {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ResultError('expected a result object');
  let result: gridcode.v1.ConsumerResult;
  try {
    result = gridcode.v1.ConsumerResult.fromObject(value as gridcode.v1.ConsumerResult.$Shape);
  } catch (error) {
    throw new ResultError((error as Error).message.replace(/^\.gridcode\.v1\./, ''));
  }
  const raw = (value as { code?: unknown }).code;
  if (raw !== undefined && result.code === 0) throw new ResultError(`code ${JSON.stringify(raw)} is not a Code (CODE_GREEN, CODE_YELLOW, CODE_RED, CODE_GRAY)`);
  return checked(result);
}

/** The result itself, once its code is one of the four: a ResultCode, and the rest for those who keep it. */
function checked(result: gridcode.v1.ConsumerResult): gridcode.v1.ConsumerResult {
  const code = result.code;
  if (!(code >= CODE_GREEN && code <= CODE_GRAY)) {
    throw new ResultError(code === 0 ? `result ${JSON.stringify(result.id)} has no code` : `result ${JSON.stringify(result.id)} has code ${code}, not one of CODE_GREEN … CODE_GRAY`);
  }
  return result;
}

const RESULTS_TAG = (3 << 3) | 2;
const NEWLINE = 0x0a;
const COMMA = 0x2c;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The results of a response being written, as responsePieces takes them:
 * protobuf ScoreBatchResponse field-3 entries one after another, or JSON
 * result lines separated by ",\n" (a JSON line holds no raw newline).
 */
export function* encodedResults(results: Uint8Array, serialization: Serialization): Generator<gridcode.v1.ConsumerResult> {
  if (serialization === 'proto') {
    const reader = protobuf.Reader.create(results);
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      if (tag !== RESULTS_TAG) reader.skipType(tag & 7);
      else yield checked(gridcode.v1.ConsumerResult.decode(reader, reader.uint32()));
    }
    return;
  }
  for (let start = 0; start < results.length; ) {
    let end = results.indexOf(NEWLINE, start);
    if (end < 0) end = results.length;
    const line = results.subarray(start, end > start && results[end - 1] === COMMA ? end - 1 : end);
    if (line.length > 0) yield resultFromJson(JSON.parse(utf8.decode(line)) as unknown);
    start = end + 1;
  }
}
