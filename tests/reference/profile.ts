// The average daily profile and what is read from it: peak_valley,
// peak_hour and the template correlations (features.md, Average daily profile
// and Templates).

/** p_s = (sum of slot s's valid readings over days, in ascending day order) / count; NaN when none. */
export function averageDailyProfile(x: Float64Array, pointsPerDay: number): Float64Array {
  const days = x.length / pointsPerDay;
  const profile = new Float64Array(pointsPerDay);
  for (let s = 0; s < pointsPerDay; s++) {
    let count = 0;
    let sum = 0;
    for (let d = 0; d < days; d++) {
      const v = x[d * pointsPerDay + s]!;
      if (Number.isNaN(v)) continue;
      count++;
      sum += v;
    }
    profile[s] = count === 0 ? NaN : sum / count;
  }
  return profile;
}

/** peak_valley and peak_hour: NaN when no slot has a value or max p = 0. */
export function peakFeatures(profile: Float64Array): { peakValley: number; peakHour: number } {
  const P = profile.length;
  let max = -Infinity;
  let min = Infinity;
  let peakSlot = -1;
  for (let s = 0; s < P; s++) {
    const p = profile[s]!;
    if (Number.isNaN(p)) continue;
    if (p > max) {
      max = p;
      peakSlot = s; // strict >: the first slot reaching the maximum
    }
    if (p < min) min = p;
  }
  if (peakSlot < 0 || max === 0) return { peakValley: NaN, peakHour: NaN };
  return { peakValley: (max - min) / max, peakHour: (24 * peakSlot) / P };
}

/** A 96-point template at P points: average runs of 96/P (P < 96), repeat each point 288/96 times (P = 288). */
export function resampleTemplate(template: readonly number[], pointsPerDay: number): number[] {
  if (template.length !== 96) throw new Error('reference: templates have 96 points');
  if (pointsPerDay === 96) return [...template];
  if (pointsPerDay === 288) return template.flatMap((v) => [v, v, v]);
  const run = 96 / pointsPerDay;
  const out: number[] = [];
  for (let s = 0; s < pointsPerDay; s++) {
    let sum = 0;
    for (let k = 0; k < run; k++) sum += template[s * run + k]!;
    out.push(sum / run);
  }
  return out;
}

/**
 * Pearson correlation of the profile with a template over the slots where the
 * profile has a value. NaN for fewer than 2 slots, or when either side takes a
 * single value over those slots (zero variance means exactly equal values).
 */
export function templateCorrelation(profile: Float64Array, template: readonly number[]): number {
  const p: number[] = [];
  const q: number[] = [];
  profile.forEach((v, s) => {
    if (Number.isNaN(v)) return;
    p.push(v);
    q.push(template[s]!);
  });
  if (p.length < 2) return NaN;
  if (p.every((v) => v === p[0]) || q.every((v) => v === q[0])) return NaN;
  const dp = deviations(p);
  const dq = deviations(q);
  let cross = 0;
  let squaresP = 0;
  let squaresQ = 0;
  for (let i = 0; i < p.length; i++) {
    const a = dp[i]!;
    const b = dq[i]!;
    cross += a * b;
    squaresP += a * a;
    squaresQ += b * b;
  }
  return cross / Math.sqrt(squaresP * squaresQ);
}

/**
 * Deviations from the mean, divided by the largest |deviation|. Pearson's r
 * does not change under scaling; this keeps the squares of very small or
 * very large values (1e-41 kW readings, 1e-200 templates) from underflowing
 * or overflowing in float64.
 */
function deviations(values: number[]): number[] {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const d = values.map((v) => v - mean);
  const scale = Math.max(...d.map(Math.abs));
  return d.map((v) => v / scale);
}
