import { describe, expect, it } from 'vitest';
import { FeatureMatrix } from '../engine/src/index.js';
import { featureLines, jsonNumber } from './output.js';

describe('feature lines', () => {
  it('writes floats as proto3 JSON does', () => {
    expect([1.5, 0, -0, 30, NaN, Infinity, -Infinity, 1e-7].map(jsonNumber)).toEqual(['1.5', '0', '0', '30', '"NaN"', '"Infinity"', '"-Infinity"', '1e-7']);
  });

  it('writes one line per consumer from a column-major matrix, with a note when there is one', () => {
    const matrix = new FeatureMatrix(['days', 'mean_kw'], 2, () => Float64Array.of(30, NaN, 1.25, NaN), new Map([[1, 'no readings']]));
    expect(featureLines(matrix, ['a', 'b "2"'])).toBe('{"id":"a","features":{"days":30,"mean_kw":1.25}}\n' + '{"id":"b \\"2\\"","features":{"days":"NaN","mean_kw":"NaN"},"note":"no readings"}\n');
  });
});
