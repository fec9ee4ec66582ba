// The follow-up fields of Consumer (7 group, 8 baseline_kw, 9 watch) in the
// wire scan, against @bufbuild/protobuf's decoding of the same bytes (built
// from proto/ by buf: an independent parser): any order, repeated (the last
// scalar wins, the Watch messages merge, as protobuf merges embedded
// messages), unknown fields inside Watch, and malformed wire types.
import { fromBinary, type Message } from '@bufbuild/protobuf';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messageSchema } from '../../../lib/proto-registry.js';
import { batchError, concat, tag, varint, WIRE } from '../../../tests/support/wire.js';
import { MalformedProtobuf } from '../errors.js';
import { scanConsumers, type ConsumerIndex } from './consumers.js';
import { scanRequest } from './request.js';
import { watchCode } from './watch.js';

const utf8 = new TextEncoder();
const ld = (field: number, body: ArrayLike<number>): number[] => [...tag(field, WIRE.bytes), ...varint(BigInt(body.length)), ...Array.from(body)];
const f32 = (value: number): number[] => Array.from(new Uint8Array(Float32Array.of(value).buffer));
/** An int32 enum value as protobuf writes it: negative ones sign-extended to 10 bytes. */
const enumVarint = (value: number): number[] => varint(BigInt.asUintN(64, BigInt(value)));

const group = (text: string) => ld(7, utf8.encode(text));
const baseline = (kw: number) => [...tag(8, WIRE.fixed32), ...f32(kw)];
const status = (value: number) => [...tag(1, WIRE.varint), ...enumVarint(value)];
const since = (text: string) => ld(2, utf8.encode(text));
const watch = (...fields: number[][]) => ld(9, concat(...fields));
const LOAD = ld(5, f32(1).concat(f32(2)));

/** Consumer bodies in one request, scanned. */
function scan(...bodies: ArrayLike<number>[]): ConsumerIndex {
  const bytes = concat(ld(2, utf8.encode('2026-10-01')), ...bodies.map((b) => ld(4, b)));
  const { consumers } = scanRequest(bytes);
  return scanConsumers(consumers.bytes, consumers.spans);
}

/** The follow-up fields of consumer i as the scan holds them. */
const followUp = (index: ConsumerIndex, i = 0) => ({ group: index.group(i), baseline: index.baseline[i], status: index.watchStatus[i], since: index.watchSince[i] });

interface BufConsumer extends Message {
  group: string;
  baselineKw: number;
  watch?: { status: number; since: string };
}

/** The same fields as @bufbuild/protobuf decodes them, the status as the engine holds it. */
function reference(body: Uint8Array) {
  const c = fromBinary(messageSchema('Consumer'), body) as BufConsumer;
  return { group: c.group, baseline: c.baselineKw, status: watchCode(c.watch?.status ?? 0), since: c.watch?.since ?? '' };
}

describe('the follow-up fields in the wire scan', () => {
  it('reads group, baseline_kw and watch, and leaves them at their defaults when absent', () => {
    const index = scan(concat(group('台区-17'), baseline(3.5), watch(status(2), since('2026-10-01')), LOAD), LOAD);
    expect(followUp(index, 0)).toEqual({ group: '台区-17', baseline: 3.5, status: 2, since: '2026-10-01' });
    expect(followUp(index, 1)).toEqual({ group: '', baseline: 0, status: 0, since: '' });
    expect([index.readingCount[0], index.readingCount[1]]).toEqual([2, 2]);
  });

  it('keeps the group as a byte range inside the request', () => {
    const index = scan(concat(LOAD, group('building 4')));
    const text = new TextDecoder().decode(index.bytes.subarray(index.groupStart[0], index.groupEnd[0]));
    expect(text).toBe('building 4');
  });

  it('repeated scalars: the last wins; repeated watch messages merge field by field', () => {
    const body = concat(group('a'), baseline(1), watch(status(1), since('2026-01-01')), group('b'), baseline(NaN), watch(since('2026-02-01')), watch(status(3)));
    expect(followUp(scan(body))).toEqual({ group: 'b', baseline: NaN, status: 3, since: '2026-02-01' });
    expect(reference(body)).toEqual({ group: 'b', baseline: NaN, status: 3, since: '2026-02-01' });
  });

  it('a status given as 0 on the wire overwrites an earlier one (present on the wire, so merged)', () => {
    const body = concat(watch(status(2), since('2026-03-01')), watch(status(0)));
    expect(followUp(scan(body))).toEqual(reference(body));
    expect(scan(body).watchStatus[0]).toBe(0);
  });

  it('skips unknown fields of every wire type inside Watch, including ones that look like Consumer fields', () => {
    const noise = [...tag(3, WIRE.varint), ...varint(2n ** 63n), ...tag(4, WIRE.fixed64), 1, 2, 3, 4, 5, 6, 7, 8, ...ld(5, f32(99)), ...tag(7, WIRE.fixed32), ...f32(1), ...ld(1000, [0xff, 0xfe])];
    const body = concat(watch(noise, status(4), noise, since('2026-05-05'), noise), LOAD);
    expect(followUp(scan(body))).toEqual({ group: '', baseline: 0, status: 4, since: '2026-05-05' });
    expect(scan(body).readingCount[0]).toBe(2);
  });

  it('unknown WatchStatus numbers are kept when they fit a byte, 255 otherwise (still watched)', () => {
    const statuses = [5, 17, 255, 256, 70_000, -1, -(2 ** 31)];
    const index = scan(...statuses.map((s) => concat(watch(status(s)))));
    expect(Array.from(index.watchStatus)).toEqual([5, 17, 255, 255, 255, 255, 255]);
  });

  it.each([
    ['group as a varint', [...tag(7, WIRE.varint), 1], /field group has wire type 0, expected 2/],
    ['group as fixed32', [...tag(7, WIRE.fixed32), ...f32(1)], /field group has wire type 5, expected 2/],
    ['baseline_kw as a varint', [...tag(8, WIRE.varint), 1], /field baseline_kw has wire type 0, expected 5/],
    ['baseline_kw packed', ld(8, f32(1)), /field baseline_kw has wire type 2, expected 5/],
    ['baseline_kw as fixed64', [...tag(8, WIRE.fixed64), 0, 0, 0, 0, 0, 0, 0, 0], /field baseline_kw has wire type 1, expected 5/],
    ['baseline_kw cut short', [...tag(8, WIRE.fixed32), 0, 0], /fixed32 runs past the end/],
    ['watch as a varint', [...tag(9, WIRE.varint), 1], /field watch has wire type 0, expected 2/],
    ['watch as a group start', [...tag(9, WIRE.startGroup), ...tag(9, WIRE.endGroup)], /field watch has wire type 3, expected 2/],
    ['watch.status as bytes', watch(ld(1, [2])), /field watch.status has wire type 2, expected 0/],
    ['watch.since as a varint', watch([...tag(2, WIRE.varint), 1]), /field watch.since has wire type 0, expected 2/],
    ['group not UTF-8', ld(7, [0x61, 0xc3, 0x28]), /field group is not valid UTF-8/],
    ['watch.since not UTF-8', watch(ld(2, [0xff])), /field watch.since is not valid UTF-8/],
    ['a Watch field running past the Watch', [...tag(9, WIRE.bytes), 2, ...tag(2, WIRE.bytes), 5, ...ld(1, [0x61, 0x62, 0x63])], /length 5 runs past the end/],
    ['a truncated varint inside Watch', [...ld(9, [...tag(1, WIRE.varint), 0x81]), ...LOAD], /varint runs past the end/],
    ['a wire type 7 inside Watch', watch([...tag(5, 7), 0]), /unsupported wire type 7/],
  ] as const)('%s is malformed, naming the consumer', (_, body, problem) => {
    const good = concat(LOAD);
    const error = batchError(() => scan(good, concat(ld(1, [0x62]), body), good));
    expect(error).toBeInstanceOf(MalformedProtobuf);
    expect(error.message).toMatch(/^malformed protobuf in consumers\[1\] at byte \d+: /);
    expect(error.message).toMatch(problem);
  });

  it('a Watch body ending inside a field that fits the consumer is caught at the Watch end, not read on into the consumer', () => {
    // Watch claims 2 bytes: since's tag and a length of 3, whose bytes follow outside the Watch.
    const body = concat([...tag(9, WIRE.bytes), 2, ...tag(2, WIRE.bytes), 3], [0x61, 0x62, 0x63]);
    expect(batchError(() => scan(body)).message).toMatch(/length 3 runs past the end of the message/);
  });
});

/** One follow-up field as bytes; several of them in any order make a Consumer body. */
const followUpField = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }).map(group),
  fc.oneof(fc.float(), fc.constantFrom(0, -1, NaN, Infinity, -Infinity)).map(baseline),
  fc
    .array(
      fc.oneof(
        fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })).map(status),
        fc.oneof(fc.constantFrom('', '2026-02-30', '2026-10-01'), fc.string({ maxLength: 12 })).map(since),
        fc.constantFrom([...tag(3, WIRE.varint), 7], ld(9, [1, 2, 3]), [...tag(6, WIRE.fixed32), 0, 0, 0, 0]),
      ),
      { maxLength: 5 },
    )
    .map((fields) => watch(...fields)),
);
const otherField = fc.constantFrom(ld(1, utf8.encode('acct')), [...tag(2, WIRE.varint), 1], LOAD, [...tag(4, WIRE.fixed32), ...f32(5)], [...tag(12, WIRE.varint), 3]);

describe('the follow-up fields, property: any mix, order and repetition scans as @bufbuild/protobuf decodes', () => {
  it('random consumers of follow-up fields among the others', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.oneof(followUpField, otherField), { maxLength: 10 }), { minLength: 1, maxLength: 6 }), (consumers) => {
        const bodies = consumers.map((fields) => concat(...fields));
        const index = scan(...bodies);
        bodies.forEach((body, i) => expect(followUp(index, i)).toEqual(reference(body)));
      }),
      { numRuns: 300 },
    );
  });
});
