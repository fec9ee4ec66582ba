// Byte-level mutations of a valid protobuf request: truncation, bit flips,
// spliced garbage, and hostile fields (wrong wire type, overlong varint,
// huge length, unknown or repeated field) put at the top level or inside a
// Consumer. Each mutator is named, so that outcomes can be counted by kind.
import { REQUEST_FIELDS } from '../../../engine/src/wire/request.js';
import { concat, fieldOfType, hugeLengthField, lengthDelimited, oddFieldNumber, overlongVarint, tag, varint, WIRE } from './protobuf.js';
import type { Random } from './random.js';

export type Mutator = (random: Random, bytes: Uint8Array) => Uint8Array;

/** Field numbers of Consumer in scoring.proto, with their wire types. */
const CONSUMER_FIELDS: Readonly<Record<number, number>> = { 1: WIRE.bytes, 2: WIRE.varint, 3: WIRE.varint, 4: WIRE.fixed32, 5: WIRE.bytes, 6: WIRE.bytes, 7: WIRE.bytes, 8: WIRE.fixed32, 9: WIRE.bytes };
const REQUEST_WIRE_TYPES: Readonly<Record<number, number>> = Object.fromEntries(Object.entries(REQUEST_FIELDS).map(([n, f]) => [n, f.wireType]));

function truncate(random: Random, bytes: Uint8Array): Uint8Array {
  return bytes.slice(0, bytes.length === 0 ? 0 : random.int(bytes.length));
}

function flipBits(random: Random, bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  if (out.length === 0) return random.bytes(1);
  for (let n = random.range(1, 8); n > 0; n--) out[random.int(out.length)]! ^= 1 << random.int(8);
  return out;
}

function setBytes(random: Random, bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  if (out.length === 0) return random.bytes(1);
  for (let n = random.range(1, 4); n > 0; n--) out[random.int(out.length)] = random.pick([0x00, 0x7f, 0x80, 0xff, random.int(256)]);
  return out;
}

function splice(random: Random, bytes: Uint8Array): Uint8Array {
  const at = random.int(bytes.length + 1);
  const cut = random.chance(0.5) ? random.int(8) : 0;
  return concat(bytes.subarray(0, at), random.bytes(random.int(16)), bytes.subarray(Math.min(bytes.length, at + cut)));
}

/** A hostile field for a message whose fields are `fields` (number → wire type). */
function hostileField(random: Random, fields: Readonly<Record<number, number>>): number[] {
  const numbers = Object.keys(fields).map(Number);
  const known = random.pick(numbers);
  switch (random.int(6)) {
    case 0: {
      // A known field with every other wire type in turn: one picked here.
      const wrong = random.pick([0, 1, 2, 3, 4, 5, 6, 7].filter((t) => t !== fields[known]));
      return fieldOfType(random, known, wrong);
    }
    case 1:
      return [...tag(known, WIRE.varint), ...overlongVarint(BigInt(random.int(300)), random.range(11, 20))];
    case 2:
      return hugeLengthField(random, random.chance(0.7) ? known : oddFieldNumber(random));
    case 3:
      return fieldOfType(random, oddFieldNumber(random), random.int(8));
    case 4:
      // An overlong tag: the field number itself as an 11+ byte varint.
      return [...overlongVarint(BigInt((known << 3) | (fields[known] ?? 0)), random.range(11, 14)), ...random.bytes(2)];
    default:
      // A varint field given a value past 64 bits' worth of bytes, or 2^64 - 1.
      return [...tag(known, WIRE.varint), ...(random.chance(0.5) ? varint(2n ** 64n - 1n) : new Array<number>(random.range(10, 12)).fill(0xff))];
  }
}

function hostileRequestField(random: Random, bytes: Uint8Array): Uint8Array {
  const extra = hostileField(random, REQUEST_WIRE_TYPES);
  return random.chance(0.5) ? concat(bytes, extra) : concat(extra, bytes);
}

/** A Consumer (field 4) whose own bytes carry a hostile field, appended to an otherwise valid batch. */
function hostileConsumerField(random: Random, bytes: Uint8Array): Uint8Array {
  const consumer = [...lengthDelimited(1, [0x63, 0x78]), ...hostileField(random, CONSUMER_FIELDS)];
  return concat(bytes, lengthDelimited(4, consumer));
}

/** A packed load_kw whose length is not a multiple of 4, or readings given unpacked, or both forms mixed. */
function oddReadings(random: Random, bytes: Uint8Array): Uint8Array {
  const floats = random.bytes(4 * random.range(0, 6));
  const consumer = random.pick([
    () => lengthDelimited(5, random.bytes(random.pick([1, 2, 3, 5, 7]))),
    () => [...tag(5, WIRE.fixed32), ...floats.subarray(0, 4), ...tag(5, WIRE.fixed32), ...random.bytes(4)],
    () => [...lengthDelimited(5, floats), ...tag(5, WIRE.fixed32), ...random.bytes(4), ...lengthDelimited(6, random.bytes(3))],
  ])();
  return concat(bytes, lengthDelimited(4, consumer));
}

/** A known field repeated many times (the last scalar wins; each string is decoded). */
function repeatField(random: Random, bytes: Uint8Array): Uint8Array {
  const field = random.pick([1, 2, 3, 5, 6, 7]);
  const one = REQUEST_WIRE_TYPES[field] === WIRE.bytes ? lengthDelimited(field, [0x32, 0x30]) : [...tag(field, WIRE.varint), ...varint(BigInt(random.int(300)))];
  const times = random.pick([2, 10, 1000]);
  const parts: number[] = [];
  for (let i = 0; i < times; i++) parts.push(...one);
  return concat(bytes, parts);
}

function randomBytes(random: Random): Uint8Array {
  return random.bytes(random.pick([0, 1, 2, 5, 16, 64, 512]));
}

export const PROTO_MUTATORS: Readonly<Record<string, Mutator>> = {
  'random-bytes': (random) => randomBytes(random),
  truncate,
  'bit-flip': flipBits,
  'set-bytes': setBytes,
  splice,
  'hostile-field': hostileRequestField,
  'hostile-consumer-field': hostileConsumerField,
  'odd-readings': oddReadings,
  'repeated-field': repeatField,
};

/** Mutators that only make sense for ScoreBatch's fields. */
export const SCORE_ONLY = new Set(['hostile-consumer-field', 'odd-readings', 'repeated-field']);
