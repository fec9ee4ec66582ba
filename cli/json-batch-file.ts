// A canonical proto3 JSON ScoreBatchRequest read in two passes, in bounded
// memory. Pass 1 streams the file through the JSON scanner: it checks the
// syntax of the whole file and notes where each top-level member and each
// consumer object lies, so header members may come before or after
// `consumers`. Pass 2 reads the consumer objects block by block, parses and
// checks one at a time and encodes it as a protobuf `Consumer`, so that the
// engine reads JSON and protobuf batches the same way.
import { closeSync, readSync } from 'node:fs';
import protobuf from 'protobufjs/minimal.js';
import { gridcode } from '#gen/scoring.js';
import { consumerFromJson, consumerScratch, JsonValueError, jsonNames, REQUEST_JSON_FIELDS, requestHeader, type FieldValue } from '../engine/src/codec/index.js';
import { BatchError, blocksOf, parseBatchHeader, type BatchHeader } from '../engine/src/index.js';
import type { BatchFile, BatchOptions, ConsumerBlock } from './batch-file.js';
import { InputError } from './errors.js';
import { BlockReader, ByteWindow, RangeList } from './file-ranges.js';
import { describeByte, JsonScanner, JsonSyntaxError } from './json-stream.js';

const SCAN_CHUNK_BYTES = 1 << 20;
/** A header member longer than this is not a date, a number or a flag. */
const MAX_HEADER_VALUE_BYTES = 1 << 16;

interface Member {
  readonly jsonName: string;
  readonly start: number;
  readonly end: number;
}

export function openJsonBatch(path: string, fd: number, size: number): BatchFile {
  const { header, options, consumers } = scanRequest(path, fd, size);
  return {
    path,
    header,
    options,
    consumerCount: consumers.length,
    *blocks(): Generator<ConsumerBlock> {
      const reader = new BlockReader(fd, size);
      const writer = protobuf.Writer.create();
      const scratch = consumerScratch();
      const decoder = new TextDecoder('utf-8', { fatal: true });
      for (const [first, last] of blocksOf(consumers)) {
        const text = reader.read(consumers, first, last);
        const spans = new Int32Array(2 * (last - first));
        writer.reset();
        for (let k = 0; k < last - first; k++) {
          const index = first + k;
          let value: unknown;
          try {
            value = JSON.parse(decoder.decode(text.bytes.subarray(text.spans[2 * k], text.spans[2 * k + 1])));
          } catch (error) {
            // Pass 1 checked the syntax, so only bad UTF-8 (or a file changed since) gets here.
            throw new InputError(path, `consumers[${index}] (byte ${consumers.start(index)}): ${error instanceof TypeError ? 'not valid UTF-8' : (error as Error).message}`);
          }
          let consumer;
          try {
            consumer = consumerFromJson(value, index, scratch);
          } catch (error) {
            if (error instanceof JsonValueError) throw new InputError(path, error.message);
            throw error;
          }
          spans[2 * k] = writer.len;
          gridcode.v1.Consumer.encode(consumer, writer);
          spans[2 * k + 1] = writer.len;
        }
        yield { bytes: writer.finish(true), spans, first };
      }
    },
    // The engine reads bytes this reader encoded itself: an error there is a bug, not a bad file.
    blockError: (block, error) => new InputError(path, `consumers[${block.first}..${block.first + (block.spans.length >> 1) - 1}]: ${error.message}`),
    close: () => closeSync(fd),
  };
}

/** Pass 1: the syntax of the whole file, its header members, and where each consumer object lies. */
function scanRequest(path: string, fd: number, size: number): { header: BatchHeader; options: BatchOptions; consumers: RangeList } {
  const consumers = new RangeList();
  const members = new Map<string, Member>();
  const window = new ByteWindow(fd, size);
  const scanner = new JsonScanner({
    member(jsonName, start, end) {
      const field = REQUEST_JSON_FIELDS.get(jsonName);
      if (field === undefined) throw new InputError(path, `unknown field ${JSON.stringify(jsonName)} in the request; a ScoreBatchRequest has ${jsonNames(REQUEST_JSON_FIELDS)}`);
      const earlier = members.get(field);
      if (earlier) throw new InputError(path, `the request gives ${field} twice (as ${JSON.stringify(earlier.jsonName)} and ${JSON.stringify(jsonName)})`);
      members.set(field, { jsonName, start, end });
      if (field === 'consumers') {
        const first = window.at(start);
        if (first !== 0x5b && first !== 0x6e) throw new InputError(path, `${jsonName}: expected a list of consumer objects, got ${describeByte(first)}`);
      }
    },
    element(jsonName, index, start, end, first) {
      if (REQUEST_JSON_FIELDS.get(jsonName) !== 'consumers') return;
      if (members.has('consumers')) throw new InputError(path, `the request gives consumers twice`);
      if (first !== 0x7b) throw new InputError(path, `${jsonName}[${index}]: expected a consumer object, got ${describeByte(first)}`);
      consumers.push(start, end);
    },
  });
  try {
    feedFile(fd, size, scanner);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    const hint = error.offset === 0 && size > 0 && window.at(0) !== 0x7b ? ' (is this a binary protobuf batch? name it .pb)' : '';
    throw new InputError(path, `invalid JSON at ${describePosition(fd, error.offset)}: ${error.message}${hint}`);
  }

  const values = new Map<string, FieldValue>();
  for (const [field, member] of members) {
    if (field === 'consumers') continue;
    if (member.end - member.start > MAX_HEADER_VALUE_BYTES) throw new InputError(path, `${member.jsonName}: the value is ${member.end - member.start} bytes long; that cannot be right`);
    values.set(field, { jsonName: member.jsonName, value: JSON.parse(new TextDecoder().decode(window.slice(member.start, member.end - member.start))) as unknown });
  }
  try {
    const { pointsPerDay, startDate, ruleSet, includeFeatures, flaggedOnly, includeEvidence } = requestHeader(values);
    return { header: parseBatchHeader(pointsPerDay, startDate), options: { ruleSet, includeFeatures, flaggedOnly, includeEvidence }, consumers };
  } catch (error) {
    if (error instanceof JsonValueError || error instanceof BatchError) throw new InputError(path, error.message);
    throw error;
  }
}

/** "line 3, column 17 (byte 1234)" for a byte offset, counting columns in characters. */
export function describePosition(fd: number, offset: number): string {
  const chunk = new Uint8Array(SCAN_CHUNK_BYTES);
  let line = 1;
  let column = 1;
  for (let position = 0; position < offset; ) {
    const n = readSync(fd, chunk, 0, Math.min(chunk.length, offset - position), position);
    if (n === 0) break;
    for (let i = 0; i < n; i++) {
      const c = chunk[i]!;
      if (c === 0x0a) {
        line++;
        column = 1;
      } else if ((c & 0xc0) !== 0x80) column++;
    }
    position += n;
  }
  return `line ${line}, column ${column} (byte ${offset})`;
}

/** Feeds the first `size` bytes of file `fd` to `scanner` in chunks of SCAN_CHUNK_BYTES, then finishes it: memory bounded whatever the file's size. */
export function feedFile(fd: number, size: number, scanner: { feed(bytes: Uint8Array): void; finish(): void }): void {
  const chunk = new Uint8Array(SCAN_CHUNK_BYTES);
  for (let position = 0; position < size; ) {
    const n = readSync(fd, chunk, 0, Math.min(chunk.length, size - position), position);
    if (n === 0) break;
    scanner.feed(n === chunk.length ? chunk : chunk.subarray(0, n));
    position += n;
  }
  scanner.finish();
}
