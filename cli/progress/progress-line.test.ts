// The progress line's share done and ETA, against the formula computed here:
// done = bytes of the passes before + bytes of this pass, of passes × size;
// ETA = elapsed × (1 − share) / share.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { doneFraction, duration, progressLine, type ProgressState } from './progress-line.js';

const state = (s: Partial<ProgressState>): ProgressState => ({ started: 0, passStarted: 0, pass: 1, passes: 1, passBytes: 0, rows: 0, consumers: 0, size: undefined, ...s });

describe('progressLine', () => {
  it('gives the share of all passes read and the ETA at the average speed so far', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e12 }), fc.integer({ min: 1, max: 3 }), fc.double({ min: 0.01, max: 0.99, noNaN: true }), fc.integer({ min: 2, max: 1e6 }), (size, passes, within, seconds) => {
        const pass = 1 + Math.floor(within * passes);
        const passBytes = Math.floor(size * (within * passes - (pass - 1)));
        const s = state({ pass, passes, passBytes, size, started: 0, passStarted: 0 });
        const share = ((pass - 1) * size + passBytes) / (passes * size);
        expect(doneFraction(s)).toBeCloseTo(share, 12);
        const line = progressLine(s, seconds * 1000);
        expect(line).toContain(`${Math.floor(100 * share)} %`);
        if (share > 0.001) expect(line).toContain(`ETA ${duration((seconds * (1 - share)) / share)}`);
        expect(line.startsWith(passes > 1 ? `pass ${pass}/${passes} · ` : '0 rows')).toBe(true);
      }),
    );
  });

  it('has no share and no ETA without a size, and rows/s from this pass only', () => {
    const line = progressLine(state({ rows: 1_500_000, consumers: 520, passStarted: 10_000, pass: 2, passes: 2 }), 20_000);
    expect(line).toBe('pass 2/2 · 1,500,000 rows · 150,000 rows/s · 520 consumers');
  });

  it('writes durations as seconds, minutes and hours', () => {
    expect([duration(0), duration(59.4), duration(61), duration(3599), duration(3600), duration(7_620)]).toEqual(['0s', '59s', '1m 01s', '59m 59s', '1h 00m', '2h 07m']);
  });
});
