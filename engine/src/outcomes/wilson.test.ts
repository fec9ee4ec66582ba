// The Wilson interval against a textbook table and against the score test
// solved by bisection (tests/support/proportion-interval.ts), plus the
// properties a precision's interval must have.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scoreIntervalByBisection } from '../../../tests/support/proportion-interval.js';
import { wilsonInterval } from './wilson.js';

describe('wilsonInterval', () => {
  it('matches Newcombe (1998), method 3 (score interval without continuity correction), to 4 decimals', () => {
    // Newcombe RG, Statistics in Medicine 17:857–872: 81/263, 15/148, 0/20, 1/29.
    const table: [number, number, number, number][] = [
      [81, 263, 0.2553, 0.3662],
      [15, 148, 0.0624, 0.1605],
      [0, 20, 0, 0.1611],
      [1, 29, 0.0061, 0.1718],
    ];
    for (const [x, n, low, high] of table) {
      const interval = wilsonInterval(x, n)!;
      expect(interval.low, `${x}/${n}`).toBeCloseTo(low, 4);
      expect(interval.high, `${x}/${n}`).toBeCloseTo(high, 4);
    }
  });

  it('is the score test inverted: its ends solve (p̂ − p)² = z²p(1 − p)/n, found here by bisection', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n))), ([x, n]) => {
        const closed = wilsonInterval(x, n)!;
        const solved = scoreIntervalByBisection(x, n);
        expect(closed.low).toBeCloseTo(solved.low, 9);
        expect(closed.high).toBeCloseTo(solved.high, 9);
      }),
    );
  });

  it('holds p̂, stays in [0, 1], reaches 0 or 1 only at 0 or n successes, and narrows as n grows at the same p̂', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n))), fc.integer({ min: 2, max: 10 }), ([x, n], k) => {
        const p = x / n;
        const { low, high } = wilsonInterval(x, n)!;
        expect(low).toBeGreaterThanOrEqual(0);
        expect(high).toBeLessThanOrEqual(1);
        expect(low).toBeLessThanOrEqual(p);
        expect(high).toBeGreaterThanOrEqual(p);
        expect(low === 0).toBe(x === 0);
        expect(high === 1).toBe(x === n);
        const wider = wilsonInterval(k * x, k * n)!; // the same p̂ from k times the sites
        expect(wider.high - wider.low).toBeLessThan(high - low);
      }),
    );
  });

  it('has no interval without a trial, and refuses more successes than trials', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
    expect(() => wilsonInterval(3, 2)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 2)).toThrow(RangeError);
  });
});
