// `gridcode list` (the built command line) against a hand-built expectation:
// a former response written here by hand, listed per district with the
// capacities of an inspectors file, read back as CSV with csv-parse and as
// XLSX with a reader that shares no code with the writer (tests/support/
// xlsx-read.ts); then real meter exports from ../shared/data scored and
// listed, compared with `gridcode score`'s response for the same input.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { requestJson } from '../../lib/score-requests.js';
import { cliWorkspace } from '../../tests/support/cli.js';
import { followUpConsumers, FOLLOW_UP_HEADER } from '../../tests/support/follow-up-batch.js';
import { dataFile } from '../../tests/support/real-data.js';
import { readXlsx } from '../../tests/support/xlsx-read.js';

const cli = cliWorkspace('gridcode-list-');

const RULE_SET = `id: t
version: "1"
thresholds: { yellow: 40, red: 70 }
rules:
  - id: night
    when: night_share > 0.35 or load_factor > 0.5
    score: 40
    reason: 夜间生产（居民户）
  - id: big
    when: mean_kw > 2 * baseline_kw
    score: 40
    reason: Twice its own past
  - id: factory
    when: mean_kw > 4
    effect: red
    reason: Factory curve, "quoted", with a comma
`;
const RULES = [
  { id: 'night', reason: '夜间生产（居民户）', score: 40, when: 'night_share > 0.35 or load_factor > 0.5' },
  { id: 'big', reason: 'Twice its own past', score: 40, when: 'mean_kw > 2 * baseline_kw' },
  { id: 'factory', reason: 'Factory curve, "quoted", with a comma', effect: 'red', when: 'mean_kw > 4' },
];
const NIGHT = { rule: 'night', values: { night_share: 0.62, load_factor: 0.4 } };
const BIG = { rule: 'big', values: { mean_kw: 6, baseline_kw: 2 } };
const FACTORY = { rule: 'factory', values: { mean_kw: 5.5 } };
/** [id, district, code, score, fired evidence]: the cases of issue 15's list. */
const RESULTS: [string, string, string, number, { rule: string; values: Record<string, number> }[]][] = [
  ['a1', 'A', 'RED', 30, [FACTORY]], // RED by an effect rule with a low sum: priority 70
  ['a2', 'A', 'YELLOW', 50, [NIGHT]], // a YELLOW with a higher sum than a1: still below every RED
  ['a3', 'A', 'RED', 80, [NIGHT, BIG]],
  ['a4', 'A', 'RED', 70, [NIGHT, BIG]], // priority 70 like a1: the higher sum first
  ['a5', 'A', 'GREEN', 0, []],
  ['b-2', 'B', 'RED', 75, [NIGHT, BIG]], // a tie with b-1: by id
  ['b-1', 'B', 'RED', 75, [NIGHT, BIG]],
  ['z1', 'Z', 'RED', 90, [NIGHT, BIG]], // a district the inspectors file lacks
  ['h1', '海淀区', 'YELLOW', 45, [NIGHT]], // fewer suspects than capacity
  ['n1', '', 'RED', 100, [NIGHT, BIG]], // no district
  ['n2', '', 'RED', 72, [NIGHT, BIG]],
  ['g1', 'B', 'GRAY', 0, []],
];
const INSPECTORS = '\uFEFFdistrict,inspectors,sites_per_inspector\nA,1,2\nB,2,\n海淀区,1,\n(no district),1,1\nbad,x,\n';
const HEADER = ['district', 'rank', 'id', 'code', 'priority', 'score', 'reasons', 'evidence', 'rules', 'follow_up', 'note'];

function responseJson(digest?: string): string {
  const results = RESULTS.map(([id, district, code, score, evidence]) => ({
    id,
    ...(district ? { district } : {}),
    code: `CODE_${code}`,
    ...(score ? { score } : {}),
    ...(evidence.length ? { reasons: evidence.map((e) => e.rule), evidence } : {}),
  }));
  return JSON.stringify({ ruleSet: 't@1', ...(digest ? { ruleSetDigest: digest } : {}), results, summary: { total: RESULTS.length }, rules: RULES });
}

function csvRows(bytes: Buffer): string[][] {
  return parse(bytes, { bom: true, relax_column_count: false }) as string[][];
}

describe('gridcode list against a hand-built expectation', () => {
  it('ranks RED before YELLOW by priority, score and id, cuts each district to its inspectors, lists the consumers without a district', () => {
    const response = cli.file('response.json', responseJson());
    const rules = cli.file('t.yaml', RULE_SET);
    const inspectors = cli.file('inspectors.csv', INSPECTORS);
    const run = cli.run('list', '--response', response, '--rule-set', rules, '--inspectors', inspectors, '--yellow', '-o', 'list.csv');
    expect(run.status, run.stderr).toBe(0);
    const bytes = readFileSync(join(cli.dir(), 'list.csv'));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.includes(Buffer.from('\r\n'))).toBe(true);
    const [header, ...rows] = csvRows(bytes);
    expect(header).toEqual(HEADER);
    expect(rows.map((r) => r.slice(0, 6))).toEqual([
      ['A', '1', 'a3', 'RED', '80', '80'],
      ['A', '2', 'a4', 'RED', '70', '70'],
      ['B', '1', 'b-1', 'RED', '75', '75'],
      ['B', '2', 'b-2', 'RED', '75', '75'],
      ['海淀区', '1', 'h1', 'YELLOW', '45', '45'],
      ['(no district)', '1', 'n1', 'RED', '100', '100'],
    ]);
    const a3 = rows[0]!;
    expect(a3[6]).toBe('夜间生产（居民户）; Twice its own past');
    expect(a3[7]).toBe('night: night_share 0.62 > 0.35, load_factor 0.4 > 0.5 (not met); big: mean_kw 6 > 2 * baseline_kw (= 4)');
    expect(a3[8]).toBe('night big');
    expect(run.stderr).toContain('gridcode list: "A": 4 suspects (3 RED, 1 YELLOW), 2 listed, 2 cut; capacity 2 (1 inspector × 2)');
    expect(run.stderr).toContain('gridcode list: "B": 2 suspects (2 RED, 0 YELLOW), 2 listed, 0 cut; capacity 52 (2 inspectors × 26)');
    expect(run.stderr).toMatch(/gridcode list: "Z": 1 suspect \(1 RED, 0 YELLOW\), 0 listed, 1 cut; capacity 0: not in .*inspectors\.csv/);
    expect(run.stderr).toContain('gridcode list: (no district): 2 suspects (2 RED, 0 YELLOW), 1 listed, 1 cut; capacity 1 (1 inspector × 1)');
    expect(run.stderr).toContain('t@1: 6 of 10 RED and YELLOW suspects listed in 5 districts, 4 cut');
    expect(run.stderr).toContain('not listed: 1 GRAY, 1 GREEN');
    expect(run.stderr).toContain('1 district has no row in the inspectors file');
    expect(run.stderr).toMatch(/inspectors\.csv: 1 row skipped: row 6 \(bad\): inspectors "x" is not a whole number/);

    // The effect-RED a1 (sum 30) comes after a4 (sum 70) at the same priority, and before the YELLOW a2 (sum 50).
    const all = cli.run('list', '--response', response, '--rule-set', rules, '--yellow');
    expect(all.status, all.stderr).toBe(0);
    const district = (name: string) => csvRows(Buffer.from(all.stdout)).filter((r) => r[0] === name).map((r) => [r[2], r[4], r[5]]);
    expect(district('A')).toEqual([['a3', '80', '80'], ['a4', '70', '70'], ['a1', '70', '30'], ['a2', '50', '50']]);
    expect(csvRows(Buffer.from(all.stdout)).find((r) => r[2] === 'a1')![7]).toBe('factory: mean_kw 5.5 > 4');
  });

  it('lists REDs only without --yellow, N per district with --capacity N', () => {
    const run = cli.run('list', '--response', cli.file('response.json', responseJson()), '--rule-set', cli.file('t.yaml', RULE_SET), '--capacity', '1');
    expect(run.status, run.stderr).toBe(0);
    expect(csvRows(Buffer.from(run.stdout)).slice(1).map((r) => [r[0], r[2]])).toEqual([['A', 'a3'], ['B', 'b-1'], ['Z', 'z1'], ['(no district)', 'n1']]);
    expect(run.stderr).toContain('not listed: 2 YELLOW (--yellow lists them after the REDs), 1 GRAY, 1 GREEN');
  });

  it('writes the same list as XLSX: a Summary sheet, a sheet per district, header frozen, widths set, Chinese text intact', () => {
    const args = ['--response', cli.file('response.json', responseJson()), '--rule-set', cli.file('t.yaml', RULE_SET), '--inspectors', cli.file('inspectors.csv', INSPECTORS), '--yellow'];
    const csv = cli.run('list', ...args);
    const xlsx = cli.run('list', ...args, '--output', 'list.xlsx');
    expect(xlsx.status, xlsx.stderr).toBe(0);
    const sheets = readXlsx(readFileSync(join(cli.dir(), 'list.xlsx')));
    expect(sheets.map((s) => s.name)).toEqual(['Summary', 'A', 'B', 'Z', '海淀区', '(no district)']);
    expect(sheets[0]!.rows.slice(1).map((r) => [r[0], r[1], r[5], r[6]])).toEqual([['A', 4, 2, 2], ['B', 2, 2, 0], ['Z', 1, 0, 1], ['海淀区', 1, 1, 0], ['(no district)', 2, 1, 1]]);
    const fromSheets: string[][] = [];
    for (const sheet of sheets.slice(1)) {
      expect(sheet.frozenRows, sheet.name).toBe(1);
      expect(sheet.widths.get(HEADER.indexOf('evidence') + 1), sheet.name).toBe(70);
      expect(sheet.rows[0]).toEqual(HEADER);
      for (const row of sheet.rows.slice(1)) fromSheets.push(HEADER.map((_, c) => (row[c] === undefined ? '' : String(row[c]))));
    }
    expect(fromSheets).toEqual(csvRows(Buffer.from(csv.stdout)).slice(1));
  });

  it('shows a control character an XLSX cell cannot hold as U+FFFD in both forms, so that CSV and XLSX agree', () => {
    const results = [{ id: 'id\u0001x', district: 'Dist\u0002rict', code: 'CODE_RED', score: 80, note: 'bad \u000b note\ttab' }];
    const args = ['--response', cli.file('ctrl.json', JSON.stringify({ ruleSet: 't@1', results })), '--rule-set', cli.file('t.yaml', RULE_SET)];
    const csv = cli.run('list', ...args);
    const xlsx = cli.run('list', ...args, '-o', 'ctrl.xlsx');
    expect([csv.status, xlsx.status], csv.stderr + xlsx.stderr).toEqual([0, 0]);
    const expected = ['Dist\uFFFDrict', '1', 'id\uFFFDx', 'RED', '80', '80', '', '', '', '', 'bad \uFFFD note\ttab'];
    expect(csvRows(Buffer.from(csv.stdout)).slice(1)).toEqual([expected]);
    const sheets = readXlsx(readFileSync(join(cli.dir(), 'ctrl.xlsx')));
    expect(sheets.map((sheet) => sheet.name)).toEqual(['Summary', 'Dist\uFFFDrict']);
    expect(sheets[1]!.rows.slice(1).map((row) => HEADER.map((_, c) => (row[c] === undefined ? '' : String(row[c]))))).toEqual([expected]);
  });

  it('refuses an unknown extension, a wrong rule set, and mixed inputs, each with a clear message', () => {
    const response = cli.file('response.json', responseJson());
    const rules = cli.file('t.yaml', RULE_SET);
    const txt = cli.run('list', '--response', response, '--rule-set', rules, '-o', 'red.txt');
    expect([txt.status, txt.stderr]).toEqual([2, expect.stringMatching(/--output "red\.txt": name the file \.csv or \.xlsx/)]);
    const both = cli.run('list', '--response', response, '--input', response);
    expect([both.status, both.stderr]).toEqual([2, expect.stringMatching(/--input BATCH or --response FILE \(one of them\)/)]);
    const zero = cli.run('list', '--response', response, '--capacity', '0');
    expect([zero.status, zero.stderr]).toEqual([2, expect.stringMatching(/--capacity "0": give a whole number of sites ≥ 1/)]);
    const unit = cli.run('list', '--response', response, '--unit', 'kw');
    expect([unit.status, unit.stderr]).toEqual([2, expect.stringMatching(/--unit: for a meter export given as --input/)]);
    const other = cli.run('list', '--response', cli.file('digest.json', responseJson('0123456789abcdef')), '--rule-set', rules);
    expect([other.status, other.stderr]).toEqual([1, expect.stringMatching(/digest\.json: scored with t@1 \(digest 0123456789ab…\), but the rule set found is t@1 .*give --rule-set FILE/)]);
    // proto3 JSON: null is the default value ('', no rule set named), so --rule-set gives the thresholds.
    const unnamed = cli.run('list', '--response', cli.file('null.json', responseJson().replace('"ruleSet":"t@1"', '"ruleSet":null')), '--rule-set', rules);
    expect(unnamed.status, unnamed.stderr).toBe(0);
    expect(csvRows(Buffer.from(unnamed.stdout)).length).toBeGreaterThan(1);
    const twice = cli.run('list', '--response', cli.file('twice.json', responseJson().replace('"ruleSet":"t@1"', '"ruleSet":"t@1","rule_set":"t@1"')), '--rule-set', rules);
    expect([twice.status, twice.stderr]).toEqual([1, expect.stringMatching(/twice\.json: the response gives ruleSet twice \(as "ruleSet" and "rule_set"/)]);
    const unknown = cli.run('list', '--response', response);
    expect([unknown.status, unknown.stderr]).toEqual([1, expect.stringMatching(/response\.json: scored with t@1, which cannot be found .*give --rule-set FILE/)]);
  });
});

describe('gridcode list: comparisons under `not`', () => {
  it('shows the complement of a comparison under `not` (default.yaml night-production-continuous), never a NaN as met', () => {
    // `… and not (weekend_ratio < 0.8 and busy_weekend_ratio < 0.6)`: it fired, so one of the two failed.
    const production = { night_share: 0.6, load_factor: 0.7, operating_hours: 20 };
    const results = [
      { id: 'busy', code: 'CODE_YELLOW', score: 40, reasons: ['night-production-continuous'], evidence: [{ rule: 'night-production-continuous', values: { ...production, weekend_ratio: 0.41, busy_weekend_ratio: 0.75 } }] },
      { id: 'nan', code: 'CODE_YELLOW', score: 40, reasons: ['night-production-continuous'], evidence: [{ rule: 'night-production-continuous', values: { ...production, weekend_ratio: 0.5, busy_weekend_ratio: 'NaN' } }] },
    ];
    const response = cli.file('not.json', JSON.stringify({ ruleSet: 'default', results, summary: { total: 2 } }));
    const run = cli.run('list', '--response', response, '--yellow');
    expect(run.status, run.stderr).toBe(0);
    const evidence = new Map(csvRows(Buffer.from(run.stdout)).slice(1).map((r) => [r[2], r[7]]));
    const held = 'night-production-continuous: night_share 0.6 > 0.4, load_factor 0.7 > 0.4, operating_hours 20 > 8, ';
    expect(evidence.get('busy')).toBe(`${held}weekend_ratio 0.41 >= 0.8 (not met), busy_weekend_ratio 0.75 >= 0.6`);
    expect(evidence.get('nan')).toBe(`${held}weekend_ratio 0.5 >= 0.8 (not met), not (busy_weekend_ratio NaN < 0.6)`);
  });
});

describe('gridcode list from a batch', () => {
  it('scores the batch as gridcode score does, shows the watch of watched sites, and no reading', () => {
    const consumers = followUpConsumers(120, 'list').map((c, i) => ({ ...c, ...(i % 5 ? { district: ['东城区', 'West'][i % 2]! } : {}) }));
    const batch = cli.file('batch.json', requestJson({ ...FOLLOW_UP_HEADER, includeFeatures: false }, consumers));
    const listed = cli.run('list', '--input', batch, '--yellow');
    expect(listed.status, listed.stderr).toBe(0);
    const rows = csvRows(Buffer.from(listed.stdout)).slice(1);
    const scored = cli.run('score', '--input', batch, '--include-evidence', '-o', 'batch-response.json');
    expect(scored.status, scored.stderr).toBe(0);
    const response = JSON.parse(readFileSync(join(cli.dir(), 'batch-response.json'), 'utf8')) as { results: Result[] };
    const flagged = response.results.filter((r) => r.code === 'CODE_RED' || r.code === 'CODE_YELLOW');
    expect(flagged.length).toBeGreaterThan(0);
    expect(rows.map((r) => r[2]).sort()).toEqual(flagged.map((r) => r.id).sort());
    // The follow-up column: the consumer's watch as sent (followup.md's words), for watched sites only.
    const WORDS = ['', 'rectified', 'closed', 'restricted', 'cleared'];
    const byId = new Map(consumers.map((c) => [c.id, c]));
    let watched = 0;
    for (const row of rows) {
      const watch = byId.get(row[2]!)!.watch;
      const expected = !watch || watch.status === 0 ? '' : `${WORDS[watch.status ?? 0]}${watch.since ? ` since ${watch.since}` : ''}`;
      expect(row[9], row[2]).toBe(expected);
      if (expected) watched++;
    }
    expect(watched).toBeGreaterThan(0);
    // The same list from the response, but for the follow-up column, which a response cannot fill from the watch.
    const again = cli.run('list', '--response', 'batch-response.json', '--yellow');
    expect(again.status, again.stderr).toBe(0);
    expect(csvRows(Buffer.from(again.stdout)).slice(1).map((r) => [...r.slice(0, 9), r[10]])).toEqual(rows.map((r) => [...r.slice(0, 9), r[10]]));
    // Never the readings: no load value of a listed site (those written with 6 or more characters) appears.
    const readings = new Set(rows.flatMap((r) => byId.get(r[2]!)!.loadKw.map(String).filter((v) => v.length >= 6)));
    expect(readings.size).toBeGreaterThan(0);
    for (const value of readings) expect(listed.stdout.includes(value), value).toBe(false);
  });
});

const UCI = dataFile('uci_electricity_370_2weeks_hourly', 'uci370_hourly_2014-03-24_2014-04-06.csv.gz');
const LONDON = dataFile('lcl_london_households_2013', 'lcl_100hh_2013_halfhourly_kwh_wide.csv.gz');
if (!UCI) console.warn('list.e2e: ../shared/data/uci_electricity_370_2weeks_hourly is absent: the UCI list test is skipped');
if (!LONDON) console.warn('list.e2e: ../shared/data/lcl_london_households_2013 is absent: the London list test is skipped');

const DISTRICTS = ['海淀区', '朝阳区', 'Kreis "4"', ''];
/** For the London homes: thresholds as the default's (red 70, which the expectation below assumes). */
const HOMES = `id: homes
version: "1"
thresholds: { yellow: 40, red: 70 }
rules:
  - id: evening
    when: night_share > 0.3
    score: 45
    reason: 晚间用电
  - id: busy
    when: mean_kw > 0.4
    score: 30
    reason: Above the usual home
  - id: peak
    when: max_kw > 6
    effect: red
    reason: A peak no home needs
`;

interface Result {
  id: string;
  code: string;
  score?: number;
  district?: string;
  reasons?: string[];
}

/** The list of a real export: scored by `gridcode score`, ranked here from its definition, compared with `gridcode list`. */
function checkRealExport(file: string, unit: string, capacity: number, ruleSet: string[] = []): void {
  const text = gunzipSync(readFileSync(file)).toString('utf8');
  const lines = text.split(/\r?\n/).filter((l) => l !== '');
  const ids = lines[0]!.split(',').slice(1);
  const accounts = cli.file(`${unit}-accounts.csv`, `id,category,zone,district\n${ids.map((id, i) => `${id},residential,residential_area,${DISTRICTS[i % 4]}`).join('\n')}\n`);
  const input = ['--input', file, '--unit', unit, '--accounts', accounts, ...ruleSet];
  const scored = cli.run('score', ...input, '--flagged-only');
  expect(scored.status, scored.stderr).toBe(0);
  const response = JSON.parse(scored.stdout) as { results: Result[]; rules?: { id: string; effect?: string }[] };
  const listed = cli.run('list', ...input, '--capacity', String(capacity), '--yellow', '-o', `${unit}.csv`);
  expect(listed.status, listed.stderr).toBe(0);
  const bytes = readFileSync(join(cli.dir(), `${unit}.csv`));
  const rows = csvRows(bytes).slice(1);

  // From the response: per district, RED then YELLOW, priority max(score, 70) for RED (default: red 70), score, id.
  const key = (r: Result) => [r.code === 'CODE_RED' ? 0 : 1, -(r.code === 'CODE_RED' ? Math.max(r.score ?? 0, 70) : (r.score ?? 0)), -(r.score ?? 0)] as const;
  const expected: string[][] = [];
  const names = [...new Set(response.results.filter((r) => r.code === 'CODE_RED' || r.code === 'CODE_YELLOW').map((r) => r.district ?? ''))].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : a < b ? -1 : 1));
  for (const name of names) {
    const own = response.results.filter((r) => (r.district ?? '') === name && (r.code === 'CODE_RED' || r.code === 'CODE_YELLOW'));
    own.sort((x, y) => {
      const [a, b] = [key(x), key(y)];
      for (let k = 0; k < 3; k++) if (a[k] !== b[k]) return a[k]! - b[k]!;
      return x.id < y.id ? -1 : 1;
    });
    own.slice(0, capacity).forEach((r, k) => expected.push([name || '(no district)', String(k + 1), r.id, r.code.slice(5)]));
  }
  expect(expected.length).toBeGreaterThan(0);
  expect(rows.map((r) => r.slice(0, 4))).toEqual(expected);
  expect(rows.filter((r) => r[0] === '海淀区').length).toBeGreaterThan(0);

  // Never the readings: no reading of a listed site, as written in the export (≥ 6 characters, so not a small round number), is in the list.
  const listedIds = new Set(rows.map((r) => r[2]));
  const columns = ids.map((id, i) => [id, i + 1] as const).filter(([id]) => listedIds.has(id));
  const list = bytes.toString('utf8');
  let checked = 0;
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    for (const [, c] of columns) {
      const cell = cells[c]!.trim();
      if (cell.length >= 6) {
        checked++;
        expect(list.includes(cell), `reading ${cell}`).toBe(false);
      }
    }
  }
  expect(checked).toBeGreaterThan(0);
}

describe('gridcode list on real meter exports', () => {
  it.skipIf(!UCI)('UCI 370 clients (wide, kW) with generated districts: the list is the response ranked per district', () => {
    checkRealExport(UCI!, 'kw', 7);
  });
  it.skipIf(!LONDON)('London LCL households (wide, kWh) with generated districts', () => {
    // Homes are GREEN by the default rule set: a rule set of its own gives a list (RED by effect and by sum, YELLOW).
    checkRealExport(LONDON!, 'kwh', 3, ['--rule-set', cli.file('homes.yaml', HOMES)]);
  });
});
