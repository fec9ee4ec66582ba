// The Wilson score interval for a proportion (Wilson 1927; Newcombe 1998,
// "Two-sided confidence intervals for the single proportion", method 3):
// the p for which |p̂ − p| ≤ z·√(p(1−p)/n). Unlike p̂ ± z·√(p̂(1−p̂)/n) it
// stays inside [0, 1], is not empty at 0 or n successes, and keeps close to
// its nominal coverage for the small counts inspections give (a rule that
// fired for 12 inspected sites).

/** The two-sided 95 % normal quantile, Φ⁻¹(0.975). */
export const Z95 = 1.959963984540054;

export interface Interval {
  readonly low: number;
  readonly high: number;
}

/** The 95 % (or `z`) Wilson interval of `successes` out of `trials`; null when there is no trial. */
export function wilsonInterval(successes: number, trials: number, z = Z95): Interval | null {
  if (!(trials > 0)) return null;
  if (!(successes >= 0 && successes <= trials)) throw new RangeError(`wilsonInterval: ${successes} successes out of ${trials} trials`);
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  // At 0 or n successes one end is exactly 0 or 1; rounding must not leave it a hair off.
  return { low: successes === 0 ? 0 : Math.max(0, centre - half), high: successes === trials ? 1 : Math.min(1, centre + half) };
}
