// Proto3 JSON values of a ScoreBatchRequest, checked one field at a time with
// messages that name the path of the bad value (`consumers[3].loadKw[17]`).
// Both the lowerCamelCase JSON names and the original snake_case names are
// accepted; null means the field's default, as in every proto3 JSON parser.
import { gridcode } from '#gen/scoring.js';

/** A value that breaks the proto3 JSON mapping; `path` names it. */
export class JsonValueError extends Error {
  override readonly name = 'JsonValueError';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

/** Maps every accepted JSON name of a message's fields to the field's proto name. */
export function fieldNames(...protoNames: string[]): ReadonlyMap<string, string> {
  const names = new Map<string, string>();
  for (const name of protoNames) {
    names.set(name, name);
    names.set(camelCase(name), name);
  }
  return names;
}

/** The JSON names to list in a message about an unknown field: the lowerCamelCase ones. */
export function jsonNames(names: ReadonlyMap<string, string>): string {
  return [...new Set(names.values())].map(camelCase).join(', ');
}

function camelCase(protoName: string): string {
  return protoName.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

const FLOAT32_MAX = 3.4028234663852886e38;
const NUMBER_TEXT = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A proto3 JSON `float`: a number, a numeric string, or "NaN", "Infinity", "-Infinity". */
export function float32(value: unknown, path: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(Math.fround(value))) throw new JsonValueError(path, `${value} is out of range for a float`);
    return value;
  }
  if (typeof value === 'string') {
    if (value === 'NaN') return NaN;
    if (value === 'Infinity') return Infinity;
    if (value === '-Infinity') return -Infinity;
    if (NUMBER_TEXT.test(value)) return float32(Number(value), path);
  }
  throw new JsonValueError(path, `expected a number or "NaN"/"Infinity", got ${describeValue(value)}`);
}

/** A proto3 JSON `repeated float`, into a Float32Array (reused when it is long enough: the result views it). */
export function float32List(value: unknown, path: string, into: { buffer: Float32Array }): Float32Array {
  if (value === null) return into.buffer.subarray(0, 0);
  if (!Array.isArray(value)) throw new JsonValueError(path, `expected a list of numbers, got ${describeValue(value)}`);
  const n = value.length;
  if (into.buffer.length < n) into.buffer = new Float32Array(Math.max(n, 2 * into.buffer.length));
  const out = into.buffer.subarray(0, n);
  for (let i = 0; i < n; i++) {
    const v: unknown = value[i];
    // Plain numbers in float range are the hot path; everything else goes through the full check.
    out[i] = typeof v === 'number' && Math.abs(v) <= FLOAT32_MAX ? v : float32(v, `${path}[${i}]`);
  }
  return out;
}

/** A proto3 JSON `uint32`: an integer number or a string of one. */
export function uint32(value: unknown, path: string): number {
  const n = typeof value === 'string' && NUMBER_TEXT.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw new JsonValueError(path, `expected a whole number from 0 to 4294967295, got ${describeValue(value)}`);
  }
  return n;
}

export function string(value: unknown, path: string): string {
  if (value === null) return '';
  if (typeof value !== 'string') throw new JsonValueError(path, `expected a string, got ${describeValue(value)}`);
  return value;
}

export function bool(value: unknown, path: string): boolean {
  if (value === null) return false;
  if (typeof value !== 'boolean') throw new JsonValueError(path, `expected true or false, got ${describeValue(value)}`);
  return value;
}

/** A proto3 JSON enum value: its name (`CATEGORY_RESIDENTIAL`) or its number; only the values the contract defines. */
export function enumValue(value: unknown, path: string, values: Readonly<Record<string, number>>): number {
  if (value === null) return 0;
  if (typeof value === 'string' && Object.hasOwn(values, value)) return values[value]!;
  if (typeof value === 'number' && Object.values(values).includes(value)) return value;
  throw new JsonValueError(path, `expected one of ${Object.keys(values).join(', ')} (or its number), got ${describeValue(value)}`);
}

/** A plain JSON object, the only thing a message may be. */
export function object(value: unknown, path: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new JsonValueError(path, `expected an object, got ${describeValue(value)}`);
  return value as Record<string, unknown>;
}

export const CATEGORY: Readonly<Record<string, number>> = gridcode.v1.Category as unknown as Record<string, number>;
export const ZONE: Readonly<Record<string, number>> = gridcode.v1.Zone as unknown as Record<string, number>;

/** A value as it reads in a message: `true`, `"abc"`, `an object`; cut short when long. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
