// What `npm run eval -- --loop` prints: per round the visits, precision at
// capacity with its 95 % Wilson interval, recall as the audits estimate it and
// as the labels give it (labelled: the labels are what a utility never has),
// the held-out seed's precision at capacity with that round's rule set, and
// what the tuning after the round changed; then a table of the rounds. And
// the same as one JSON object (--json).
import type { PrecisionFigures } from '../../../engine/src/outcomes/index.js';
import type { HeldOutFigures } from './held-out.js';
import type { LoopOptions, LoopReport, LoopRound } from './learning-loop.js';

const fixed = (x: number | null | undefined, digits = 3) => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(digits));
const pct = (x: number) => `${+(100 * x).toFixed(2)} %`;

function precision(p: PrecisionFigures): string {
  return p.precision === null ? 'n/a (nothing decided)' : `${fixed(p.precision)} (${p.confirmed} of ${p.decided}; 95 % ${fixed(p.low)}–${fixed(p.high)})`;
}

function heldOutLine(h: HeldOutFigures): string {
  return `precision at capacity ${precision(h.atCapacity)}; listed ${h.listed} of ${h.flagged} flagged, ${h.workshopsListed} of ${h.workshops} workshops listed; precision of all flagged ${fixed(h.allFlagged.precision)} (${h.allFlagged.confirmed} of ${h.allFlagged.decided})`;
}

function auditRecall(r: LoopRound): string {
  const recall = r.result.figures.recall;
  const t = recall.total;
  if (!t) return 'no decided audit: recall cannot be estimated from flagged sites alone';
  const left = recall.unaudited.length > 0 ? `; districts without a decided audit, left out: ${recall.unaudited.join(' ')}` : '';
  return `${fixed(t.recall)} (95 % ${fixed(t.recallLow)}–${fixed(t.recallHigh)}): ${t.found} found, ~${t.missed.toFixed(0)} missed (${t.auditConfirmed} confirmed of ${t.auditDecided} decided audits)${left}`;
}

/** The rules the rise guard held back in the round's tuning (engine/src/tuning/rise-guard.ts), and the unverified count, as gridcode tune prints them. */
function guardLines(r: LoopRound): string[] {
  const capped = r.tuned.result.scores.filter((s) => s.cap);
  return [
    `  rise guard: ${capped.length === 0 ? 'no rule capped' : `${capped.length} rule${capped.length === 1 ? '' : 's'} capped:`}`,
    ...capped.map((s) => `    ${s.rule}: learned ${s.cap!.learned}, kept ${s.after} (was ${s.before}): ${s.cap!.kind === 'contradicted' ? `audits contradict a rise to ${s.cap!.threshold}: no rise` : `too few audits: at most a prior step, below ${s.cap!.threshold}`}; ${s.cap!.confirmed} confirmed of ${s.cap!.support} decided audit sites below it`),
    `  unverified: ${r.unverified} consumer${r.unverified === 1 ? '' : 's'} of month ${r.round} newly RED or YELLOW with the tuned version, never visited`,
  ];
}

export function loopText(report: LoopReport, options: LoopOptions, shapes: string): string[] {
  const p = options.population;
  const listed = options.withYellow ? 'RED then YELLOW listed' : 'RED listed';
  const t = options.tune;
  const lines = [
    `# Learning loop (issue 17): seed ${p.seed}, ${p.consumers} consumers in ${options.districts} districts, capacity ${options.capacity} sites per district per round (${listed}, ranked as gridcode list ranks)`,
    `  random audit: ${options.auditRate > 0 ? `${pct(options.auditRate)} of the unflagged consumers per round` : 'none (--audit-rate a)'}; unreachable visits: ${pct(options.unreachableRate)}`,
    `  month r: the ${p.days} days (× ${p.pointsPerDay}) after month r − 1, from ${p.startDate}; ${shapes} shapes; sites decided in an earlier round are off later lists and audits`,
    `  after each round: gridcode tune's steps on every decided visit so far (--holdout ${t.holdout}, --seed ${t.seed}, --min-support ${t.minSupport}, probabilities ${t.pYellow}/${t.pRed}), compiled in memory`,
    `  held-out: seed ${options.heldOutSeed}, never visited nor tuned on, month 1, listed the same way, truth from the labels`,
  ];
  for (const r of report.rounds) {
    const x = r.result;
    const visits = x.visits.filter((v) => !v.audit).length;
    const audits = x.visits.length - visits;
    const unreachable = x.visits.filter((v) => v.outcome === 'unreachable').length;
    let flagged = 0;
    for (const d of x.districts.values()) flagged += d.flagged;
    lines.push(
      '',
      `round ${r.round}: ${r.ruleSet}, month from ${r.monthStart}, ${r.seconds.toFixed(1)} s`,
      `  eligible ${x.eligible} consumers (${x.workshopsEligible} workshops by the labels); flagged ${flagged}; visits ${visits} listed + ${audits} audit (${unreachable} unreachable)`,
      `  precision at capacity (the loop's visits):  ${precision(x.figures.capacity)}`,
      `  recall, audit estimate (gridcode evaluate): ${options.auditRate > 0 ? auditRecall(r) : 'no audit (--audit-rate)'}`,
      `  recall, true (labels, all districts):       ${fixed(x.trueRecall.recall)}: ${x.trueRecall.found} found, ${x.trueRecall.missed} workshops among the unflagged`,
      `  held-out seed ${options.heldOutSeed}: ${heldOutLine(r.heldOut)}`,
      `  tuned after round ${r.round}: ${r.decidedSoFar} decided visits so far (${r.tuned.gray} GRAY this month, left out), ${r.tuned.tunedOn} tuned on, ${r.tuned.heldOut} held out; ${r.tuned.changes.length === 0 ? 'nothing changed' : `${r.tuned.changes.length} changes:`}`,
      ...r.tuned.changes.map((c) => `    ${c}`),
      ...guardLines(r),
    );
  }
  lines.push('', `after round ${report.rounds.length}: ${report.finalHeldOut.ruleSet} on the held-out seed ${options.heldOutSeed}: ${heldOutLine(report.finalHeldOut)}`, '');
  lines.push(`  ${''.padEnd(34)}${`seed ${p.seed}, the loop's visits`.padEnd(63)}held-out seed ${options.heldOutSeed}, labels`);
  lines.push(`  ${'round'.padEnd(6)}${'rule set'.padEnd(28)}${'precision@capacity'.padEnd(24)}${'recall (audit est.)'.padEnd(24)}${'recall (true)'.padEnd(15)}${'precision@capacity'.padEnd(24)}flagged (precision)`);
  const flaggedCell = (h: HeldOutFigures) => `${h.flagged} (${fixed(h.allFlagged.precision)})`;
  const cell = (p: PrecisionFigures) => (p.precision === null ? 'n/a' : `${fixed(p.precision)} [${fixed(p.low)}, ${fixed(p.high)}]`);
  for (const r of report.rounds) {
    const total = r.result.figures.recall.total;
    const est = total ? `${fixed(total.recall)} [${fixed(total.recallLow)}, ${fixed(total.recallHigh)}]` : 'n/a';
    lines.push(`  ${String(r.round).padEnd(6)}${r.ruleSet.padEnd(28)}${cell(r.result.figures.capacity).padEnd(24)}${est.padEnd(24)}${fixed(r.result.trueRecall.recall).padEnd(15)}${cell(r.heldOut.atCapacity).padEnd(24)}${flaggedCell(r.heldOut)}`);
  }
  lines.push(`  ${'next'.padEnd(6)}${report.finalHeldOut.ruleSet.padEnd(28)}${''.padEnd(24)}${''.padEnd(24)}${''.padEnd(15)}${cell(report.finalHeldOut.atCapacity).padEnd(24)}${flaggedCell(report.finalHeldOut)}`);
  return lines;
}

export function loopJson(report: LoopReport, options: LoopOptions, shapes: string): unknown {
  const p = options.population;
  return {
    loop: {
      seed: p.seed,
      held_out_seed: options.heldOutSeed,
      consumers: p.consumers,
      districts: options.districts,
      capacity: options.capacity,
      yellow: options.withYellow,
      audit_rate: options.auditRate,
      unreachable_rate: options.unreachableRate,
      rounds: options.rounds,
      days: p.days,
      points_per_day: p.pointsPerDay,
      start_date: p.startDate,
      shapes,
      tune: { holdout: options.tune.holdout, seed: options.tune.seed, min_support: options.tune.minSupport, yellow_probability: options.tune.pYellow, red_probability: options.tune.pRed, rise_guard: options.tune.riseGuard !== false },
    },
    rounds: report.rounds.map((r) => ({
      round: r.round,
      rule_set: r.ruleSet,
      month_start: r.monthStart,
      seconds: Number(r.seconds.toFixed(2)),
      eligible: r.result.eligible,
      workshops_eligible: r.result.workshopsEligible,
      districts: Object.fromEntries(r.result.districts),
      visits: r.result.visits.filter((v) => !v.audit).length,
      audits: r.result.visits.filter((v) => v.audit).length,
      precision_at_capacity: r.result.figures.capacity,
      recall_audit_estimate: r.result.figures.recall.total,
      recall_true: r.result.trueRecall,
      held_out: r.heldOut,
      decided_so_far: r.decidedSoFar,
      tuned: { rule_set: `${r.tuned.ruleSet.id}@${r.tuned.ruleSet.version}`, tuned_on: r.tuned.tunedOn, held_out: r.tuned.heldOut, gray: r.tuned.gray, changes: r.tuned.changes, unverified: r.unverified, capped: r.tuned.result.scores.filter((s) => s.cap).map((s) => ({ rule: s.rule, before: s.before, after: s.after, ...s.cap })), scores: r.tuned.result.scores, suggestions: r.tuned.result.suggestions.map((s) => ({ rule: s.rule, feature: s.cut.feature, op: s.cut.op, from: s.cut.value, to: s.to })) },
    })),
    final_held_out: report.finalHeldOut,
  };
}
