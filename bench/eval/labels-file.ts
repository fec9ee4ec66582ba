// The analyst's labels for `npm run eval -- --input FILE --labels LABELS`: a
// CSV of consumer id and label, one consumer a line. The label says whether
// the site is a workshop (the positives: `workshop` or `1`) or not (`normal`
// or `0`), any case. The first line is a header only when its label field is
// the column name `label` (any case), and the report says so: any other word
// there is a bad row, never a row silently taken for a header. The separator is a comma, or a tab or semicolon when the first line
// has one and no comma (outside quotes); fields may be quoted ("a,b", "" for a quote); further
// columns are ignored. A row without an id or with another label, or an id
// labelled twice, is a bad row: counted, the first few reported, the rest of
// the file used. A file with no usable row fails.
// An outcomes file of `gridcode evaluate` (cli/outcomes/outcomes-file.ts: a
// header naming an outcome column, JSON lines, or gzip) is read by that
// reader instead: confirmed is a workshop, not_found and licensed a normal
// site, unreachable no label (no verdict; counted apart).
import { readFileSync } from 'node:fs';
import { OUTCOME_COLUMNS, readOutcomes, SKIP_REASONS, SKIP_WORDS, type OutcomesTable } from '../../cli/outcomes/outcomes-file.js';
import { sniffSeparator } from '../../cli/csv/cells.js';

export const POSITIVE_LABELS = ['workshop', '1'] as const;
export const NEGATIVE_LABELS = ['normal', '0'] as const;

export interface BadLabelRow {
  /** 1-based line number. */
  readonly line: number;
  readonly reason: string;
}

export interface Labels {
  /** id → true for a workshop, false for a normal site. */
  readonly byId: Map<string, boolean>;
  readonly badRows: number;
  /** The first bad rows (up to MAX_EXAMPLES), for the report. */
  readonly examples: readonly BadLabelRow[];
  /** Whether line 1 was read as a header (its label field is `label`). */
  readonly header: boolean;
  /** From an outcomes file: rows of unreachable sites, which give no label. */
  readonly unreachable?: number;
}

/** The label column's name in a header line, any case. */
export const LABEL_COLUMN = 'label';

const MAX_EXAMPLES = 5;

export class LabelsError extends Error {
  override readonly name = 'LabelsError';
}

/** The label word's meaning: true, false, or undefined when it is not a label. */
export function labelValue(word: string): boolean | undefined {
  const w = word.trim().toLowerCase();
  if ((POSITIVE_LABELS as readonly string[]).includes(w)) return true;
  if ((NEGATIVE_LABELS as readonly string[]).includes(w)) return false;
  return undefined;
}

/** One CSV line's fields, double quotes honoured. */
export function splitFields(line: string, separator: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c !== '"') field += c;
      else if (line[i + 1] === '"') field += line[++i];
      else quoted = false;
    } else if (c === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (c === separator) {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

export function parseLabels(text: string, path: string): Labels {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  // The separator is looked for outside quotes: a quoted id may hold any of them.
  const first = (lines[0] ?? '').replace(/"(?:[^"]|"")*"/g, '');
  const separator = first.includes(',') ? ',' : first.includes('\t') ? '\t' : first.includes(';') ? ';' : ',';
  const byId = new Map<string, boolean>();
  const examples: BadLabelRow[] = [];
  let badRows = 0;
  let header = false;
  const bad = (line: number, reason: string) => {
    badRows++;
    if (examples.length < MAX_EXAMPLES) examples.push({ line, reason });
  };
  lines.forEach((text, i) => {
    if (text.trim() === '') return;
    const [rawId = '', rawLabel] = splitFields(text, separator);
    const id = rawId.trim();
    const label = rawLabel === undefined ? undefined : labelValue(rawLabel);
    if (i === 0 && rawLabel?.trim().toLowerCase() === LABEL_COLUMN) {
      header = true;
      return;
    }
    if (id === '') return bad(i + 1, 'no consumer id');
    if (rawLabel === undefined) return bad(i + 1, `no label after the id (separator ${JSON.stringify(separator)})`);
    if (label === undefined) return bad(i + 1, `label ${JSON.stringify(rawLabel.trim())} is not one of ${[...POSITIVE_LABELS, ...NEGATIVE_LABELS].join(', ')}`);
    if (byId.has(id)) return bad(i + 1, `id ${JSON.stringify(id)} is labelled again`);
    byId.set(id, label);
  });
  if (byId.size === 0) throw new LabelsError(`${path}: no usable label row (${badRows} bad); each line is id${separator}label, the label ${POSITIVE_LABELS.join(' or ')} for a workshop, ${NEGATIVE_LABELS.join(' or ')} for a normal site`);
  return { byId, badRows, examples, header };
}

export function readLabelsFile(path: string): Labels {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(path));
  } catch (error) {
    throw new LabelsError(`${path}: ${error instanceof TypeError ? 'not UTF-8 text' : (error as Error).message}`);
  }
  return parseLabels(text, path);
}

/** Whether `path` is an outcomes file (gridcode evaluate's) rather than id,label: JSON lines, gzip, or a header line with an `outcome` column. */
export function isOutcomesFile(path: string): boolean {
  if (/\.(jsonl|ndjson|gz)$/i.test(path)) return true;
  let head: string;
  try {
    head = readFileSync(path).subarray(0, 1 << 16).toString('utf8').replace(/^\uFEFF/, '');
  } catch {
    return false; // readLabelsFile reports it
  }
  const line = head.split(/\r?\n/, 1)[0] ?? '';
  const cells = splitFields(line, sniffSeparator(line) ?? ',').map((cell) => cell.trim().toLowerCase());
  return cells.includes(OUTCOME_COLUMNS.outcome[0]); // `outcome` only: an id,label file headed `result` keeps its old reading
}

/** An outcomes file's rows as labels: confirmed true, not_found and licensed false, unreachable left out; its skipped rows as bad rows. */
export function labelsFromOutcomes(table: OutcomesTable): Labels {
  const byId = new Map<string, boolean>();
  let unreachable = 0;
  for (const [id, row] of table.byId) {
    if (row.outcome === 'unreachable') unreachable++;
    else byId.set(id, row.outcome === 'confirmed');
  }
  const examples = SKIP_REASONS.flatMap((reason) =>
    table.skipped[reason].first.map((text) => {
      const [, line = '0', detail] = /^line (\d+)(?:: (.*))?$/s.exec(text) ?? [];
      return { line: Number(line), reason: `a row ${SKIP_WORDS[reason]}${detail ? `: ${detail}` : ''}` };
    }),
  );
  examples.sort((a, b) => a.line - b.line);
  const badRows = SKIP_REASONS.reduce((sum, reason) => sum + table.skipped[reason].count, 0);
  if (byId.size === 0) throw new LabelsError(`${table.file}: no confirmed, not_found or licensed row (${unreachable} unreachable, ${badRows} bad)`);
  return { byId, badRows, examples: examples.slice(0, MAX_EXAMPLES), header: true, unreachable };
}

/** The labels of `path`: an id,label file, or an outcomes file (isOutcomesFile). */
export async function readLabels(path: string): Promise<Labels> {
  return isOutcomesFile(path) ? labelsFromOutcomes(await readOutcomes(path)) : readLabelsFile(path);
}
