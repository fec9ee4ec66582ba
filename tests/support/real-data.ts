// Reading the real load curves of ../shared/data (never copied into the repo):
// wide gzip CSVs with a timestamp column and one column per meter.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const dataRoot = path.resolve(repoRoot, '..', 'shared', 'data');

export function dataFile(...parts: string[]): string | undefined {
  const file = path.join(dataRoot, ...parts);
  return existsSync(file) ? file : undefined;
}

export interface WideTable {
  readonly timestamps: string[];
  /** Column name → values in row order; an empty cell is NaN. */
  readonly columns: Map<string, Float64Array>;
}

/** Parses a gzip CSV whose first column is a timestamp and the rest numbers; keeps the columns asked for (all when omitted). */
export function readWideCsvGz(file: string, keep?: readonly string[]): WideTable {
  const lines = gunzipSync(readFileSync(file)).toString('utf8').split(/\r?\n/).filter((line) => line.length > 0);
  const header = lines[0]!.split(',');
  const wanted = header.map((name, i) => (i > 0 && (!keep || keep.includes(name)) ? i : -1)).filter((i) => i > 0);
  const rows = lines.length - 1;
  const columns = new Map(wanted.map((i) => [header[i]!, new Float64Array(rows)]));
  const timestamps: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cells = lines[r + 1]!.split(',');
    timestamps.push(cells[0]!);
    for (const i of wanted) {
      const cell = (cells[i] ?? '').trim();
      columns.get(header[i]!)![r] = cell === '' ? NaN : Number(cell);
    }
  }
  return { timestamps, columns };
}

/** The date `days` after an ISO date. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
