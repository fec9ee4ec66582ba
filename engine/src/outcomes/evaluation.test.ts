// evaluateOutcomes on ten sites whose figures are worked out by hand below
// (the counts in each comment come from the table, not from the code), and
// the recall statement without an audit.
import { describe, expect, it } from 'vitest';
import { scoreIntervalByBisection } from '../../../tests/support/proportion-interval.js';
import { evaluateOutcomes, RECALL_UNKNOWN, type BatchCounts, type SiteOutcome } from './index.js';

const site = (id: string, code: number, district: string, rules: string[], flagged: boolean, listed: boolean, outcome: SiteOutcome['outcome'], audit = false): SiteOutcome => ({ id, code, district, rules, flagged, listed, outcome, audit });
const GREEN = 1, YELLOW = 2, RED = 3, GRAY = 4;

const SITES: SiteOutcome[] = [
  site('id1', RED, 'D1', ['a', 'b'], true, true, 'confirmed'),
  site('id2', RED, 'D1', ['a'], true, true, 'not_found'),
  site('id3', RED, 'D1', ['a', 'b'], true, false, 'licensed'),
  site('id4', YELLOW, 'D2', ['a'], false, false, 'confirmed', true),
  site('id5', GREEN, 'D2', [], false, false, 'not_found', true),
  site('id6', GREEN, 'D2', [], false, false, 'not_found', true),
  site('id7', GREEN, 'D2', ['b'], false, false, 'unreachable', true),
  site('id8', RED, 'D2', ['b'], true, true, 'unreachable'),
  site('id9', RED, 'D2', ['a'], true, true, 'confirmed', true), // an audit row on a flagged site
  site('id10', GRAY, '', [], false, false, 'not_found'), // neither flagged nor audited
];
const BATCH: BatchCounts = {
  consumers: 35,
  districts: new Map([
    ['', { flagged: 1, unflagged: 4, listed: 1 }],
    ['D2', { flagged: 2, unflagged: 18, listed: 2 }],
    ['D1', { flagged: 3, unflagged: 7, listed: 2 }],
  ]),
  fired: new Map([
    ['a', 20],
    ['b', 9],
    ['c', 0],
  ]),
};

describe('evaluateOutcomes', () => {
  const figures = evaluateOutcomes(SITES, BATCH);

  it('counts the base rate over every site with an outcome: confirmed ÷ decided, unreachable left out', () => {
    // confirmed id1 id4 id9; not_found id2 id5 id6 id10; licensed id3; unreachable id7 id8.
    expect(figures.sites).toBe(10);
    expect(figures.baseRate).toMatchObject({ outcomes: 10, decided: 8, confirmed: 3, notFound: 4, licensed: 1, unreachable: 2, precision: 3 / 8 });
  });

  it('gives each rule the sites it fired for, its precision with the Wilson interval, and its lift over the base rate', () => {
    const [a, b, c] = figures.rules;
    // a: id1 C, id2 NF, id3 L, id4 C, id9 C.
    expect(a).toMatchObject({ rule: 'a', fired: 20, outcomes: 5, decided: 5, confirmed: 3, unreachable: 0, precision: 3 / 5 });
    expect(a!.lift).toBeCloseTo(3 / 5 / (3 / 8), 12);
    const wilson = scoreIntervalByBisection(3, 5);
    expect(a!.low).toBeCloseTo(wilson.low, 9);
    expect(a!.high).toBeCloseTo(wilson.high, 9);
    // b: id1 C, id3 L, id7 U, id8 U.
    expect(b).toMatchObject({ rule: 'b', fired: 9, outcomes: 4, decided: 2, confirmed: 1, unreachable: 2, precision: 1 / 2 });
    expect(b!.lift).toBeCloseTo(1 / 2 / (3 / 8), 12);
    expect(c).toMatchObject({ rule: 'c', fired: 0, outcomes: 0, precision: null, low: null, high: null, lift: null });
  });

  it('gives each code its inspected sites and each district its flagged ones, districts in name order and no district last', () => {
    expect(figures.codes.map((k) => [k.code, k.outcomes, k.decided, k.confirmed, k.precision])).toEqual([
      ['GREEN', 3, 2, 0, 0], // id5 NF, id6 NF, id7 U
      ['YELLOW', 1, 1, 1, 1], // id4 C
      ['RED', 5, 4, 2, 1 / 2], // id1 C, id2 NF, id3 L, id8 U, id9 C
      ['GRAY', 1, 1, 0, 0], // id10 NF
    ]);
    expect(figures.districts.map((d) => [d.district, d.flagged, d.listed, d.outcomes, d.decided, d.confirmed, d.precision])).toEqual([
      ['D1', 3, 2, 3, 3, 1, 1 / 3], // id1 C, id2 NF, id3 L
      ['D2', 2, 2, 2, 1, 1, 1], // id8 U, id9 C
      ['', 1, 1, 0, 0, 0, null], // flagged but never inspected
    ]);
  });

  it('takes the precision at capacity over the listed sites only', () => {
    // listed: id1 C, id2 NF, id8 U, id9 C of 5 listed in the batch.
    expect(figures.capacity).toMatchObject({ listed: 5, withoutOutcome: 1, outcomes: 4, decided: 3, confirmed: 2, precision: 2 / 3 });
    expect(figures.auditOnFlagged).toBe(1);
    expect(figures.unflaggedNotAudited).toBe(1);
  });

  it('estimates recall only in the audited district, from its audit rows on unflagged consumers', () => {
    const r = figures.recall;
    expect(r.statement).toBeNull();
    expect(r.unaudited).toEqual(['D1', '']);
    // D2's audit: id4 C, id5 NF, id6 NF decided, id7 unreachable; 18 unflagged; found: id9.
    const wilson = scoreIntervalByBisection(1, 3);
    const [d2] = r.districts;
    expect(r.districts).toHaveLength(1);
    expect(d2).toMatchObject({ district: 'D2', unflagged: 18, auditRows: 4, auditDecided: 3, auditConfirmed: 1, found: 1 });
    expect(d2!.missRate).toBeCloseTo(1 / 3, 12);
    expect(d2!.missed).toBeCloseTo(6, 12);
    expect(d2!.missedLow).toBeCloseTo(18 * wilson.low, 9);
    expect(d2!.missedHigh).toBeCloseTo(18 * wilson.high, 9);
    expect(d2!.recall).toBeCloseTo(1 / 7, 12);
    expect(d2!.recallLow).toBeCloseTo(1 / (1 + 18 * wilson.high), 9);
    expect(d2!.recallHigh).toBeCloseTo(1 / (1 + 18 * wilson.low), 9);
    expect(r.total).toMatchObject({ unflagged: 18, found: 1, missRate: null });
    expect(r.total!.recall).toBeCloseTo(1 / 7, 12);
  });

  it('says recall cannot be estimated when no audit row is decided', () => {
    const noAudit = evaluateOutcomes(
      SITES.map((s) => ({ ...s, audit: false })),
      BATCH,
    );
    expect(noAudit.recall).toEqual({ statement: RECALL_UNKNOWN, districts: [], unaudited: ['D1', 'D2', ''], total: null });
    const unreachableOnly = evaluateOutcomes([site('u', GREEN, 'D1', [], false, false, 'unreachable', true)], BATCH);
    expect(unreachableOnly.recall.statement).toBe(RECALL_UNKNOWN);
  });
});
