// Hand-made protobuf bytes and the BatchError check, for the tests of the
// wire scanner, the engine and the fuzz suite: the forms encoders never write
// (over-long varints, lying lengths, wrong wire types) have to be built by hand.
import { expect } from 'vitest';
import { BatchError } from '../../engine/src/errors.js';

export const WIRE = { varint: 0, fixed64: 1, bytes: 2, startGroup: 3, endGroup: 4, fixed32: 5 } as const;

/** Unsigned LEB128 of any size, including values past 2^64 that no decoder may accept. */
export function varint(value: bigint): number[] {
  const out: number[] = [];
  do {
    const low = Number(value & 0x7fn);
    value >>= 7n;
    out.push(value > 0n ? low | 0x80 : low);
  } while (value > 0n);
  return out;
}

/** A field key as varint bytes (one byte only below field 16). */
export function tag(field: number, wireType: number): number[] {
  return varint((BigInt(field) << 3n) | BigInt(wireType));
}

export function concat(...parts: ArrayLike<number>[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => Array.from(p)));
}

/** The BatchError `run` throws; fails the test when it throws something else or nothing. */
export function batchError(run: () => unknown): BatchError {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  if (thrown === undefined) throw new Error('expected a BatchError, nothing was thrown');
  expect(thrown, String(thrown)).toBeInstanceOf(BatchError);
  return thrown as BatchError;
}
