// Raw protobuf pieces a generated encoder never writes: overlong varints,
// lengths that overrun the message, fields with the wrong wire type, unknown
// and repeated fields, groups and the reserved wire types 6 and 7.
import { concatBytes } from '../../../gateway/protocols/framing.js';
import type { Random } from './random.js';

import { tag, varint, WIRE } from '../wire.js';

export { tag, varint, WIRE };

/** A varint padded with continuation bytes to `length` bytes: 11 and more is past what any decoder may accept. */
export function overlongVarint(value: bigint, length: number): number[] {
  const bytes = varint(value);
  while (bytes.length < length) {
    bytes[bytes.length - 1]! |= 0x80;
    bytes.push(0);
  }
  return bytes;
}

export function lengthDelimited(field: number, payload: ArrayLike<number>): number[] {
  return [...tag(field, WIRE.bytes), ...varint(BigInt(payload.length)), ...Array.from(payload)];
}

/** A field with a payload that fits the wire type (so that only the type is wrong, not the framing). */
export function fieldOfType(random: Random, field: number, wireType: number): number[] {
  switch (wireType) {
    case WIRE.varint:
      return [...tag(field, wireType), ...varint(random.pick([0n, 1n, 96n, 2n ** 32n - 1n, 2n ** 63n, 2n ** 64n - 1n]))];
    case WIRE.fixed64:
      return [...tag(field, wireType), ...random.bytes(8)];
    case WIRE.fixed32:
      return [...tag(field, wireType), ...random.bytes(4)];
    case WIRE.bytes:
      return lengthDelimited(field, random.bytes(random.int(12)));
    case WIRE.startGroup:
      // A group, closed or not, possibly holding a field.
      return [...tag(field, WIRE.startGroup), ...(random.chance(0.5) ? fieldOfType(random, random.range(1, 9), WIRE.varint) : []), ...(random.chance(0.7) ? tag(field, WIRE.endGroup) : [])];
    default:
      // 4 (a stray end-group), 6 and 7 (reserved): nothing well-formed follows.
      return [...tag(field, wireType), ...random.bytes(random.int(4))];
  }
}

/** A length prefix that claims far more than the message holds: 2^31, 2^32 - 1, 2^63, 2^64 - 1. */
export function hugeLengthField(random: Random, field: number): number[] {
  const length = random.pick([2n ** 31n, 2n ** 31n - 1n, 2n ** 32n - 1n, 2n ** 32n + 5n, 2n ** 63n, 2n ** 64n - 1n]);
  return [...tag(field, WIRE.bytes), ...varint(length), ...random.bytes(random.int(6))];
}

/** A field number protobuf forbids or the schema does not know: 0, 19000 (reserved range), 2^29 - 1, or just unknown. */
export function oddFieldNumber(random: Random): number {
  return random.pick([0, 8, 15, 16, 99, 19_000, 19_999, 2 ** 29 - 1, random.range(8, 5000)]);
}

export function concat(...parts: ArrayLike<number>[]): Uint8Array {
  return concatBytes(parts.map((part) => (part instanceof Uint8Array ? part : Uint8Array.from(part))));
}
