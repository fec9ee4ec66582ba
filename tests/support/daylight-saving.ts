// Daylight-saving rules written out by hand for a few time zones, 2013–2026:
// the oracle of the CSV readers' --tz tests, independent of Intl (which the
// readers use). Offsets are minutes east of UTC; instants are ms since the
// epoch (UTC); a clock time is ms since 1970-01-01 00:00 of the same clock
// (the readers' "local ms"). Sources: EU Directive 2000/84/EC (last Sunday of
// March and of October, 01:00 UTC); US Energy Policy Act of 2005 (second
// Sunday of March 02:00 local to first Sunday of November 02:00 local, since
// 2007); NSW and SA daylight saving acts as amended in 2008 (first Sunday of
// October 02:00 standard time to first Sunday of April 03:00 daylight time).
// China and India keep one offset all year. Not valid outside 2008–2037 (the
// rules changed before and may change after).

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

export type Transition = 'spring' | 'autumn';

interface Rule {
  /** Instants of the change to daylight time (spring) and back (autumn) in a year. */
  readonly spring: (year: number) => number;
  readonly autumn: (year: number) => number;
}

export interface Zone {
  readonly name: string;
  /** Standard offset, minutes east of UTC. */
  readonly standard: number;
  /** Daylight time is standard + 60 minutes; none for a zone without it. */
  readonly rule?: Rule;
}

/** The day (ms since the epoch at 00:00 UTC) of the n-th Sunday of a month (n = -1: the last). */
function sunday(year: number, month: number, n: number): number {
  if (n < 0) {
    const last = Date.UTC(year, month, 0); // day 0 of the next month
    return last - new Date(last).getUTCDay() * DAY_MS;
  }
  const first = Date.UTC(year, month - 1, 1);
  return first + (((7 - new Date(first).getUTCDay()) % 7) + 7 * (n - 1)) * DAY_MS;
}

const hours = (h: number) => h * 60 * MINUTE_MS;

/** EU: both changes at 01:00 UTC. */
const EU: Rule = { spring: (y) => sunday(y, 3, -1) + hours(1), autumn: (y) => sunday(y, 10, -1) + hours(1) };

/** US: 02:00 local standard time forward, 02:00 local daylight time back; `standard` in minutes. */
const us = (standard: number): Rule => ({
  spring: (y) => sunday(y, 3, 2) + hours(2) - standard * MINUTE_MS,
  autumn: (y) => sunday(y, 11, 1) + hours(2) - (standard + 60) * MINUTE_MS,
});

/** South-east Australia: 02:00 local standard time forward in October, 03:00 local daylight time back in April. */
const australia = (standard: number): Rule => ({
  spring: (y) => sunday(y, 10, 1) + hours(2) - standard * MINUTE_MS,
  autumn: (y) => sunday(y, 4, 1) + hours(3) - (standard + 60) * MINUTE_MS,
});

export const ZONES: readonly Zone[] = [
  { name: 'Europe/London', standard: 0, rule: EU },
  { name: 'Europe/Berlin', standard: 60, rule: EU },
  { name: 'America/New_York', standard: -300, rule: us(-300) },
  { name: 'Australia/Sydney', standard: 600, rule: australia(600) },
  { name: 'Australia/Adelaide', standard: 570, rule: australia(570) },
  { name: 'Asia/Shanghai', standard: 480 },
  { name: 'Asia/Kolkata', standard: 330 },
];

/** The offset (minutes east of UTC) of `zone` at `instant`. */
export function offsetAt(zone: Zone, instant: number): number {
  const rule = zone.rule;
  if (!rule) return zone.standard;
  const year = new Date(instant).getUTCFullYear();
  const spring = rule.spring(year);
  const autumn = rule.autumn(year);
  // Northern hemisphere: daylight time from spring to autumn; southern: from spring (October) to autumn of the next year.
  const daylight = spring < autumn ? instant >= spring && instant < autumn : instant >= spring || instant < autumn;
  return zone.standard + (daylight ? 60 : 0);
}

/** The clock time (local ms) of `instant` in `zone`. */
export function clockOf(zone: Zone, instant: number): number {
  return instant + offsetAt(zone, instant) * MINUTE_MS;
}

/** The instant of local midnight starting day `day` (days since 1970-01-01) in `zone` (never in a skipped hour for these zones). */
export function midnight(zone: Zone, day: number): number {
  for (const offset of [zone.standard, zone.standard + 60]) {
    const instant = day * DAY_MS - offset * MINUTE_MS;
    if (offsetAt(zone, instant) === offset) return instant;
  }
  throw new Error(`${zone.name}: no midnight on day ${day}`);
}

/** The local day (days since 1970-01-01) on which a change happens, and which change: none for a zone without daylight time. */
export function changeDay(zone: Zone, year: number, kind: Transition): number | undefined {
  if (!zone.rule) return undefined;
  const instant = zone.rule[kind](year);
  // The clock just before the change says which local day it falls on.
  return Math.floor(clockOf(zone, instant - 1) / DAY_MS);
}

/** `+01:00`, `-05:00`, `+05:30` (or `+0530` compact) of an offset in minutes. */
export function offsetText(offset: number, compact = false): string {
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${offset < 0 ? '-' : '+'}${hh}${compact ? '' : ':'}${mm}`;
}
