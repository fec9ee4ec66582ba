// The 95 % score interval of a proportion found the slow way, for checking
// engine/src/outcomes/wilson.ts without its closed form: the ends are the p
// where the normal test just rejects, (p̂ − p)² = z²·p(1 − p)/n, each found by
// bisection on its side of p̂.

/** Φ⁻¹(0.975), written out here rather than imported. */
export const Z_975 = 1.959963984540054;

export function scoreIntervalByBisection(successes: number, trials: number, z = Z_975): { low: number; high: number } {
  const p = successes / trials;
  const excess = (q: number) => (p - q) ** 2 - (z * z * q * (1 - q)) / trials; // ≥ 0 outside the interval
  const root = (inside: number, outside: number) => {
    for (let k = 0; k < 200; k++) {
      const middle = (inside + outside) / 2;
      if (excess(middle) > 0) outside = middle;
      else inside = middle;
    }
    return (inside + outside) / 2;
  };
  return { low: successes === 0 ? 0 : root(p, 0), high: successes === trials ? 1 : root(p, 1) };
}
