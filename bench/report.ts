// What `npm run bench:engine` prints: a table for people, or one JSON object
// (`--json`) for scripts. Speeds are consumers per second on one thread.
import { cpus } from 'node:os';

/** The targets: a benchmark to watch, never a test to fail. */
export const TARGETS = { engineConsumersPerS: 200_000, ratio: 5, scoreOverhead: 0.15, peerCost: 0.1 } as const;

export interface BenchResult {
  readonly consumers: number;
  readonly batch: number;
  readonly days: number;
  readonly pointsPerDay: number;
  readonly rounds: number;
  readonly templates: readonly string[];
  readonly seed: number;
  readonly startDate: string;
  /** Consumers per second of each timed round, in round order. */
  readonly engineRounds: readonly number[];
  readonly engineCheapRounds: readonly number[];
  readonly jsRounds: readonly number[];
  /** Features the default rule set reads, then its rules: whole scoring. */
  readonly scoreRounds: readonly number[];
  /** The rules part of those same calls alone. */
  readonly rulesRounds: readonly number[];
  /** Rules alone for the tests' expression table as one rule set. */
  readonly tableRounds: readonly number[];
  readonly tableRules: number;
  /** The score path without the peer features (no profiles kept, no peer pass). */
  readonly plainScoreRounds: readonly number[];
  /** The same consumers in cohorts of `cohortSize`: profiles kept, the peer pass, then the rules. */
  readonly cohortRounds: readonly number[];
  readonly cohortSize: number;
  readonly ruleSet: string;
  readonly checked: number;
  readonly mismatches: number;
  readonly generateS: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function summarize(r: BenchResult) {
  const engine = median(r.engineRounds);
  const js = median(r.jsRounds);
  // Each round's engine and JS figures come from the same seconds of machine
  // time, so their ratio is steadier than either speed; report its median.
  const ratio = median(r.engineRounds.map((e, i) => e / r.jsRounds[i]!));
  const readings = r.days * r.pointsPerDay;
  // Scoring = its features + its rules, timed in the same calls: the rules'
  // cost relative to the features is (1/rules) ÷ (1/score − 1/rules).
  const overhead = median(r.scoreRounds.map((score, i) => 1 / r.rulesRounds[i]! / (1 / score - 1 / r.rulesRounds[i]!)));
  // What cohorts add to the score path, from the same seconds of machine time per round.
  const peerCost = median(r.plainScoreRounds.map((plain, i) => plain / r.cohortRounds[i]! - 1));
  return {
    engine_consumers_per_s: Math.round(engine),
    engine_groups0_consumers_per_s: Math.round(median(r.engineCheapRounds)),
    js_consumers_per_s: Math.round(js),
    score_consumers_per_s: Math.round(median(r.scoreRounds)),
    rules_consumers_per_s: Math.round(median(r.rulesRounds)),
    table_rules_consumers_per_s: Math.round(median(r.tableRounds)),
    table_rules: r.tableRules,
    score_overhead: Number(overhead.toFixed(4)),
    score_without_peers_consumers_per_s: Math.round(median(r.plainScoreRounds)),
    score_cohorts_consumers_per_s: Math.round(median(r.cohortRounds)),
    cohort_size: r.cohortSize,
    peer_cost: Number(peerCost.toFixed(4)),
    rule_set: r.ruleSet,
    ratio: Number(ratio.toFixed(2)),
    ratio_of_medians: Number((engine / js).toFixed(2)),
    engine_ns_per_reading: Number((1e9 / engine / readings).toFixed(3)),
    js_ns_per_reading: Number((1e9 / js / readings).toFixed(3)),
    consumers: r.consumers,
    batch: r.batch,
    days: r.days,
    points_per_day: r.pointsPerDay,
    rounds: r.rounds,
    templates: r.templates,
    seed: r.seed,
    start_date: r.startDate,
    targets: { engine_consumers_per_s: TARGETS.engineConsumersPerS, ratio: TARGETS.ratio, score_overhead: TARGETS.scoreOverhead, peer_cost: TARGETS.peerCost },
    targets_met: engine >= TARGETS.engineConsumersPerS && ratio >= TARGETS.ratio && overhead <= TARGETS.scoreOverhead && peerCost <= TARGETS.peerCost,
    check: { consumers: r.checked, mismatches: r.mismatches },
    rounds_consumers_per_s: {
      engine: r.engineRounds.map(Math.round),
      engine_groups0: r.engineCheapRounds.map(Math.round),
      js: r.jsRounds.map(Math.round),
      score: r.scoreRounds.map(Math.round),
      rules: r.rulesRounds.map(Math.round),
      table_rules: r.tableRounds.map(Math.round),
      score_without_peers: r.plainScoreRounds.map(Math.round),
      score_cohorts: r.cohortRounds.map(Math.round),
    },
    generate_s: Number(r.generateS.toFixed(2)),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
    date: new Date().toISOString(),
  };
}

export type Summary = ReturnType<typeof summarize>;

export function formatTable(s: Summary): string {
  const n = (v: number) => v.toLocaleString('en-US');
  const spread = (rounds: readonly number[]) => `min ${n(Math.min(...rounds))}, max ${n(Math.max(...rounds))}`;
  const yes = (ok: boolean) => (ok ? 'yes' : 'NO');
  const rows: [string, string][] = [
    ['consumers', `${n(s.consumers)} (batches of ${n(s.batch)}, seed ${s.seed})`],
    ['curve', `${s.days} days × ${s.points_per_day} points from ${s.start_date}`],
    ['templates', s.templates.join(', ') || '(none)'],
    ['rounds', `${s.rounds}, implementations alternating batch by batch; medians below`],
    ['engine', `${n(s.engine_consumers_per_s)} consumers/s  (${s.engine_ns_per_reading} ns/reading; ${spread(s.rounds_consumers_per_s.engine)})`],
    ['engine groups: 0', `${n(s.engine_groups0_consumers_per_s)} consumers/s  (one-pass features only)`],
    ['plain JS', `${n(s.js_consumers_per_s)} consumers/s  (${s.js_ns_per_reading} ns/reading; ${spread(s.rounds_consumers_per_s.js)})`],
    ['ratio engine ÷ JS', `${s.ratio}×  (median of per-round ratios; ratio of medians ${s.ratio_of_medians}×)`],
    ['score', `${n(s.score_consumers_per_s)} consumers/s  (${s.rule_set}: the features it reads, then its rules)`],
    ['rules alone', `${n(s.rules_consumers_per_s)} consumers/s  (the rules part of those calls)`],
    ['expression table', `${n(s.table_rules_consumers_per_s)} consumers/s  (rules alone: the tests' ${s.table_rules} cases as one rule set)`],
    ['rules ÷ features', `${(100 * s.score_overhead).toFixed(2)}%  (what the rules add to computing the rule set's features)`],
    ['score, no peers', `${n(s.score_without_peers_consumers_per_s)} consumers/s  (the rule set's features less the peer group, then its rules)`],
    [`score, cohorts of ${s.cohort_size}`, `${n(s.score_cohorts_consumers_per_s)} consumers/s  (profiles kept, the peer pass over each cohort, the rules)`],
    ['peer pass cost', `${(100 * s.peer_cost).toFixed(2)}%  (what cohorts add to the score path; median of per-round ratios)`],
    ['target ≥ 200,000/s', yes(s.engine_consumers_per_s >= s.targets.engine_consumers_per_s)],
    ['target ≥ 5× JS', yes(s.ratio >= s.targets.ratio)],
    ['target rules ≤ 15%', yes(s.score_overhead <= s.targets.score_overhead)],
    ['target peers ≤ 10%', yes(s.peer_cost <= s.targets.peer_cost)],
    ['check', `${s.check.consumers} consumers engine vs JS, ${s.check.mismatches} values disagree`],
    ['node', s.node],
    ['cpu', `${s.cpu} (${s.cpus} logical; one thread used)`],
    ['date', s.date],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}
