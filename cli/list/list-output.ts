// Writing an inspection list: CSV (cli/csv-text.ts: UTF-8 with a byte-order
// mark, RFC 4180, CRLF line ends) to standard output or a .csv
// file, or XLSX (exceljs) to a .xlsx file: a summary sheet, then a sheet per
// district with its header row frozen and column widths set. The file's
// extension picks the format; any other is a usage error. A file appears
// under its name only once complete.
import { extname } from 'node:path';
import ExcelJS from 'exceljs';
import { csvText } from '../csv-text.js';
import { UsageError } from '../errors.js';
import { writeJson } from '../response-output.js';
import { sitesOf, type DistrictList } from './ranking.js';
import { districtName, LIST_COLUMNS, listedRows, listRow } from './list-table.js';
import { SheetNames } from './sheet-names.js';
import type { Suspect } from './suspects.js';

export type ListFormat = 'csv' | 'xlsx';

/** The format of --output FILE from its extension (CSV to standard output without one); throws UsageError otherwise. */
export function listFormat(output: string | undefined): ListFormat {
  if (output === undefined) return 'csv';
  const ext = extname(output).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.xlsx') return 'xlsx';
  throw new UsageError(`--output ${JSON.stringify(output)}: name the file .csv or .xlsx (the extension picks the list's format)`, 'list');
}

/** The list as CSV bytes: BOM, header, one row per listed site. */
export function listCsv(lists: readonly DistrictList<Suspect>[]): Uint8Array {
  return new TextEncoder().encode(csvText(LIST_COLUMNS.map((c) => c.header), listedRows(lists)));
}

/** The list as an XLSX workbook's bytes. */
export async function listXlsx(lists: readonly DistrictList<Suspect>[]): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'gridcode list';
  const names = new SheetNames();
  const summary = workbook.addWorksheet(names.name('Summary'), { views: [{ state: 'frozen', ySplit: 1 }] });
  summary.columns = [
    { header: 'district', width: 24 },
    { header: 'suspects', width: 10 },
    { header: 'red', width: 8 },
    { header: 'yellow', width: 8 },
    { header: 'capacity', width: 10 },
    { header: 'listed', width: 8 },
    { header: 'cut', width: 8 },
    { header: 'sheet', width: 34 },
  ];
  summary.getRow(1).font = { bold: true };
  for (const list of lists) {
    const sheetName = names.name(districtName(list.district));
    const sites = sitesOf(list.capacity);
    summary.addRow([districtName(list.district), list.ranked.length, list.red, list.yellow, Number.isFinite(sites) ? sites : 'unlimited', list.listed, list.ranked.length - list.listed, sheetName]);
    const sheet = workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = LIST_COLUMNS.map((column) => ({ header: column.header, width: column.width }));
    sheet.getRow(1).font = { bold: true };
    for (let k = 0; k < list.listed; k++) sheet.addRow(listRow(list.district, k + 1, list.ranked[k]!));
  }
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

/** Writes the list in `format` to `output` (standard output for CSV without one). */
export async function writeList(lists: readonly DistrictList<Suspect>[], format: ListFormat, output: string | undefined): Promise<void> {
  const bytes = format === 'csv' ? listCsv(lists) : await listXlsx(lists);
  await writeJson([bytes], output);
}
