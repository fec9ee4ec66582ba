// The accounts file (--accounts) through the built command line (`npm run
// build` first): a small export, wide and long, joined with an accounts file
// whose rows are partly missing, extra, repeated and badly spelled. The
// results must be those of the same consumers written by hand as a JSON batch
// with the attributes the accounts file means, and the report's counts exact.
// Then the London households with a generated accounts file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { cliWorkspace } from '../../tests/support/cli.js';
import { dataFile } from '../../tests/support/real-data.js';

const workspace = cliWorkspace('gridcode-accounts-');
const { run, file } = workspace;

const DAYS = 14;
/** kW at hour h: homes with a morning and an evening peak; a 5.8 kW workshop working 8:00–18:00. */
const curves: Record<string, (h: number) => number> = {
  'house-1': (h) => (h === 7 || h === 8 || h >= 19 ? 0.75 : 0.25),
  'workshop-2': (h) => (h >= 8 && h < 18 ? 5.8 : 0.5),
  'house-3': (h) => (h === 7 || h >= 19 ? 1 : 0.5),
  ghost: (h) => (h >= 18 ? 1.25 : 0.5),
  nobody: (h) => (h >= 20 ? 1 : 0.25),
};
const ids = Object.keys(curves);
const stamp = (d: number, h: number) => `2026-03-${String(2 + d).padStart(2, '0')} ${String(h).padStart(2, '0')}:00`;

function wideCsv(): string {
  const lines = [`time,${ids.join(',')}`];
  for (let d = 0; d < DAYS; d++) for (let h = 0; h < 24; h++) lines.push(`${stamp(d, h)},${ids.map((id) => curves[id]!(h)).join(',')}`);
  return `${lines.join('\n')}\n`;
}

function longCsv(): string {
  const lines = ['id,timestamp,value'];
  for (const id of ids) for (let d = 0; d < DAYS; d++) for (let h = 0; h < 24; h++) lines.push(`${id},${stamp(d, h)},${curves[id]!(h)}`);
  return `${lines.join('\n')}\n`;
}

// Separator ; (so 5,8 is 5.8 kW), header in mixed case and its own order, an unknown column,
// a Chinese zone, a word of no table and an unreadable number (line 4), an id with no consumer
// (extra-9), a second row of house-1 (dropped), a since that is no date (ghost: GRAY), no row for nobody.
const ACCOUNTS = `ID;Category;Zone;Capacity;Notes;District;Watch;Since
house-1;residential;居住区;8;x;North;;
workshop-2;INDUSTRIAL;residential area;5,8;;North;;
house-3;house;;abc;;South;;
extra-9;工业;;;;;;
house-1;industrial;;;;;;
ghost;;;;;;rectified;2026-02-30
`;

/** The consumers as the accounts file (and --category residential for empty cells) means them; one with no row stays unspecified. */
function jsonBatch(category: string | undefined): string {
  const attributes: Record<string, object> = {
    'house-1': { category: 'CATEGORY_RESIDENTIAL', zone: 'ZONE_RESIDENTIAL_AREA', capacityKw: 8, district: 'North' },
    'workshop-2': { category: 'CATEGORY_INDUSTRIAL', zone: 'ZONE_RESIDENTIAL_AREA', capacityKw: 5.8, district: 'North' },
    'house-3': { district: 'South' },
    ghost: { ...(category && { category }), watch: { status: 'WATCH_STATUS_RECTIFIED', since: '2026-02-30' } },
    nobody: {},
  };
  const consumers = ids.map((id) => ({ id, ...attributes[id], loadKw: Array.from({ length: DAYS * 24 }, (_, i) => curves[id]!(i % 24)) }));
  return JSON.stringify({ startDate: '2026-03-02', pointsPerDay: 24, consumers });
}

interface Result {
  id: string;
  code: string;
  note?: string;
  reasons?: string[];
}
const results = (stdout: string) => (JSON.parse(stdout) as { results: Result[] }).results;

const EXPECTED_REPORT = {
  separator: ';',
  rows: 6,
  accounts: 5,
  columns: { id: 'ID', category: 'Category', zone: 'Zone', capacityKw: 'Capacity', district: 'District', watchStatus: 'Watch', since: 'Since' },
  ignoredColumns: ['Notes'],
  rowsWithoutId: 0,
  duplicateRows: { count: 1, firstIds: ['house-1'] },
  unreadableCsv: { count: 0, first: null },
  badCells: { category: { count: 1, first: 'line 4: "house"' }, capacityKw: { count: 1, first: 'line 4: "abc"' } },
  sinceNotCalendar: { count: 1, first: 'line 7: "2026-02-30"' },
  consumersWithoutAccount: { count: 1, firstIds: ['nobody'] },
  accountsWithoutReadings: { count: 1, firstIds: ['extra-9'] },
};

describe('--accounts', () => {
  it.each([
    ['wide', wideCsv],
    ['long', longCsv],
  ])('joins a %s CSV with the accounts: the results of the same consumers sent as JSON with those attributes, the report exact', (layout, csv) => {
    const input = file(`${layout}.csv`, csv());
    const accounts = file('accounts.csv', ACCOUNTS);
    const reportPath = join(workspace.dir(), `${layout}-report.json`);
    for (const category of [undefined, 'residential']) {
      const scored = run('score', '--input', input, '--unit', 'kw', '--accounts', accounts, '--report-json', reportPath, ...(category ? ['--category', category] : []));
      expect(scored.status, scored.stderr).toBe(0);
      const byHand = run('score', '--input', file('batch.json', jsonBatch(category && 'CATEGORY_RESIDENTIAL')));
      expect(byHand.status, byHand.stderr).toBe(0);
      expect(results(scored.stdout)).toEqual(results(byHand.stdout));
      const report = JSON.parse(readFileSync(reportPath, 'utf8')) as { accounts: object };
      expect(report.accounts).toEqual({ file: accounts, ...EXPECTED_REPORT });
      expect(scored.stderr).toContain('consumers with no account row: 1 (nobody); account rows with no consumer in the export: 1 (extra-9)');
    }
    const [workshop, house3, ghost, nobody] = ['workshop-2', 'house-3', 'ghost', 'nobody'].map((id) => results(run('score', '--input', input, '--unit', 'kw', '--accounts', accounts).stdout).find((r) => r.id === id)!);
    // The 5.8 kW workshop's industrial category reaches the engine: no note of an unspecified category, and rules for an industrial account in housing fire.
    expect(workshop!.note ?? '').not.toMatch(/category unspecified/);
    expect(workshop!.code).not.toBe('CODE_GREEN');
    expect(workshop!.reasons).toContain('industrial-account-outside-park');
    // A consumer with no account row, or a category cell of no word, gets the engine's note.
    expect(nobody!.note).toMatch(/^category unspecified .*rules that read category did not fire/);
    expect(house3!.note).toMatch(/^category unspecified/);
    expect(ghost!.code).toBe('CODE_GRAY');
  });

  it('carries the district to the features lines', () => {
    const features = run('features', '--input', file('wide.csv', wideCsv()), '--unit', 'kw', '--accounts', file('accounts.csv', ACCOUNTS));
    expect(features.status, features.stderr).toBe(0);
    const lines = features.stdout.trim().split('\n').map((line) => JSON.parse(line) as { id: string; district?: string });
    expect(lines.map((l) => [l.id, l.district])).toEqual([
      ['house-1', 'North'],
      ['workshop-2', 'North'],
      ['house-3', 'South'],
      ['ghost', undefined],
      ['nobody', undefined],
    ]);
  });

  it('is refused for a JSON batch (its consumers carry their own attributes), and with standard input for both', () => {
    const accounts = file('accounts.csv', ACCOUNTS);
    const json = run('score', '--input', file('batch.json', jsonBatch(undefined)), '--accounts', accounts);
    expect(json.status).toBe(2);
    expect(json.stderr).toMatch(/--accounts is for a CSV meter export; .*batch\.json is read as a ScoreBatchRequest, whose consumers carry their own category, zone/);
    const both = run('features', '--input', '-', '--format', 'wide-csv', '--unit', 'kw', '--accounts', '-');
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/--input - and --accounts - both read standard input/);
    const noId = run('score', '--input', file('wide.csv', wideCsv()), '--unit', 'kw', '--accounts', file('bad.csv', 'account,category\n1,x\n'));
    expect(noId.status).toBe(1);
    expect(noId.stderr).toMatch(/bad\.csv: the accounts file has no id column/);
  });
});

const LONDON = dataFile('lcl_london_households_2013', 'lcl_100hh_2013_halfhourly_kwh_wide.csv.gz');
if (!LONDON) console.warn('accounts.e2e: ../shared/data/lcl_london_households_2013/lcl_100hh_2013_halfhourly_kwh_wide.csv.gz is absent: the London test is skipped');

describe.skipIf(!LONDON)('the London households with a generated accounts file', () => {
  it('join on the LCLid: 90 of 100 with a row, 3 rows with no household, counted exactly', () => {
    const text = gunzipSync(readFileSync(LONDON!)).toString('utf8');
    const households = text.slice(0, text.indexOf('\n')).trim().split(',').slice(1);
    expect(households.length).toBe(100);
    const rows = households.slice(0, 90).map((id, i) => `${id},${i % 3 === 0 ? 'Residential' : 'CATEGORY_RESIDENTIAL'},residential area,${6 + (i % 5)},D${i % 4}`);
    const accounts = file('lcl-accounts.csv.gz', gzipSync(`id,category,zone,capacity_kw,district\n${[...rows, 'X-1,industrial,,,', 'X-2,,,,', 'X-3,,,,'].join('\n')}\n`));
    const reportPath = join(workspace.dir(), 'lcl-report.json');
    const scored = run('score', '--input', LONDON!, '--unit', 'kwh', '--accounts', accounts, '--report-json', reportPath);
    expect(scored.status, scored.stderr).toBe(0);
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as { accounts: Record<string, unknown> };
    expect(report.accounts).toMatchObject({
      rows: 93,
      accounts: 93,
      consumersWithoutAccount: { count: 10, firstIds: households.slice(90, 95) },
      accountsWithoutReadings: { count: 3, firstIds: ['X-1', 'X-2', 'X-3'] },
      badCells: {},
    });
    const byId = new Map(results(scored.stdout).map((r) => [r.id, r]));
    // (A GRAY household's note says why it is GRAY instead.)
    const notGray = (list: string[]) => list.filter((id) => byId.get(id)!.code !== 'CODE_GRAY');
    expect(notGray(households.slice(90)).length).toBeGreaterThan(0);
    for (const id of notGray(households.slice(90))) expect(byId.get(id)!.note, id).toMatch(/^category unspecified/);
    for (const id of households.slice(0, 90)) expect(byId.get(id)!.note ?? '', id).not.toMatch(/category unspecified|zone unspecified/);
    for (const [i, id] of households.slice(0, 90).entries()) expect((byId.get(id) as { district?: string }).district, id).toBe(`D${i % 4}`);
  });
});
