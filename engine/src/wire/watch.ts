import { decodeString, WireReader, WireType } from './reader.js';

// Field numbers of `Watch` in proto/gridcode/v1/scoring.proto.
const STATUS = 1;
const SINCE = 2;

/** The engine's u8 for a status that fits none: unknown, watched all the same, and no rule word matches it. */
export const UNKNOWN_WATCH_STATUS = 255;

/**
 * A WatchStatus number as the engine holds it (u8). proto3 enums are open: a
 * number this build has no name for is kept (a rule compares it, no word
 * matches it); one that does not fit a byte becomes 255, just as unknown.
 */
export function watchCode(status: number | undefined): number {
  if (status === undefined || !Number.isInteger(status)) return 0;
  return status >= 0 && status <= UNKNOWN_WATCH_STATUS ? status : UNKNOWN_WATCH_STATUS;
}

/** A consumer's watch as scanned so far: what repeated `watch` fields merge into. */
export interface WatchValue {
  status: number;
  since: string;
}

/**
 * Reads one serialized `Watch` (the body of a field 9, [reader.pos, end)) into
 * `into`. Several `watch` fields of one consumer merge, as protobuf merges an
 * embedded message: each field present on the wire overwrites, the others
 * keep their value. Unknown fields are skipped; a wrong wire type is malformed.
 */
export function scanWatch(reader: WireReader, end: number, into: WatchValue): void {
  const outer = reader.end;
  reader.end = end;
  while (reader.pos < end) {
    const tag = reader.tag();
    const type = tag & 7;
    switch (tag >>> 3) {
      case STATUS:
        reader.expect(WireType.varint, type, 'watch.status');
        into.status = watchCode(reader.int32());
        break;
      case SINCE: {
        reader.expect(WireType.bytes, type, 'watch.since');
        const length = reader.length();
        into.since = decodeString(reader, reader.pos, (reader.pos += length), 'watch.since');
        break;
      }
      default:
        reader.skip(type);
    }
  }
  reader.end = outer;
}
