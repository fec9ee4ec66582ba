// The timestamps of a meter export, as local clock times. A timestamp is
// `YYYY-MM-DD HH:MM[:SS[.fff]]` (or with `T` between date and time), read as
// the clock time it says, with no time zone. One that carries `Z` or an offset
// (`+01:00`, `-0500`) is an instant: it becomes the clock time of the zone
// given with --tz, through the Intl time-zone data that Node.js ships.
//
// A clock time is a number of milliseconds since 1970-01-01 00:00 of the same
// clock ("local ms"): day = floor(ms / 86,400,000), minute of day from the
// rest. Clock times are a calendar, not instants: a daylight-saving change
// shows up as clock times that are missing (spring) or repeated (autumn).

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?)?$/i;
export const DAY_MS = 86_400_000;

/** What a timestamp cell says. */
export type Timestamp =
  | { readonly kind: 'clock'; readonly ms: number }
  /** An instant: Z or an offset; `ms` is the instant (ms since the epoch, UTC). */
  | { readonly kind: 'instant'; readonly ms: number }
  | { readonly kind: 'unreadable' };

const UNREADABLE: Timestamp = { kind: 'unreadable' };

/** A timestamp cell (surrounding spaces ignored). */
export function parseTimestamp(text: string): Timestamp {
  const m = TIMESTAMP.exec(text.trim());
  if (!m) return UNREADABLE;
  const [year, month, day, hour, minute] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const fraction = m[7] === undefined ? 0 : Math.round(Number(`0.${m[7]}`) * 1000);
  if (hour > 23 || minute > 59 || second > 59) return UNREADABLE;
  const date = clockDay(year, month, day);
  if (date === undefined) return UNREADABLE;
  const ms = date * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000 + fraction;
  if (m[8] !== undefined) return { kind: 'instant', ms };
  if (m[9] !== undefined) {
    const offsetHours = Number(m[10]);
    const offsetMinutes = m[11] === undefined ? 0 : Number(m[11]);
    if (offsetHours > 23 || offsetMinutes > 59) return UNREADABLE;
    const sign = m[9] === '-' ? -1 : 1;
    return { kind: 'instant', ms: ms - sign * (offsetHours * 60 + offsetMinutes) * 60_000 };
  }
  return { kind: 'clock', ms };
}

/** Days since 1970-01-01 of a calendar date (proleptic Gregorian), or undefined when it is not one (2013-02-30, year 0). */
export function clockDay(year: number, month: number, day: number): number | undefined {
  if (year < 1 || month < 1 || month > 12 || day < 1) return undefined;
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  if (utc.getUTCFullYear() !== year || utc.getUTCMonth() !== month - 1 || utc.getUTCDate() !== day) return undefined;
  return Math.round(utc.getTime() / DAY_MS);
}

/** `YYYY-MM-DD` of a day number. */
export function dayDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** `YYYY-MM-DD HH:MM[:SS]` of a clock time, for messages. */
export function clockText(ms: number): string {
  const text = new Date(ms).toISOString();
  return `${text.slice(0, 10)} ${text.slice(11, ms % 60_000 === 0 ? 16 : 19)}`;
}

/** Whether `zone` is a time zone that Intl knows. */
export function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export { ZoneClock } from './zone-clock.js';
