// What became of an outcomes file's rows: read, used (met a consumer of the
// batch), and skipped per reason with the first few lines of each; on stderr
// as a short block like the accounts report (cli/csv/accounts-join.ts), and
// in evaluate's JSON output.
import { separatorName } from '../csv/cells.js';
import { SKIP_REASONS, SKIP_WORDS, type OutcomesTable, type SkipReason, type Skips } from './outcomes-file.js';

export interface OutcomesReport {
  readonly file: string;
  readonly format: 'csv' | 'json-lines';
  readonly separator: string | null;
  readonly columns: readonly string[];
  readonly ignoredColumns: readonly string[];
  readonly rows: number;
  /** Rows that met a consumer of the batch: the sites evaluated. */
  readonly used: number;
  readonly skipped: Readonly<Record<SkipReason, Skips>>;
  /** Used rows whose district is not the batch's (the batch's district is used). */
  readonly districtDiffers: Skips;
}

export function outcomesReport(table: OutcomesTable, used: number, districtDiffers: Skips): OutcomesReport {
  return {
    file: table.file,
    format: table.format,
    separator: table.separator ?? null,
    columns: Object.values(table.columns),
    ignoredColumns: table.ignoredColumns,
    rows: table.rows,
    used,
    skipped: table.skipped,
    districtDiffers,
  };
}

const n = (value: number) => value.toLocaleString('en-US');
const firsts = (skips: Skips) => (skips.count === 0 ? '' : ` (${skips.first.join('; ')}${skips.count > skips.first.length ? '; …' : ''})`);

export function outcomesReportLines(report: OutcomesReport): string[] {
  const form = report.format === 'csv' ? `CSV (separator ${JSON.stringify(separatorName(report.separator ?? ','))}, columns ${report.columns.join(', ')})` : 'JSON lines';
  const lines = [`gridcode: ${report.file}: ${form}: ${n(report.rows)} row${report.rows === 1 ? '' : 's'}, ${n(report.used)} used`];
  const skipped = SKIP_REASONS.filter((reason) => report.skipped[reason].count > 0).map((reason) => `${n(report.skipped[reason].count)} ${SKIP_WORDS[reason]}${firsts(report.skipped[reason])}`);
  lines.push(`  skipped: ${skipped.length === 0 ? 'none' : skipped.join(', ')}`);
  if (report.districtDiffers.count > 0) lines.push(`  district not the batch's (the batch's is used): ${n(report.districtDiffers.count)}${firsts(report.districtDiffers)}`);
  if (report.ignoredColumns.length > 0) lines.push(`  columns ignored: ${report.ignoredColumns.join(', ')}`);
  return lines;
}
