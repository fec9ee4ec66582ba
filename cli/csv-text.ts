// The CSV gridcode writes for people (`gridcode list`, `gridcode diff
// --output`): UTF-8 with a byte-order mark, so that spreadsheet programs read
// Chinese text as UTF-8, and RFC 4180: CRLF line ends, a field quoted when it
// holds a comma, a quote or a line break (csv-stringify). No formula escaping:
// ids stay exact for joins (docs/decisions.md).
import { stringify } from 'csv-stringify/sync';

/** The byte-order mark a CSV file starts with. */
export const CSV_BOM = '\uFEFF';

/** One record, CRLF-terminated. */
export function csvLine(cells: readonly (string | number)[]): string {
  return stringify([cells as (string | number)[]], { record_delimiter: 'windows' });
}

/** A whole CSV text: BOM, header, records. */
export function csvText(header: readonly string[], rows: Iterable<readonly (string | number)[]>): string {
  let text = CSV_BOM + csvLine(header);
  for (const row of rows) text += csvLine(row);
  return text;
}
