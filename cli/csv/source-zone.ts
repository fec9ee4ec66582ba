// Naive timestamps (no Z, no offset) declared to be clock times of a zone
// (--source-tz): each becomes the instant it names there. Around a
// daylight-saving change a clock time may name two instants (the repeated
// hour in autumn: ambiguous) or none (the skipped hour in spring). Both take
// the earlier offset, the one in force before the change: an ambiguous time
// is the first of its two instants (as java.time and Temporal's
// 'compatible' disambiguation do for the repeated hour), a skipped one is read
// with the offset before the gap and lands after it (01:30 of a spring change
// in London is 01:30Z, 02:30 BST). The caller counts both kinds.
import { DAY_MS, ZoneClock } from './timestamps.js';

/** How a naive clock time maps to instants in its zone. */
export type ZoneFit = 'exact' | 'ambiguous' | 'nonexistent';

/**
 * Clock times are cached per quarter hour of local time when the fit at the
 * bucket's first and last whole second agree; otherwise (a change inside it:
 * St John's and Goose Bay changed at 00:01 local until 2011, Gaza and Hebron
 * at other odd minutes) each clock time is fitted alone. Exact given that no
 * zone's skipped or repeated stretch is shorter than 15 minutes (the shortest
 * is Lord Howe's 30).
 */
const BUCKET_MS = 15 * 60_000;
const MAX_CACHED = 1 << 16;
/** A bucket with a change inside: fitted per clock time. */
const MIXED: readonly [number, ZoneFit] = [NaN, 'exact'];

export class SourceZone {
  private readonly clock: ZoneClock;
  /** Quarter hour of local time → [offset ms, ZoneFit]. */
  private readonly cache = new Map<number, readonly [number, ZoneFit]>();
  /** The fit of the last clock time converted. */
  lastFit: ZoneFit = 'exact';

  constructor(readonly zone: string) {
    this.clock = new ZoneClock(zone);
  }

  /** The instant (ms since the epoch, UTC) of clock time `local` (local ms) in this zone; `lastFit` says how it fitted. */
  instant(local: number): number {
    const bucket = Math.floor(local / BUCKET_MS);
    let known = this.cache.get(bucket);
    if (known === undefined) {
      const start = bucket * BUCKET_MS;
      const first = this.fit(start);
      const last = this.fit(start + BUCKET_MS - 1000);
      known = first[0] === last[0] && first[1] === last[1] ? first : MIXED;
      if (this.cache.size >= MAX_CACHED) this.cache.clear();
      this.cache.set(bucket, known);
    }
    if (known === MIXED) known = this.fit(local);
    this.lastFit = known[1];
    return local - known[0];
  }

  /** The offset a clock time is read with, and how it fits, without the cache. At most one change within a day either side (true of every zone). */
  fit(local: number): readonly [number, ZoneFit] {
    const offsetAt = (instant: number) => this.clock.clock(instant) - instant;
    const before = offsetAt(local - DAY_MS);
    const after = offsetAt(local + DAY_MS);
    const fitsBefore = this.clock.clock(local - before) === local;
    if (before === after) return [before, 'exact'];
    const fitsAfter = this.clock.clock(local - after) === local;
    if (fitsBefore && fitsAfter) return [before, 'ambiguous'];
    if (fitsBefore) return [before, 'exact'];
    if (fitsAfter) return [after, 'exact'];
    return [before, 'nonexistent'];
  }
}
