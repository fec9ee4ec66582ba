// Consumer field 10, district, in the wire scan: checked as UTF-8 like group,
// kept as a byte range, decoded only when results are built; against
// @bufbuild/protobuf's decoding of the same bytes (built from proto/ by buf:
// an independent parser). A batch without any district decodes nothing.
import { fromBinary, type Message } from '@bufbuild/protobuf';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messageSchema } from '../../../lib/proto-registry.js';
import { batchError, concat, tag, varint, WIRE } from '../../../tests/support/wire.js';
import { MalformedProtobuf } from '../errors.js';
import { scanConsumers, type ConsumerIndex } from './consumers.js';
import { scanRequest } from './request.js';

const utf8 = new TextEncoder();
const ld = (field: number, body: ArrayLike<number>): number[] => [...tag(field, WIRE.bytes), ...varint(BigInt(body.length)), ...Array.from(body)];
const f32 = (value: number): number[] => Array.from(new Uint8Array(Float32Array.of(value).buffer));
const district = (text: string) => ld(10, utf8.encode(text));
const group = (text: string) => ld(7, utf8.encode(text));
const LOAD = ld(5, f32(1).concat(f32(2)));

/** Consumer bodies in one request, scanned. */
function scan(...bodies: ArrayLike<number>[]): ConsumerIndex {
  const bytes = concat(ld(2, utf8.encode('2026-10-01')), ...bodies.map((b) => ld(4, b)));
  const { consumers } = scanRequest(bytes);
  return scanConsumers(consumers.bytes, consumers.spans);
}

/** The district as @bufbuild/protobuf decodes the consumer. */
const reference = (body: Uint8Array) => (fromBinary(messageSchema('Consumer'), body) as Message & { district: string }).district;

describe('district in the wire scan', () => {
  it('reads the district as sent, leaves it empty when absent, and keeps it apart from id and group', () => {
    const index = scan(concat(ld(1, utf8.encode('acct-1')), district('海淀区'), group('台区-17'), LOAD), LOAD, concat(district('Zürich Kreis 4'), LOAD));
    expect([0, 1, 2].map((i) => index.district(i))).toEqual(['海淀区', '', 'Zürich Kreis 4']);
    expect(index.districts()).toEqual(['海淀区', '', 'Zürich Kreis 4']);
    expect([index.id(0), index.group(0)]).toEqual(['acct-1', '台区-17']);
    expect(Array.from(index.readingCount)).toEqual([2, 2, 2]);
  });

  it('keeps the district as a byte range inside the request', () => {
    const index = scan(concat(LOAD, district('Kreis 5')));
    expect(new TextDecoder().decode(index.bytes.subarray(index.districtStart[0], index.districtEnd[0]))).toBe('Kreis 5');
  });

  it('a batch whose consumers send no district, or only empty ones, has no districts to echo', () => {
    const index = scan(LOAD, concat(district(''), LOAD), concat(group('g'), LOAD));
    expect(index.anyDistrict).toBe(false);
    expect(index.districts()).toEqual([]);
  });

  it('the last district wins, as protobuf reads a repeated scalar', () => {
    const body = concat(district('first'), LOAD, district('second'));
    expect(scan(body).district(0)).toBe('second');
    expect(reference(body)).toBe('second');
  });

  it.each([
    ['district as a varint', [...tag(10, WIRE.varint), 1], /field district has wire type 0, expected 2/],
    ['district as fixed32', [...tag(10, WIRE.fixed32), ...f32(1)], /field district has wire type 5, expected 2/],
    ['district as fixed64', [...tag(10, WIRE.fixed64), 0, 0, 0, 0, 0, 0, 0, 0], /field district has wire type 1, expected 2/],
    ['district not UTF-8', ld(10, [0x61, 0xc3, 0x28]), /field district is not valid UTF-8/],
    ['district a lone surrogate (CESU-8)', ld(10, [0xed, 0xa0, 0x80]), /field district is not valid UTF-8/],
    ['district longer than the consumer', [...tag(10, WIRE.bytes), 40, 0x61], /length 40 runs past the end/],
  ] as const)('%s fails the batch, naming the consumer', (_, body, problem) => {
    const good = concat(LOAD);
    const error = batchError(() => scan(good, concat(ld(1, [0x62]), body), good));
    expect(error).toBeInstanceOf(MalformedProtobuf);
    expect((error as MalformedProtobuf).consumer).toBe(1);
    expect(error.message).toMatch(/^malformed protobuf in consumers\[1\] at byte \d+: /);
    expect(error.message).toMatch(problem);
  });
});

const otherField = fc.constantFrom(ld(1, utf8.encode('acct')), [...tag(2, WIRE.varint), 1], LOAD, group('g-1'), [...tag(8, WIRE.fixed32), ...f32(5)], [...tag(12, WIRE.varint), 3]);

describe('district, property: any text, order and repetition scans as @bufbuild/protobuf decodes', () => {
  it('random consumers with districts among the other fields', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 16 }).map(district), otherField), { maxLength: 8 }), { minLength: 1, maxLength: 6 }), (consumers) => {
        const bodies = consumers.map((fields) => concat(...fields));
        const index = scan(...bodies);
        const expected = bodies.map(reference);
        expect(bodies.map((_, i) => index.district(i))).toEqual(expected);
        expect(index.districts()).toEqual(expected.some((d) => d !== '') ? expected : []);
      }),
      { numRuns: 300 },
    );
  });
});
