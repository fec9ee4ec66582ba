// The follow-up fields of a consumer (followup.md, api.md Consumer 7–9) as
// the engine's per-consumer columns: baseline_kw, the watch status, and the
// watch's `since` turned into the index of the first day of the window on
// or after it. `group` is carried by the wire scan (ConsumerIndex) for the
// peer pass and not needed here.
import { calendarDay } from './header.js';
import type { ConsumerInput } from './engine.js';
import { watchCode } from './wire/watch.js';

/** One column per follow-up field, indexed by consumer. */
export interface FollowUpColumns {
  /** baseline_kw as sent; the engine reads ≤ 0, NaN and ±Inf as unknown. */
  readonly baseline: Float32Array;
  /** WatchStatus as the engine holds it (watchCode); 0 = not watched. */
  readonly status: Uint8Array;
  /** The watch's `since` as sent ('' = the whole window); ignored when the status is 0. */
  readonly since: readonly string[];
}

/** The columns of consumers given as JS values. */
export function followUpOf(consumers: readonly ConsumerInput[]): FollowUpColumns {
  const baseline = new Float32Array(consumers.length);
  const status = new Uint8Array(consumers.length);
  const since = consumers.map((c, i) => {
    baseline[i] = c.baselineKw ?? 0;
    status[i] = watchCode(c.watch?.status);
    return c.watch?.since ?? '';
  });
  return { baseline, status, since };
}

/**
 * The first day (index in the window) on or after each watched consumer's
 * `since`: 0 when `since` is empty or before the window, the consumer's day
 * count when after it; 0 for a consumer not watched. A `since` that is not a
 * calendar date makes that consumer unusable: problem() returns the reason.
 */
export class WatchDays {
  readonly firstDay: Int32Array;
  private readonly startDay: number;

  constructor(
    private readonly columns: FollowUpColumns,
    startDate: string,
  ) {
    this.firstDay = new Int32Array(columns.status.length);
    // The batch header was validated before any consumer is read.
    this.startDay = calendarDay(startDate) ?? 0;
  }

  /** Why consumer i's watch makes it unusable, or undefined; computes its first day otherwise. `days` is its window length. */
  problem(i: number, days: number): string | undefined {
    if (this.columns.status[i] === 0) return undefined; // a since without a status is ignored
    const since = this.columns.since[i]!;
    if (since === '') return undefined; // the whole window: first day 0
    const day = calendarDay(since);
    if (day === undefined) return `watch since ${JSON.stringify(since.length > 40 ? `${since.slice(0, 37)}...` : since)} is not a calendar date (YYYY-MM-DD)`;
    this.firstDay[i] = Math.min(Math.max(day - this.startDay, 0), days);
    return undefined;
  }
}
