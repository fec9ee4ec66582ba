// The watch's `since` (followup.md): the first day of the window on or after
// it, GRAY with a note for a date that is not a calendar date (the batch goes
// on), ignored without a status; and the follow-up columns reach the engine
// the same way from JS values and from the wire (computeConsumers, computeWire).
import { beforeAll, describe, expect, it } from 'vitest';
import { gridcode } from '#gen/scoring.js';
import { FeatureEngine, type ConsumerInput } from './engine.js';
import { followUpOf, WatchDays } from './follow-up.js';
import { parseBatchHeader } from './header.js';
import { compileRuleSet } from './rules/compile-rule-set.js';
import { Code } from './scoring/scored-batch.js';
import { scanRequest } from './wire/request.js';

const P = 24;
const DAYS = 7;
const START = '2026-10-01'; // the window is 2026-10-01 … 2026-10-07
const header = parseBatchHeader(P, START);
const load = Array.from({ length: P * DAYS }, (_, t) => 1 + Math.floor(t / P)); // day d draws d + 1 kW

interface Case {
  readonly name: string;
  readonly watch?: { status: number; since?: string };
  /** First day index, or a note: the consumer is GRAY. */
  readonly first?: number;
  readonly note?: string;
}

const CASES: readonly Case[] = [
  { name: 'not watched', first: undefined },
  { name: 'since inside the window', watch: { status: 2, since: '2026-10-04' }, first: 3 },
  { name: 'since on the first day', watch: { status: 1, since: '2026-10-01' }, first: 0 },
  { name: 'since on the last day', watch: { status: 3, since: '2026-10-07' }, first: 6 },
  { name: 'since before the window', watch: { status: 1, since: '2025-12-31' }, first: 0 },
  { name: 'since the day after the window', watch: { status: 2, since: '2026-10-08' }, first: 7 },
  { name: 'since long after the window', watch: { status: 4, since: '2027-03-01' }, first: 7 },
  { name: 'empty since: the whole window', watch: { status: 3, since: '' }, first: 0 },
  { name: 'no since at all', watch: { status: 3 }, first: 0 },
  { name: 'an impossible date', watch: { status: 2, since: '2026-02-30' }, note: 'watch since "2026-02-30" is not a calendar date (YYYY-MM-DD)' },
  { name: 'not of the form YYYY-MM-DD', watch: { status: 1, since: '2026-10-4' }, note: 'watch since "2026-10-4" is not a calendar date (YYYY-MM-DD)' },
  { name: 'a date and time', watch: { status: 1, since: '2026-10-04T00:00:00Z' }, note: 'watch since "2026-10-04T00:00:00Z" is not a calendar date (YYYY-MM-DD)' },
  { name: 'year 0', watch: { status: 1, since: '0000-01-01' }, note: 'watch since "0000-01-01" is not a calendar date (YYYY-MM-DD)' },
  { name: 'a long text, cut in the note', watch: { status: 1, since: 'x'.repeat(100) }, note: `watch since "${'x'.repeat(37)}..." is not a calendar date (YYYY-MM-DD)` },
  { name: 'status 0 with a since: ignored', watch: { status: 0, since: '2026-10-04' }, first: undefined },
  { name: 'status 0 with a bad since: ignored, no note', watch: { status: 0, since: '2026-02-30' }, first: undefined },
  { name: 'a status this build has no name for: watched', watch: { status: 9, since: '2026-10-05' }, first: 4 },
];

const consumers: ConsumerInput[] = CASES.map((c, i) => ({ id: `c${i}`, loadKw: load, category: 1, zone: 1, ...(c.watch ? { watch: c.watch } : {}) }));

describe('WatchDays: the first day on or after since', () => {
  it.each(CASES)('$name', (c) => {
    const days = new WatchDays(followUpOf([{ loadKw: [], ...(c.watch ? { watch: c.watch } : {}) }]), START);
    expect(days.problem(0, DAYS)).toBe(c.note);
    expect(days.firstDay[0]).toBe(c.first ?? 0);
  });

  it('counts calendar days across month ends and leap days', () => {
    const at = (start: string, since: string) => {
      const days = new WatchDays(followUpOf([{ loadKw: [], watch: { status: 1, since } }]), start);
      expect(days.problem(0, 400)).toBeUndefined();
      return days.firstDay[0];
    };
    expect(at('2024-02-27', '2024-03-01')).toBe(3);
    expect(at('2025-02-27', '2025-03-01')).toBe(2);
    expect(at('2025-12-30', '2026-01-02')).toBe(3);
    expect(at('2025-01-01', '2026-01-01')).toBe(365);
  });
});

/** The batch encoded as protobuf by protobufjs (the generated codec), for computeWire. */
function wire(list: readonly ConsumerInput[]) {
  const bytes = gridcode.v1.ScoreBatchRequest.encode({
    startDate: START,
    pointsPerDay: P,
    consumers: list.map((c) => ({ id: c.id, category: c.category, zone: c.zone, loadKw: [...c.loadKw], group: c.group, baselineKw: c.baselineKw, watch: c.watch })),
  }).finish();
  return scanRequest(bytes).consumers;
}

describe('since through the engine, from JS values and from the wire alike', () => {
  let engine: FeatureEngine;
  beforeAll(async () => {
    engine = await FeatureEngine.load();
  });
  const matrices = {
    js: () => engine.computeConsumers(header, consumers),
    wire: () => engine.computeWire(header, wire(consumers)),
  };

  it.each(['js', 'wire'] as const)('%s: GRAY notes for bad dates only, and watch_days = the days on or after since', (path) => {
    const matrix = matrices[path]();
    CASES.forEach((c, i) => {
      expect(matrix.note(i), c.name).toBe(c.note);
      if (c.note) expect(Number.isNaN(matrix.value(i, 'mean_kw')), c.name).toBe(true);
      // watch_days comes from the WASM side (the lead's), which reads the first days written here.
      if (!matrix.names.includes('watch_days') || c.note) return;
      expect(matrix.value(i, 'watch_days'), c.name).toBe(c.first === undefined ? NaN : DAYS - c.first);
    });
  });

  it('a bad since makes that consumer GRAY and the batch goes on', () => {
    const ruleSet = compileRuleSet('id: t\nversion: "1"\nthresholds: { yellow: 10, red: 20 }\nrules:\n  - id: big\n    when: mean_kw > 100\n    score: 5\n');
    if (!ruleSet.ruleSet) throw new Error('the test rule set does not compile');
    const scored = engine.scoreWire(header, wire(consumers), ruleSet.ruleSet);
    CASES.forEach((c, i) => {
      expect(scored.codes[i], c.name).toBe(c.note ? Code.gray : Code.green);
      if (c.note) expect(scored.notes.get(i)).toBe(c.note);
    });
  });

  it('a consumer with no readings keeps its own note, not the since one', () => {
    const matrix = engine.computeConsumers(header, [{ loadKw: [], watch: { status: 1, since: '2026-02-30' } }]);
    expect(matrix.note(0)).toBe('no readings');
  });

  it('baseline_kw and group change nothing the engine computes from the readings, on either path', () => {
    const plain = consumers.slice(0, 3);
    const extra = plain.map((c, i) => ({ ...c, group: `g${i}`, baselineKw: [2, NaN, -1][i]! }));
    const before = engine.computeConsumers(header, plain);
    const names = before.names.filter((n) => n !== 'baseline_ratio');
    const rows = (m: typeof before) => plain.map((_, i) => names.map((n) => m.value(i, n)));
    const want = rows(before);
    expect(rows(engine.computeConsumers(header, extra))).toEqual(want);
    expect(rows(engine.computeWire(header, wire(extra)))).toEqual(want);
  });
});
