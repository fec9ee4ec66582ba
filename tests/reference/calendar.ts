// Calendar facts the features depend on, derived independently of the engine:
// the weekday of each day from the batch start date, and which slots are
// "night" and "work" slots (features.md, night_share and work_share).

/** Weekday of an ISO `YYYY-MM-DD` date, 0 = Monday … 6 = Sunday (proleptic Gregorian). */
export function isoWeekday(date: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new Error(`reference: ${date} is not YYYY-MM-DD`);
  const days = daysFromCivil(Number(match[1]), Number(match[2]), Number(match[3]));
  // 1970-01-01 (day 0) was a Thursday, weekday 3 when Monday is 0.
  return (((days + 3) % 7) + 7) % 7;
}

/** Whether `date` is `YYYY-MM-DD` and names a day of the Gregorian calendar (no 2026-02-30). */
export function isCalendarDate(date: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const length = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= length;
}

/** Days since 1970-01-01 of an ISO `YYYY-MM-DD` date. */
export function daysFromCivilDate(date: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new Error(`reference: ${date} is not YYYY-MM-DD`);
  return daysFromCivil(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** Days since 1970-01-01 of a Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** Saturday and Sunday are the weekend; day d has weekday (start weekday + d) mod 7. */
export function isWeekendDay(startWeekday: number, day: number): boolean {
  return (startWeekday + day) % 7 >= 5;
}

/**
 * Slot s starts at hour 24·s/P. The comparisons are done on 24·s against
 * multiples of P in integers, so no rounding of the start hour is involved.
 */
export function isNightSlot(slot: number, pointsPerDay: number): boolean {
  const hourTimesP = 24 * slot;
  return hourTimesP >= 22 * pointsPerDay || hourTimesP < 6 * pointsPerDay;
}

export function isWorkSlot(slot: number, pointsPerDay: number): boolean {
  const hourTimesP = 24 * slot;
  return hourTimesP >= 8 * pointsPerDay && hourTimesP < 18 * pointsPerDay;
}
