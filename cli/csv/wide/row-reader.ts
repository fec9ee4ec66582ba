// The data rows of a wide export, read as they come: each row's timestamp as
// a clock time (row-clock.ts) and its cells as numbers into a ReadingStore.
// Nothing here fails for one bad row or cell: each problem is counted, and
// the window and the grid (choose-grid.ts, grid.ts) decide later where each
// row goes. The memory cap stops a file too big to hold.
import { InputError } from '../../errors.js';
import { CellKind, countCell } from '../cells.js';
import { PhaseCount } from '../label.js';
import type { WideCsvOptions } from '../options.js';
import { ReadingStore, type Precision } from '../reading-store.js';
import { RowClock } from '../row-clock.js';
import { DayHistogram } from '../window.js';
import { consumerColumns, type ConsumerColumns } from './consumer-columns.js';
import { emptyRowCounts, type ConsumerCells, type RowCounts, type WideTable } from './table.js';

const STORE_HINT = 'split the file by columns (consumers), or choose fewer days with --from and --to';

export class RowReader {
  private readonly header: ConsumerColumns;
  private readonly store: ReadingStore;
  private times = new Float64Array(1024);
  private lines = new Uint32Array(1024);
  private readonly cells: ConsumerCells;
  private readonly rows: RowCounts = emptyRowCounts();
  private readonly clock: RowClock;
  private readonly days = new DayHistogram();
  private readonly phases = new PhaseCount();
  private readonly kind = { kind: CellKind.number as CellKind };
  private rowsRead = 0;

  constructor(
    header: string[],
    private readonly name: string,
    options: WideCsvOptions,
    private readonly separator: string,
    private readonly decimalComma: boolean,
    private readonly factor: number | undefined,
    private readonly maxReadingBytes: number,
  ) {
    this.header = consumerColumns(header, name, options.timeColumn);
    const n = this.header.ids.length;
    this.cells = { numbers: new Uint32Array(n), negative: new Uint32Array(n), empty: new Uint32Array(n), unreadable: new Uint32Array(n), absent: new Uint32Array(n) };
    const precision: Precision = factor === undefined ? 'float64' : 'float32';
    this.store = new ReadingStore(n, precision);
    this.clock = new RowClock(name, options);
  }

  row(record: string[], line: number): void {
    this.rowsRead++;
    const { header } = this;
    if (record.length < header.namedLength) this.rows.short++;
    else if (record.length > header.headerLength) this.rows.long++;
    const text = record[header.timeIndex];
    const ms = this.clock.read(text, line);
    let row = -1;
    if (ms === undefined) {
      this.rows.unreadableTimestamps++;
      this.rows.firstUnreadableTimestamp ??= { line, text: (text ?? '').slice(0, 60) };
    } else {
      const day = this.clock.day(ms);
      if (!this.clock.inFromTo(day)) this.rows.outsideWindow++;
      else {
        this.days.add(day, line, text);
        this.phases.add(ms);
        row = this.keep(ms, line);
      }
    }
    const { cells, kind, store, factor, decimalComma } = this;
    const columns = header.columns;
    for (let c = 0; c < columns.length; c++) {
      const value = countCell(record[columns[c]!], decimalComma, kind, cells, c);
      if (row >= 0 && !Number.isNaN(value)) store.set(row, c, factor === undefined ? value : value * factor);
    }
  }

  /**
   * A new row of the store, after checking that the readings fit in memory.
   * The window is chosen once every row is read (stray timestamps are known
   * only then); the cap stops a file of years before memory runs out.
   */
  private keep(ms: number, line: number): number {
    const { store } = this;
    const bytes = (store.rows + 1) * store.consumers * store.bytesPerReading;
    if (bytes > this.maxReadingBytes) {
      const limit = this.maxReadingBytes >= 1024 ** 3 ? `${this.maxReadingBytes / 1024 ** 3} GiB` : `${this.maxReadingBytes.toLocaleString('en-US')} bytes`;
      throw new InputError(
        this.name,
        `line ${line}: ${store.consumers.toLocaleString('en-US')} consumers × ${(store.rows + 1).toLocaleString('en-US')} rows is more than the ${limit} of readings a CSV may hold in memory (${store.bytesPerReading} bytes each${store.precision === 'float64' ? '; 4 with --unit kw or --interval' : ''}): ${STORE_HINT}`,
      );
    }
    const row = store.addRow();
    if (row === this.times.length) {
      const times = new Float64Array(2 * row);
      times.set(this.times);
      this.times = times;
      const lines = new Uint32Array(2 * row);
      lines.set(this.lines);
      this.lines = lines;
    }
    this.times[row] = ms;
    this.lines[row] = line;
    return row;
  }

  table(skipped: number, firstSkipped: string | undefined): WideTable {
    this.rows.skipped = skipped;
    this.rows.firstSkipped = firstSkipped;
    this.rows.ambiguousClock = this.clock.ambiguous;
    this.rows.nonexistentClock = this.clock.nonexistent;
    this.rows.unzoned = this.clock.unzoned;
    this.rows.firstUnzoned = this.clock.firstUnzoned;
    const { header } = this;
    return {
      ids: header.ids,
      timeColumn: header.timeName,
      separator: this.separator,
      decimalComma: this.decimalComma,
      rowsRead: this.rowsRead,
      store: this.store,
      times: this.times.subarray(0, this.store.rows),
      lines: this.lines.subarray(0, this.store.rows),
      converted: this.factor !== undefined,
      cells: this.cells,
      rows: this.rows,
      days: this.days,
      phases: this.phases,
      unnamedColumns: header.unnamed,
      duplicateIds: header.duplicateIds,
      droppedColumns: header.dropped,
      instants: this.clock.instants,
    };
  }
}
