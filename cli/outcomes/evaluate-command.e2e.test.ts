// `gridcode evaluate` (the built command line) on a small hourly meter export
// with an accounts file (districts North and South) and outcomes whose
// figures are computed here from the construction: each consumer's curve is
// chosen so that the rules it fires, hence its code, are known by hand
// (night_share = 8·night ÷ (8·night + 16·day), mean = (16·day + 8·night) ÷ 24),
// and every expected count is a filter over that table, not the command's
// output. Then JSON and text must show the same figures, and the outcomes
// file's bad rows must be counted.
import { describe, expect, it } from 'vitest';
import { cliWorkspace } from '../../tests/support/cli.js';
import { scoreIntervalByBisection } from '../../tests/support/proportion-interval.js';

const cli = cliWorkspace('gridcode-evaluate-');

const RULE_SET = `id: eval-t
version: "1"
thresholds: { yellow: 40, red: 70 }
rules:
  - id: night
    when: night_share > 0.3
    score: 50
    reason: Most of the energy at night
  - id: big
    when: mean_kw > 3
    score: 30
    reason: A large mean load
  - id: never
    when: mean_kw > 1000
    score: 10
    reason: Fires for nobody here
`;

type Kind = 'red' | 'yellow' | 'bigGreen' | 'green';
/** [day kW, night kW], the rules each fires and its code. */
const KINDS: Record<Kind, { day: number; night: number; rules: string[]; code: string }> = {
  red: { day: 5, night: 5, rules: ['night', 'big'], code: 'RED' }, // share 1/3, mean 5: 80
  yellow: { day: 1, night: 3, rules: ['night'], code: 'YELLOW' }, // share 0.6, mean 1.67: 50
  bigGreen: { day: 5, night: 1, rules: ['big'], code: 'GREEN' }, // share 0.09, mean 3.67: 30
  green: { day: 1, night: 0.1, rules: [], code: 'GREEN' }, // share 0.048
};
type Outcome = 'confirmed' | 'not_found' | 'licensed' | 'unreachable';
/** [id, district, kind, outcome or none, audit]. */
const SITES: [string, string, Kind, Outcome | null, boolean][] = [
  ['n-r1', 'North', 'red', 'confirmed', false],
  ['n-r2', 'North', 'red', 'not_found', false],
  ['n-r3', 'North', 'red', 'confirmed', false],
  ['n-r4', 'North', 'red', null, false],
  ['n-y1', 'North', 'yellow', 'licensed', false],
  ['n-b1', 'North', 'bigGreen', 'confirmed', false],
  ['n-g1', 'North', 'green', 'not_found', true],
  ['n-g2', 'North', 'green', 'confirmed', true],
  ['n-g3', 'North', 'green', 'unreachable', true],
  ['n-g4', 'North', 'green', null, false],
  ['s-r1', 'South', 'red', 'unreachable', false],
  ['s-r2', 'South', 'red', 'confirmed', false],
  ['s-y1', 'South', 'yellow', 'confirmed', false],
  ['s-g1', 'South', 'green', 'not_found', false],
  ['s-g2', 'South', 'green', null, false],
];
const DAYS = 14;

function exportCsv(): string {
  const lines = [`time,${SITES.map(([id]) => id).join(',')}`];
  for (let d = 0; d < DAYS; d++) {
    for (let h = 0; h < 24; h++) {
      const night = h >= 22 || h < 6;
      lines.push(`2026-03-${String(2 + d).padStart(2, '0')} ${String(h).padStart(2, '0')}:00,${SITES.map(([, , kind]) => (night ? KINDS[kind].night : KINDS[kind].day)).join(',')}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

const ACCOUNTS = `id,district\n${SITES.map(([id, district]) => `${id},${district}`).join('\n')}\n`;
// The good rows, then: an id not in the batch, n-r1 again, an unknown word, a bad audit value, no id.
const OUTCOMES = `id,outcome,audit,date,note\n${SITES.filter(([, , , o]) => o !== null)
  .map(([id, , , outcome, audit]) => `${id},${outcome},${audit ? 'yes' : ''},2026-11-02,`)
  .join('\n')}\nghost,confirmed,,,\nn-r1,not_found,,,\ns-g2,closed,,,\ns-g1,confirmed,maybe,,\n,confirmed,,,\n`;

/** What the figures must be, counted from SITES with capacity 2 a district (REDs tie on priority 80: listed by id). */
function expected(capacity: number) {
  const rows = SITES.map(([id, district, kind, outcome, audit]) => ({ id, district, ...KINDS[kind], outcome, audit, flagged: KINDS[kind].code === 'RED' }));
  const listed = new Set(['North', 'South'].flatMap((d) => rows.filter((r) => r.flagged && r.district === d).map((r) => r.id).sort().slice(0, capacity)));
  const tally = (of: typeof rows) => {
    const withOutcome = of.filter((r) => r.outcome !== null);
    const decided = withOutcome.filter((r) => r.outcome !== 'unreachable');
    const confirmed = decided.filter((r) => r.outcome === 'confirmed').length;
    return { outcomes: withOutcome.length, decided: decided.length, confirmed, unreachable: withOutcome.length - decided.length, precision: decided.length > 0 ? confirmed / decided.length : null };
  };
  const base = tally(rows);
  const rules = ['night', 'big', 'never'].map((rule) => {
    const fired = rows.filter((r) => r.rules.includes(rule));
    const t = tally(fired);
    return { rule, fired: fired.length, ...t, lift: t.precision === null ? null : t.precision / base.precision! };
  });
  const districts = ['North', 'South'].map((district) => ({ district, flagged: rows.filter((r) => r.flagged && r.district === district).length, ...tally(rows.filter((r) => r.flagged && r.district === district)) }));
  const audit = tally(rows.filter((r) => r.audit && !r.flagged && r.district === 'North'));
  const unflagged = rows.filter((r) => !r.flagged && r.district === 'North').length;
  const found = rows.filter((r) => r.flagged && r.district === 'North' && r.outcome === 'confirmed').length;
  const missed = (audit.confirmed / audit.decided) * unflagged;
  return { base, rules, districts, capacity: tally(rows.filter((r) => listed.has(r.id))), listed: listed.size, recall: { unflagged, audit, found, missed, recall: found / (found + missed) } };
}

interface Figures {
  sites: number;
  baseRate: { decided: number; confirmed: number; precision: number };
  rules: { rule: string; fired: number; outcomes: number; decided: number; confirmed: number; unreachable: number; precision: number | null; low: number | null; high: number | null; lift: number | null }[];
  codes: { code: string; outcomes: number; decided: number; confirmed: number; precision: number | null }[];
  districts: { district: string; flagged: number; listed: number; outcomes: number; unreachable: number; decided: number; confirmed: number; precision: number | null; low: number | null; high: number | null }[];
  capacity: { listed: number; outcomes: number; decided: number; confirmed: number; precision: number | null };
  recall: { statement: string | null; unaudited: string[]; districts: { district: string; unflagged: number; auditDecided: number; auditConfirmed: number; missed: number; missedLow: number; missedHigh: number; found: number; recall: number }[] };
}
interface Report {
  consumers: number;
  figures: Figures;
  outcomes: { rows: number; used: number; skipped: Record<string, { count: number; first: string[] }> };
}

describe('gridcode evaluate on a meter export with accounts', () => {
  it('gives per rule, code, district, at capacity and recall the figures counted from the construction; JSON and text agree', () => {
    const args = ['--input', cli.file('export.csv', exportCsv()), '--unit', 'kw', '--accounts', cli.file('accounts.csv', ACCOUNTS), '--outcomes', cli.file('outcomes.csv', OUTCOMES), '--rule-set', cli.file('rules.yaml', RULE_SET), '--capacity', '2'];
    const json = cli.run('evaluate', ...args, '--json', '--no-progress');
    expect(json.status, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as Report;
    const want = expected(2);
    const f = report.figures;
    expect(report.consumers).toBe(SITES.length);
    expect(f.baseRate).toMatchObject({ decided: want.base.decided, confirmed: want.base.confirmed, precision: want.base.precision });
    for (const [k, rule] of want.rules.entries()) {
      expect(f.rules[k], rule.rule).toMatchObject({ rule: rule.rule, fired: rule.fired, outcomes: rule.outcomes, decided: rule.decided, confirmed: rule.confirmed, unreachable: rule.unreachable, precision: rule.precision });
      if (rule.lift === null) expect(f.rules[k]!.lift).toBeNull();
      else expect(f.rules[k]!.lift).toBeCloseTo(rule.lift, 12);
      if (rule.decided > 0) {
        const wilson = scoreIntervalByBisection(rule.confirmed, rule.decided);
        expect(f.rules[k]!.low).toBeCloseTo(wilson.low, 9);
        expect(f.rules[k]!.high).toBeCloseTo(wilson.high, 9);
      }
    }
    expect(f.districts.map((d) => [d.district, d.flagged, d.outcomes, d.decided, d.confirmed, d.precision])).toEqual(want.districts.map((d) => [d.district, d.flagged, d.outcomes, d.decided, d.confirmed, d.precision]));
    expect(f.capacity).toMatchObject({ listed: want.listed, outcomes: want.capacity.outcomes, decided: want.capacity.decided, confirmed: want.capacity.confirmed, precision: want.capacity.precision });
    const codeOf = (code: string) => f.codes.find((c) => c.code === code)!;
    expect(codeOf('RED').decided + codeOf('YELLOW').decided + codeOf('GREEN').decided).toBe(want.base.decided);

    // Recall: North has an audit of its unflagged consumers, South has none.
    expect(f.recall.statement).toBeNull();
    expect(f.recall.unaudited).toEqual(['South']);
    const [north] = f.recall.districts;
    const r = want.recall;
    expect(north).toMatchObject({ district: 'North', unflagged: r.unflagged, auditDecided: r.audit.decided, auditConfirmed: r.audit.confirmed, found: r.found });
    expect(north!.missed).toBeCloseTo(r.missed, 12);
    expect(north!.recall).toBeCloseTo(r.recall, 12);
    const rate = scoreIntervalByBisection(r.audit.confirmed, r.audit.decided);
    expect(north!.missedHigh).toBeCloseTo(rate.high * r.unflagged, 9);

    // The outcomes file: 12 good rows, 5 bad ones, each counted under its reason.
    expect(report.outcomes.rows).toBe(17);
    expect(report.outcomes.used).toBe(SITES.filter(([, , , o]) => o !== null).length);
    expect(Object.fromEntries(Object.entries(report.outcomes.skipped).map(([reason, s]) => [reason, s.count]))).toEqual({ withoutId: 1, unknownOutcome: 1, badAudit: 1, badDate: 0, duplicate: 1, unreadable: 0, notInBatch: 1 });
    expect(report.outcomes.skipped.notInBatch!.first).toEqual(['line 14: "ghost"']);
    expect(json.stderr).toContain('1 for an id not in the batch (line 14: "ghost")');
    expect(json.stderr).toContain('1 of an id seen before (the first row kept) (line 15: "n-r1" (line 2 kept))');

    // The text shows the same figures: each rule's row, each district's, and the recall row.
    const text = cli.run('evaluate', ...args, '--no-progress');
    expect(text.status, text.stderr).toBe(0);
    const cells = (first: string) => {
      const line = text.stdout.split('\n').find((l) => l.trim().split(/\s{2,}/)[0] === first);
      expect(line, first).toBeDefined();
      return line!.trim().split(/\s{2,}/);
    };
    const pct = (v: number | null) => (v === null ? 'n/a' : `${(100 * v).toFixed(1)} %`);
    for (const rule of f.rules) {
      const interval = rule.low === null ? [] : [`[${pct(rule.low)}, ${pct(rule.high)}]`];
      expect(cells(rule.rule)).toEqual([rule.rule, String(rule.fired), String(rule.outcomes), String(rule.unreachable), String(rule.decided), String(rule.confirmed), pct(rule.precision), ...interval, rule.lift === null ? 'n/a' : rule.lift.toFixed(2)]);
    }
    for (const d of f.districts) {
      const interval = d.low === null ? [] : [`[${pct(d.low)}, ${pct(d.high)}]`];
      expect(cells(d.district)).toEqual([d.district, String(d.flagged), String(d.listed), String(d.outcomes), String(d.unreachable), String(d.decided), String(d.confirmed), pct(d.precision), ...interval]);
    }
    expect(text.stdout).toContain(`${north!.missed.toFixed(1)}  [${north!.missedLow.toFixed(1)}, ${north!.missedHigh.toFixed(1)}]`);
    expect(text.stdout).toContain(`no audit, recall unknown: South`);
  });

  it('says recall cannot be estimated without audit rows, and refuses a bad command line', () => {
    const batch = cli.file('export2.csv', exportCsv());
    const outcomes = cli.file('no-audit.jsonl', `${JSON.stringify({ id: 'n-r1', outcome: 'confirmed' })}\n${JSON.stringify({ id: 'n-r2', outcome: 'not_found' })}\n`);
    const rules = cli.file('rules2.yaml', RULE_SET);
    const run = cli.run('evaluate', '-i', batch, '--unit', 'kw', '--outcomes', outcomes, '-r', rules, '--no-progress');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('recall cannot be estimated from flagged sites alone: add a random audit of unflagged consumers (audit column)');
    expect(cli.run('evaluate', '-i', batch, '--unit', 'kw', '-r', rules).status).toBe(2);
    const both = cli.run('evaluate', '-i', batch, '--unit', 'kw', '--outcomes', outcomes, '--capacity', '2', '--inspectors', 'x.csv');
    expect(both.status).toBe(2);
    expect(both.stderr).toContain('give --capacity N or --inspectors FILE, not both');
    // Outcomes of another batch: a failure naming the counts, never figures of nothing with status 0.
    const elsewhere = cli.run('evaluate', '-i', batch, '--unit', 'kw', '--outcomes', cli.file('elsewhere.csv', 'id,outcome\nx1,confirmed\n'), '-r', rules, '--no-progress');
    expect([elsewhere.status, elsewhere.stdout]).toEqual([1, '']);
    expect(elsewhere.stderr).toContain('none of its 1 row names a consumer of the batch');
    expect(elsewhere.stderr).toContain('1 for an id not in the batch (line 2: "x1")');
  });
});
