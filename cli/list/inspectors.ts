// `gridcode list --inspectors FILE`: how many sites each district's
// inspectors can visit. A CSV (UTF-8, a BOM allowed; comma, semicolon or tab)
// with a header line and one row per district: district, inspectors, and
// optionally sites_per_inspector (default 26: 260,000 suspect sites for some
// 10,000 inspectors, issue 15). Capacity = inspectors × sites per inspector.
// A bad row (no district, a count that is not a whole number ≥ 0, a district
// given twice) is skipped and counted; only a file that cannot be read or
// lacks the district or inspectors column fails.
import { readFileSync, statSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describeFsError, InputError } from '../errors.js';

/** Sites one inspector visits when the file does not say (issue 15: about 26 each). */
export const DEFAULT_SITES_PER_INSPECTOR = 26;
/** An inspectors file is one row per district: a few thousand at most. */
const MAX_BYTES = 16 << 20;

export interface DistrictCrew {
  readonly inspectors: number;
  readonly sitesPerInspector: number;
}

export interface InspectorsTable {
  readonly file: string;
  readonly districts: ReadonlyMap<string, DistrictCrew>;
  /** Rows skipped, and why the first few were. */
  readonly skipped: number;
  readonly firstSkips: readonly string[];
}

const COLUMNS = {
  district: ['district'],
  inspectors: ['inspectors'],
  sitesPerInspector: ['sites_per_inspector', 'sites'],
} as const;

export function readInspectors(file: string): InspectorsTable {
  let text: string;
  try {
    if (statSync(file).size > MAX_BYTES) throw new InputError(file, `larger than ${MAX_BYTES >> 20} MiB; an inspectors file has one row per district`);
    text = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(file));
  } catch (error) {
    if (error instanceof InputError) throw error;
    if (error instanceof TypeError) throw new InputError(file, 'not UTF-8 text; save the inspectors file as UTF-8 CSV');
    throw new InputError(file, describeFsError(error));
  }
  let rows: string[][];
  try {
    rows = parse(text, { bom: true, delimiter: separatorOf(text), relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (error) {
    throw new InputError(file, `not a readable CSV: ${(error as Error).message}`);
  }
  const [header, ...body] = rows;
  if (!header) throw new InputError(file, 'is empty; expected a header line: district,inspectors[,sites_per_inspector]');
  const names = header.map((name) => name.toLowerCase().replace(/[\s-]+/g, '_'));
  const column = (aliases: readonly string[]) => names.findIndex((name) => aliases.includes(name));
  const at = { district: column(COLUMNS.district), inspectors: column(COLUMNS.inspectors), sites: column(COLUMNS.sitesPerInspector) };
  if (at.district < 0 || at.inspectors < 0) {
    throw new InputError(file, `the header ${JSON.stringify(header.join(','))} lacks ${at.district < 0 ? 'a district' : 'an inspectors'} column; expected district,inspectors[,sites_per_inspector]`);
  }
  const districts = new Map<string, DistrictCrew>();
  const skips: string[] = [];
  body.forEach((row, i) => {
    const line = `row ${i + 2}`;
    const district = row[at.district] ?? '';
    const inspectors = count(row[at.inspectors]);
    const sites = at.sites < 0 || (row[at.sites] ?? '') === '' ? DEFAULT_SITES_PER_INSPECTOR : count(row[at.sites]);
    if (district === '') skips.push(`${line}: no district`);
    else if (inspectors === undefined) skips.push(`${line} (${district}): inspectors ${JSON.stringify(row[at.inspectors] ?? '')} is not a whole number ≥ 0`);
    else if (sites === undefined) skips.push(`${line} (${district}): sites_per_inspector ${JSON.stringify(row[at.sites] ?? '')} is not a whole number ≥ 0`);
    else if (districts.has(district)) skips.push(`${line}: district ${JSON.stringify(district)} was given before (the first row is used)`);
    else districts.set(district, { inspectors, sitesPerInspector: sites });
  });
  return { file, districts, skipped: skips.length, firstSkips: skips.slice(0, 5) };
}

/** A whole number ≥ 0 written as digits, or undefined. */
function count(cell: string | undefined): number | undefined {
  if (cell === undefined || !/^\d{1,9}$/.test(cell)) return undefined;
  return Number(cell);
}

/** The separator of the header line: the first of tab, semicolon or comma that it has, else comma. */
function separatorOf(text: string): string {
  const end = text.search(/\r?\n/);
  const first = end < 0 ? text : text.slice(0, end);
  return first.includes('\t') ? '\t' : first.includes(';') ? ';' : ',';
}
