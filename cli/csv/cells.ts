// The cells of a meter export: a number, or a missing reading (empty, `NA`,
// `null`, `1,5` where the decimal mark is a dot, …), and the separator of the
// file, found in its header line.
import { MAX_LINE_BYTES } from './line-guard.js';
import type { Options } from 'csv-parse';

/** What a cell is. */
export const CellKind = { number: 0, empty: 1, unreadable: 2 } as const;
export type CellKind = (typeof CellKind)[keyof typeof CellKind];

/**
 * The number a cell holds, or NaN with `kind` saying why not. A number is
 * written as exports write it: an optional sign, digits with at most one
 * decimal mark, an optional exponent (`1.5e2`), spaces around; no hex, no
 * `Infinity`, no thousands separators. With `decimalComma`, `1,5` is 1.5 and
 * a cell with a dot (`1.5`, `1.000`, `1.234,5`) is unreadable, never guessed
 * at: a dot there may be a thousands separator. (A scan by character codes: this runs for every cell.)
 */
export function cellNumber(text: string, decimalComma: boolean, out: { kind: CellKind }): number {
  let start = 0;
  let end = text.length;
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  if (start === end) {
    out.kind = CellKind.empty;
    return NaN;
  }
  let i = start;
  let c = text.charCodeAt(i);
  if (c === 0x2b || c === 0x2d) i++;
  let digits = 0;
  let mark = -1;
  for (; i < end; i++) {
    c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) digits++;
    else if ((decimalComma ? c === 0x2c : c === 0x2e) && mark < 0) mark = i;
    else break;
  }
  if (digits > 0 && i < end && (c === 0x65 || c === 0x45)) {
    i++;
    if (i < end && (text.charCodeAt(i) === 0x2b || text.charCodeAt(i) === 0x2d)) i++;
    let exponent = 0;
    for (; i < end && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39; i++) exponent++;
    if (exponent === 0) digits = 0;
  }
  if (digits === 0 || i !== end) {
    out.kind = CellKind.unreadable;
    return NaN;
  }
  out.kind = CellKind.number;
  const cell = start === 0 && end === text.length ? text : text.slice(start, end);
  return Number(mark >= 0 && text.charCodeAt(mark) === 0x2c ? `${cell.slice(0, mark - start)}.${cell.slice(mark - start + 1)}` : cell);
}

/** White space around a cell: ASCII controls and space, no-break space, and the other spaces String.prototype.trim removes. */
function isSpace(c: number): boolean {
  return c <= 0x20 || c === 0xa0 || c === 0xfeff || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

/** Cell counts per consumer, as the report has them: arrays (or typed arrays) indexed by consumer. */
export interface CellCounts {
  readonly numbers: { [consumer: number]: number };
  readonly negative: { [consumer: number]: number };
  readonly empty: { [consumer: number]: number };
  readonly unreadable: { [consumer: number]: number };
  readonly absent: { [consumer: number]: number };
}

/**
 * A consumer's cell (undefined: a short row does not have it) read and
 * counted at `consumer`: absent, empty, unreadable, or a number (negative
 * ones counted too). The number, or NaN. Both readers count every cell here.
 */
export function countCell(cell: string | undefined, decimalComma: boolean, kind: { kind: CellKind }, counts: CellCounts, consumer: number): number {
  if (cell === undefined) {
    counts.absent[consumer]!++;
    return NaN;
  }
  const value = cellNumber(cell, decimalComma, kind);
  if (kind.kind === CellKind.empty) counts.empty[consumer]!++;
  else if (kind.kind === CellKind.unreadable) counts.unreadable[consumer]!++;
  else {
    counts.numbers[consumer]!++;
    if (value < 0) counts.negative[consumer]!++;
  }
  return value;
}

const SEPARATORS = [',', ';', '\t'] as const;

/** The name of a separator for messages and the report. */
export function separatorName(separator: string): string {
  return separator === '\t' ? 'tab' : separator;
}

/**
 * The separator of a header line: the one of `,` `;` tab that occurs most
 * often outside quotes (ties in that order), or undefined when none does.
 */
export function sniffSeparator(header: string): string | undefined {
  const counts = new Map<string, number>(SEPARATORS.map((s) => [s, 0]));
  let quoted = false;
  for (const c of header) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && counts.has(c)) counts.set(c, counts.get(c)! + 1);
  }
  let best: string | undefined;
  for (const s of SEPARATORS) if (counts.get(s)! > 0 && (best === undefined || counts.get(s)! > counts.get(best)!)) best = s;
  return best;
}

/**
 * The end of the first line of `text`, the index of its line break outside
 * quotes, or -1 when `text` has none yet.
 */
export function firstLineEnd(text: string): number {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) quoted = !quoted;
    else if (!quoted && (c === 0x0a || c === 0x0d)) return i;
  }
  return -1;
}

/**
 * The csv-parse options of every meter export (wide and long): quotes, any
 * line end, a byte-order mark, blank lines skipped, bad records skipped and
 * counted. The input passes LineGuard (line-guard.ts) first: no record spans
 * lines or is longer than MAX_LINE_BYTES; max_record_size is a backstop.
 */
export function csvParseOptions(separator: string): Options & { info: true } {
  return {
    max_record_size: 2 * MAX_LINE_BYTES,
    delimiter: separator,
    record_delimiter: ['\r\n', '\n', '\r'],
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    info: true,
  };
}
