import { BatchError } from './errors.js';

/** Readings per day that the spec allows: hourly, half-hourly, 15-minute, 5-minute. */
export const POINTS_PER_DAY = [24, 48, 96, 288] as const;
export type PointsPerDay = (typeof POINTS_PER_DAY)[number];

/** Longest curve a consumer may have, in days (features.md: 1 ≤ D ≤ 400). */
export const MAX_DAYS = 400;

/** What every consumer of a batch shares: its calendar. */
export interface BatchHeader {
  readonly pointsPerDay: PointsPerDay;
  /** `YYYY-MM-DD`, the local date of every consumer's reading 0. */
  readonly startDate: string;
  /** Weekday of day 0: 0 = Monday … 6 = Sunday. */
  readonly startWeekday: number;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Validates the batch-level fields of a ScoreBatchRequest. Bad values fail the
 * whole batch (invalid_argument), because every consumer depends on them.
 */
export function parseBatchHeader(pointsPerDay: number, startDate: string): BatchHeader {
  const points = pointsPerDay === 0 ? 96 : pointsPerDay;
  if (!(POINTS_PER_DAY as readonly number[]).includes(points)) {
    throw new BatchError('invalid_argument', `points_per_day ${pointsPerDay} is not supported: use 24, 48, 96 or 288 (0 means 96)`);
  }
  return { pointsPerDay: points as PointsPerDay, startDate, startWeekday: weekdayOf(startDate) };
}

/** Weekday (0 = Monday) of an ISO date, proleptic Gregorian, independent of the host's time zone. */
export function weekdayOf(date: string): number {
  if (!DATE.test(date)) {
    throw new BatchError('invalid_argument', date === '' ? 'start_date is missing: give the local date of reading 0 as YYYY-MM-DD' : `start_date ${JSON.stringify(date.slice(0, 40))} is not a date of the form YYYY-MM-DD`);
  }
  const day = calendarDay(date);
  if (day === undefined) throw new BatchError('invalid_argument', `start_date ${date} is not a calendar date`);
  // Day 0 (1970-01-01) was a Thursday; the engine counts from Monday.
  return (((day + 3) % 7) + 7) % 7;
}

/**
 * A `YYYY-MM-DD` date as its day number (days since 1970-01-01, proleptic
 * Gregorian, independent of the host's time zone), or undefined when the text
 * is not of that form or not a calendar date (2026-02-30, year 0).
 */
export function calendarDay(date: string): number | undefined {
  const m = DATE.exec(date);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  if (year < 1 || utc.getUTCFullYear() !== year || utc.getUTCMonth() !== month - 1 || utc.getUTCDate() !== day) return undefined;
  return Math.round(utc.getTime() / 86_400_000);
}
