import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareVersions } from './version-order.js';

describe('compareVersions', () => {
  it('orders versions as people read them, numeric parts as numbers', () => {
    const ascending = ['2026.9.0', '2026.10.0', '2026.11', '2026.11.0', '2026.11.1', '2026.12.0', '2027.1', '2027.10', '2027.10.0-rc1', '20261101000000000000001'];
    const shuffled = [...ascending].reverse().sort(compareVersions);
    expect(shuffled).toEqual(ascending);
    expect(Math.sign(compareVersions('2026.11.0', '2026.11.1'))).toBe(-1);
    expect(Math.sign(compareVersions('2027.1', '2026.12.0'))).toBe(1);
    expect(Math.sign(compareVersions('v2', 'v10'))).toBe(-1);
  });

  it('is a total order: 0 only for equal strings, antisymmetric, transitive', () => {
    const version = fc.stringMatching(/^[0-9a-z.\-]{0,12}$/);
    fc.assert(
      fc.property(version, version, version, (a, b, c) => {
        expect(compareVersions(a, b) === 0).toBe(a === b);
        expect(Math.sign(compareVersions(a, b)) + Math.sign(compareVersions(b, a))).toBe(0);
        if (compareVersions(a, b) < 0 && compareVersions(b, c) < 0) expect(compareVersions(a, c)).toBeLessThan(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('tells apart versions that only differ in leading zeros', () => {
    expect(compareVersions('1.01', '1.1')).not.toBe(0);
    expect(Math.sign(compareVersions('1.01', '1.1'))).toBe(-Math.sign(compareVersions('1.1', '1.01')));
  });
});
