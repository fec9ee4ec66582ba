// Reading an accounts file (--accounts): a CSV with a header line, one row per
// consumer account: id, category, zone, capacity_kw, group, baseline_kw,
// watch, since, district, in any order and case; only id is required. A bad
// cell leaves that field unknown for that account and is counted per column;
// a second row of an id is counted and dropped (the first is kept). Nothing
// in a row is fatal: only a file that cannot be read or has no id column is.
import { createReadStream, readSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse, type Info } from 'csv-parse';
import { calendarDay } from '../../engine/src/header.js';
import { describeFsError, InputError } from '../errors.js';
import { openInputFile, type InputFile } from '../input/source.js';
import { CATEGORY, enumCode, WATCH, ZONE, type EnumWords } from './account-words.js';
import { AccountStore, BAD_WORD, EMPTY_CELL, type AccountRow } from './account-store.js';
import { cellNumber, CellKind, csvParseOptions, firstLineEnd, sniffSeparator } from './cells.js';
import { LineGuard } from './line-guard.js';

/** The fields of an account, and the header names read as each (after trimming, lower case, spaces and hyphens as _). */
export const ACCOUNT_COLUMNS = {
  id: ['id', 'account_id'],
  category: ['category'],
  zone: ['zone'],
  capacityKw: ['capacity_kw', 'capacity'],
  group: ['group'],
  baselineKw: ['baseline_kw', 'baseline'],
  watchStatus: ['watch', 'watch_status'],
  since: ['since', 'watch_since'],
  district: ['district'],
} as const;
export type AccountField = keyof typeof ACCOUNT_COLUMNS;

/** A column's cells that were neither empty nor readable, and the first of them. */
export interface BadCells {
  count: number;
  first: string;
}

export interface AccountsTable {
  readonly file: string;
  readonly separator: string;
  /** Data rows read (blank lines not counted). */
  readonly rows: number;
  readonly store: AccountStore;
  /** Header names of the columns read, by field. */
  readonly columns: Partial<Record<AccountField, string>>;
  /** Header names of the columns not read (unknown, or a second column of a field). */
  readonly ignoredColumns: string[];
  readonly rowsWithoutId: number;
  /** Rows of an id that had a row already (dropped), and the first few such ids. */
  readonly duplicates: { count: number; ids: string[] };
  readonly unreadableCsv: { count: number; first: string | null };
  /** Per field, cells with an unknown word or an unreadable number (the field is unknown for that account). */
  readonly badCells: Partial<Record<AccountField, BadCells>>;
  /** since cells that are no calendar date (kept as written: the engine codes the consumer GRAY with a note). */
  readonly sinceNotCalendar: BadCells | null;
}

/** Ids named in the report: the first few. */
export const FIRST_IDS = 5;
const HEAD_BYTES = 1 << 20;

/** Reads the accounts file `file` (opened here; a regular file). Throws InputError. */
export async function readAccounts(file: InputFile): Promise<AccountsTable> {
  const name = file.name;
  const fd = openInputFile(file);
  const head = Buffer.alloc(HEAD_BYTES);
  let headText: string;
  try {
    headText = head.subarray(0, readSync(fd, head, 0, HEAD_BYTES, 0)).toString('utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    throw new InputError(name, describeFsError(error));
  }
  const end = firstLineEnd(headText);
  const headerLine = end < 0 ? headText : headText.slice(0, end);
  if (headerLine.trim() === '') throw new InputError(name, headText === '' ? 'the accounts file is empty' : 'the first line of the accounts file is empty: it starts with its header (id, category, zone, …)');
  const separator = sniffSeparator(headerLine) ?? ',';
  const parser = parse(csvParseOptions(separator));
  const guard = new LineGuard(separator);
  const source = createReadStream('', { fd, highWaterMark: 1 << 20 });
  async function* guarded(): AsyncGenerator<Buffer> {
    for await (const chunk of source) yield guard.push(chunk as Buffer);
    yield guard.end();
  }
  pipeline(Readable.from(guarded()), parser).catch(() => undefined); // failures reach the loop below through the parser
  let skipped = 0;
  let firstSkipped: string | undefined;
  parser.on('skip', (error: Error) => {
    skipped++;
    firstSkipped ??= error.message;
  });
  let reader: AccountReader | undefined;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: Info }>) {
      if (reader === undefined) reader = new AccountReader(record, name, separator);
      else reader.row(record, info.lines);
    }
  } catch (error) {
    parser.destroy();
    source.destroy();
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(name, code?.startsWith('CSV_') ? `not a readable CSV: ${(error as Error).message}` : describeFsError(error));
  }
  if (reader === undefined) throw new InputError(name, 'the accounts file has no header line');
  return reader.table(skipped + guard.dropped, guard.firstDropped ?? firstSkipped ?? null);
}

/** A header name as matched against ACCOUNT_COLUMNS. */
function columnKey(name: string): string {
  return name.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

class AccountReader {
  private readonly store = new AccountStore();
  private readonly at: Partial<Record<AccountField, number>> = {};
  private readonly columns: Partial<Record<AccountField, string>> = {};
  private readonly ignoredColumns: string[] = [];
  private readonly decimalComma: boolean;
  private readonly badCells: Partial<Record<AccountField, BadCells>> = {};
  private sinceNotCalendar: BadCells | null = null;
  private readonly duplicates = { count: 0, ids: [] as string[] };
  private rows = 0;
  private rowsWithoutId = 0;
  private readonly kind = { kind: CellKind.number as CellKind };

  constructor(
    header: string[],
    private readonly name: string,
    private readonly separator: string,
  ) {
    const fields = Object.entries(ACCOUNT_COLUMNS) as [AccountField, readonly string[]][];
    header.forEach((raw, i) => {
      const key = columnKey(raw);
      const field = fields.find(([, names]) => names.includes(key))?.[0];
      if (field === undefined || this.at[field] !== undefined) {
        if (raw.trim() !== '') this.ignoredColumns.push(raw.trim());
        return;
      }
      this.at[field] = i;
      this.columns[field] = raw.trim();
    });
    if (this.at.id === undefined) {
      const shown = header.slice(0, 8).map((n) => JSON.stringify(n.trim())).join(', ');
      throw new InputError(name, `the accounts file has no id column (the consumer id, as in the meter export); its header has ${shown}${header.length > 8 ? ', …' : ''}. Name the columns id, category, zone, capacity_kw, group, baseline_kw, watch, since, district (any case and order)`);
    }
    // A decimal comma as in a meter export: always so with the separator ; (cells.ts).
    this.decimalComma = separator === ';';
  }

  row(record: string[], line: number): void {
    this.rows++;
    const cell = (field: AccountField): string => {
      const i = this.at[field];
      return i === undefined ? '' : (record[i] ?? '').trim();
    };
    const id = cell('id');
    if (id === '') {
      this.rowsWithoutId++;
      return;
    }
    if (this.store.rowOf(id) !== undefined) {
      this.duplicates.count++;
      if (this.duplicates.ids.length < FIRST_IDS) this.duplicates.ids.push(id);
      return;
    }
    const bad = (field: AccountField, text: string) => {
      const counted = (this.badCells[field] ??= { count: 0, first: `line ${line}: ${JSON.stringify(text)}` });
      counted.count++;
    };
    const word = (field: AccountField, table: EnumWords): number => {
      const text = cell(field);
      if (text === '') return EMPTY_CELL;
      const code = enumCode(text, table);
      if (code !== undefined) return code;
      bad(field, text);
      return BAD_WORD;
    };
    const number = (field: AccountField): number => {
      const text = cell(field);
      const value = cellNumber(text, this.decimalComma, this.kind);
      if (this.kind.kind === CellKind.unreadable) bad(field, text);
      return value;
    };
    const since = cell('since');
    if (since !== '' && calendarDay(since) === undefined) {
      this.sinceNotCalendar ??= { count: 0, first: `line ${line}: ${JSON.stringify(since)}` };
      this.sinceNotCalendar.count++;
    }
    const row: AccountRow = {
      category: word('category', CATEGORY),
      zone: word('zone', ZONE),
      capacityKw: number('capacityKw'),
      group: cell('group'),
      baselineKw: number('baselineKw'),
      watchStatus: word('watchStatus', WATCH),
      since,
      district: cell('district'),
    };
    this.store.add(id, row);
  }

  table(unreadableCsv: number, firstUnreadable: string | null): AccountsTable {
    return {
      file: this.name,
      separator: this.separator,
      rows: this.rows,
      store: this.store,
      columns: this.columns,
      ignoredColumns: this.ignoredColumns,
      rowsWithoutId: this.rowsWithoutId,
      duplicates: this.duplicates,
      unreadableCsv: { count: unreadableCsv, first: firstUnreadable },
      badCells: this.badCells,
      sinceNotCalendar: this.sinceNotCalendar,
    };
  }
}
