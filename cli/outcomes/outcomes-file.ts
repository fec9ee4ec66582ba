// Reading an outcomes file (`gridcode evaluate --outcomes FILE`, issue 17):
// what the inspectors found at each site. CSV (a header line, names in any
// case and order; UTF-8 with or without a BOM; `,` `;` or tab) or JSON lines
// (.jsonl, .ndjson, or a file whose first character is `{`), gzip and `-`
// through the input opener. Fields: id and outcome (required), date
// (YYYY-MM-DD), district, note, audit (true/false, 1/0, yes/no; empty =
// false). A bad row is counted, the first few named, and skipped: never
// fatal. Only a file that cannot be read, lacks an id or outcome column, or
// has no usable row fails.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse, type Info } from 'csv-parse/sync';
import { OUTCOMES } from '../../engine/src/outcomes/index.js';
import { csvParseOptions, firstLineEnd, sniffSeparator } from '../csv/cells.js';
import { describeFsError, InputError } from '../errors.js';
import { openInputFile, withInputFile, type InputFile } from '../input/source.js';
import { noteSkip, OUTCOME_COLUMNS, RowKeeper, SKIP_REASONS, SKIP_WORDS, type Field, type OutcomeRow, type SkipReason, type Skips } from './outcome-rows.js';

export { FIRST_SKIPS, noteSkip, OUTCOME_COLUMNS, SKIP_REASONS, SKIP_WORDS, type OutcomeRow, type SkipReason, type Skips } from './outcome-rows.js';

/** An outcomes file is one row per inspected site: a few hundred thousand at most. */
const MAX_BYTES = 256 << 20;

export interface OutcomesTable {
  readonly file: string;
  readonly format: 'csv' | 'json-lines';
  /** CSV only. */
  readonly separator?: string;
  /** Header names of the columns read, by field (CSV only). */
  readonly columns: Partial<Record<Field, string>>;
  readonly ignoredColumns: readonly string[];
  /** Data rows read (blank lines not counted). */
  readonly rows: number;
  /** The rows kept, by id. */
  readonly byId: Map<string, OutcomeRow>;
  /** notInBatch is filled in once the batch is scored (batch-outcomes.ts finish). */
  readonly skipped: Record<SkipReason, Skips>;
}

/** Reads the outcomes file `arg` (a path, a gzip file, or - for standard input). Throws InputError. */
export async function readOutcomes(arg: string): Promise<OutcomesTable> {
  return withInputFile(arg, (file) => readOutcomesFile(file));
}

function readOutcomesFile(file: InputFile): OutcomesTable {
  const fd = openInputFile(file);
  let text: string;
  try {
    const bytes = readFileSync(fd);
    if (bytes.length > MAX_BYTES) throw new InputError(file.name, `larger than ${MAX_BYTES >> 20} MiB; an outcomes file has one row per inspected site`);
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch (error) {
    if (error instanceof InputError) throw error;
    if (error instanceof TypeError) throw new InputError(file.name, 'not UTF-8 text; save the outcomes file as UTF-8 (CSV or JSON lines)');
    throw new InputError(file.name, describeFsError(error));
  }
  const extension = extname(file.path).toLowerCase();
  if (text.trimStart().startsWith('[')) throw new InputError(file.name, 'a JSON array; give JSON lines (one object a line: {"id": …, "outcome": …}) or CSV');
  const jsonLines = extension === '.jsonl' || extension === '.ndjson' || (extension !== '.csv' && extension !== '.tsv' && text.trimStart().startsWith('{'));
  const table = jsonLines ? readJsonLines(text, file.name) : readCsv(text, file.name);
  if (table.byId.size === 0) {
    const why = SKIP_REASONS.filter((r) => table.skipped[r].count > 0).map((r) => `${table.skipped[r].count} ${SKIP_WORDS[r]}`);
    throw new InputError(file.name, `no usable outcome row (${table.rows} row${table.rows === 1 ? '' : 's'}${why.length > 0 ? `: ${why.join(', ')}` : ''}); each row needs an id and an outcome: ${OUTCOMES.join(', ')}`);
  }
  return table;
}

function columnKey(name: string): string {
  return name.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

function readCsv(text: string, name: string): OutcomesTable {
  const end = firstLineEnd(text);
  const headerLine = end < 0 ? text : text.slice(0, end);
  if (headerLine.trim() === '') throw new InputError(name, text.trim() === '' ? 'the outcomes file is empty' : 'the first line of the outcomes file is empty: it starts with its header (id, outcome, …)');
  const separator = sniffSeparator(headerLine) ?? ',';
  const keeper = new RowKeeper();
  let records: { record: string[]; info: Info }[];
  try {
    records = parse(text, { ...csvParseOptions(separator), on_skip: (error) => void noteSkip(keeper.skipped.unreadable, error ? `line ${error.lines}: ${error.message}` : 'a record') }) as unknown as { record: string[]; info: Info }[];
  } catch (error) {
    throw new InputError(name, `not a readable CSV: ${(error as Error).message}`);
  }
  const [header, ...body] = records;
  const at: Partial<Record<Field, number>> = {};
  const columns: Partial<Record<Field, string>> = {};
  const ignoredColumns: string[] = [];
  const fields = Object.entries(OUTCOME_COLUMNS) as [Field, readonly string[]][];
  (header?.record ?? []).forEach((raw, i) => {
    const field = fields.find(([, names]) => names.includes(columnKey(raw)))?.[0];
    if (field === undefined || at[field] !== undefined) {
      if (raw.trim() !== '') ignoredColumns.push(raw.trim());
      return;
    }
    at[field] = i;
    columns[field] = raw.trim();
  });
  if (at.id === undefined || at.outcome === undefined) {
    throw new InputError(name, `the header ${JSON.stringify(headerLine.slice(0, 200))} lacks ${at.id === undefined ? 'an id' : 'an outcome'} column; expected id,outcome[,date][,district][,note][,audit] (any case and order)`);
  }
  for (const { record, info } of body) {
    const cell = (field: Field) => (at[field] === undefined ? '' : (record[at[field]!] ?? ''));
    keeper.add({ id: cell('id'), outcome: cell('outcome'), date: cell('date'), district: cell('district'), note: cell('note'), audit: cell('audit') }, info.lines);
  }
  return { file: name, format: 'csv', separator, columns, ignoredColumns, rows: keeper.rows + keeper.skipped.unreadable.count, byId: keeper.byId, skipped: keeper.skipped };
}

function readJsonLines(text: string, name: string): OutcomesTable {
  const keeper = new RowKeeper();
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      keeper.rows++;
      return noteSkip(keeper.skipped.unreadable, `line ${i + 1}: not JSON (${(error as Error).message})`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      keeper.rows++;
      return noteSkip(keeper.skipped.unreadable, `line ${i + 1}: not a JSON object`);
    }
    const object = value as Record<string, unknown>;
    const keys = new Map(Object.keys(object).map((key) => [columnKey(key), key]));
    const cell = (field: Field): string => {
      const key = OUTCOME_COLUMNS[field].map((alias) => keys.get(alias)).find((k) => k !== undefined);
      const v = key === undefined ? undefined : object[key];
      return v === undefined || v === null ? '' : typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
    };
    keeper.add({ id: cell('id'), outcome: cell('outcome'), date: cell('date'), district: cell('district'), note: cell('note'), audit: cell('audit') }, i + 1);
  });
  return { file: name, format: 'json-lines', columns: {}, ignoredColumns: [], rows: keeper.rows, byId: keeper.byId, skipped: keeper.skipped };
}
