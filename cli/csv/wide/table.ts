// What reading a wide export gives: the consumers, every kept row's clock
// time and readings, and the counts of the report.
import type { PhaseCount } from '../label.js';
import type { ReadingStore } from '../reading-store.js';
import type { DayHistogram } from '../window.js';

/** Counts per consumer, over every data row of the file. */
export interface ConsumerCells {
  /** Cells that are numbers (negative ones included). */
  readonly numbers: Uint32Array;
  readonly negative: Uint32Array;
  readonly empty: Uint32Array;
  /** Cells with text that is not a number (`NA`, `null`, `1,5` with a dot as the decimal mark, …). */
  readonly unreadable: Uint32Array;
  /** Cells a short row does not have. */
  readonly absent: Uint32Array;
}

/** Row counts of the report (both layouts). */
export interface RowCounts {
  /** Rows whose timestamp is not a clock time of the accepted forms (dropped). */
  unreadableTimestamps: number;
  /** The first of them, for the report. */
  firstUnreadableTimestamp: { line: number; text: string } | undefined;
  /** Rows before --from or after --to (dropped). */
  outsideWindow: number;
  /** Rows with fewer cells than the header (the cells they lack are missing readings). */
  short: number;
  /** Rows with more cells than the header (the extra cells are ignored). */
  long: number;
  /** Records csv-parse could not read (an unclosed quote…), skipped; the first one's message. */
  skipped: number;
  firstSkipped: string | undefined;
  /** Naive timestamps in --source-tz's repeated hour and in its skipped hour (each read with the offset before the change). */
  ambiguousClock: number;
  nonexistentClock: number;
  /** Timestamps with Z or an offset read without --tz (counted among the unreadable too), and the first (row-clock.ts unzonedProblem). */
  unzoned: number;
  firstUnzoned: { line: number; text: string } | undefined;
}

export function emptyRowCounts(): RowCounts {
  return { unreadableTimestamps: 0, firstUnreadableTimestamp: undefined, outsideWindow: 0, short: 0, long: 0, skipped: 0, firstSkipped: undefined, ambiguousClock: 0, nonexistentClock: 0, unzoned: 0, firstUnzoned: undefined };
}

export interface WideTable {
  /** The consumers' ids: the names of the columns other than the timestamp's, in file order (a repeated id's later columns left out). */
  readonly ids: string[];
  readonly timeColumn: string;
  readonly separator: string;
  readonly decimalComma: boolean;
  /** Data rows read (records after the header, blank lines not counted). */
  readonly rowsRead: number;
  /** The rows kept: a readable timestamp within --from/--to; `times[r]` is row r's clock time (local ms, as read: before the label's shift). */
  readonly store: ReadingStore;
  readonly times: Float64Array;
  /** File line of each row kept, for messages. */
  readonly lines: Uint32Array;
  /** Whether the store holds kW already (`factor` applied while reading) or the file's numbers. */
  readonly converted: boolean;
  readonly cells: ConsumerCells;
  readonly rows: RowCounts;
  /** The kept rows per day (the window is chosen from it) and by minute of the hour (the label check). */
  readonly days: DayHistogram;
  readonly phases: PhaseCount;
  /** Header columns with an empty name, not read (a separator at the end of each line makes one). */
  readonly unnamedColumns: number;
  /** Ids that more than one column has: the first column is read, the later ones are dropped (`droppedColumns` of them). */
  readonly duplicateIds: string[];
  readonly droppedColumns: number;
  /** Timestamps with Z or an offset, turned into --tz clock times. */
  readonly instants: number;
}
