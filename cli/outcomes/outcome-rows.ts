// One row of an outcomes file checked and kept, or counted under the reason
// it was skipped (with its line, the first few of each reason): the same
// checks whether the row came from CSV or JSON lines (outcomes-file.ts).
import { calendarDay } from '../../engine/src/header.js';
import { auditOf, outcomeOf, OUTCOMES, type Outcome } from '../../engine/src/outcomes/index.js';

/** Header names read as each field (trimmed, lower case, spaces and hyphens as _). */
export const OUTCOME_COLUMNS = {
  id: ['id', 'account_id', 'consumer_id'],
  outcome: ['outcome', 'result'],
  date: ['date', 'inspection_date', 'inspected'],
  district: ['district'],
  note: ['note', 'notes', 'comment'],
  audit: ['audit', 'audited'],
} as const;
export type Field = keyof typeof OUTCOME_COLUMNS;

/** Bad rows of a kind named in the report: the first few. */
export const FIRST_SKIPS = 5;

export interface OutcomeRow {
  readonly outcome: Outcome;
  readonly audit: boolean;
  /** '' when none was given. */
  readonly date: string;
  readonly district: string;
  readonly note: string;
  /** 1-based line of the file. */
  readonly line: number;
}

/** Rows skipped for one reason: how many, and the first few as `line N: …`. */
export interface Skips {
  count: number;
  readonly first: string[];
}

export const SKIP_REASONS = ['withoutId', 'unknownOutcome', 'badAudit', 'badDate', 'duplicate', 'unreadable', 'notInBatch'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** How the report names each kind of skipped row. */
export const SKIP_WORDS: Record<SkipReason, string> = {
  withoutId: 'without an id',
  unknownOutcome: `with an outcome not one of ${OUTCOMES.join(', ')}`,
  badAudit: 'with an audit value not true/false, 1/0, yes/no',
  badDate: 'with a date not YYYY-MM-DD',
  duplicate: 'of an id seen before (the first row kept)',
  unreadable: 'unreadable',
  notInBatch: 'for an id not in the batch',
};

export function emptySkips(): Record<SkipReason, Skips> {
  return Object.fromEntries(SKIP_REASONS.map((r) => [r, { count: 0, first: [] }])) as unknown as Record<SkipReason, Skips>;
}

export function noteSkip(skips: Skips, text: string): void {
  skips.count++;
  if (skips.first.length < FIRST_SKIPS) skips.first.push(text);
}

/** The cells of one row, by field ('' for an absent one); the audit cell may be a JSON boolean or number. */
export type Cells = Record<Field, string>;

/** Checks one row and keeps it, or counts why not. */
export class RowKeeper {
  readonly byId = new Map<string, OutcomeRow>();
  readonly skipped = emptySkips();
  rows = 0;

  add(cells: Cells, line: number): void {
    this.rows++;
    const at = `line ${line}`;
    const id = cells.id.trim();
    if (id === '') return noteSkip(this.skipped.withoutId, at);
    const outcome = outcomeOf(cells.outcome);
    if (outcome === undefined) return noteSkip(this.skipped.unknownOutcome, `${at}: ${JSON.stringify(cells.outcome.trim())}`);
    const audit = auditOf(cells.audit);
    if (audit === undefined) return noteSkip(this.skipped.badAudit, `${at}: ${JSON.stringify(cells.audit.trim())}`);
    const date = cells.date.trim();
    if (date !== '' && calendarDay(date) === undefined) return noteSkip(this.skipped.badDate, `${at}: ${JSON.stringify(date)}`);
    const kept = this.byId.get(id);
    if (kept) return noteSkip(this.skipped.duplicate, `${at}: ${JSON.stringify(id)} (line ${kept.line} kept)`);
    this.byId.set(id, { outcome, audit, date, district: cells.district.trim(), note: cells.note.trim(), line });
  }
}
