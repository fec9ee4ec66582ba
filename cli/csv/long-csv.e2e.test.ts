// Long CSV meter exports (id,timestamp,value) through the built command line
// (`npm run build` first): the London households written long equal the same
// households written wide; unsorted input refused. Memory: long-csv-memory.e2e.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliWorkspace } from '../../tests/support/cli.js';
import { dataFile, readWideCsvGz } from '../../tests/support/real-data.js';

const workspace = cliWorkspace('gridcode-long-');
const gridcodeRun = workspace.run;
const file = workspace.file;

const LONDON = dataFile('lcl_london_households_2013', 'lcl_100hh_2013_halfhourly_kwh_wide.csv.gz');
const HOUSEHOLDS = ['MAC000002', 'MAC000016', 'MAC000050', 'MAC000079'];

if (!LONDON) console.warn('long-csv.e2e: ../shared/data/lcl_london_households_2013/lcl_100hh_2013_halfhourly_kwh_wide.csv.gz is absent: the London test is skipped');

describe.skipIf(!LONDON)('the London households written long (LCLid,tstp,energy(kWh/hh))', () => {
  it('have the features of the same households written wide, with --preset lcl', () => {
    const table = readWideCsvGz(LONDON!, HOUSEHOLDS);
    const wide = [`tstp,${HOUSEHOLDS.join(',')}`];
    table.timestamps.forEach((stamp, r) => wide.push(`${stamp},${HOUSEHOLDS.map((id) => (Number.isNaN(table.columns.get(id)![r]!) ? '' : String(table.columns.get(id)![r]))).join(',')}`));
    const long = ['LCLid,tstp,energy(kWh/hh)'];
    HOUSEHOLDS.forEach((id, h) => {
      const rows = table.timestamps.map((stamp, r) => {
        const kwh = table.columns.get(id)![r]!;
        return `${id},${stamp},${Number.isNaN(kwh) ? 'Null' : ` ${kwh} `}`;
      });
      // Timestamps within a household in any order: reversed for one, interleaved for another.
      if (h === 1) rows.reverse();
      if (h === 2) rows.sort((a, b) => (a.length % 3) - (b.length % 3));
      long.push(...rows);
    });
    const fromWide = gridcodeRun('features', '--input', file('w.csv', `${wide.join('\n')}\n`), '--unit', 'kwh');
    expect(fromWide.status).toBe(0);
    const report = join(workspace.dir(), 'long-report.json');
    const fromLong = gridcodeRun('features', '--input', file('long.csv', `${long.join('\r\n')}\r\n`), '--preset', 'lcl', '--report-json', report);
    expect(fromLong.stderr).toContain(`long CSV (separator ",", columns id "LCLid", time "tstp", value "energy(kWh/hh)"): ${(365 * 48 * 4).toLocaleString('en-US')} rows, 4 consumers`);
    expect(fromLong.status).toBe(0);
    expect(fromLong.stdout).toBe(fromWide.stdout);
    const json = JSON.parse(readFileSync(report, 'utf8')) as Record<string, any>;
    expect(json['format']).toBe('long-csv');
    expect(json['perConsumer'].find((c: { id: string }) => c.id === 'MAC000079')).toMatchObject({ missingReadings: 481, unreadable: 481, duplicates: 0, slotsWithoutRow: 0 });
  });
});

describe('a long CSV', () => {
  it('is found by its header id,timestamp,value in a .csv; unsorted rows are refused with both lines and how to sort', () => {
    const path = file('u.csv', 'ID,Timestamp,Value\na,2026-01-01 00:00,1\na,2026-01-01 01:00,2\nb,2026-01-01 00:00,3\na,2026-01-01 02:00,4\n');
    const run = gridcodeRun('features', '--input', path, '--unit', 'kw');
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `gridcode: ${path}: line 5: the rows of consumer "a" come back after those of "b" (its rows before end at line 3): a long CSV must have all rows of a consumer together (timestamps within it may be in any order). Sort it by the id column first, keeping the header line: (head -n1 FILE; tail -n+2 FILE | sort -t, -k1,1 -s) > sorted.csv\n`,
    );
    // Sorted as the message says, it reads.
    const sorted = file('s.csv', 'ID,Timestamp,Value\na,2026-01-01 00:00,1\na,2026-01-01 01:00,2\na,2026-01-01 02:00,4\nb,2026-01-01 00:00,3\n');
    const ok = gridcodeRun('features', '--input', sorted, '--unit', 'kw');
    expect(ok.status).toBe(0);
    expect(ok.stderr).toContain('every 60 min (24 points a day, the most common step within consumers)');
  });

  it('needs --unit without a preset, and --id-column is not for a wide CSV', () => {
    const path = file('n.csv', 'id,timestamp,value\na,2026-01-01 00:00,1\n');
    expect(gridcodeRun('features', '--input', path).status).toBe(2);
    const wide = gridcodeRun('features', '--input', path, '--format', 'wide-csv', '--unit', 'kw', '--id-column', 'id');
    expect(wide.status).toBe(2);
    expect(wide.stderr).toMatch(/--id-column is for a long CSV/);
  });
});
