// The window of days a batch covers, chosen from a histogram of rows per day
// (rows with a readable timestamp within --from/--to). Without --from and
// --to, the days with rows fall into stretches (a gap of more than 31 empty
// days separates two); the main stretch is the one with most rows. Rows of the
// other stretches are strays (a meter reset to 1970, a typo 2031) when
// together they are under 1 % of the rows: they are skipped and counted, and
// the window is the main stretch. Otherwise the file holds more than one
// period and gridcode will not guess which: it fails naming the stretches, as
// it does for a main stretch over MAX_DAYS. With --from or --to the window is
// theirs (the first or last day with rows for the one not given): no rows are
// strays.
import { MAX_DAYS } from '../../engine/src/index.js';
import { GridError, noRowInWindow, tooManyDays } from './grid.js';
import { dayDate } from './timestamps.js';

/** Empty days that separate two stretches. */
export const STRAY_GAP_DAYS = 31;
/** The share of rows (of those with a readable timestamp) that other stretches may hold and be strays. */
export const STRAY_SHARE = 0.01;

/** Rows per day, with the first row of each day (file line and timestamp text) for the report. */
export class DayHistogram {
  readonly rows = new Map<number, number>();
  readonly first = new Map<number, { readonly line: number; readonly text: string }>();
  total = 0;

  add(day: number, line: number, text: string | undefined): void {
    const rows = this.rows.get(day);
    this.total++;
    if (rows !== undefined) {
      this.rows.set(day, rows + 1);
      return;
    }
    this.rows.set(day, 1);
    this.first.set(day, { line, text: (text ?? '').trim().slice(0, 60) });
  }
}

export interface Window {
  readonly startDay: number;
  readonly endDay: number;
  /** Rows of days outside the window (skipped), and the first of them in the file. */
  readonly strays: number;
  readonly firstStray: { readonly line: number; readonly text: string } | undefined;
}

interface Stretch {
  first: number;
  last: number;
  rows: number;
}

/** The window of a histogram; `fromDay`/`toDay` as given. Throws GridError. */
export function chooseWindow(histogram: DayHistogram, fromDay: number | undefined, toDay: number | undefined): Window {
  const days = [...histogram.rows.keys()].sort((a, b) => a - b);
  if (fromDay !== undefined || toDay !== undefined) {
    if (days.length === 0 && (fromDay === undefined || toDay === undefined)) throw new GridError('no row has a timestamp within --from and --to');
    const startDay = fromDay ?? days[0]!;
    const endDay = toDay ?? days[days.length - 1]!;
    if (endDay - startDay + 1 > MAX_DAYS) throw new GridError(tooManyDays(startDay, endDay));
    return { startDay, endDay, strays: 0, firstStray: undefined };
  }
  if (days.length === 0) throw new GridError(noRowInWindow(0, undefined));
  const stretches: Stretch[] = [];
  for (const day of days) {
    const last = stretches[stretches.length - 1];
    if (last !== undefined && day - last.last - 1 <= STRAY_GAP_DAYS) {
      last.last = day;
      last.rows += histogram.rows.get(day)!;
    } else stretches.push({ first: day, last: day, rows: histogram.rows.get(day)! });
  }
  let main = stretches[0]!;
  for (const s of stretches) if (s.rows > main.rows) main = s;
  const strays = histogram.total - main.rows;
  if (strays > 0 && strays >= STRAY_SHARE * histogram.total) {
    throw new GridError(
      `the timestamps fall into ${stretches.length} stretches more than ${STRAY_GAP_DAYS} days apart: ${describe(stretches)}; rows outside the one with most rows are ${percent(strays, histogram.total)} of the rows, too many to skip as stray timestamps (under ${STRAY_SHARE * 100} % are): choose the days with --from and --to (YYYY-MM-DD)`,
    );
  }
  if (main.last - main.first + 1 > MAX_DAYS) throw new GridError(`${tooManyDays(main.first, main.last)}${stretches.length > 1 ? ` (${describe(stretches)})` : ''}`);
  let firstStray: Window['firstStray'];
  for (const [day, first] of histogram.first) {
    if (day >= main.first && day <= main.last) continue;
    if (firstStray === undefined || first.line < firstStray.line) firstStray = first;
  }
  return { startDay: main.first, endDay: main.last, strays, firstStray };
}

const n = (value: number) => value.toLocaleString('en-US');

function percent(part: number, whole: number): string {
  const share = (100 * part) / whole;
  return `${share < 10 ? share.toFixed(2) : share.toFixed(0)} %`;
}

/** The stretches for a message, the five with most rows when there are more. */
function describe(stretches: readonly Stretch[]): string {
  const shown = stretches.length <= 5 ? stretches : [...stretches].sort((a, b) => b.rows - a.rows).slice(0, 5).sort((a, b) => a.first - b.first);
  const text = shown.map((s) => `${dayDate(s.first)}${s.last === s.first ? '' : ` … ${dayDate(s.last)}`} (${n(s.rows)} row${s.rows === 1 ? '' : 's'})`).join(', ');
  return stretches.length <= 5 ? text : `${text}, and ${n(stretches.length - 5)} more`;
}
