// A row's timestamp cell as both readers read it: parsed (timestamps.ts), an
// instant (Z or an offset) turned into a --tz clock time, a naive time read
// as a clock time of --source-tz (then a --tz clock time) or else as written;
// then the day the row belongs to, which follows --label: an end-labelled
// 00:00 is the last reading of the day before. The label's shift itself (half
// an interval or a whole one) waits for the interval (grid.ts); the day of an
// end label is told by shifting 1 ms, which is the same day as shifting the
// whole interval for every time on the grid (a day is a whole number of
// intervals).
import type { Label } from './label.js';
import { SourceZone } from './source-zone.js';
import { DAY_MS, parseTimestamp, ZoneClock, type Timestamp } from './timestamps.js';
import { STRAY_SHARE } from './window.js';

/** Parsed timestamp texts kept: a long export repeats the same texts consumer after consumer (a 30-day half-hourly window is 1,440 of them), and parsing is a regular expression and a Date. Cleared when full, so memory stays bounded whatever the file. */
const PARSED_KEPT = 65_536;

export interface RowClockOptions {
  readonly timeZone: string | undefined;
  readonly sourceTimeZone: string | undefined;
  readonly label: Label | undefined;
  readonly fromDay: number | undefined;
  readonly toDay: number | undefined;
}

/** A clock time's offset (ms) before its day is taken: 1 ms for an end label (00:00 ends the day before). */
export function dayShiftOf(label: Label | undefined): number {
  return label === 'end' ? 1 : 0;
}

/** The day a clock time's reading belongs to, with a label's day shift (dayShiftOf). */
export function readingDay(ms: number, dayShift: number): number {
  return Math.floor((ms - dayShift) / DAY_MS);
}

/**
 * Why instants (Z or an offset) read without --tz fail the file: they are
 * not a few strays among clock times (under STRAY_SHARE of the rows with a
 * timestamp, as window.ts's strays), but the file's way of writing time, and
 * --tz must say whose clock to read them on. `readable` counts the other rows
 * with a timestamp read. Undefined when they are few: each is then an
 * unreadable timestamp of the report, the first one named.
 */
export function unzonedProblem(unzoned: number, first: { readonly line: number; readonly text: string } | undefined, readable: number): string | undefined {
  if (unzoned === 0 || first === undefined || unzoned < STRAY_SHARE * (unzoned + readable)) return undefined;
  const share = readable === 0 ? '' : ` (${unzoned.toLocaleString('en-US')} of ${(unzoned + readable).toLocaleString('en-US')} timestamps are)`;
  return `line ${first.line}: the timestamp ${JSON.stringify(first.text)} is an instant (it has ${/z$/i.test(first.text) ? 'Z' : 'a UTC offset'})${share}, not a clock time: give --tz ZONE (e.g. --tz Europe/London) to read the timestamps as clock times of that zone`;
}

export class RowClock {
  /** Timestamps with Z or an offset, turned into --tz clock times. */
  instants = 0;
  /** Naive timestamps of --source-tz in its repeated hour (read with the earlier offset) and in its skipped hour (likewise). */
  ambiguous = 0;
  nonexistent = 0;
  /** Instants (Z or an offset) without --tz: read as unreadable timestamps; the first of them. */
  unzoned = 0;
  firstUnzoned: { line: number; text: string } | undefined;
  readonly dayShift: number;
  private readonly target: ZoneClock | undefined;
  private readonly source: SourceZone | undefined;
  private readonly fromDay: number;
  private readonly toDay: number;
  private readonly parsed = new Map<string, Timestamp>();

  constructor(
    private readonly name: string,
    options: RowClockOptions,
  ) {
    this.target = options.timeZone === undefined ? undefined : new ZoneClock(options.timeZone);
    this.source = options.sourceTimeZone === undefined ? undefined : new SourceZone(options.sourceTimeZone);
    this.dayShift = dayShiftOf(options.label);
    this.fromDay = options.fromDay ?? -Infinity;
    this.toDay = options.toDay ?? Infinity;
  }

  /** The clock time (local ms, before the label's shift) of a timestamp cell, or undefined when it is not one (an instant without --tz is not one, and is counted). */
  read(text: string | undefined, line: number): number | undefined {
    if (text === undefined) return undefined;
    let stamp = this.parsed.get(text);
    if (stamp === undefined) {
      stamp = parseTimestamp(text);
      if (this.parsed.size === PARSED_KEPT) this.parsed.clear();
      this.parsed.set(text, stamp);
    }
    if (stamp.kind === 'unreadable') return undefined;
    if (stamp.kind === 'clock') {
      if (this.source === undefined) return stamp.ms;
      const instant = this.source.instant(stamp.ms);
      const fit = this.source.lastFit;
      if (fit === 'ambiguous') this.ambiguous++;
      else if (fit === 'nonexistent') this.nonexistent++;
      // --source-tz needs --tz (options.ts), so the target clock is there.
      return this.target!.clock(instant);
    }
    if (this.target === undefined) {
      // Skipped as an unreadable timestamp; unzonedProblem refuses the file when they are not a few strays.
      this.unzoned++;
      this.firstUnzoned ??= { line, text: text.trim().slice(0, 60) };
      return undefined;
    }
    this.instants++;
    return this.target.clock(stamp.ms);
  }

  /** The day a clock time's reading belongs to. */
  day(ms: number): number {
    return readingDay(ms, this.dayShift);
  }

  /** Whether a day is within --from and --to. */
  inFromTo(day: number): boolean {
    return day >= this.fromDay && day <= this.toDay;
  }
}
