// A hand-built batch and two rule sets whose differences are known by
// construction, for the tests of `gridcode diff` and of `npm run eval --
// --input`: B is A with night-load's threshold raised (0.3 → 0.5), big-mean
// removed and high-night added; each consumer's night share and mean are
// worked out beside it, so its code under A and under B is known before
// anything is scored.
import { gridcode } from '#gen/scoring.js';
import { dayNightCurve, NIGHT_LOAD_RULES } from './night-load-rules.js';

export const RULE_SET_A = `id: diff-a
version: "1.0"
description: before
thresholds: { yellow: 40, red: 70 }
min_valid_share: 0.5
rules:
${NIGHT_LOAD_RULES}  - id: park
    when: zone == industrial_park
    effect: exempt
    reason: Licensed industrial park
`;
export const RULE_SET_B = RULE_SET_A.replace('id: diff-a', 'id: diff-b')
  .replace('night_share > 0.3', 'night_share > 0.5')
  .replace(/  - id: big-mean\n(    .*\n){3}/, '  - id: high-night\n    when: night_share > 0.55\n    score: 30\n    reason: Nearly all the energy at night\n');

const curve = dayNightCurve;

// What A and B do, worked out by hand (YELLOW ≥ 40, RED ≥ 70):
export const consumers: gridcode.v1.Consumer.$Properties[] = [
  // night_share 24/40 = 0.6, mean 1.67: A night-load 50 YELLOW; B night-load + high-night 80 RED.
  { id: 'night-house', category: 1, zone: 1, capacityKw: 8, loadKw: curve(1, 3) },
  // night_share 0.048: GREEN under both.
  { id: 'day-house', category: 1, zone: 1, capacityKw: 8, loadKw: curve(1, 0.1) },
  // Not a whole day: GRAY under both.
  { id: 'short', category: 1, loadKw: curve(1, 1, 95) },
  // night_share 1/3, mean 5: A night-load + big-mean 80 RED; B nothing, GREEN.
  { id: 'factory', category: 3, zone: 1, capacityKw: 10, loadKw: curve(5, 5) },
  // No readings: GRAY under both.
  { id: 'empty', category: 1 },
  // night_share 12/28 = 0.43: A night-load 50 YELLOW; B nothing, GREEN.
  { id: 'mid-night', category: 1, zone: 1, capacityKw: 8, loadKw: curve(1, 1.5) },
  // night_share 8/88 = 0.09, mean 88/24 = 3.67: A big-mean 30 GREEN; B nothing, GREEN (same colour, other rules).
  { id: 'big-day', category: 1, zone: 1, capacityKw: 10, loadKw: curve(5, 1) },
];


/** A with only its red threshold raised (70 → 85): factory (night-load + big-mean, 80) turns YELLOW with the same rules fired. */
export const RULE_SET_A_RED_85 = RULE_SET_A.replace('id: diff-a', 'id: diff-a85').replace('red: 70', 'red: 85');

/** The batch as binary protobuf. */
export function ruleChangeBatch(): Uint8Array {
  return gridcode.v1.ScoreBatchRequest.encode({ startDate: '2026-03-02', pointsPerDay: 96, consumers }).finish();
}
