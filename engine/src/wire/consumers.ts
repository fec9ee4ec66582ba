import { checkString, decodeString, WireReader, WireType } from './reader.js';
import { scanWatch, type WatchValue } from './watch.js';
import { copyBytes } from './shared-copy.js';

// Field numbers of `Consumer` in proto/gridcode/v1/scoring.proto.
const ID = 1;
const CATEGORY = 2;
const ZONE = 3;
const CAPACITY_KW = 4;
const LOAD_KW = 5;
const WATER_M3 = 6;
const GROUP = 7;
const BASELINE_KW = 8;
const WATCH = 9;
const DISTRICT = 10;
const ENUM_MAX = 5;
/** For group() and district(): the bytes were checked by the scan. */
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Where each consumer's fields lie inside the request bytes. Readings are
 * located, counted and later copied as raw little-endian float32 bytes: they
 * never become JS numbers. Columns are indexed by consumer.
 */
export class ConsumerIndex {
  /** Decoded during the scan, which must check them as UTF-8 anyway. */
  readonly ids: string[];
  readonly category: Uint8Array;
  readonly zone: Uint8Array;
  readonly capacity: Float32Array;
  readonly readingCount: Int32Array;
  readonly waterCount: Int32Array;
  /** Byte offset of the single packed load_kw run, or -1 when the field came in several pieces. */
  readonly loadStart: Int32Array;
  readonly waterStart: Int32Array;
  /** Byte range [groupStart, groupEnd) of the group string (checked as UTF-8, not decoded); empty when absent. */
  readonly groupStart: Int32Array;
  readonly groupEnd: Int32Array;
  /** baseline_kw as sent (0 when absent). */
  readonly baseline: Float32Array;
  /** The watch status as the engine holds it (see watchCode); 0 = not watched. */
  readonly watchStatus: Uint8Array;
  /** The watch's `since` as sent, '' when absent; read only when the status is not 0. */
  readonly watchSince: string[];
  /** Byte range [districtStart, districtEnd) of the district string (checked as UTF-8, not decoded); empty when absent. */
  readonly districtStart: Int32Array;
  readonly districtEnd: Int32Array;
  /** Whether any consumer has a non-empty district: most batches have none, and then districts() allocates nothing. */
  anyDistrict = false;

  constructor(
    readonly bytes: Uint8Array,
    readonly spans: Int32Array,
    readonly count: number,
  ) {
    this.ids = new Array<string>(count).fill('');
    this.category = new Uint8Array(count);
    this.zone = new Uint8Array(count);
    this.capacity = new Float32Array(count);
    this.readingCount = new Int32Array(count);
    this.waterCount = new Int32Array(count);
    this.loadStart = new Int32Array(count);
    this.waterStart = new Int32Array(count);
    this.groupStart = new Int32Array(count);
    this.groupEnd = new Int32Array(count);
    this.baseline = new Float32Array(count);
    this.watchStatus = new Uint8Array(count);
    this.watchSince = new Array<string>(count).fill('');
    this.districtStart = new Int32Array(count);
    this.districtEnd = new Int32Array(count);
  }

  /** The consumer's group, decoded ('' when none). */
  group(i: number): string {
    // Most consumers have none: no decoder call for them.
    if (this.groupStart[i] === this.groupEnd[i]) return '';
    return utf8.decode(this.bytes.subarray(this.groupStart[i]!, this.groupEnd[i]!));
  }

  /** The consumer's district, decoded ('' when none). */
  district(i: number): string {
    if (this.districtStart[i] === this.districtEnd[i]) return '';
    return utf8.decode(this.bytes.subarray(this.districtStart[i]!, this.districtEnd[i]!));
  }

  /** Every consumer's district in batch order ('' = none), decoded; empty when no consumer has one. */
  districts(): string[] {
    if (!this.anyDistrict) return [];
    return Array.from({ length: this.count }, (_, i) => this.district(i));
  }

  id(i: number): string {
    return this.ids[i]!;
  }

  copyReadings(i: number, target: Uint8Array, at: number): void {
    this.copy(i, LOAD_KW, this.loadStart[i]!, this.readingCount[i]!, target, at);
  }

  copyWater(i: number, target: Uint8Array, at: number): void {
    this.copy(i, WATER_M3, this.waterStart[i]!, this.waterCount[i]!, target, at);
  }

  private copy(i: number, field: number, start: number, count: number, target: Uint8Array, at: number): void {
    if (start >= 0) {
      // A body in shared memory (the gateway's body arena) is copied out at memcpy speed only so (shared-copy.ts).
      copyBytes(target, this.bytes.subarray(start, start + count * 4), at);
      return;
    }
    // Rare: the floats came as several packed runs or unpacked; gather them in order.
    const reader = new WireReader(this.bytes, this.spans[2 * i]!, this.spans[2 * i + 1]!);
    while (reader.pos < reader.end) {
      const tag = reader.tag();
      if (tag >>> 3 !== field) reader.skip(tag & 7);
      else if ((tag & 7) === WireType.bytes) {
        const length = reader.length();
        copyBytes(target, this.bytes.subarray(reader.pos, reader.pos + length), at);
        at += length;
        reader.pos += length;
      } else {
        const p = reader.fixed32();
        target.set(this.bytes.subarray(p, p + 4), at);
        at += 4;
      }
    }
  }
}

/**
 * Indexes serialized Consumer messages ([start, end) byte ranges in `spans`).
 * Throws MalformedProtobuf on malformed bytes, naming the consumer by its index
 * in the batch: `first` is the batch index of the first one.
 */
export function scanConsumers(bytes: Uint8Array, spans: Int32Array, first = 0): ConsumerIndex {
  const count = spans.length >> 1;
  const index = new ConsumerIndex(bytes, spans, count);
  for (let i = 0; i < count; i++) scanConsumer(index, i, first + i);
  return index;
}

function scanConsumer(index: ConsumerIndex, i: number, inBatch: number): void {
  const { bytes, spans } = index;
  const reader = new WireReader(bytes, spans[2 * i]!, spans[2 * i + 1]!, 0, inBatch);
  index.loadStart[i] = index.waterStart[i] = -2; // -2: no run seen yet
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let watch: WatchValue | undefined;
  while (reader.pos < reader.end) {
    const tag = reader.tag();
    const type = tag & 7;
    switch (tag >>> 3) {
      case ID: {
        reader.expect(WireType.bytes, type, 'id');
        const length = reader.length();
        // Decoded (and checked) here, so that a bad id fails the batch naming its consumer, before any scoring.
        index.ids[i] = decodeString(reader, reader.pos, (reader.pos += length), 'id');
        break;
      }
      case CATEGORY:
      case ZONE: {
        reader.expect(WireType.varint, type, tag >>> 3 === ZONE ? 'zone' : 'category');
        const value = reader.int32();
        // proto3 enums are open: a value this build does not know is treated as unspecified.
        (tag >>> 3 === ZONE ? index.zone : index.category)[i] = value >= 0 && value <= ENUM_MAX ? value : 0;
        break;
      }
      case CAPACITY_KW:
        reader.expect(WireType.fixed32, type, 'capacity_kw');
        index.capacity[i] = view.getFloat32(reader.fixed32(), true);
        break;
      case LOAD_KW:
        floatRun(reader, type, 'load_kw', index.loadStart, index.readingCount, i);
        break;
      case WATER_M3:
        floatRun(reader, type, 'water_m3', index.waterStart, index.waterCount, i);
        break;
      case GROUP: {
        reader.expect(WireType.bytes, type, 'group');
        const length = reader.length();
        // Kept as bytes for the peer pass; checked here so that a bad one fails the batch naming its consumer.
        checkString(reader, reader.pos, reader.pos + length, 'group');
        index.groupStart[i] = reader.pos;
        index.groupEnd[i] = reader.pos += length;
        break;
      }
      case BASELINE_KW:
        reader.expect(WireType.fixed32, type, 'baseline_kw');
        index.baseline[i] = view.getFloat32(reader.fixed32(), true);
        break;
      case DISTRICT: {
        reader.expect(WireType.bytes, type, 'district');
        const length = reader.length();
        // Only echoed in the result: checked here so that a bad one fails the batch naming its consumer, decoded when results are built.
        checkString(reader, reader.pos, reader.pos + length, 'district');
        index.districtStart[i] = reader.pos;
        index.districtEnd[i] = reader.pos += length;
        break;
      }
      case WATCH: {
        reader.expect(WireType.bytes, type, 'watch');
        const length = reader.length();
        watch ??= { status: 0, since: '' };
        scanWatch(reader, reader.pos + length, watch);
        break;
      }
      default:
        reader.skip(type);
    }
  }
  if (index.loadStart[i] === -2) index.loadStart[i] = 0;
  if (index.waterStart[i] === -2) index.waterStart[i] = 0;
  // After the loop: a later empty district overrides an earlier one (the last wins).
  if (index.districtEnd[i]! > index.districtStart[i]!) index.anyDistrict = true;
  if (watch) {
    index.watchStatus[i] = watch.status;
    index.watchSince[i] = watch.since;
  }
}

/** Records a packed (wire type 2) or unpacked (wire type 5) run of floats; proto3 parsers must accept both. */
function floatRun(reader: WireReader, type: number, field: string, start: Int32Array, count: Int32Array, i: number): void {
  let at: number;
  let floats: number;
  if (type === WireType.bytes) {
    const length = reader.length();
    if (length % 4 !== 0) reader.fail(`packed ${field} has ${length} bytes, not a whole number of floats`);
    at = reader.pos;
    floats = length / 4;
    reader.pos += length;
  } else if (type === WireType.fixed32) {
    at = reader.fixed32();
    floats = 1;
  } else {
    return reader.fail(`field ${field} has wire type ${type}, expected 2 (packed) or 5`);
  }
  if (floats === 0) return;
  start[i] = start[i] === -2 ? at : -1;
  count[i] = count[i]! + floats;
}

/** The ids of serialized consumers, in order. */
export function consumerIds(source: { readonly bytes: Uint8Array; readonly spans: Int32Array; readonly first?: number }): string[] {
  const ids: string[] = [];
  for (let i = 0; i < source.spans.length >> 1; i++) {
    const reader = new WireReader(source.bytes, source.spans[2 * i]!, source.spans[2 * i + 1]!, 0, (source.first ?? 0) + i);
    let id = '';
    while (reader.pos < reader.end) {
      const tag = reader.tag();
      if (tag === (ID << 3) + WireType.bytes) {
        const length = reader.length();
        id = decodeString(reader, reader.pos, (reader.pos += length), 'id');
      } else reader.skip(tag & 7);
    }
    ids.push(id);
  }
  return ids;
}
