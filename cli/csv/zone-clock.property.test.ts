// ZoneClock keeps a zone's offset per quarter hour of the instant
// (zone-clock.ts). Its clock times must be exactly those of Intl without a
// cache: checked over random instants from 1900 to 2040 and around each
// offset change found by a scan of the zone, in zones with daylight saving,
// with offsets of 30 and 45 minutes (Kathmandu, Chatham, Lord Howe's
// 30-minute daylight saving), and with early local-mean-time offsets that are
// not whole minutes (Amsterdam's +00:19:32 until 1937, Monrovia's −00:44:30
// until 1972), whose changes fall inside a quarter hour. One clock per zone
// serves every run, so a bucket is mostly filled by another instant than the
// one asked about. SourceZone (naive clock times of --source-tz) caches per
// quarter hour of local time and is checked the same way.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SourceZone } from './source-zone.js';
import { ZoneClock } from './zone-clock.js';

const ZONES = ['Europe/London', 'America/New_York', 'Asia/Kathmandu', 'Pacific/Chatham', 'Australia/Lord_Howe', 'Europe/Amsterdam', 'Africa/Monrovia', 'America/St_Johns', 'UTC'] as const;
const clocks = new Map(ZONES.map((zone) => [zone, new ZoneClock(zone)]));

/** The clock time of an instant from Intl's sv-SE text (YYYY-MM-DD HH:MM:SS), milliseconds added: independent of ZoneClock's fields. */
function reference(zone: string, instant: number): number {
  const rest = ((instant % 1000) + 1000) % 1000;
  const text = new Date(instant - rest).toLocaleString('sv-SE', { timeZone: zone, hourCycle: 'h23' });
  return Date.parse(`${text.replace(' ', 'T')}Z`) + rest;
}

const FROM = Date.UTC(1900, 0, 1);
const TO = Date.UTC(2040, 0, 1);
const DAY = 86_400_000;

/** The offset changes of a zone in a year: a daily scan, each change bisected to its second. */
function changesIn(zone: string, year: number): number[] {
  const offset = (t: number) => reference(zone, t) - t;
  const found: number[] = [];
  const start = Date.UTC(year, 0, 1);
  for (let t = start; t < Date.UTC(year + 1, 0, 1); t += DAY) {
    const before = offset(t);
    if (offset(t + DAY) === before) continue;
    let [lo, hi] = [t, t + DAY];
    while (hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
      if (offset(mid) === before) lo = mid;
      else hi = mid;
    }
    found.push(hi);
  }
  return found;
}

describe('ZoneClock', () => {
  it('gives the clock time Intl gives, at random instants from 1900 to 2040', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: FROM, max: TO }), (zone, instant) => {
        expect(clocks.get(zone)!.clock(instant)).toBe(reference(zone, instant));
      }),
      { numRuns: 3000 },
    );
  });

  it('gives the clock time Intl gives around every offset change of a year, the local-mean-time ones inside a quarter hour included', () => {
    const years = [1937, 1972, 1986, 2013, 2024];
    const cases = ZONES.flatMap((zone) => years.flatMap((year) => changesIn(zone, year).map((change) => [zone, change] as const)));
    // The scan must find changes, among them some off a quarter hour of UTC (else the cache's fallback goes untested).
    expect(cases.length).toBeGreaterThan(20);
    expect(cases.some(([, change]) => change % (15 * 60_000) !== 0)).toBe(true);
    fc.assert(
      fc.property(fc.constantFrom(...cases), fc.integer({ min: -30 * 60_000, max: 30 * 60_000 }), ([zone, change], delta) => {
        expect(clocks.get(zone)!.clock(change + delta)).toBe(reference(zone, change + delta));
        expect(clocks.get(zone)!.clock(change - 1)).toBe(reference(zone, change - 1));
        expect(clocks.get(zone)!.clock(change)).toBe(reference(zone, change));
      }),
      { numRuns: 3000 },
    );
  });
});

/** How a naive clock time fits a zone, worked out from the reference: the offsets a day either side, and which of them give the clock time back. */
function referenceFit(zone: string, local: number): [number, 'exact' | 'ambiguous' | 'nonexistent'] {
  const offset = (t: number) => reference(zone, t) - t;
  const before = offset(local - DAY);
  const after = offset(local + DAY);
  const fits = (o: number) => reference(zone, local - o) === local;
  if (before === after) return [local - before, 'exact'];
  if (fits(before) && fits(after)) return [local - before, 'ambiguous'];
  if (fits(before)) return [local - before, 'exact'];
  if (fits(after)) return [local - after, 'exact'];
  return [local - before, 'nonexistent'];
}

describe('SourceZone', () => {
  const SOURCE_ZONES = ['Europe/London', 'America/St_Johns', 'America/Goose_Bay', 'Australia/Lord_Howe', 'Asia/Gaza', 'America/New_York'] as const;
  const sources = new Map(SOURCE_ZONES.map((zone) => [zone, new SourceZone(zone)]));

  it('reads a naive clock time as the instant Intl gives, and says how it fits, around every change (those at 00:01 local of St John\'s and Goose Bay included)', () => {
    const cases = SOURCE_ZONES.flatMap((zone) => [1990, 2005, 2024].flatMap((year) => changesIn(zone, year).map((change) => [zone, reference(zone, change)] as const)));
    expect(cases.length).toBeGreaterThan(20);
    fc.assert(
      fc.property(fc.constantFrom(...cases), fc.integer({ min: -90, max: 90 }), fc.nat(59), ([zone, local], minutes, second) => {
        // Clock times of whole seconds near the change's clock time.
        const at = Math.floor(local / 60_000) * 60_000 + minutes * 60_000 + second * 1000;
        const source = sources.get(zone)!;
        expect([source.instant(at), source.lastFit]).toEqual(referenceFit(zone, at));
      }),
      { numRuns: 4000 },
    );
  });
});
