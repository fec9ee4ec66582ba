// Whether the server's resident memory stayed flat: a least-squares line
// through the samples after warm-up (its slope in MiB per minute) and the
// last sample against the first after warm-up. Thresholds: README.md.

export interface MemorySample {
  /** Milliseconds since the traffic started. */
  readonly atMs: number;
  readonly rssBytes: number;
  /** Main-thread V8 heap in use, when /metrics answered. */
  readonly heapBytes: number | undefined;
}

export interface Flatness {
  readonly samples: number;
  readonly startMiB: number;
  readonly minMiB: number;
  readonly maxMiB: number;
  readonly endMiB: number;
  readonly slopeMiBPerMin: number;
  /** end − start (first after warm-up). */
  readonly growthMiB: number;
  readonly flat: boolean;
  /** Why not flat, for people. */
  readonly reasons: readonly string[];
}

const MIB = 2 ** 20;

/** Least-squares slope of y over x (0 for fewer than 2 distinct x). */
export function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  return sxx === 0 ? 0 : sxy / sxx;
}

export function flatness(all: readonly MemorySample[], warmupMs: number, limits: { maxSlopeMiBPerMin: number; maxGrowthMiB: number }): Flatness {
  const after = all.filter((s) => s.atMs >= warmupMs && s.rssBytes > 0);
  if (after.length < 3) {
    return { samples: after.length, startMiB: NaN, minMiB: NaN, maxMiB: NaN, endMiB: NaN, slopeMiBPerMin: NaN, growthMiB: NaN, flat: false, reasons: [`${after.length} RSS samples after warm-up: at least 3 are needed`] };
  }
  const mib = after.map((s) => s.rssBytes / MIB);
  const perMin = slope(after.map((s, i) => [s.atMs / 60_000, mib[i]!]));
  const startMiB = mib[0]!;
  const endMiB = mib[mib.length - 1]!;
  const reasons: string[] = [];
  if (perMin > limits.maxSlopeMiBPerMin) reasons.push(`RSS grows ${perMin.toFixed(2)} MiB/min after warm-up (limit ${limits.maxSlopeMiBPerMin})`);
  if (endMiB - startMiB > limits.maxGrowthMiB) reasons.push(`RSS ended ${(endMiB - startMiB).toFixed(1)} MiB above its first sample after warm-up (limit ${limits.maxGrowthMiB})`);
  return {
    samples: after.length,
    startMiB,
    minMiB: Math.min(...mib),
    maxMiB: Math.max(...mib),
    endMiB,
    slopeMiBPerMin: perMin,
    growthMiB: endMiB - startMiB,
    flat: reasons.length === 0,
    reasons,
  };
}
