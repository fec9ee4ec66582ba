// Pass 1 over a long CSV: the consumers in file order, every cell and
// timestamp counted, rows per day (the window is chosen from them, strays
// included: window.ts) and by minute of the hour (the label check), and the
// steps between each consumer's distinct timestamps (the interval, when
// --interval is not given). An id that comes back after another's rows is
// refused: the file is not sorted by consumer.
import { InputError } from '../../errors.js';
import { CellKind, countCell } from '../cells.js';
import { requireUtf8 } from '../encoding.js';
import { NO_PROGRESS, type ReadProgress } from '../../progress/read-progress.js';
import { recordChunks } from '../csv-records.js';
import { countSteps, mostCommonStep } from '../grid.js';
import { LONGEST_OWN_STEP_MS, type OwnSteps } from '../own-interval.js';
import { PhaseCount } from '../label.js';
import type { WideCsvOptions } from '../options.js';
import { RowClock } from '../row-clock.js';
import { DayHistogram } from '../window.js';
import { emptyRowCounts, type RowCounts } from '../wide/table.js';
import { findColumns, sortHint, type Columns } from './columns.js';

export interface FirstPass {
  readonly columns: Columns;
  readonly ids: string[];
  readonly cells: { numbers: number[]; negative: number[]; empty: number[]; unreadable: number[]; absent: number[] };
  readonly rows: RowCounts;
  readonly rowsRead: number;
  readonly rowsWithoutId: number;
  readonly instants: number;
  readonly days: DayHistogram;
  readonly phases: PhaseCount;
  /** Steps between consecutive distinct timestamps within consumers (ms → how often); empty with --interval. */
  readonly steps: Map<number, number>;
  /** A clock time read, for a message. */
  readonly sample: number | undefined;
  /** Energy units (--unit kwh or wh) only: each consumer's own step (ms; 0 when it has no two distinct timestamps) and how often it occurs (own-interval.ts). */
  readonly ownSteps: OwnSteps | undefined;
}

/** Throws InputError. */
export function firstPass(fd: number, name: string, options: WideCsvOptions, separator: string, decimalComma: boolean, progress: ReadProgress = NO_PROGRESS): FirstPass {
  const clock = new RowClock(name, options);
  const kind = { kind: CellKind.number as CellKind };
  let skipped = 0;
  let firstSkipped: string | undefined;
  const onSkip = (message: string) => {
    skipped++;
    firstSkipped ??= message;
  };
  let columns: Columns | undefined;
  const ids: string[] = [];
  const lastLineOf = new Map<string, number>();
  const cells: FirstPass['cells'] = { numbers: [], negative: [], empty: [], unreadable: [], absent: [] };
  const rows = emptyRowCounts();
  const days = new DayHistogram();
  const phases = new PhaseCount();
  let rowsRead = 0;
  let rowsWithoutId = 0;
  const steps = new Map<number, number>();
  let times = new Float64Array(1024);
  let kept = 0;
  let sample: number | undefined;
  // Energy is per interval: each consumer's own step is kept, to tell one whose interval is not the grid's (own-interval.ts).
  const ownSteps: OwnSteps | undefined = options.unit === 'kw' ? undefined : { step: [], count: [] };
  const endConsumer = () => {
    if (current < 0) return;
    if (ownSteps !== undefined) {
      const own = kept > 1 ? countSteps(times.subarray(0, kept)) : new Map<number, number>();
      if (options.intervalMinutes === undefined) for (const [s, k] of own) steps.set(s, (steps.get(s) ?? 0) + k);
      for (const s of own.keys()) if (s > LONGEST_OWN_STEP_MS) own.delete(s);
      const [step, count] = mostCommonStep(own);
      ownSteps.step.push(step);
      ownSteps.count.push(count);
    } else if (options.intervalMinutes === undefined && kept > 1) countSteps(times.subarray(0, kept), steps);
    kept = 0;
  };
  let current = -1;
  progress.pass(1, 2);
  for (const chunk of recordChunks(fd, name, separator, onSkip, progress)) for (let i = 0; i < chunk.count; i++) {
    const record = chunk.records[i]!;
    const line = chunk.lines[i]!;
    if (columns === undefined) {
      columns = findColumns(record, name, options);
      continue;
    }
    rowsRead++;
    if (record.length < columns.names.length) rows.short++;
    else if (record.length > columns.names.length) rows.long++;
    const id = record[columns.id]?.trim() ?? '';
    if (id === '') {
      rowsWithoutId++;
      continue;
    }
    if (current < 0 || id !== ids[current]) {
      const before = lastLineOf.get(id);
      if (before !== undefined) {
        throw new InputError(
          name,
          `line ${line}: the rows of consumer ${JSON.stringify(id)} come back after those of ${JSON.stringify(ids[current])} (its rows before end at line ${before}): a long CSV must have all rows of a consumer together (timestamps within it may be in any order). Sort it by the id column first, keeping the header line: ${sortHint(separator)}`,
        );
      }
      requireUtf8(name, line, 'consumer id', id);
      endConsumer();
      current = ids.length;
      ids.push(id);
      progress.consumers(ids.length);
      for (const counts of Object.values(cells)) counts.push(0);
    }
    lastLineOf.set(id, line);
    const text = record[columns.time];
    const ms = clock.read(text, line);
    if (ms === undefined) {
      rows.unreadableTimestamps++;
      rows.firstUnreadableTimestamp ??= { line, text: (text ?? '').slice(0, 60) };
    } else {
      const day = clock.day(ms);
      if (!clock.inFromTo(day)) rows.outsideWindow++;
      else {
        days.add(day, line, text);
        phases.add(ms);
        if (kept === times.length) {
          const grown = new Float64Array(2 * kept);
          grown.set(times);
          times = grown;
        }
        times[kept++] = ms;
        sample ??= ms;
      }
    }
    countCell(record[columns.value], decimalComma, kind, cells, current);
  }
  endConsumer();
  if (columns === undefined) throw new InputError(name, 'the file has no header line');
  rows.skipped = skipped;
  rows.firstSkipped = firstSkipped;
  rows.ambiguousClock = clock.ambiguous;
  rows.nonexistentClock = clock.nonexistent;
  rows.unzoned = clock.unzoned;
  rows.firstUnzoned = clock.firstUnzoned;
  if (ids.length === 0) throw new InputError(name, 'the file has no row with a consumer id');
  return { columns, ids, cells, rows, rowsRead, rowsWithoutId, instants: clock.instants, days, phases, steps, sample, ownSteps };
}
