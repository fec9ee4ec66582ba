// Meter exports whose timestamps are instants (Z or an offset) read with --tz
// across daylight-saving changes, through the built command line (`npm run
// build` first): zones of both hemispheres, one behind UTC, two with
// half-hour offsets, two without daylight time; 2013–2026; a few days around
// the spring or the autumn change, or from one to the other; intervals of 15,
// 30 and 60 minutes; kW, kWh and Wh; wide and long layouts; gaps, bad cells
// and rows in any order (tests/support/dst-exports.ts). The oracle is
// tests/support/daylight-saving.ts, the rules written out by hand (not Intl,
// which the readers use; tests/daylight-saving-rules.test.ts checks them
// against it); dst-model.ts works out from them each reading's clock time
// and slot, the curve the engine must get, which slots have no row (the
// skipped hour in spring) and which rows are duplicates (the repeated hour in
// autumn: the first in the file is kept). The features of
// the export must equal those of that curve sent as a JSON batch, line for
// line, and the report's counts must be exact.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cliWorkspace } from '../../tests/support/cli.js';
import { changesIn, ids, instants, longRows, renderLong, renderWide, scenario, wideRows, windowDays, type Scenario } from '../../tests/support/dst-exports.js';
import { model, reportCounts, type Model } from '../../tests/support/dst-model.js';

// Each run spawns the command line twice (~0.3 s each): 20 runs a property keep the file under a minute on 2 cores.
const RUNS = 20 * (Number(process.env.CSV_FUZZ_SCALE ?? 1) || 1);
/** Time allowed a property: 5 s a run, room for a loaded machine and for shrinking a failure (not a measure of speed). */
const TIMEOUT_MS = RUNS * 5_000;

const workspace = cliWorkspace('gridcode-dst-');

// ---- Running ----

let files = 0;

/** `gridcode features` on an export with --tz, and the same curves sent as a JSON batch: the features by id, and the report. */
function run(s: Scenario, text: string, expected: Model): { status: number | null; stderr: string; lines?: Map<string, string>; report?: Record<string, any>; want?: Map<string, string> } {
  const name = `dst-${files++}`;
  const csv = workspace.file(`${name}.csv`, text);
  const reportPath = `${workspace.dir()}/${name}.report.json`;
  const got = workspace.run('features', '--input', csv, '--unit', s.unit, '--tz', s.zone.name, '--report-json', reportPath, ...(s.giveInterval ? ['--interval', String(s.minutes)] : []));
  if (got.status !== 0 || expected.error) return { status: got.status, stderr: got.stderr };
  const batch = {
    startDate: expected.startDate,
    pointsPerDay: expected.pointsPerDay,
    consumers: ids(s).map((id, j) => ({ id, loadKw: Array.from(expected.curves![j]!, (v) => (Number.isNaN(v) ? 'NaN' : v)) })),
  };
  const json = workspace.run('features', '--input', workspace.file(`${name}.json`, JSON.stringify(batch)));
  expect(json.status, json.stderr).toBe(0);
  return { status: 0, stderr: got.stderr, lines: linesById(got.stdout), report: JSON.parse(readFileSync(reportPath, 'utf8')) as Record<string, any>, want: linesById(json.stdout) };
}

/** Lines of `features` output by consumer id. */
function linesById(stdout: string): Map<string, string> {
  return new Map(stdout.split('\n').filter((line) => line !== '').map((line) => [(JSON.parse(line) as { id: string }).id, line]));
}

/** The export's features and report against the model. */
function check(s: Scenario, text: string, expected: Model): void {
  const got = run(s, text, expected);
  if (expected.error) {
    expect(got.status, got.stderr).toBe(1);
    expect(got.stderr).toMatch(expected.error);
    return;
  }
  expect(got.status, got.stderr).toBe(0);
  expect(got.lines).toEqual(got.want);
  expect(reportCounts(got.report!)).toEqual(expected.report);
  expect((got.report!['perConsumer'] as Record<string, unknown>[]).map((x) => Object.fromEntries(Object.keys(expected.perConsumer![0]!).map((key) => [key, x[key]])))).toEqual(expected.perConsumer);
}

// ---- The properties ----

describe('an export of instants read with --tz across a daylight-saving change', () => {
  it('wide: gives the features of the hand-built curves, and exact counts (skipped hour missing, repeated hour duplicates)', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const all = instants(s);
        const rows = wideRows(s, all);
        const expected = model(s, [rows], 'wide');
        check(s, renderWide(s, rows), expected);
        if (s.gaps[0]!.length === 0 && !expected.error) {
          // Every reading present: the rules alone say what is missing and what is repeated.
          const [first, last] = windowDays(s);
          const changes = changesIn(s, first, last);
          const perHour = 60 / s.minutes;
          expect(expected.report!['timestamps']).toMatchObject({ slotsWithoutRow: changes.spring * perHour, duplicates: changes.autumn * perHour });
        }
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT_MS);

  it('long: gives the features of the hand-built curves, and exact counts per consumer', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const all = instants(s);
        const groups = longRows(s, all);
        const expected = model(s, groups, 'long');
        check(s, renderLong(s, groups), expected);
        if (expected.error) return;
        const [first, last] = windowDays(s);
        const changes = changesIn(s, first, last);
        const perHour = 60 / s.minutes;
        expected.perConsumer!.forEach((x, j) => {
          if (s.gaps[j]!.length === 0) expect(x).toMatchObject({ slotsWithoutRow: changes.spring * perHour, duplicates: changes.autumn * perHour });
        });
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT_MS);
});
