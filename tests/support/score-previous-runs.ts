// The two runs of score-previous.e2e.test.ts: the same district scored twice,
// the second time with some consumers' readings changed, one consumer gone
// and one new, under a small rule set whose codes are easy to follow.
import { gridcode } from '#gen/scoring.js';
import { dayNightCurve, NIGHT_LOAD_RULES } from './night-load-rules.js';

/** night-load alone is YELLOW; with big-mean, or on a closed site drawing power, RED. */
export const RULES = `id: default
version: "1.0"
description: criteria of the --previous tests
thresholds: { yellow: 40, red: 70 }
min_valid_share: 0.5
rules:
${NIGHT_LOAD_RULES}  - id: closed-drawing
    when: watch == closed and mean_kw > 0.5
    score: 40
    reason: A site ordered shut draws power
`;

const curve = dayNightCurve;

const HOUSE = curve(1, 0.1); // GREEN
const FACTORY = curve(5, 5); // night_share 1/3 and mean 5: RED
const NIGHT = curve(1, 3); // night_share 0.6: YELLOW
const CLOSED = { status: gridcode.v1.WatchStatus.WATCH_STATUS_CLOSED, since: '2026-01-15' };
const CLEARED = { status: gridcode.v1.WatchStatus.WATCH_STATUS_CLEARED, since: '2026-01-15' };

const consumer = (id: string, loadKw: number[], watch?: gridcode.v1.Watch.$Properties): gridcode.v1.Consumer.$Properties => ({
  id,
  category: gridcode.v1.Category.CATEGORY_RESIDENTIAL,
  zone: gridcode.v1.Zone.ZONE_RESIDENTIAL_AREA,
  capacityKw: 10,
  loadKw,
  ...(watch ? { watch } : {}),
});

export const RUN_1 = [
  consumer('steady-house', HOUSE),
  consumer('turns-red', HOUSE),
  consumer('turns-green', FACTORY),
  consumer('turns-yellow', FACTORY),
  consumer('meter-fails', HOUSE),
  consumer('closed-site', curve(0.05, 0.01), CLOSED), // shut and quiet: GREEN
  consumer('cleared-site', HOUSE, CLEARED),
  consumer('gone-site', FACTORY),
];

export const RUN_2 = [
  consumer('steady-house', HOUSE),
  consumer('turns-red', FACTORY),
  consumer('turns-green', HOUSE),
  consumer('turns-yellow', NIGHT),
  consumer('meter-fails', curve(1, 1, 95)), // not a whole day: GRAY
  consumer('closed-site', curve(1, 1), CLOSED), // draws 1 kW around the clock: RED, a relapse
  consumer('cleared-site', NIGHT, CLEARED), // YELLOW, but a cleared site is no relapse
  consumer('newcomer', FACTORY),
];

/** `times` copies of a run with ids made unique: a batch of several blocks (and stream messages). */
export function repeated(consumers: gridcode.v1.Consumer.$Properties[], times: number): gridcode.v1.Consumer.$Properties[] {
  return Array.from({ length: times }, (_, k) => consumers.map((c) => ({ ...c, id: `${c.id}-${k}` }))).flat();
}

const HEADER = { startDate: '2026-03-02', pointsPerDay: 96 };

export function batchPb(consumers: gridcode.v1.Consumer.$Properties[]): Uint8Array {
  return gridcode.v1.ScoreBatchRequest.encode({ ...HEADER, consumers }).finish();
}

/** The batch as canonical proto3 JSON (enums by name), as an upstream writes it. */
export function batchJson(consumers: gridcode.v1.Consumer.$Properties[]): string {
  const request = gridcode.v1.ScoreBatchRequest.fromObject({ ...HEADER, consumers });
  return JSON.stringify(gridcode.v1.ScoreBatchRequest.toObject(request, { enums: String, json: true }), null, 1);
}
