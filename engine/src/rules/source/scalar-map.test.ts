// Spans inside `when` map back to the file for every scalar style YAML has.
import { describe, expect, test } from 'vitest';
import { isMap, parseDocument, type Scalar } from 'yaml';
import { scalarSpanMap } from './scalar-map.js';

/** Maps the span of `word` in the value of `when` and returns the file text there. */
function mapped(source: string, word: string): string {
  const doc = parseDocument(source);
  if (!isMap(doc.contents)) throw new Error('map expected');
  const node = doc.contents.get('when', true) as Scalar;
  const text = String(node.value);
  const start = text.indexOf(word);
  expect(start).toBeGreaterThanOrEqual(0);
  const span = scalarSpanMap(source, node, text)({ start, end: start + word.length });
  return source.slice(span.start, span.end);
}

describe('scalar span map', () => {
  test.each([
    ['plain', 'when: a and nigth > 1\n'],
    ['plain, folded over lines', 'when: a and\n  b or\n\n  nigth > 1\n'],
    ['double-quoted with escapes', 'when: "\\"x\\" and\\u0020nigth > 1"\n'],
    ['double-quoted over lines', 'when: "a and\n  nigth > 1"\n'],
    ['double-quoted, escaped line break', 'when: "a and \\\n  nigth > 1"\n'],
    ['single-quoted', "when: 'it''s and nigth > 1'\n"],
    ['literal block', 'when: |\n  a and\n    b and nigth > 1\n'],
    ['folded block', 'when: >-\n  a and\n  b and\n  nigth > 1\n'],
    ['JSON', '{"when": "a and nigth > 1"}'],
  ])('%s', (_, source) => {
    expect(mapped(source, 'nigth')).toBe('nigth');
  });

  test('a lost alignment falls back to the start of the scalar', () => {
    const source = 'when: a\n';
    const doc = parseDocument(source);
    const node = (doc.contents as unknown as { get(k: string, keep: true): Scalar }).get('when', true);
    // A text that is not what the node holds: nothing to align with.
    expect(scalarSpanMap(source, node, 'zzz')({ start: 1, end: 2 })).toEqual({ start: 6, end: 7 });
  });
});
