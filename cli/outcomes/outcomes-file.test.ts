// The outcomes reader on files with every kind of bad row: each counted under
// its reason with its line, the good rows kept, in CSV (BOM, ; and tab,
// headers in any case and order) and JSON lines, plain and gzip; only a file
// with no id or outcome column, or no usable row, fails.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { readOutcomes, type OutcomesTable } from './outcomes-file.js';

const dir = mkdtempSync(join(tmpdir(), 'gridcode-outcomes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Uint8Array) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

// Lines 2–4 good; 5 no id; 6 an unknown word; 7 a bad audit value; 8 a date that is no day; 9 a1 again; 10 good with an empty audit.
const ROWS = [
  ['a1', 'Confirmed', '2026-11-02', 'yes', 'North', 'workshop in a flat'],
  ['a2', 'not found', '', 'NO', '', ''],
  ['a3', 'Licensed', '2026-11-03', '1', 'South', ''],
  ['', 'confirmed', '', '', '', ''],
  ['a4', 'closed', '', '', '', ''],
  ['a5', 'confirmed', '', 'maybe', '', ''],
  ['a6', 'not_found', '2026-02-30', '', '', ''],
  ['a1', 'not_found', '', '', '', ''],
  ['a7', 'UNREACHABLE', '', '', '', ''],
];

function expectRows(table: OutcomesTable): void {
  expect([...table.byId.entries()].map(([id, r]) => [id, r.outcome, r.audit, r.date, r.district, r.note, r.line])).toEqual([
    ['a1', 'confirmed', true, '2026-11-02', 'North', 'workshop in a flat', 2],
    ['a2', 'not_found', false, '', '', '', 3],
    ['a3', 'licensed', true, '2026-11-03', 'South', '', 4],
    ['a7', 'unreachable', false, '', '', '', 10],
  ]);
  expect(table.rows).toBe(9);
  expect(table.skipped.withoutId).toEqual({ count: 1, first: ['line 5'] });
  expect(table.skipped.unknownOutcome).toEqual({ count: 1, first: ['line 6: "closed"'] });
  expect(table.skipped.badAudit).toEqual({ count: 1, first: ['line 7: "maybe"'] });
  expect(table.skipped.badDate).toEqual({ count: 1, first: ['line 8: "2026-02-30"'] });
  expect(table.skipped.duplicate).toEqual({ count: 1, first: ['line 9: "a1" (line 2 kept)'] });
  expect(table.skipped.notInBatch.count).toBe(0);
}

describe('readOutcomes', () => {
  it('reads a CSV with a BOM, ; as separator and headers in any case and order, counting each bad row', async () => {
    const header = 'Note;OUTCOME;Date;Audit;District;ID;extra';
    const lines = ROWS.map(([id, outcome, date, audit, district, note]) => [note, outcome, date, audit, district, id, 'x'].join(';'));
    const table = await readOutcomes(file('outcomes.csv', `\uFEFF${header}\r\n${lines.join('\r\n')}\r\n`));
    expectRows(table);
    expect(table).toMatchObject({ format: 'csv', separator: ';', ignoredColumns: ['extra'] });
  });

  it('reads a tab-separated CSV from gzip the same way', async () => {
    const lines = ['id\toutcome\tdate\taudit\tdistrict\tnote', ...ROWS.map((row) => row.join('\t'))];
    expectRows(await readOutcomes(file('outcomes.tsv.gz', gzipSync(`${lines.join('\n')}\n`))));
  });

  it('reads JSON lines, audit as a boolean, a number or a word, and counts lines that are no object as unreadable', async () => {
    const json = ROWS.map(([id, outcome, date, audit, district, note]) =>
      JSON.stringify({ ...(id ? { id } : {}), outcome, date, audit: audit === 'yes' ? true : audit === '1' ? 1 : audit, district, note }),
    );
    const text = `${json.join('\n')}\n[1,2]\n{not json\n`;
    const table = await readOutcomes(file('outcomes.jsonl', text));
    // JSON lines have no header: every line is one down from the CSV's.
    expect([...table.byId.entries()].map(([id, r]) => [id, r.outcome, r.audit, r.line])).toEqual([
      ['a1', 'confirmed', true, 1],
      ['a2', 'not_found', false, 2],
      ['a3', 'licensed', true, 3],
      ['a7', 'unreachable', false, 9],
    ]);
    expect(table.rows).toBe(11);
    expect(table.skipped.duplicate.first).toEqual(['line 8: "a1" (line 1 kept)']);
    expect(table.skipped.unreadable.count).toBe(2);
    expect(table.skipped.unreadable.first[0]).toBe('line 10: not a JSON object');
    expect(table.skipped.unreadable.first[1]).toMatch(/^line 11: not JSON/);
    expect([table.skipped.withoutId.count, table.skipped.unknownOutcome.count, table.skipped.badAudit.count, table.skipped.badDate.count]).toEqual([1, 1, 1, 1]);
  });

  it('fails only for a file it cannot use: no id or outcome column, no usable row, no file', async () => {
    await expect(readOutcomes(file('no-outcome.csv', 'id,result2\na,confirmed\n'))).rejects.toThrow(/lacks an outcome column/);
    await expect(readOutcomes(file('no-id.csv', 'site,outcome\na,confirmed\n'))).rejects.toThrow(/lacks an id column/);
    await expect(readOutcomes(file('bad.csv', 'id,outcome\na,closed\n,confirmed\n'))).rejects.toThrow('no usable outcome row (2 rows: 1 without an id, 1 with an outcome not one of confirmed, not_found, licensed, unreachable)');
    await expect(readOutcomes(file('empty.csv', ''))).rejects.toThrow(/is empty/);
    await expect(readOutcomes(file('array.json', '[{"id":"a","outcome":"confirmed"}]'))).rejects.toThrow(/a JSON array; give JSON lines/);
    await expect(readOutcomes(join(dir, 'missing.csv'))).rejects.toBeInstanceOf(InputError);
  });
});
