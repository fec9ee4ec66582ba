// The clock of one time zone: instants (ms since the epoch, UTC) to clock
// times (local ms, timestamps.ts), through the Intl time-zone data that
// Node.js ships. Intl's formatToParts is slow (about 4 µs a call: with one per
// row, --tz made the long reader 3.5× slower on the LCL export, 26.8 s of CPU
// against 7.5 s), so the zone's offset is kept per quarter hour of the
// instant: a bucket's offset is taken at its first and at its last whole
// second, and used for every instant in it only when the two agree; a bucket
// with a change inside is computed exactly for each instant. Changes mostly
// fall on whole quarter hours of UTC, not all: a scan of Node 20's 418 zones
// from 1970 to 2040 found 20,968 changes, 136 of them inside a quarter hour
// (Monrovia's −00:44:30 until 1972; St John's, Goose Bay and Moncton changing
// at 00:01 local until 2011; Gaza, Hebron, Casey, Guam, Saipan, Kiritimati),
// and before 1970 local mean times such as Amsterdam's +00:19:32. Exact either
// way, given that no zone changes its offset twice within 15 minutes.
// An offset of whole seconds (every zone's) keeps the milliseconds as they are.

/** Offsets are kept per quarter hour of the instant. */
const BUCKET_MS = 15 * 60_000;
/** Quarter hours kept (about 680 days); cleared when full, so memory stays bounded. */
const MAX_CACHED = 1 << 16;

export class ZoneClock {
  private readonly format: Intl.DateTimeFormat;
  /** Quarter hour of the instant → the zone's offset (ms) throughout it, or NaN when it changes within it. */
  private readonly offsets = new Map<number, number>();

  constructor(readonly zone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** The clock time (local ms) in this zone of an instant (ms since the epoch). */
  clock(instant: number): number {
    const bucket = Math.floor(instant / BUCKET_MS);
    let offset = this.offsets.get(bucket);
    if (offset === undefined) {
      const start = bucket * BUCKET_MS;
      const first = this.exactOffset(start);
      offset = first === this.exactOffset(start + BUCKET_MS - 1000) ? first : NaN;
      if (this.offsets.size >= MAX_CACHED) this.offsets.clear();
      this.offsets.set(bucket, offset);
    }
    return Number.isNaN(offset) ? this.exactClock(instant) : instant + offset;
  }

  /** The clock time of an instant, from Intl: no cache (the reference the cache is tested against). */
  exactClock(instant: number): number {
    const rest = ((instant % 1000) + 1000) % 1000;
    const second = instant - rest;
    const fields: Record<string, string> = {};
    for (const part of this.format.formatToParts(second)) fields[part.type] = part.value;
    let year = Number(fields['year']);
    if (fields['era'] === 'BC') year = 1 - year;
    const day = new Date(0);
    day.setUTCFullYear(year, Number(fields['month']) - 1, Number(fields['day']));
    day.setUTCHours(Number(fields['hour']), Number(fields['minute']), Number(fields['second']));
    return day.getTime() + rest;
  }

  /** The zone's offset (ms) at a whole second. */
  private exactOffset(second: number): number {
    return this.exactClock(second) - second;
  }
}
