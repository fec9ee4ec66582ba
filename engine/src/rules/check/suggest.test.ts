import { describe, expect, test } from 'vitest';
import { distance, nearest } from './suggest.js';

describe('suggestions', () => {
  test('distance counts a swap of neighbours as one edit', () => {
    expect(distance('industiral', 'industrial')).toBe(1);
    expect(distance('nigth', 'night')).toBe(1);
    expect(distance('abc', 'abc')).toBe(0);
    expect(distance('', 'abc')).toBe(3);
    expect(distance('kitten', 'sitting')).toBe(3);
  });

  test('nearest finds likely typos only', () => {
    const names = ['night_share', 'work_share', 'corr_industrial_1shift', 'capacity_kw', 'capacity_util'];
    expect(nearest('corr_industiral_1shift', names)).toBe('corr_industrial_1shift');
    expect(nearest('nigth_share', names)).toBe('night_share');
    expect(nearest('NIGHT_SHARE', names)).toBe('night_share');
    expect(nearest('capacity', names)).toBe('capacity_kw');
    expect(nearest('foo', names)).toBeUndefined();
    expect(nearest('x', ['y'])).toBe('y');
    expect(nearest('share', names)).toBeUndefined();
  });
});
