import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonScanner, JsonSyntaxError } from './json-stream.js';

interface Scan {
  members: Array<[name: string, text: string]>;
  elements: Array<[member: string, index: number, text: string]>;
}

/** Scans `text` fed in pieces cut at `cuts` (byte positions), the way a file arrives in chunks. */
function scan(text: string, cuts: number[] = []): Scan {
  const bytes = new TextEncoder().encode(text);
  const decode = (start: number, end: number) => new TextDecoder().decode(bytes.subarray(start, end));
  const result: Scan = { members: [], elements: [] };
  const scanner = new JsonScanner({
    member: (name, start, end) => result.members.push([name, decode(start, end)]),
    element: (member, index, start, end) => result.elements.push([member, index, decode(start, end)]),
  });
  let at = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < bytes.length)].sort((a, b) => a - b).concat(bytes.length)) {
    scanner.feed(bytes.subarray(at, cut));
    at = cut;
  }
  scanner.finish();
  return result;
}

function syntaxError(text: string): JsonSyntaxError {
  try {
    scan(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) return error;
    throw error;
  }
  throw new Error(`no syntax error in ${text}`);
}

const isPlainObject = (value: unknown) => value !== null && typeof value === 'object' && !Array.isArray(value);

describe('JsonScanner', () => {
  it('reports each top-level member and each element of a top-level array, whatever the chunking', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.boolean(), fc.array(fc.nat({ max: 2000 })), (object, pretty, cuts) => {
        const text = JSON.stringify(object, null, pretty ? 2 : undefined);
        const { members, elements } = scan(text, cuts);
        expect(Object.fromEntries(members.map(([name, value]) => [name, JSON.parse(value) as unknown]))).toEqual(JSON.parse(text));
        // From the text as JSON.parse reads it, not the generated object: JSON.stringify writes -0 as 0.
        const expected = Object.entries(JSON.parse(text) as Record<string, unknown>).flatMap(([name, value]) => (Array.isArray(value) ? value.map((element, index) => [name, index, element] as const) : []));
        expect(elements.map(([name, index, value]) => [name, index, JSON.parse(value) as unknown])).toEqual(expected);
      }),
    );
  });

  it('accepts exactly the JSON objects that JSON.parse accepts', () => {
    const significant = fc.constantFrom(...'{}[]",:0123-.eE+tfnu\\ \n'.split(''), 'true', 'null', '\u00e9', '\t');
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 3 })), fc.nat(), fc.nat({ max: 2 }), significant, fc.array(fc.nat({ max: 300 })), (object, position, edit, piece, cuts) => {
        const original = JSON.stringify(object);
        const at = position % (original.length + 1);
        const text = edit === 0 ? original.slice(0, at) + piece + original.slice(at) : edit === 1 ? original.slice(0, at) + original.slice(at + 1) : original.slice(0, at) + piece + original.slice(at + 1);
        let valid: boolean;
        try {
          valid = isPlainObject(JSON.parse(text));
        } catch {
          valid = false;
        }
        let accepted = true;
        try {
          scan(text, cuts);
        } catch (error) {
          if (!(error instanceof JsonSyntaxError)) throw error;
          accepted = false;
        }
        expect(accepted, text).toBe(valid);
      }),
      { numRuns: 2000 },
    );
  });

  it('names the offset and the problem', () => {
    expect(syntaxError('{"a": [1, 2,]}')).toMatchObject({ offset: 12, message: "expected a value, got ']'" });
    expect(syntaxError('{"a": 01}')).toMatchObject({ offset: 7, message: 'a number may not have a leading zero' });
    expect(syntaxError('{"a": 1.}')).toMatchObject({ offset: 8, message: "invalid number: expected a digit, got '}'" });
    expect(syntaxError('{"a": [1 2]}')).toMatchObject({ offset: 9, message: "expected ',' or ']' after an array element, got '2'" });
    expect(syntaxError('{"a": "x\ny"}')).toMatchObject({ offset: 8 });
    expect(syntaxError('{"a": tru}')).toMatchObject({ offset: 9, message: "invalid literal: expected 'true'" });
    expect(syntaxError('{"a": 1} x')).toMatchObject({ offset: 9, message: "unexpected 'x' after the end of the JSON object" });
    expect(syntaxError('[1, 2]')).toMatchObject({ offset: 0, message: "expected a JSON object ('{'), got '['" });
    expect(syntaxError('{"a": [1, 2]')).toMatchObject({ offset: 12, message: 'unexpected end of the file with 1 unclosed bracket' });
    expect(syntaxError('  ')).toMatchObject({ message: 'the file is empty; expected a JSON object' });
  });

  it('skips a UTF-8 byte order mark and decodes escaped member names', () => {
    expect(scan('\ufeff{"a\\u0062": 1}').members).toEqual([['ab', '1']]);
  });
});
