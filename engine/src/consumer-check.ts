import { MAX_DAYS, type PointsPerDay } from './header.js';

/**
 * Why a consumer's input cannot be scored, or undefined when it can. Such a
 * consumer is never copied into the engine; its features are all NaN and it
 * is coded GRAY with this note (features.md, Input; rules.md, step 1).
 * `maxReadings` is a caller's limit (the gateway's readings per consumer).
 */
export function unusableReason(readings: number, water: number, points: PointsPerDay, maxReadings = Infinity): string | undefined {
  // Below the engine's own limit (MAX_DAYS), the caller's is checked first and
  // its note is the one given; at or above it, the engine's notes say more.
  if (readings > maxReadings && maxReadings < MAX_DAYS * points) return `${readings} readings; the limit is ${maxReadings} per consumer`;
  if (readings === 0) return 'no readings';
  if (readings % points !== 0) {
    return `${readings} readings is not a whole number of days at ${points} points per day`;
  }
  const days = readings / points;
  if (days > MAX_DAYS) return `${days} days of readings; the limit is ${MAX_DAYS}`;
  if (water !== 0 && water !== days) return `water_m3 has ${water} values for ${days} days; give one per day or none`;
  return undefined;
}
