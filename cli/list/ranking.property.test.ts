// The order and the cut of inspection lists (ranking.ts) over random suspects
// and capacities, checked against the definition pair by pair rather than
// against a second sort: no RED below a YELLOW, priorities never rising down a
// list, each district cut to exactly min(suspects, capacity) and keeping its
// best, the same list whatever the order the results came in; and sheet names
// that Excel accepts for any district name.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SheetNames } from './sheet-names.js';
import { gridcode } from '#gen/scoring.js';
import { planLists, priorityOf, RED, YELLOW, type Capacity, type Ranked } from './ranking.js';
import { SuspectCollector } from './suspects.js';

const RED_THRESHOLD = 70;
const YELLOW_THRESHOLD = 40;

/** A result as rules.md step 3 could code it: RED by an effect rule (any sum) or by its sum, YELLOW by its sum. */
const suspect = fc
  .record({
    id: fc.string({ minLength: 1, maxLength: 4, unit: fc.constantFrom('a', 'b', 'c', '海') }),
    district: fc.constantFrom('', 'A', 'B', '海淀区'),
    kind: fc.constantFrom('effect', 'sum-red', 'yellow'),
    score: fc.integer({ min: 0, max: 100 }),
    // how far past the cap the fired rules' scores go, for a sum at 100
    past: fc.constantFrom(0, 0, 5, 20, 45),
  })
  .map(({ id, district, kind, score, past }): Ranked => {
    const code = kind === 'yellow' ? YELLOW : RED;
    const sum = kind === 'yellow' ? YELLOW_THRESHOLD + (score % (RED_THRESHOLD - YELLOW_THRESHOLD)) : kind === 'sum-red' ? Math.max(RED_THRESHOLD, score) : score;
    return { id, district, code, score: sum, priority: priorityOf(code, sum, RED_THRESHOLD), uncapped: sum === 100 ? 100 + past : sum };
  });

const capacities = fc.record({ A: fc.integer({ min: 0, max: 6 }), B: fc.integer({ min: 0, max: 6 }), '海淀区': fc.integer({ min: 0, max: 6 }), '': fc.integer({ min: 0, max: 6 }) });

describe('planLists', () => {
  it('never ranks a RED below a YELLOW, cuts each district to min(suspects, capacity) keeping its best, whatever the input order', () => {
    fc.assert(
      fc.property(fc.array(suspect, { maxLength: 60 }), capacities, fc.integer(), (suspects, caps, seed) => {
        const capacityOf = (d: string): Capacity => ({ kind: 'given', sites: caps[d as keyof typeof caps], from: 'test' });
        const lists = planLists([...suspects], capacityOf);
        // Every suspect is in exactly one list, its own district's.
        expect(lists.reduce((n, l) => n + l.ranked.length, 0)).toBe(suspects.length);
        for (const list of lists) {
          const own = suspects.filter((s) => s.district === list.district);
          expect(list.ranked.length).toBe(own.length);
          expect(list.listed).toBe(Math.min(own.length, caps[list.district as keyof typeof caps]));
          expect(list.red).toBe(own.filter((s) => s.code === RED).length);
          for (let k = 1; k < list.ranked.length; k++) {
            const [before, after] = [list.ranked[k - 1]!, list.ranked[k]!];
            expect(before.code === YELLOW && after.code === RED, 'a RED below a YELLOW').toBe(false);
            if (before.code === after.code) {
              expect(before.priority).toBeGreaterThanOrEqual(after.priority);
              if (before.priority === after.priority) {
                expect(before.score).toBeGreaterThanOrEqual(after.score);
                if (before.score === after.score) {
                  expect(before.uncapped!).toBeGreaterThanOrEqual(after.uncapped!);
                  if (before.uncapped === after.uncapped) expect(before.id <= after.id).toBe(true);
                }
              }
            }
          }
        }
        // By priority alone, too: every RED's priority is above every YELLOW's (the definition of the "Scores" item).
        const reds = suspects.filter((s) => s.code === RED).map((s) => s.priority);
        const yellows = suspects.filter((s) => s.code === YELLOW).map((s) => s.priority);
        if (reds.length && yellows.length) expect(Math.min(...reds)).toBeGreaterThan(Math.max(...yellows));
        // Deterministic: the same lists from the results in another order.
        const shuffled = fc.sample(fc.shuffledSubarray(suspects, { minLength: suspects.length }), { numRuns: 1, seed })[0]!;
        expect(planLists(shuffled, capacityOf).map((l) => l.ranked.map((s) => [s.id, s.code, s.score]))).toEqual(lists.map((l) => l.ranked.map((s) => [s.id, s.code, s.score])));
      }),
      { numRuns: 300 },
    );
  });

  it('tells two REDs at the cap apart by the uncapped sum of their fired rules, before the id, and keeps a RED at 100 above every YELLOW', () => {
    const rules = [
      { id: 'night', reason: 'night', when: 'night_share > 0.4', score: 60 },
      { id: 'curve', reason: 'curve', when: 'corr_workshop > 0.8', score: 45 },
      { id: 'flat', reason: 'flat', when: 'load_factor > 0.9', score: 50 },
      { id: 'weekday', reason: 'weekday', when: 'weekday_share > 0.8', score: 30 },
    ];
    const collector = new SuspectCollector(rules, RED_THRESHOLD, true, () => '');
    const result = (id: string, code: number, reasons: string[]) => {
      const sum = reasons.reduce((t, r) => t + rules.find((rule) => rule.id === r)!.score, 0);
      return gridcode.v1.ConsumerResult.create({ id, district: 'A', code, score: Math.min(100, sum), reasons });
    };
    // 'a' sorts first by id, but its rules add to 105 (60 + 45); 'b' adds to 135 (60 + 45 + 30); 'c' to 110 (60 + 50).
    collector.add(result('a', RED, ['night', 'curve']));
    collector.add(result('b', RED, ['night', 'curve', 'weekday']));
    collector.add(result('c', RED, ['night', 'flat']));
    collector.add(result('d', YELLOW, ['flat']));
    expect(collector.suspects.map((s) => [s.id, s.score, s.uncapped])).toEqual([['a', 100, 105], ['b', 100, 135], ['c', 100, 110], ['d', 50, 50]]);
    const [list] = planLists(collector.suspects, () => ({ kind: 'unlimited' }));
    expect(list!.ranked.map((s) => s.id)).toEqual(['b', 'c', 'a', 'd']);
  });

  it('orders districts by name with the consumers without one last, and lists everything without a capacity', () => {
    const s = (id: string, district: string): Ranked => ({ id, district, code: RED, score: 80, priority: 80 });
    const lists = planLists([s('1', ''), s('2', 'B'), s('3', 'A'), s('4', 'B')], () => ({ kind: 'unlimited' }));
    expect(lists.map((l) => [l.district, l.listed])).toEqual([['A', 1], ['B', 2], ['', 1]]);
    expect(planLists([s('1', 'A')], () => ({ kind: 'absent', from: 'x.csv' }))[0]!.listed).toBe(0);
  });
});

describe('SheetNames', () => {
  it('gives names Excel accepts: 1–31 UTF-16 units, no []:*?/\\, no edge apostrophe, not History, unique regardless of case', () => {
    const name = fc.string({ maxLength: 40, unit: fc.constantFrom('a', 'A', '海', '[', ']', ':', '*', '?', '/', '\\', "'", ' ', '😀', 'h', 'i', 's', 't', 'o', 'r', 'y') });
    fc.assert(
      fc.property(fc.array(name, { maxLength: 30 }), (wanted) => {
        const names = new SheetNames();
        const given = wanted.map((w) => names.name(w));
        for (const n of given) {
          expect(n.length).toBeGreaterThanOrEqual(1);
          expect(n.length).toBeLessThanOrEqual(31);
          expect(n).not.toMatch(/[[\]:*?/\\]/);
          expect(n.startsWith("'") || n.endsWith("'")).toBe(false);
          expect(n.toLowerCase()).not.toBe('history');
          expect(n).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/); // no lone surrogate from a cut
        }
        expect(new Set(given.map((n) => n.toLowerCase())).size).toBe(given.length);
      }),
      { numRuns: 300 },
    );
    const names = new SheetNames();
    expect([names.name('海淀区'), names.name('海淀区'), names.name('a/b')]).toEqual(['海淀区', '海淀区 (2)', 'a_b']);
  });
});
