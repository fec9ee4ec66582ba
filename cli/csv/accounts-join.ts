// Joining a meter export's consumers with the accounts file: consumer id
// (trimmed) = account id (trimmed). A consumer with no account row has an
// unspecified category and zone whatever --category and --zone say, so that
// its result carries the engine's note (category unspecified, and which rules
// could not fire): a failed join must never look like a clean GREEN. An
// account whose category or zone cell is empty gets --category and --zone;
// one whose cell holds an unknown word stays unspecified and is counted (a
// fill would hide the bad cell), as does one that says `unspecified`.
// Counted for the report: consumers with no row, rows with no consumer.
import type { AttributesOf, ConsumerAttributes } from './attributes.js';
import { BAD_WORD, EMPTY_CELL } from './account-store.js';
import { FIRST_IDS, type AccountField, type AccountsTable, type BadCells } from './accounts.js';
import { separatorName } from './cells.js';

/** The `accounts` section of the data-quality report. */
export interface AccountsReport {
  readonly file: string;
  readonly separator: string;
  readonly rows: number;
  /** Accounts kept (one per id). */
  readonly accounts: number;
  /** The header name read as each field. */
  readonly columns: Partial<Record<AccountField, string>>;
  readonly ignoredColumns: string[];
  readonly rowsWithoutId: number;
  readonly duplicateRows: { readonly count: number; readonly firstIds: string[] };
  readonly unreadableCsv: { readonly count: number; readonly first: string | null };
  readonly badCells: Partial<Record<AccountField, BadCells>>;
  readonly sinceNotCalendar: BadCells | null;
  /** Consumers of the export with no account row (category and zone unspecified: their results say so). */
  readonly consumersWithoutAccount: { readonly count: number; readonly firstIds: string[] };
  /** Account rows whose id no consumer of the export has. */
  readonly accountsWithoutReadings: { readonly count: number; readonly firstIds: string[] };
}

/** The attributes of a consumer with no account row. */
const NO_ACCOUNT: ConsumerAttributes = { category: 0, zone: 0 };

export class AccountsJoin {
  /** Account rows some consumer joined. */
  private readonly joined: Uint8Array;
  /** Consumer indexes seen without an account (a consumer's attributes may be asked more than once). */
  private readonly missingSeen = new Set<number>();
  private readonly missingIds: string[] = [];
  private missing = 0;
  /** --category and --zone, for empty cells. */
  private readonly fill: ConsumerAttributes;

  constructor(
    readonly table: AccountsTable,
    category: number,
    zone: number,
  ) {
    this.joined = new Uint8Array(table.store.size);
    this.fill = { category, zone };
  }

  readonly attributesOf: AttributesOf = (rawId, index) => {
    const store = this.table.store;
    const r = store.rowOf(rawId.trim());
    if (r === undefined) {
      if (!this.missingSeen.has(index)) {
        this.missingSeen.add(index);
        this.missing++;
        if (this.missingIds.length < FIRST_IDS) this.missingIds.push(rawId);
      }
      return NO_ACCOUNT;
    }
    this.joined[r] = 1;
    const row = store.row(r);
    const enumValue = (code: number, fill: number) => (code === BAD_WORD ? 0 : code === EMPTY_CELL ? fill : code);
    return {
      category: enumValue(row.category, this.fill.category),
      zone: enumValue(row.zone, this.fill.zone),
      capacityKw: row.capacityKw,
      group: row.group,
      baselineKw: row.baselineKw,
      watchStatus: enumValue(row.watchStatus, 0),
      watchSince: row.since,
      district: row.district,
    };
  };

  /** The report section, once every consumer's attributes were asked for. */
  report(): AccountsReport {
    const t = this.table;
    const unjoined: string[] = [];
    let unjoinedCount = 0;
    for (const [id, r] of t.store.index) {
      if (this.joined[r] === 1) continue;
      unjoinedCount++;
      if (unjoined.length < FIRST_IDS) unjoined.push(id);
    }
    return {
      file: t.file,
      separator: t.separator,
      rows: t.rows,
      accounts: t.store.size,
      columns: t.columns,
      ignoredColumns: t.ignoredColumns,
      rowsWithoutId: t.rowsWithoutId,
      duplicateRows: { count: t.duplicates.count, firstIds: t.duplicates.ids },
      unreadableCsv: t.unreadableCsv,
      badCells: t.badCells,
      sinceNotCalendar: t.sinceNotCalendar,
      consumersWithoutAccount: { count: this.missing, firstIds: this.missingIds },
      accountsWithoutReadings: { count: unjoinedCount, firstIds: unjoined },
    };
  }
}

const n = (value: number) => value.toLocaleString('en-US');
const ids = (list: { readonly count: number; readonly firstIds: readonly string[] }) =>
  list.count === 0 ? '0' : `${n(list.count)} (${list.firstIds.join(', ')}${list.count > list.firstIds.length ? `, … ${n(list.count - list.firstIds.length)} more` : ''})`;

/** The section as lines of the report's text block (report.ts). */
export function accountsReportLines(a: AccountsReport): string[] {
  const lines = [`  accounts: ${a.file} (separator ${JSON.stringify(separatorName(a.separator))}, columns ${Object.values(a.columns).join(', ')}): ${n(a.rows)} rows, ${n(a.accounts)} accounts`];
  lines.push(`    joined on the id: consumers with no account row: ${ids(a.consumersWithoutAccount)}; account rows with no consumer in the export: ${ids(a.accountsWithoutReadings)}`);
  const rows = [`${n(a.duplicateRows.count)} of an id seen before (dropped, the first kept)${a.duplicateRows.count > 0 ? `: ${a.duplicateRows.firstIds.join(', ')}${a.duplicateRows.count > a.duplicateRows.firstIds.length ? ', …' : ''}` : ''}`, `${n(a.rowsWithoutId)} without an id (dropped)`, `${n(a.unreadableCsv.count)} unreadable as CSV${a.unreadableCsv.first ? ` (first: ${a.unreadableCsv.first})` : ''}`];
  lines.push(`    rows: ${rows.join(', ')}`);
  const bad = Object.entries(a.badCells).map(([field, cells]) => `${a.columns[field as AccountField] ?? field} ${n(cells.count)} (first at ${cells.first})`);
  lines.push(`    unknown words and unreadable numbers (the field left unknown): ${bad.length === 0 ? 'none' : bad.join(', ')}${a.sinceNotCalendar ? `; since not a calendar date: ${n(a.sinceNotCalendar.count)} row${a.sinceNotCalendar.count === 1 ? '' : 's'} (first at ${a.sinceNotCalendar.first}; a watched consumer with one is GRAY)` : ''}`);
  if (a.ignoredColumns.length > 0) lines.push(`    columns ignored: ${a.ignoredColumns.join(', ')}`);
  return lines;
}
