// The daylight-saving changes of a time zone within a window of local days,
// for the data-quality report: on the day clocks go forward, the skipped
// clock times have no row (missing readings); on the day they go back, the
// repeated clock times have two rows each, of which the first in the file is
// kept (grid.ts). The readers count those rows; this says on which days and
// why, from the zone's rules as Node.js's time-zone data (Intl) has them.
import { DAY_MS, ZoneClock } from './timestamps.js';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

export interface ClockChange {
  /** The local date of the change, YYYY-MM-DD. */
  readonly date: string;
  readonly direction: 'forward' | 'back';
  /** Local clock time when the change happens (HH:MM) and what the clock then reads. */
  readonly from: string;
  readonly to: string;
  /** Forward: grid times of the day that no clock shows (missing readings of every consumer). Back: grid times the clock shows twice (a second row each, dropped as a duplicate). */
  readonly gridTimes: number;
}

/**
 * The changes of `zone` on local days [startDay, startDay + days), for a
 * grid of `minutes`. Offsets are sampled hourly (every zone keeps an offset
 * for hours) and each change found to the minute by bisection.
 */
export function clockChanges(zone: string, startDay: number, days: number, minutes: number): ClockChange[] {
  const clock = new ZoneClock(zone);
  const offset = (instant: number) => clock.clock(instant) - instant;
  const changes: ClockChange[] = [];
  // Local days are within ±14 h of UTC days.
  const end = (startDay + days) * DAY_MS + 15 * HOUR_MS;
  let before = offset(startDay * DAY_MS - 15 * HOUR_MS);
  for (let t = startDay * DAY_MS - 14 * HOUR_MS; t <= end; t += HOUR_MS) {
    const after = offset(t);
    if (after === before) continue;
    // The first minute with the new offset, within the hour before t.
    let lo = t - HOUR_MS;
    let hi = t;
    while (hi - lo > MINUTE_MS) {
      const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
      if (offset(mid) === before) lo = mid;
      else hi = mid;
    }
    const at = hi + before; // local clock time at the change, on the old offset
    const day = Math.floor(at / DAY_MS);
    if (day >= startDay && day < startDay + days) {
      const shift = Math.abs(after - before);
      changes.push({
        date: new Date(day * DAY_MS).toISOString().slice(0, 10),
        direction: after > before ? 'forward' : 'back',
        from: hhmm(at),
        to: hhmm(hi + after),
        gridTimes: Math.round(shift / (minutes * MINUTE_MS)),
      });
    }
    before = after;
  }
  return changes;
}

function hhmm(localMs: number): string {
  return new Date(localMs).toISOString().slice(11, 16);
}
