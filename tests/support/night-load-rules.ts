// What the small hand-worked rule sets of the CLI tests share (the --previous
// runs, tests/support/score-previous-runs.ts; the rule change of `gridcode diff` and
// `eval --input`, rule-change-batch.ts): two rules whose firing is easy to
// work out from a curve's night share and mean, and the day/night curve.

/** night-load (night_share > 0.3, score 50) and big-mean (mean_kw > 3 with a capacity, score 30), as YAML list items. */
export const NIGHT_LOAD_RULES = `  - id: night-load
    when: night_share > 0.3
    score: 50
    reason: Most of the energy at night
  - id: big-mean
    when: mean_kw > 3 and capacity_kw > 0
    score: 30
    reason: A large mean load
`;

/**
 * Two days at 96 points: `day` kW from 06:00 to 22:00, `night` kW the 8 other
 * hours; night_share = 8·night / (8·night + 16·day), mean = (16·day + 8·night) / 24.
 */
export function dayNightCurve(day: number, night: number, readings = 192): number[] {
  return Array.from({ length: readings }, (_, t) => {
    const hour = (t % 96) / 4;
    return hour >= 22 || hour < 6 ? night : day;
  });
}
