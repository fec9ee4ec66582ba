// Wide CSV meter exports through the built command line (`npm run build`
// first; `npm test` does): the London households of ../shared/data against
// the same households written by hand as a JSON batch, and the errors.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { cliWorkspace } from '../../tests/support/cli.js';
import { dataFile, readWideCsvGz } from '../../tests/support/real-data.js';

const workspace = cliWorkspace('gridcode-csv-');
const gridcodeRun = workspace.run;
const file = workspace.file;

/** Lines of `features` output by consumer id. */
function linesById(stdout: string): Map<string, string> {
  return new Map(stdout.split('\n').filter((line) => line !== '').map((line) => [(JSON.parse(line) as { id: string }).id, line]));
}

const LONDON = dataFile('lcl_london_households_2013', 'lcl_100hh_2013_halfhourly_kwh_wide.csv.gz');
// A full year, one that ends in January, one that ends in April, and the one with the most missing half-hours.
const HOUSEHOLDS = ['MAC000002', 'MAC000016', 'MAC000050', 'MAC000079'];

describe.skipIf(!LONDON)('the London households (lcl_100hh_2013, kWh per half hour)', () => {
  it('have the features of the same households built by hand as a JSON batch (kW = kWh × 2, NaN for empty cells)', () => {
    const csv = file('lcl.csv', gunzipSync(readFileSync(LONDON!)));
    const fromCsv = gridcodeRun('features', '--input', csv, '--unit', 'kwh');
    expect(fromCsv.stderr).toMatch(/17,520 rows, 100 consumers/);
    expect(fromCsv.status).toBe(0);

    const table = readWideCsvGz(LONDON!, HOUSEHOLDS);
    expect(table.timestamps.length).toBe(365 * 48);
    expect(table.timestamps[0]).toBe('2013-01-01 00:00:00');
    const consumers = HOUSEHOLDS.map((id) => ({ id, loadKw: Array.from(table.columns.get(id)!, (kwh) => (Number.isNaN(kwh) ? 'NaN' : kwh * 2)) }));
    const json = file('lcl.json', JSON.stringify({ startDate: '2013-01-01', pointsPerDay: 48, consumers }));
    const fromJson = gridcodeRun('features', '--input', json);
    expect(fromJson.status).toBe(0);
    expect(fromJson.stderr).toBe('');

    const csvLines = linesById(fromCsv.stdout);
    expect(csvLines.size).toBe(100);
    const jsonLines = linesById(fromJson.stdout);
    for (const id of HOUSEHOLDS) expect(csvLines.get(id), id).toBe(jsonLines.get(id));
  });

  it('are scored in one command, with the data-quality report on stderr and in --report-json', () => {
    const csv = join(workspace.dir(), 'lcl.csv');
    if (!existsSync(csv)) writeFileSync(csv, gunzipSync(readFileSync(LONDON!)));
    const report = join(workspace.dir(), 'lcl-report.json');
    const run = gridcodeRun('score', '--input', csv, '--unit', 'kwh', '--category', 'residential', '--report-json', report);
    expect(run.status).toBe(0);
    const response = JSON.parse(run.stdout) as { summary: { total: number }; results: { id: string }[] };
    expect(response.summary.total).toBe(100);
    expect(response.results[0]!.id).toBe('MAC000002');
    expect(run.stderr).toContain('grid: every 30 min (48 points a day, the most common step), 2013-01-01 … 2013-12-31, 365 days, 17,520 readings a consumer');
    expect(run.stderr).toContain('kW = kWh × 2');
    expect(run.stderr).toContain('77,282 empty');
    const json = JSON.parse(readFileSync(report, 'utf8')) as Record<string, any>;
    expect(json['cells']).toEqual({ numbers: 1_674_718, negative: 0, empty: 77_282, unreadable: 0, absent: 0 });
    expect(json['timestamps']).toMatchObject({ onGrid: 17_520, offGrid: 0, duplicates: 0, slotsWithoutRow: 0 });
    expect(json['readings']).toEqual({ total: 1_752_000, valid: 1_674_718, missing: 77_282 });
    expect(json['perConsumer'].find((c: { id: string }) => c.id === 'MAC000079').missingReadings).toBe(481);
  });
});

describe('a small export', () => {
  // Hourly kW, two days, with a bad cell, a duplicate, a row off the grid and a gap.
  const rows = ['time;shop-1;home-2'];
  for (let h = 0; h < 48; h++) {
    if (h === 30) continue; // gap
    const stamp = `2026-11-0${2 + Math.floor(h / 24)} ${String(h % 24).padStart(2, '0')}:00`;
    rows.push(`${stamp};${h >= 8 && h < 18 ? '12,5' : '0,5'};${h === 5 ? 'NA' : '0,3'}`);
    if (h === 10) rows.push(`${stamp};99;99`); // duplicate: the first is kept
  }
  rows.push('2026-11-02 07:20;99;99'); // off the grid
  const text = `${rows.join('\r\n')}\r\n`;

  it('is read with ; and decimal commas, and reported exactly', () => {
    const csv = file('small.csv', text);
    const run = gridcodeRun('features', '--input', csv, '--unit', 'kw', '--report-json', join(workspace.dir(), 'small.json'));
    expect(run.status).toBe(0);
    const lines = linesById(run.stdout);
    expect(lines.size).toBe(2);
    const shop = JSON.parse(lines.get('shop-1')!) as { features: Record<string, number> };
    expect(shop.features['days']).toBe(2);
    expect(shop.features['max_kw']).toBe(12.5);
    expect(shop.features['missing_share']).toBe(1 / 48);
    expect(run.stderr).toContain('separator ";", decimal comma, time column "time"): 49 rows, 2 consumers');
    expect(run.stderr).toContain('47 rows on the grid; dropped: 1 off the grid (first at line 50: 2026-11-02 07:20), 1 duplicates (the first row of a timestamp is kept) (first at line 13: 2026-11-02 10:00), 0 unreadable; 1 grid times with no row');
    const report = JSON.parse(readFileSync(join(workspace.dir(), 'small.json'), 'utf8')) as Record<string, any>;
    expect(report['cells']).toEqual({ numbers: 97, negative: 0, empty: 0, unreadable: 1, absent: 0 });
    expect(report['perConsumer'][1]).toMatchObject({ id: 'home-2', unreadable: 1, validReadings: 46, missingReadings: 2 });
  });

  it('takes --format wide-csv whatever its name, and --category and --zone in either spelling', () => {
    const txt = file('small.txt', text);
    const run = gridcodeRun('score', '--input', txt, '--format', 'wide-csv', '--unit', 'kw', '--category', 'CATEGORY_RESIDENTIAL', '--zone', 'Residential_Area', '--include-evidence');
    expect(run.status).toBe(0);
    const response = JSON.parse(run.stdout) as { results: { id: string; code: string; note?: string }[] };
    expect(response.results.map((r) => r.id)).toEqual(['shop-1', 'home-2']);
    // A residential account drawing 12.5 kW through working hours, in housing: the rules see category and zone.
    expect(response.results[0]!.code).toBe('CODE_RED');
    expect(response.results[1]!.note ?? '').not.toMatch(/unspecified/);
  });

  it('is read from --from to --to only, counting the rows left out', () => {
    const csv = file('small2.csv', text);
    const run = gridcodeRun('features', '--input', csv, '--unit', 'kw', '--from', '2026-11-03', '--report-json', join(workspace.dir(), 'small2.json'));
    expect(run.status).toBe(0);
    const report = JSON.parse(readFileSync(join(workspace.dir(), 'small2.json'), 'utf8')) as Record<string, any>;
    expect(report['window']).toMatchObject({ startDate: '2026-11-03', endDate: '2026-11-03', days: 1, from: '2026-11-03', to: null });
    expect(report['timestamps']).toMatchObject({ onGrid: 23, outsideFromTo: 26, slotsWithoutRow: 1 });
  });
});

describe('errors', () => {
  const hourly = (days: number, first = '2026-01-01') =>
    `time,a\n${Array.from({ length: days * 24 }, (_, h) => `${new Date(Date.parse(`${first}T00:00:00Z`) + h * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')},1`).join('\n')}\n`;

  it('no --unit: a usage error that says the engine takes kW and lists the units', () => {
    const run = gridcodeRun('features', '--input', file('nounit.csv', hourly(1)));
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/a CSV meter export needs --unit: the engine takes kW, the average power over each interval.*--unit kw \(average power\), --unit kwh or --unit wh/);
    expect(run.stderr).toContain("Run 'gridcode features --help' for usage.");
  });

  it('an --interval that gives no valid points per day: a usage error', () => {
    const run = gridcodeRun('score', '--input', file('i.csv', hourly(1)), '--unit', 'kw', '--interval', '10');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--interval "10": the engine takes 24, 48, 96 or 288 points a day, so the interval is 60, 30, 15 or 5 minutes/);
  });

  it('timestamps 10 minutes apart: an input error asking to resample', () => {
    const rows = Array.from({ length: 144 }, (_, i) => `2026-01-01 ${String(Math.floor(i / 6)).padStart(2, '0')}:${String((i % 6) * 10).padStart(2, '0')},1`);
    const path = file('ten.csv', `time,a\n${rows.join('\n')}\n`);
    const run = gridcodeRun('features', '--input', path, '--unit', 'kwh');
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`gridcode: ${path}: the timestamps are most often 10 minutes apart (143 times), which is 144 points a day; the engine takes 24, 48, 96 or 288 points a day (every 60, 30, 15 or 5 minutes): resample the export to one of these (average power over each interval) first, or give --interval if the file has that grid with many gaps\n`);
  });

  it('more than 400 days: an input error pointing at --from and --to, which then work', () => {
    const path = file('long.csv', hourly(401, '2025-01-01'));
    const run = gridcodeRun('features', '--input', path, '--unit', 'kw');
    expect(run.status).toBe(1);
    // One stretch of days (no gap of over 31 days): too long, whatever its strays.
    expect(run.stderr).toBe(`gridcode: ${path}: the timestamps run from 2025-01-01 to 2026-02-05, 401 days; gridcode scores at most 400 days at once: choose the days with --from and --to (YYYY-MM-DD)\n`);
    const window = gridcodeRun('features', '--input', path, '--unit', 'kw', '--from', '2025-01-02', '--to', '2025-12-31');
    expect(window.status).toBe(0);
    expect(window.stderr).toContain('2025-01-02 … 2025-12-31, 364 days');
  });

  it('a timestamp with an offset and no --tz: an input error asking for --tz; with it, clock times of that zone', () => {
    const path = file('utc.csv', 'time,a\n2013-10-26T23:00:00Z,1\n2013-10-27T00:00:00Z,2\n2013-10-27T00:30:00Z,3\n2013-10-27T01:00:00Z,4\n2013-10-27T01:30:00Z,5\n');
    const run = gridcodeRun('features', '--input', path, '--unit', 'kw', '--interval', '30');
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`gridcode: ${path}: line 2: the timestamp "2013-10-26T23:00:00Z" is an instant (it has Z), not a clock time: give --tz ZONE (e.g. --tz Europe/London) to read the timestamps as clock times of that zone\n`);
    const report = join(workspace.dir(), 'utc.json');
    const zoned = gridcodeRun('features', '--input', path, '--unit', 'kw', '--interval', '30', '--tz', 'Europe/London', '--report-json', report);
    expect(zoned.status).toBe(0);
    // 00:00 BST, then 01:00, 01:30 BST and 01:00, 01:30 GMT again: the repeated clock times are duplicates.
    expect(JSON.parse(readFileSync(report, 'utf8'))['timestamps']).toMatchObject({ onGrid: 3, duplicates: 2, converted: 5, timeZone: 'Europe/London' });
    const badZone = gridcodeRun('features', '--input', path, '--unit', 'kw', '--tz', 'Europe/Londn');
    expect(badZone.status).toBe(2);
    expect(badZone.stderr).toMatch(/--tz "Europe\/Londn" is not a time zone/);
  });

  it('CSV options for a batch that is not a CSV, an unknown category, a missing file', () => {
    const json = file('b.json', JSON.stringify({ startDate: '2026-01-01', pointsPerDay: 24, consumers: [] }));
    const run = gridcodeRun('score', '--input', json, '--unit', 'kw');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--unit is for a CSV meter export; .*b\.json is read as a ScoreBatchRequest/);
    const category = gridcodeRun('score', '--input', file('c.csv', hourly(1)), '--unit', 'kw', '--category', 'workshop');
    expect(category.status).toBe(2);
    expect(category.stderr).toMatch(/--category "workshop": use one of residential, commercial, industrial, agricultural, other/);
    const missing = gridcodeRun('features', '--input', join(workspace.dir(), 'nothing.csv'), '--unit', 'kw');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe(`gridcode: ${join(workspace.dir(), 'nothing.csv')}: no such file\n`);
  });
});
