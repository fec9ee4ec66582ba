// A batch that carries the follow-up fields (followup.md: group, baseline_kw,
// watch), for the tests that send it over every path: the synthetic
// population in two contiguous cohorts, baselines known and unknown, and
// watched sites whose `since` lies before, inside and after the window, is
// empty, is not a calendar date (that consumer GRAY, the batch going on), or
// comes without a status (ignored).
import type { BatchOptions, ConsumerData } from '../../lib/score-requests.js';
import { populationConsumers } from './gateway/population.js';

export const FOLLOW_UP_HEADER: BatchOptions = { startDate: '2026-03-02', includeFeatures: true, includeEvidence: true };

/** The watches given in turn to every third consumer, and what they come to. */
export const WATCHES = [
  { status: 2, since: '2026-03-05' }, // closed inside the window
  { status: 1, since: '2025-11-20' }, // rectified before it
  { status: 3, since: '' }, // restricted, the whole window
  { status: 4, since: '2026-04-30' }, // cleared after it
  { status: 2, since: '2026-02-30' }, // not a calendar date: GRAY
  { status: 0, since: '2026-02-30' }, // no status: since ignored
] as const;
// No status without a name: JSON requests refuse one, as they refuse an unknown category (engine/src/wire/scan-follow-up.test.ts has them).

export const BAD_SINCE_NOTE = 'watch since "2026-02-30" is not a calendar date (YYYY-MM-DD)';

/** `count` consumers (7 days at 96 a day) with follow-up fields. */
export function followUpConsumers(count: number, prefix = 'follow'): ConsumerData[] {
  return populationConsumers(0, count, { days: 7, seed: 13, startWeekday: 0, prefix }).map((c, i) => ({
    ...c,
    // Contiguous cohorts, as a stream or a file must send them; the last few have none.
    ...(i < count - 5 ? { group: i < count / 2 ? '台区 A-01' : 'building 7' } : {}),
    ...(i % 4 === 0 ? {} : { baselineKw: [0.4, NaN, -1, 12.5][i % 4]! }),
    ...(i % 3 === 0 ? { watch: WATCHES[(i / 3) % WATCHES.length]! } : {}),
  }));
}
