// JSON requests gone wrong: values of the wrong type, nulls, deep nesting,
// numbers past float64, duplicate keys, a BOM, invalid UTF-8, truncated text.
// Starts from a valid proto3 JSON request and breaks one thing (or a few).
import { concat } from './protobuf.js';
import type { Random } from './random.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const encoder = new TextEncoder();

/** A value of the wrong kind for wherever it lands. */
function wrongValue(random: Random): Json {
  return random.pick<() => Json>([
    () => null,
    () => 'not a number',
    () => '12',
    () => 'NaN',
    () => '-Infinity',
    () => true,
    () => 1e308,
    () => -1,
    () => 2 ** 53 + 1,
    () => 0.5,
    () => [],
    () => [1, 'two', null],
    () => ({}),
    () => ({ nested: { deeper: [] } }),
    () => '\u0000',
    () => 'x'.repeat(random.pick([1, 100, 70_000])),
  ])();
}

/** Every [container, key] in the value, to pick one to break. */
function slots(value: Json, out: [Json[] | Record<string, Json>, string | number][] = [], budget = { left: 400 }): typeof out {
  if (budget.left-- <= 0 || value === null || typeof value !== 'object') return out;
  if (Array.isArray(value)) value.forEach((item, i) => (out.push([value, i]), slots(item, out, budget)));
  else for (const key of Object.keys(value)) out.push([value, key]), slots(value[key]!, out, budget);
  return out;
}

function replaceOne(random: Random, value: Json): string {
  const copy = structuredClone(value);
  const all = slots(copy);
  for (let n = random.range(1, 3); n > 0 && all.length > 0; n--) {
    const [container, key] = random.pick(all);
    (container as Record<string | number, Json>)[key] = wrongValue(random);
  }
  return JSON.stringify(copy);
}

function unknownKey(random: Random, value: Json): string {
  const copy = structuredClone(value) as Record<string, Json>;
  copy[random.pick(['rule_set', 'start_date', 'extra', '__proto__', 'constructor', 'consumers ', ''])] = wrongValue(random);
  return JSON.stringify(copy);
}

/** The first member again at the end: JSON.parse keeps the last, protobuf's rules do not say. */
function duplicateKey(random: Random, value: Json): string {
  const text = JSON.stringify(value);
  const close = text.lastIndexOf('}');
  if (close <= 0) return text;
  const member = random.pick(['"ruleSet":"default"', '"startDate":"2026-03-02"', '"pointsPerDay":24', '"consumers":[]', '"source":"x"', '"rule_set":"default"']);
  return `${text.slice(0, close)}${text.length > 2 ? ',' : ''}${member}}`;
}

function deepNesting(random: Random): string {
  // Deeper ones (100,000 levels) are among the large inputs (corpus.ts): each costs milliseconds.
  const depth = random.pick([64, 1000, 5000]);
  const open = random.pick(['[', '{"a":']);
  const close = open === '[' ? ']' : '}';
  return `{"consumers":${open.repeat(depth)}1${random.chance(0.8) ? close.repeat(depth) : ''}}`;
}

function hugeNumber(random: Random): string {
  return random.pick([
    `{"pointsPerDay":${'9'.repeat(400)}}`,
    '{"pointsPerDay":1e400}',
    '{"pointsPerDay":-0}',
    '{"pointsPerDay":96.0000000001}',
    `{"consumers":[{"loadKw":[${'1e39,'.repeat(500)}1]}]}`,
    '{"consumers":[{"capacityKw":-1e-400}]}',
    '{"pointsPerDay":"96"}',
    '{"pointsPerDay":4294967296}',
  ]);
}

function textMutation(random: Random, text: string): Uint8Array {
  const bytes = encoder.encode(text);
  switch (random.int(4)) {
    case 0:
      return concat([0xef, 0xbb, 0xbf], bytes); // a byte order mark
    case 1:
      return bytes.slice(0, random.int(bytes.length + 1));
    case 2: {
      // Invalid UTF-8: a lone continuation byte, an overlong '/', a surrogate, or 0xFF.
      const bad = random.pick([[0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff], [0xf4, 0x90, 0x80, 0x80]]);
      const at = random.int(bytes.length + 1);
      return concat(bytes.subarray(0, at), bad, bytes.subarray(at));
    }
    default: {
      const out = bytes.slice();
      if (out.length > 0) out[random.int(out.length)] = random.pick([0x22, 0x7b, 0x5d, 0x2c, 0x00, 0x5c]);
      return out;
    }
  }
}

/** A broken JSON request body from a valid request value. */
export function mutateJson(random: Random, value: Json): { kind: string; bytes: Uint8Array } {
  const kind = random.pick(['wrong-type', 'wrong-type', 'unknown-key', 'duplicate-key', 'deep-nesting', 'huge-number', 'broken-text', 'not-an-object']);
  switch (kind) {
    case 'wrong-type':
      return { kind: 'json-wrong-type', bytes: encoder.encode(replaceOne(random, value)) };
    case 'unknown-key':
      return { kind: 'json-unknown-key', bytes: encoder.encode(unknownKey(random, value)) };
    case 'duplicate-key':
      return { kind: 'json-duplicate-key', bytes: encoder.encode(duplicateKey(random, value)) };
    case 'deep-nesting':
      return { kind: 'json-deep-nesting', bytes: encoder.encode(deepNesting(random)) };
    case 'huge-number':
      return { kind: 'json-huge-number', bytes: encoder.encode(hugeNumber(random)) };
    case 'broken-text':
      return { kind: 'json-broken-text', bytes: textMutation(random, JSON.stringify(value)) };
    default:
      return { kind: 'json-not-an-object', bytes: encoder.encode(JSON.stringify(wrongValue(random))) };
  }
}

export type { Json };
