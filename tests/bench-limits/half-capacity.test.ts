// bench:limits' half-capacity rows (bench/limits/half-capacity.ts): the rate
// asked, the percentiles of latencies from due time (nearest rank, computed
// here on their own), the verdict against the 25 ms, and what is
// printed, from open-loop runs built here.
import { describe, expect, it } from 'vitest';
import { CAPACITY_SHARE, halfCapacity, halfCapacityRow, halfRate, P99_TARGET_MS, printHalfCapacity, unexpectedOf } from '../../bench/limits/half-capacity.js';
import type { OpenLoopRun } from '../../bench/limits/open-loop.js';
import { printLimits } from '../../bench/limits/report.js';

/** An open-loop run whose ok requests took `latencies` ms (any order). */
function run(latencies: number[], extra: Partial<OpenLoopRun> = {}): OpenLoopRun {
  return { scheduled: latencies.length, ok: latencies.length, latenciesMs: [...latencies].sort((a, b) => a - b), notOk: {}, lateStarts: 0, maxStartLagMs: 0.4, unanswered: 0, seconds: 5, ...extra };
}

/** The smallest value with at least p % of the values at or below it. */
function nearestRank(values: number[], p: number): number {
  return [...values].sort((a, b) => a - b).find((v, _, all) => all.filter((w) => w <= v).length >= (p / 100) * all.length)!;
}

describe('halfRate', () => {
  it('asks half the ok requests/s of the capacity row, and says why it cannot when there were none', () => {
    expect(CAPACITY_SHARE).toBe(0.5);
    expect(halfRate('gRPC', 84.6)).toBeCloseTo(42.3, 12);
    expect(() => halfRate('gateway, gRPC over h2c', 0)).toThrow(/gateway, gRPC over h2c: its capacity row answered no request ok \(0 requests\/s\)/);
    expect(() => halfRate('x', NaN)).toThrow(/no request ok/);
  });
});

describe('halfCapacityRow', () => {
  // 200 latencies, 1…200 ms shuffled: p50 100, p90 180, p99 198, max 200.
  const latencies = Array.from({ length: 200 }, (_, i) => ((i * 37) % 200) + 1);

  it('gives nearest-rank percentiles of the latencies from due time, the late starts and the rate asked', () => {
    const row = halfCapacityRow('gateway, Connect proto over HTTP/1.1', 80, run(latencies, { lateStarts: 7 }));
    expect([row.p50_ms, row.p90_ms, row.p99_ms, row.max_ms]).toEqual([nearestRank(latencies, 50), nearestRank(latencies, 90), nearestRank(latencies, 99), Math.max(...latencies)]);
    expect([row.p50_ms, row.p99_ms]).toEqual([100, 198]);
    expect(row.rate_per_s).toBe(40);
    expect(row.capacity_requests_per_s).toBe(80);
    expect(row.late_starts).toBe(7);
  });

  it('has no percentiles when nothing was ok', () => {
    const row = halfCapacityRow('t', 10, run([], { scheduled: 50, notOk: { unavailable: 50 } }));
    expect([row.p50_ms, row.p99_ms, row.max_ms]).toEqual([null, null, null]);
  });
});

describe('the verdict and what is printed', () => {
  const fast = (target: string) => halfCapacityRow(target, 100, run(Array.from({ length: 100 }, (_, i) => (i < 99 ? 10 : 40))));

  it('is met when every row answered all its requests ok with p99 within 25 ms (a slow max does not matter)', () => {
    const h = halfCapacity(23, [fast('a'), fast('b')]);
    expect(h.met).toBe(true);
    const lines: string[] = [];
    printHalfCapacity((l) => lines.push(l), h);
    expect(lines.at(-1)).toBe(`p99 target ${P99_TARGET_MS} ms: met`);
    expect(lines.join('\n')).toContain('at most 23 in flight');
    expect(lines.some((l) => l.startsWith('note:'))).toBe(false);
  });

  it('is not met by a p99 over 25 ms, a request not ok or unanswered, or a target not run; each is named', () => {
    const slow = halfCapacityRow('slow', 100, run(Array.from({ length: 100 }, (_, i) => (i < 98 ? 10 : 25.5))));
    expect(slow.p99_ms).toBe(25.5);
    const refused = halfCapacityRow('refused', 100, run(Array<number>(99).fill(1), { scheduled: 100, notOk: { resource_exhausted: 1 } }));
    const lost = halfCapacityRow('lost', 100, run(Array<number>(99).fill(1), { scheduled: 100, unanswered: 1 }));
    for (const h of [halfCapacity(4, [fast('a'), slow]), halfCapacity(4, [refused]), halfCapacity(4, [lost]), halfCapacity(4, [fast('a')], ['b: its capacity row answered no request ok']), halfCapacity(4, [])]) {
      expect(h.met).toBe(false);
      const lines: string[] = [];
      printHalfCapacity((l) => lines.push(l), h);
      expect(lines.at(-1)).toMatch(/^p99 target 25 ms: not met/);
    }
    const lines: string[] = [];
    printHalfCapacity((l) => lines.push(l), halfCapacity(4, [fast('a'), slow]));
    expect(lines.at(-1)).toBe('p99 target 25 ms: not met (slow: p99 25.5 ms, 100 of 100 ok)');
    expect(unexpectedOf(refused)).toEqual(['refused at half capacity: 1 × resource_exhausted']);
    expect(unexpectedOf(lost)).toEqual(['lost at half capacity: 1 × no answer by the drain limit']);
    expect(unexpectedOf(slow)).toEqual([]);
  });

  it('prints one table row per target with the rate, the counts and the late starts, after the size\'s other tables', () => {
    const row = halfCapacityRow('gateway, gRPC over h2c', 61.5, run([12.25, 3, 4], { lateStarts: 2, scheduled: 4, notOk: { unavailable: 1 } }));
    const lines: string[] = [];
    printLimits((l) => lines.push(l), [{ batch: 1000, body_bytes: 11 * 2 ** 20, rows: [], half_capacity: halfCapacity(23, [row]) }]);
    const text = lines.join('\n');
    const printed = text.split('\n').find((l) => l.startsWith('gateway, gRPC over h2c'))!;
    expect(printed.trim().split(/\s{2,}/)).toEqual(['gateway, gRPC over h2c', '30.8', '3 of 4', '4.0', '12.3', '12.3', '12.3', '2', '0.4', 'unavailable 1']);
    expect(text.indexOf('at half the capacity')).toBeGreaterThan(text.indexOf('1,000 consumers per request'));
    expect(text).toContain('note: gateway, gRPC over h2c: 3 answers ok, so its p99 is its max');
  });
});
