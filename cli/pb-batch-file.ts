// A binary protobuf ScoreBatchRequest read in two passes. Pass 1 walks the
// top-level fields reading only tags and lengths (consumer bodies are skipped,
// whatever order the fields come in); pass 2 reads the consumer messages
// block by block and hands their bytes to the engine as they are.
import { closeSync } from 'node:fs';
import { BatchError, blocksOf, MalformedProtobuf, parseBatchHeader, type BatchHeader } from '../engine/src/index.js';
import { REQUEST_FIELDS, RequestField } from '../engine/src/wire/request.js';
import { WireType } from '../engine/src/wire/reader.js';
import type { BatchFile, BatchOptions, ConsumerBlock } from './batch-file.js';
import { InputError } from './errors.js';
import { BlockReader, ByteWindow, RangeList } from './file-ranges.js';

const { ruleSet: RULE_SET, startDate: START_DATE, pointsPerDay: POINTS_PER_DAY, consumers: CONSUMERS, includeFeatures: INCLUDE_FEATURES, flaggedOnly: FLAGGED_ONLY, includeEvidence: INCLUDE_EVIDENCE } = RequestField;
const WIRE_TYPE_NAMES = ['varint', '64-bit', 'length-delimited', 'group start', 'group end', '32-bit'];
/** The longest varint protobuf allows. */
const MAX_VARINT_BYTES = 10;
/** Longer start_date strings are not dates anyway: read this much of them for the message. */
const START_DATE_READ_LIMIT = 64;
/** A rule_set longer than this is not an `id@version` (as for a JSON header member). */
const MAX_RULE_SET_BYTES = 1 << 16;

export function openProtobufBatch(path: string, fd: number, size: number): BatchFile {
  const { header, options, consumers } = indexRequest(path, fd, size);
  /** The engine counts byte offsets in the block's buffer: count them in the file. */
  const blockError = (block: ConsumerBlock, error: BatchError): InputError => {
    const { first, spans } = block;
    if (error instanceof MalformedProtobuf && error.consumer !== undefined) {
      const k = error.consumer - first;
      return new InputError(path, error.atByte(consumers.start(error.consumer) + error.byte - spans[2 * k]!).message);
    }
    const last = first + (spans.length >> 1) - 1;
    return new InputError(path, `consumers[${first}..${last}] (bytes ${consumers.start(first)}..${consumers.end(last)}): ${error.message}`);
  };
  return {
    path,
    header,
    options,
    consumerCount: consumers.length,
    *blocks(): Generator<ConsumerBlock> {
      const reader = new BlockReader(fd, size);
      for (const [first, last] of blocksOf(consumers)) yield { ...reader.read(consumers, first, last), first };
    },
    blockError,
    close: () => closeSync(fd),
  };
}

/** Pass 1: the request's header fields and where each consumer message lies. */
function indexRequest(path: string, fd: number, size: number): { header: BatchHeader; options: BatchOptions; consumers: RangeList } {
  const window = new ByteWindow(fd, size);
  const consumers = new RangeList();
  const fail = (at: number, message: string): never => {
    throw new InputError(path, `malformed protobuf at byte ${at}: ${message}`);
  };
  /**
   * A varint at `at`: [value, position after it, its low 32 bits]. The value
   * loses precision past 2^53 (lengths and tags are bounded far lower); uint32
   * fields take the low 32 bits, exact at any width, as protobuf parsers do.
   */
  const varint = (at: number, what: string): [number, number, number] => {
    const reader = window.wire(at, MAX_VARINT_BYTES);
    const start = reader.pos;
    try {
      const value = reader.varint();
      const next = window.wireOrigin + reader.pos;
      reader.pos = start;
      return [value, next, reader.low32()];
    } catch (error) {
      if (!(error instanceof BatchError)) throw error;
      // The reader holds the longest varint there is, unless the file ends first.
      return fail(at, reader.end - start < MAX_VARINT_BYTES ? `the file ends inside the ${what}` : `the ${what} is a varint longer than ${MAX_VARINT_BYTES} bytes`);
    }
  };

  let startDate = '';
  let pointsPerDay = 0;
  let ruleSet = '';
  // A field given more than once: the last value wins, as in every protobuf parser.
  let includeFeatures = false;
  let flaggedOnly = false;
  let includeEvidence = false;
  let pos = 0;
  while (pos < size) {
    const tagAt = pos;
    const [tag, afterTag] = varint(pos, 'field tag');
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (field === 0 || field > 0x1fffffff) fail(tagAt, `field number ${field} is not valid${tagAt === 0 && window.at(0) === 0x7b ? ' (this file looks like JSON: name it .json)' : ''}`);
    const known = REQUEST_FIELDS[field];
    const expected = known?.wireType;
    if (expected !== undefined && wireType !== expected) {
      fail(tagAt, `field ${field} (${known!.name}) has wire type ${wireType} (${WIRE_TYPE_NAMES[wireType] ?? 'invalid'}); it must be ${expected} (${WIRE_TYPE_NAMES[expected]})`);
    }
    pos = afterTag;
    switch (wireType) {
      case WireType.varint: {
        const [value, next, low32] = varint(pos, `value of field ${field}`);
        if (field === POINTS_PER_DAY) pointsPerDay = low32; // uint32: a longer varint is truncated, as every protobuf parser does
        else if (field === INCLUDE_FEATURES) includeFeatures = value !== 0;
        else if (field === FLAGGED_ONLY) flaggedOnly = value !== 0;
        else if (field === INCLUDE_EVIDENCE) includeEvidence = value !== 0;
        pos = next;
        break;
      }
      case WireType.fixed64:
      case WireType.fixed32: {
        const width = wireType === WireType.fixed64 ? 8 : 4;
        if (pos + width > size) fail(tagAt, `the ${width * 8}-bit value of field ${field} runs past the end of the file`);
        pos += width;
        break;
      }
      case WireType.bytes: {
        const [length, body] = varint(pos, `length of field ${field}`);
        if (body + length > size) fail(tagAt, `field ${field}${REQUEST_FIELDS[field] ? ` (${REQUEST_FIELDS[field]!.name})` : ''} has length ${length}, which runs past the end of the file (${size} bytes)`);
        if (field === CONSUMERS) consumers.push(body, body + length);
        else if (field === START_DATE) startDate = readStartDate(window, body, length, () => fail(body, 'start_date is not valid UTF-8'));
        else if (field === RULE_SET) ruleSet = readRuleSet(window, body, length, fail);
        pos = body + length;
        break;
      }
      default:
        fail(tagAt, `wire type ${wireType} (${WIRE_TYPE_NAMES[wireType] ?? 'invalid'}) is not allowed here${tagAt === 0 && window.at(0) === 0x7b ? ' (this file looks like JSON: name it .json)' : ''}`);
    }
  }
  try {
    return { header: parseBatchHeader(pointsPerDay, startDate), options: { ruleSet, includeFeatures, flaggedOnly, includeEvidence }, consumers };
  } catch (error) {
    if (error instanceof BatchError) throw new InputError(path, error.message);
    throw error;
  }
}

const strict = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder('utf-8');

/** The start_date string; of an overlong one only its beginning, enough for parseBatchHeader's message. */
function readStartDate(window: ByteWindow, at: number, length: number, invalid: () => never): string {
  if (length > START_DATE_READ_LIMIT) return lenient.decode(window.slice(at, START_DATE_READ_LIMIT));
  try {
    return strict.decode(window.slice(at, length));
  } catch {
    return invalid();
  }
}

/** The rule_set string, whole: it names a rule set, so it must be valid UTF-8 and of a sensible length. */
function readRuleSet(window: ByteWindow, at: number, length: number, fail: (at: number, message: string) => never): string {
  if (length > MAX_RULE_SET_BYTES) return fail(at, `rule_set is ${length} bytes long; that cannot be right`);
  try {
    return strict.decode(window.slice(at, length));
  } catch {
    return fail(at, 'rule_set is not valid UTF-8');
  }
}
