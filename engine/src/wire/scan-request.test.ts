// scanRequest: the hand-written scanner of ScoreBatchRequest bytes, against
// real protobufjs encodings and hand-crafted unusual (but valid) and
// malformed ones. The consumer contents are scanned-consumers' business
// (scan-consumers.test.ts); here they are byte ranges.
import protobuf from 'protobufjs/minimal.js';
import { describe, expect, it } from 'vitest';
import { gridcode } from '#gen/scoring.js';
import { BatchError } from '../errors.js';
import { parseBatchHeader } from '../header.js';
import { scanRequest, type RequestIndex } from './request.js';
import { batchError, concat, tag, varint } from '../../../tests/support/wire.js';

const { ScoreBatchRequest, Consumer } = gridcode.v1;
type RequestProps = gridcode.v1.ScoreBatchRequest.$Properties;
type ConsumerProps = gridcode.v1.Consumer.$Properties;

const VARINT = 0;
const FIXED64 = 1;
const BYTES = 2;
const FIXED32 = 5;

const encode = (request: RequestProps): Uint8Array => ScoreBatchRequest.encode(request).finish();
const writer = () => protobuf.Writer.create();
const key = (field: number, type: number) => field * 8 + type;


/** The consumers of a scan, each as its own bytes. */
function consumerBytes(bytes: Uint8Array, index: RequestIndex): Uint8Array[] {
  const { spans } = index.consumers;
  expect(index.consumers.bytes).toBe(bytes); // spans point into the request itself: no copy
  expect(spans.length % 2).toBe(0);
  const out: Uint8Array[] = [];
  for (let i = 0; i < spans.length; i += 2) {
    const start = spans[i]!;
    const end = spans[i + 1]!;
    expect(0 <= start && start <= end && end <= bytes.length, `span ${i / 2} = [${start}, ${end}) inside ${bytes.length} bytes`).toBe(true);
    out.push(bytes.subarray(start, end));
  }
  return out;
}

/** Header fields of a scan, comparable with toEqual. */
function header(index: RequestIndex) {
  const { ruleSet, startDate, pointsPerDay, includeFeatures, flaggedOnly, includeEvidence } = index;
  return { ruleSet, startDate, pointsPerDay, includeFeatures, flaggedOnly, includeEvidence };
}

/** What protobufjs decodes from the same bytes, in the same shape. */
function decodedHeader(bytes: Uint8Array) {
  const m = ScoreBatchRequest.decode(bytes);
  return {
    ruleSet: m.ruleSet,
    startDate: m.startDate,
    pointsPerDay: m.pointsPerDay,
    includeFeatures: m.includeFeatures,
    flaggedOnly: m.flaggedOnly,
    includeEvidence: m.includeEvidence,
  };
}


/** Asserts an invalid_argument naming the problem and a byte offset in [lo, hi]; returns the offset. */
function expectMalformed(bytes: Uint8Array, problem: RegExp, lo: number, hi = lo): number {
  const error = batchError(() => scanRequest(bytes));
  expect(error.code).toBe('invalid_argument');
  expect(error.name).toBe('BatchError');
  expect(error.message).toMatch(problem);
  const match = /at byte (\d+)/.exec(error.message);
  expect(match, `no byte offset in: ${error.message}`).not.toBeNull();
  const at = Number(match![1]);
  expect(at, error.message).toBeGreaterThanOrEqual(lo);
  expect(at, error.message).toBeLessThanOrEqual(hi);
  return at;
}

const consumersA: ConsumerProps[] = [
  { id: 'm-001', category: 1, zone: 1, capacityKw: 8, loadKw: [1, 2, 3, 4], waterM3: [0.5] },
  {},
  { id: '电表-002', category: 3, zone: 2, loadKw: [0.25, -0, NaN] },
];

describe('scanRequest on real encodings', () => {
  it('reads every header field and locates every consumer', () => {
    const request: RequestProps = {
      ruleSet: 'urban-default@2024.1',
      startDate: '2024-02-29',
      pointsPerDay: 48,
      consumers: consumersA,
      includeFeatures: true,
      flaggedOnly: true,
      includeEvidence: true,
    };
    const bytes = encode(request);
    const index = scanRequest(bytes);
    expect(header(index)).toEqual({
      ruleSet: 'urban-default@2024.1',
      startDate: '2024-02-29',
      pointsPerDay: 48,
      includeFeatures: true,
      flaggedOnly: true,
      includeEvidence: true,
    });
    const spans = consumerBytes(bytes, index);
    expect(spans).toHaveLength(3);
    spans.forEach((span, i) => expect(Array.from(span), `consumer ${i}`).toEqual(Array.from(Consumer.encode(consumersA[i]!).finish())));
  });

  it('gives the proto3 defaults for an empty request', () => {
    const index = scanRequest(new Uint8Array(0));
    expect(header(index)).toEqual({ ruleSet: '', startDate: '', pointsPerDay: 0, includeFeatures: false, flaggedOnly: false, includeEvidence: false });
    expect(index.consumers.spans.length).toBe(0);
  });

  it.each([
    ['includeFeatures', { includeFeatures: true }],
    ['flaggedOnly', { flaggedOnly: true }],
    ['includeEvidence', { includeEvidence: true }],
  ] as const)('sets %s alone and no other flag', (name, flags) => {
    const index = scanRequest(encode({ startDate: '2024-01-01', ...flags }));
    expect({ includeFeatures: index.includeFeatures, flaggedOnly: index.flaggedOnly, includeEvidence: index.includeEvidence }).toEqual({
      includeFeatures: name === 'includeFeatures',
      flaggedOnly: name === 'flaggedOnly',
      includeEvidence: name === 'includeEvidence',
    });
  });

  it.each([0, 24, 96, 288, 1, 127, 128, 300, 2 ** 31, 2 ** 32 - 1])('reads points_per_day %i as sent', (points) => {
    const bytes = encode({ pointsPerDay: points });
    expect(scanRequest(bytes).pointsPerDay).toBe(points);
    expect(scanRequest(bytes).pointsPerDay).toBe(decodedHeader(bytes).pointsPerDay);
  });

  it('keeps an empty consumer (zero-length message) as an empty span', () => {
    const bytes = encode({ startDate: '2024-01-01', consumers: [{}, {}, { id: 'x' }] });
    const spans = consumerBytes(bytes, scanRequest(bytes));
    expect(spans.map((s) => s.length)).toEqual([0, 0, 3]);
  });

  it('locates thousands of consumers (past the initial span capacity) in order', () => {
    const many: ConsumerProps[] = Array.from({ length: 1500 }, (_, i) => ({ id: `c${i}`, loadKw: i % 3 ? [i] : [] }));
    const bytes = encode({ startDate: '2024-01-01', consumers: many });
    const spans = consumerBytes(bytes, scanRequest(bytes));
    expect(spans).toHaveLength(1500);
    spans.forEach((span, i) => {
      if (Consumer.decode(span).id !== `c${i}`) expect.fail(`consumer ${i} decodes as ${Consumer.decode(span).id}`);
    });
  });

  it('reads non-ASCII rule sets and dates as sent (the header parser judges them)', () => {
    const bytes = encode({ ruleSet: 'règles-été-⚡', startDate: '２０２４-01-01' });
    const index = scanRequest(bytes);
    expect(index.ruleSet).toBe('règles-été-⚡');
    expect(index.startDate).toBe('２０２４-01-01');
    expect(() => parseBatchHeader(index.pointsPerDay, index.startDate)).toThrow(BatchError);
  });
});

describe('scanRequest on unusual valid encodings', () => {
  it('accepts the fields in any order: consumers before start_date, flags first', () => {
    const w = writer();
    w.uint32(key(7, VARINT)).bool(true);
    w.uint32(key(4, BYTES)).bytes(Consumer.encode(consumersA[0]!).finish());
    w.uint32(key(3, VARINT)).uint32(24);
    w.uint32(key(4, BYTES)).bytes(Consumer.encode(consumersA[1]!).finish());
    w.uint32(key(2, BYTES)).string('2023-12-31');
    w.uint32(key(5, VARINT)).bool(true);
    w.uint32(key(4, BYTES)).bytes(Consumer.encode(consumersA[2]!).finish());
    w.uint32(key(1, BYTES)).string('rs');
    const bytes = w.finish();
    const index = scanRequest(bytes);
    expect(header(index)).toEqual({ ruleSet: 'rs', startDate: '2023-12-31', pointsPerDay: 24, includeFeatures: true, flaggedOnly: false, includeEvidence: true });
    expect(header(index)).toEqual(decodedHeader(bytes));
    consumerBytes(bytes, index).forEach((span, i) => expect(Array.from(span)).toEqual(Array.from(Consumer.encode(consumersA[i]!).finish())));
  });

  it('lets the last of repeated scalar fields win, as protobuf does', () => {
    const w = writer();
    w.uint32(key(1, BYTES)).string('first');
    w.uint32(key(2, BYTES)).string('2020-01-01');
    w.uint32(key(3, VARINT)).uint32(96);
    w.uint32(key(5, VARINT)).bool(true);
    w.uint32(key(6, VARINT)).bool(false);
    w.uint32(key(7, VARINT)).bool(true);
    w.uint32(key(1, BYTES)).string('second');
    w.uint32(key(3, VARINT)).uint32(288);
    w.uint32(key(5, VARINT)).bool(false);
    w.uint32(key(6, VARINT)).bool(true);
    w.uint32(key(2, BYTES)).string('2021-06-30');
    w.uint32(key(7, VARINT)).bool(false);
    w.uint32(key(1, BYTES)).string('');
    const bytes = w.finish();
    const expected = { ruleSet: '', startDate: '2021-06-30', pointsPerDay: 288, includeFeatures: false, flaggedOnly: true, includeEvidence: false };
    expect(header(scanRequest(bytes))).toEqual(expected);
    expect(decodedHeader(bytes)).toEqual(expected);
  });

  it('reads a bool from any non-zero varint, including multi-byte ones', () => {
    const bytes = concat([key(5, VARINT)], varint(2n), [key(6, VARINT)], varint(128n), [key(7, VARINT)], varint(0n));
    expect(header(scanRequest(bytes))).toMatchObject({ includeFeatures: true, flaggedOnly: true, includeEvidence: false });
  });

  it('accepts non-minimal varints for tags, lengths and values', () => {
    // key 0x0a as 0x8a 0x00, length 2 as 0x82 0x80 0x00, points 24 as 0x98 0x80 0x80 0x00
    const bytes = concat([0x8a, 0x00, 0x82, 0x80, 0x00], [0x72, 0x73], [0x18, 0x98, 0x80, 0x80, 0x00]);
    expect(header(scanRequest(bytes))).toMatchObject({ ruleSet: 'rs', pointsPerDay: 24 });
    expect(decodedHeader(bytes)).toMatchObject({ ruleSet: 'rs', pointsPerDay: 24 });
  });

  it('truncates a points_per_day varint wider than 32 bits to its low 32 bits (uint32)', () => {
    const bytes = concat([key(3, VARINT)], varint(2n ** 32n + 24n));
    expect(scanRequest(bytes).pointsPerDay).toBe(24);
    expect(decodedHeader(bytes).pointsPerDay).toBe(24);
  });

  // Regression: WireReader.varint() sums the 10 bytes into a float64, so bits below the
  // 53rd significant bit are lost: a 10-byte varint's low 32 bits come out wrong
  // and an unsupported points_per_day is read as 0 (= 96) instead of being refused.
  // Remove `.fails` when the scanner keeps the low 32 bits exactly.
  it('truncates points_per_day varints wider than 53 bits exactly (2^64 − 1 → 4294967295, 2^60 + 23 → 23)', () => {
    const all = concat([key(3, VARINT)], varint(2n ** 64n - 1n));
    expect(decodedHeader(all).pointsPerDay).toBe(4294967295);
    expect(scanRequest(all).pointsPerDay).toBe(4294967295);
    const odd = concat([key(3, VARINT)], varint(2n ** 60n + 23n));
    expect(decodedHeader(odd).pointsPerDay).toBe(23);
    expect(scanRequest(odd).pointsPerDay).toBe(23);
  });

  /** Unknown fields of every wire type, at low, mid and the highest field numbers. */
  function unknownFields(seed: number): Uint8Array {
    const w = writer();
    w.uint32(key(8, VARINT)).uint64('18446744073709551615'); // 10-byte varint
    w.uint32(key(9, FIXED64)).fixed64(seed);
    w.uint32(key(100, BYTES)).bytes(concat([key(1, BYTES), 3, 0x61, 0x62, 0x63], [key(4, BYTES), 0])); // looks like header fields inside
    w.uint32(key(15, FIXED32)).fixed32(seed);
    w.uint32(key(16, VARINT)).uint32(seed); // field 16: a two-byte tag
    w.uint32(key(536870911, BYTES)).bytes(new Uint8Array(200)); // largest field number, a two-byte length
    w.uint32(key(2047, FIXED32)).float(NaN);
    return w.finish();
  }

  it('skips unknown fields of wire types 0, 1, 2 and 5 anywhere at the top level', () => {
    const base: RequestProps = { ruleSet: 'rs', startDate: '2024-05-05', pointsPerDay: 96, consumers: consumersA, includeFeatures: true, includeEvidence: true };
    const clean = encode(base);
    const cleanIndex = scanRequest(clean);
    const cleanConsumers = consumerBytes(clean, cleanIndex).map((s) => Array.from(s));
    // Insert unknown fields before, between every top-level field and after.
    const fields: Uint8Array[] = [];
    const r = protobuf.Reader.create(clean);
    while (r.pos < r.len) {
      const start = r.pos;
      r.skipType(r.uint32() & 7);
      fields.push(clean.subarray(start, r.pos));
    }
    expect(fields.length).toBeGreaterThan(5);
    const noisy = concat(unknownFields(1), ...fields.flatMap((f, i) => [f, unknownFields(i + 2)]));
    const index = scanRequest(noisy);
    expect(header(index)).toEqual(header(cleanIndex));
    expect(consumerBytes(noisy, index).map((s) => Array.from(s))).toEqual(cleanConsumers);
  });

  it('skips an unknown length-delimited field whose bytes are not UTF-8 (only strings are checked)', () => {
    const bytes = concat([key(8, BYTES), 2, 0xff, 0xfe], [key(2, BYTES), 10], Array.from(new TextEncoder().encode('2024-01-01')));
    expect(scanRequest(bytes).startDate).toBe('2024-01-01');
  });

  // Regression: TextDecoder's default (ignoreBOM: false) drops a leading U+FEFF, so a
  // string field that starts with a byte-order mark is changed: protobuf strings
  // must come back as sent (protobufjs keeps it). A start_date "\uFEFF2024-01-01"
  // is then even accepted as a date. Remove `.fails` when decodeString uses
  // new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).
  it('keeps a leading U+FEFF in rule_set and start_date', () => {
    const bytes = encode({ ruleSet: '\uFEFFrs', startDate: '\uFEFF2024-01-01' });
    expect(decodedHeader(bytes)).toMatchObject({ ruleSet: '\uFEFFrs', startDate: '\uFEFF2024-01-01' });
    const index = scanRequest(bytes);
    expect(index.ruleSet).toBe('\uFEFFrs');
    expect(index.startDate).toBe('\uFEFF2024-01-01');
  });

  it('keeps a U+FEFF that is not the first character', () => {
    const index = scanRequest(encode({ ruleSet: 'r\uFEFFs' }));
    expect(index.ruleSet).toBe('r\uFEFFs');
  });
});

describe('scanRequest on malformed bytes: BatchError invalid_argument naming the problem and the byte', () => {
  it('a truncated tag varint', () => {
    expectMalformed(Uint8Array.of(0x80), /varint runs past the end/, 0, 1);
    expectMalformed(concat(encode({ ruleSet: 'abc' }), [0xff, 0xff]), /varint runs past the end/, 5, 7);
  });

  it('a truncated value varint', () => {
    expectMalformed(Uint8Array.of(key(3, VARINT), 0x80, 0x80), /varint runs past the end/, 1, 3);
    expectMalformed(Uint8Array.of(key(5, VARINT)), /varint runs past the end/, 1);
    expectMalformed(Uint8Array.from([...tag(20, VARINT), 0xff]), /varint runs past the end/, 2, 3); // unknown field too
  });

  it('a truncated length varint', () => {
    expectMalformed(Uint8Array.of(key(1, BYTES), 0x80), /varint runs past the end/, 1, 2);
  });

  it('a varint of 11 bytes, as a value and as a tag', () => {
    const eleven = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
    expectMalformed(concat([key(3, VARINT)], eleven), /varint longer than 10 bytes/, 1, 11);
    expectMalformed(concat(tag(30, VARINT), eleven), /varint longer than 10 bytes/, 2, 12);
    expectMalformed(concat(eleven), /varint longer than 10 bytes/, 0, 10);
    expectMalformed(concat([key(1, BYTES)], eleven), /varint longer than 10 bytes/, 1, 11);
  });

  it('a length past the end of the request, for known and unknown fields', () => {
    expectMalformed(Uint8Array.of(key(1, BYTES), 5, 0x61, 0x62), /length 5 runs past the end/, 1);
    expectMalformed(Uint8Array.of(key(2, BYTES), 11, ...new TextEncoder().encode('2024-01-01')), /length 11 runs past the end/, 1);
    const consumer = Consumer.encode({ id: 'abc', loadKw: [1, 2] }).finish();
    expectMalformed(concat([key(4, BYTES), consumer.length + 1], consumer), /length \d+ runs past the end/, 1);
    expectMalformed(concat(encode({ ruleSet: 'x' }), tag(99, BYTES), varint(2n ** 40n), [0]), /runs past the end/, 4, 8);
  });

  it('a fixed64 or fixed32 cut short', () => {
    expectMalformed(Uint8Array.of(key(9, FIXED64), 1, 2, 3, 4, 5, 6, 7), /fixed64 runs past the end/, 1);
    expectMalformed(Uint8Array.of(key(9, FIXED32), 1, 2, 3), /fixed32 runs past the end/, 1);
  });

  it.each([
    ['rule_set as a varint', [key(1, VARINT), 1], /rule_set has wire type 0/],
    ['start_date as fixed32', [key(2, FIXED32), 1, 2, 3, 4], /start_date has wire type 5/],
    ['points_per_day as bytes', [key(3, BYTES), 1, 24], /points_per_day has wire type 2/],
    ['points_per_day as fixed32', [key(3, FIXED32), 24, 0, 0, 0], /points_per_day has wire type 5/],
    ['consumers as a varint', [key(4, VARINT), 0], /consumers has wire type 0/],
    ['consumers as fixed64', [key(4, FIXED64), 0, 0, 0, 0, 0, 0, 0, 0], /consumers has wire type 1/],
    ['include_features as bytes', [key(5, BYTES), 1, 1], /wire type 2/],
    ['flagged_only as fixed32', [key(6, FIXED32), 1, 0, 0, 0], /wire type 5/],
    ['include_evidence as fixed64', [key(7, FIXED64), 1, 0, 0, 0, 0, 0, 0, 0], /wire type 1/],
  ] as const)('a known field with the wrong wire type: %s', (_, bytes, problem) => {
    const prefix = encode({ ruleSet: 'ok', pointsPerDay: 96 });
    expectMalformed(concat(prefix, bytes), problem, prefix.length, prefix.length + 1);
  });

  it.each([3, 4, 6, 7])('wire type %i (groups and undefined types), unknown and known fields', (type) => {
    expectMalformed(Uint8Array.of(key(9, type), 0, 0, 0, 0, 0, 0, 0, 0), new RegExp(`wire type ${type}`), 0, 1);
    expectMalformed(Uint8Array.of(key(4, type), 0, 0, 0, 0, 0, 0, 0, 0), new RegExp(`wire type ${type}`), 0, 1);
    const prefix = encode({ startDate: '2024-01-01' });
    expectMalformed(concat(prefix, tag(1000, type), [0]), new RegExp(`wire type ${type}`), prefix.length, prefix.length + 2);
  });

  it('a tag with field number 0, of every wire type', () => {
    for (const type of [0, 1, 2, 5]) expectMalformed(Uint8Array.of(key(0, type), 0, 0, 0, 0, 0, 0, 0, 0), /invalid tag/, 0);
    const prefix = encode({ ruleSet: 'abc' });
    expectMalformed(concat(prefix, [0x00]), /invalid tag 0/, prefix.length);
    // field 0 written as a non-minimal varint is still field 0
    expectMalformed(Uint8Array.of(0x82, 0x80, 0x00, 0x00), /invalid tag/, 0);
  });

  it('a tag beyond 32 bits (field number ≥ 2^29)', () => {
    expectMalformed(concat(varint(2n ** 32n + 8n), [0]), /invalid tag/, 0);
  });

  it.each([
    ['a lone continuation byte', [0x80]],
    ['an overlong NUL', [0xc0, 0x80]],
    ['a cut two-byte sequence', [0x61, 0xc3]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['0xFF', [0x32, 0x30, 0xff]],
  ] as const)('invalid UTF-8 in rule_set and start_date: %s', (_, bad) => {
    const prefix = encode({ pointsPerDay: 96 });
    expectMalformed(concat(prefix, [key(1, BYTES), bad.length], bad), /rule_set is not valid UTF-8/, prefix.length, prefix.length + 2);
    expectMalformed(concat(prefix, [key(2, BYTES), bad.length], bad), /start_date is not valid UTF-8/, prefix.length, prefix.length + 2);
  });

  it('names the request and the offset counted from its first byte', () => {
    const prefix = encode({ ruleSet: 'rule-set', startDate: '2024-01-01', consumers: consumersA });
    const at = expectMalformed(concat(prefix, [key(3, BYTES), 1, 1]), /^malformed protobuf in request at byte \d+: field points_per_day has wire type 2, expected 0$/, prefix.length, prefix.length + 1);
    expect(at).toBeGreaterThan(30);
  });

  it('does not look inside consumers: a malformed consumer body is left to the consumer scan', () => {
    const bad = Uint8Array.of(key(5, BYTES), 3, 0, 0, 0); // packed load_kw of 3 bytes
    const bytes = concat([key(4, BYTES), bad.length], bad);
    expect(consumerBytes(bytes, scanRequest(bytes)).map((s) => Array.from(s))).toEqual([Array.from(bad)]);
  });
});
