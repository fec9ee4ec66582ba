// npm run eval: the default rule set (or --rule-set FILE) against labels.
//  1. a generated population (bench/population/, --consumers N, default
//     100,000): every batch scored in-process by FeatureEngine.scoreWire on the
//     generator's ScoreBatchRequest bytes; precision and recall of RED and of
//     RED + YELLOW against the suspect labels, per-kind confusion, the share
//     of households coded RED, rule hits per kind;
//  2. the real data of ../shared/data (bench/real-data/ cases, scored by
//     scoreGroups): groups expected "flag" are the positives, "green" the
//     negatives ("info" groups are shown, not counted).
//  3. the watched sites of bench/population/follow-up.ts (--follow-up N,
//     default 20,000; 0 skips): codes per follow-up case and the issue's
//     four rates (relapse caught, compliant sites GREEN, restricted sites
//     that kept producing flagged, cleared sites not flagged again).
// --baselines sends Consumer.baseline_kw with the population (1 in 5 unknown);
// the report says whether they were there.
// --cohorts generates the population in transformer areas (bench/population
// cohorts.ts: Consumer.group, batches of whole areas) and scores it twice: the
// tables are those of the population with its groups; then the issue's
// comparison, the same population scored with the groups dropped (field 7
// left out, nothing else changed): RED and RED + YELLOW recall per workshop
// kind, households RED and RED or YELLOW, with groups and without.
// --json prints one object (population figures at the top level, real data
// under "real_data", the watched sites under "follow_up", the cohort comparison
// under "cohorts"); progress goes to stderr.
// --input FILE --labels LABELS evaluates on the analyst's own labelled data
// instead (own-data.ts; FILE as gridcode score reads it, CSV options too;
// --rule-set ID|FILE, --rules-dir DIR as for gridcode score): nothing is
// generated, and the real data and watched sites are left out; an option of
// the population (--consumers, --seed, --no-real, …) given with it is refused.
//
//   npm run eval -- [--consumers N] [--rule-set FILE] [--seed S] [--days D] [--points P] [--start YYYY-MM-DD]
//                   [--batch-size B] [--parametric] [--no-real] [--baselines] [--cohorts] [--follow-up N] [--json]
//   npm run eval -- --input FILE --labels LABELS [--rule-set ID|FILE] [--rules-dir DIR] [CSV options of gridcode score] [--json]
// --loop runs the learning loop of issue 17 instead (loop/loop-command.ts, its own options):
//   npm run eval -- --loop [--rounds 3] [--seed S] [--held-out-seed S'] [--consumers N] [--capacity K] [--districts D] [--audit-rate a] [--json]
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FeatureEngine, type CompiledRuleSet } from '../../engine/src/index.js';
import { AREA_MAX, AREA_MIN, KINDS, UNGROUPED } from '../population/index.js';
import { dataRoot, repoRoot } from '../real-data/data.js';
import { loadRuleSet } from '../real-data/score.js';
import { compareCohorts, evaluatePopulation, evaluateReal, type CohortComparison, type RealEval } from './evaluate.js';
import { evaluateFollowUp, type FollowUpEval } from './follow-up.js';
import { CODES, type Confusion, type Metrics } from './metrics.js';
import { WIDE_CSV_ARGS } from '../../cli/csv/options.js';
import { ownDataCommand } from './own-data.js';
import { loopCommand } from './loop/loop-command.js';

const USAGE = `usage: eval [--consumers N] [--rule-set FILE] [--seed S] [--days D] [--points 24|48|96] [--start YYYY-MM-DD] [--batch-size B] [--parametric] [--no-real] [--baselines] [--cohorts] [--follow-up N] [--json]
       eval --input FILE --labels LABELS [--rule-set ID|FILE] [--rules-dir DIR] [CSV options of gridcode score] [--json]
       eval --loop [options of the learning loop: eval --loop --help]
  --input FILE     the analyst's own batch, any input gridcode score reads (.pb, .json, gzip, .csv/.tsv with --unit …)
  --labels LABELS  CSV of id,label: workshop or 1 for a workshop, normal or 0 for a normal site (any case; a
                   line 1 is a header when its label column is named "label"; bad rows are counted and
                   reported); or an outcomes file of gridcode evaluate (a column named outcome, .jsonl, or
                   gzip): confirmed = workshop, not_found and licensed = normal, unreachable not counted. Population options (--consumers, --seed, --no-real, …) are refused with --input. Precision, recall and F1 of
                   flagging RED, and RED + YELLOW; a GRAY consumer counts as not flagged.`;

const pct = (v: number, digits = 1) => (Number.isNaN(v) ? '  n/a' : `${(100 * v).toFixed(digits)}%`);

function printMetrics(m: Metrics, log: (s: string) => void): void {
  log(`  suspects ${m.suspects} of ${m.consumers} (${pct(m.suspect_share, 2)}); coded RED ${m.red}, YELLOW ${m.yellow}; GRAY ${pct(m.gray_share, 2)}`);
  log(`  RED:          precision ${pct(m.red_precision)}   recall ${pct(m.red_recall)}   (non-suspects RED ${pct(m.false_red_rate, 3)})`);
  log(`  RED + YELLOW: precision ${pct(m.flagged_precision)}   recall ${pct(m.flagged_recall)}   (non-suspects flagged ${pct(m.false_flagged_rate, 3)})`);
  log(`  households coded RED ${pct(m.household_red_share, 3)}, RED or YELLOW ${pct(m.household_flagged_share, 3)}`);
}

function printConfusion(c: Confusion, log: (s: string) => void, label = 'kind'): void {
  log(`  ${label.padEnd(34)}${'n'.padStart(9)}${CODES.map((x) => x.padStart(16)).join('')}`);
  c.classes.forEach((k, i) => {
    const row = c.counts[i]!;
    const n = row.reduce((a, v) => a + v, 0);
    const cells = [...row].map((v) => `${v} (${pct(v / n)})`.padStart(16)).join('');
    log(`  ${(k.name + (k.suspect ? ' *' : '')).padEnd(34)}${String(n).padStart(9)}${cells}`);
  });
}

function confusionJson(c: Confusion): Record<string, { suspect: boolean; counts: Record<string, number> }> {
  return Object.fromEntries(c.classes.map((k, i) => [k.name, { suspect: k.suspect, counts: Object.fromEntries(CODES.map((x, j) => [x, c.counts[i]![j]!])) }]));
}

function printCohorts(c: CohortComparison, seconds: number, log: (s: string) => void): void {
  log(`\n# Cohorts: Consumer.group = transformer area (台区), ${c.areas} areas of ${AREA_MIN}-${AREA_MAX} consecutive consumers (${c.consumers_per_area.toFixed(1)} on average), ${c.batches} batches of whole areas`);
  log(`  (factories and 1 in ${Math.round(1 / UNGROUPED)} accounts carry no group; peers = same group and category in the batch)`);
  log(`  the same population scored again with the groups dropped (field 7 left out, nothing else changed), ${seconds.toFixed(1)} s:`);
  const w = c.with_groups;
  const o = c.without_groups;
  const cell = (a: number, b: number) => `${pct(a).padStart(10)}${pct(b).padStart(10)}`;
  const cell3 = (a: number, b: number) => `${pct(a, 3).padStart(10)}${pct(b, 3).padStart(10)}`;
  log(`  ${''.padEnd(34)}${''.padStart(7)}  ${'RED + YELLOW recall'.padStart(20)}  ${'RED recall'.padStart(20)}`);
  log(`  ${'suspect kind'.padEnd(34)}${'n'.padStart(7)}  ${'with'.padStart(10)}${'without'.padStart(10)}  ${'with'.padStart(10)}${'without'.padStart(10)}`);
  for (const [name, k] of Object.entries(w.by_kind)) {
    const x = o.by_kind[name]!;
    log(`  ${name.padEnd(34)}${String(k.n).padStart(7)}  ${cell(k.flagged_recall, x.flagged_recall)}  ${cell(k.red_recall, x.red_recall)}`);
  }
  log(`  ${'all suspects'.padEnd(34)}${''.padStart(7)}  ${cell(w.flagged_recall, o.flagged_recall)}  ${cell(w.red_recall, o.red_recall)}`);
  log(`  ${'precision'.padEnd(34)}${''.padStart(7)}  ${cell(w.flagged_precision, o.flagged_precision)}  ${cell(w.red_precision, o.red_precision)}`);
  log(`  ${'households coded RED'.padEnd(34)}${''.padStart(7)}  ${cell3(w.household_red_share, o.household_red_share)}`);
  log(`  ${'households coded RED or YELLOW'.padEnd(34)}${''.padStart(7)}  ${cell3(w.household_flagged_share, o.household_flagged_share)}`);
  log(`  ${'non-suspects coded RED or YELLOW'.padEnd(34)}${''.padStart(7)}  ${cell3(w.false_flagged_rate, o.false_flagged_rate)}`);
}

function printFollowUp(f: FollowUpEval, log: (s: string) => void): void {
  log(`\n# Follow-up: ${f.sites} watched sites (bench/population/follow-up.ts; Consumer.watch and baseline_kw), ${f.shapes} shapes, ${f.seconds.toFixed(1)} s`);
  printConfusion(f.confusion, log, 'case');
  const r = f.rates;
  log('  (shares of all the sites of each case: a GRAY site, whose meter data could not support a code, counts as not caught and as not GREEN)');
  log(`  relapse caught (closed + rectified relapse RED or YELLOW)             ${pct(r.relapse_caught)}   target ≥ 90 %`);
  log(`  compliant watched sites GREEN (closed, rectified, restricted)          ${pct(r.compliant_green)}   target ≥ 98 %`);
  log(`    … of those not GRAY (meter data that support a code)                 ${pct(r.compliant_green_judged)}`);
  log(`  restricted sites that kept producing flagged (RED or YELLOW)           ${pct(r.restricted_producing_flagged)}   target ≥ 90 %`);
  log(`  cleared sites not flagged again (GREEN)                                ${pct(r.cleared_green)}`);
  const fired = Object.entries(f.hits).filter(([, row]) => row.some((v) => v > 0));
  log('\n  rule fires per case (non-GRAY sites):');
  const short = f.confusion.classes.map((k) => k.name.replace('restricted_', 'restr_').replace('rectified_', 'rect_').slice(0, 11));
  log(`  ${'rule'.padEnd(34)}${short.map((s) => s.padStart(12)).join('')}`);
  for (const [rule, row] of fired) log(`  ${rule.padEnd(34)}${row.map((v) => String(v).padStart(12)).join('')}`);
}

async function main(): Promise<number> {
  if (process.argv.slice(2).includes('--loop')) return loopCommand(process.argv.slice(2));
  const { values, tokens } = parseArgs({
    tokens: true,
    options: {
      consumers: { type: 'string', default: '100000' },
      'rule-set': { type: 'string' },
      seed: { type: 'string', default: '1' },
      days: { type: 'string', default: '30' },
      points: { type: 'string', default: '96' },
      start: { type: 'string', default: '2026-03-02' },
      'batch-size': { type: 'string', default: '2000' },
      parametric: { type: 'boolean', default: false },
      'no-real': { type: 'boolean', default: false },
      baselines: { type: 'boolean', default: false },
      cohorts: { type: 'boolean', default: false },
      'follow-up': { type: 'string', default: '20000' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
      input: { type: 'string' },
      labels: { type: 'string' },
      'rules-dir': { type: 'string' },
      ...WIDE_CSV_ARGS,
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const log = (line: string) => (values.json ? process.stderr : process.stdout).write(line + '\n');
  if (values.input !== undefined || values.labels !== undefined) {
    const given = new Set(tokens.flatMap((token) => (token.kind === 'option' ? [token.name] : [])));
    return ownDataCommand(values, given, USAGE, log);
  }
  const file = path.resolve(values['rule-set'] ?? path.join(repoRoot, 'rules', 'default.yaml'));
  let ruleSet: CompiledRuleSet;
  try {
    ruleSet = loadRuleSet(file);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const consumers = Number(values.consumers);
  const engine = await FeatureEngine.load();
  const ref = `${ruleSet.id}@${ruleSet.version}`;
  let last = 0;
  // What the main population and the watched sites share: seed, calendar, batch size, shapes, engine.
  const common = {
    seed: Number(values.seed),
    days: Number(values.days),
    pointsPerDay: Number(values.points),
    startDate: values.start,
    batchSize: Number(values['batch-size']),
    shapes: values.parametric ? ('parametric' as const) : ('auto' as const),
    engine,
  };
  const progress = (done: number) => {
    if (done - last >= 100_000 || done === consumers) {
      last = done;
      process.stderr.write(`  … ${done} consumers\n`);
    }
  };
  const population = { ...common, consumers, baselines: values.baselines, cohorts: values.cohorts };
  const pop = await evaluatePopulation(ruleSet, { ...population, progress });
  const rate = consumers / pop.generateAndScoreS;
  log(`\n# Generated population: ${consumers} consumers, seed ${values.seed}, ${values.days} days × ${values.points} from ${values.start}, ${pop.shapes} shapes; rule set ${ref} (${path.relative(process.cwd(), file)})`);
  log(`  generated and scored in ${pop.generateAndScoreS.toFixed(1)} s (${rate.toFixed(0)} consumers/s, one thread, FeatureEngine.scoreWire)`);
  log(`  baselines (Consumer.baseline_kw, the mean 8 weeks earlier; 1 in 5 unknown): ${values.baselines ? 'present' : 'absent (--baselines sends them)'}`);
  log(`  cohorts (Consumer.group, transformer areas): ${values.cohorts ? `present, ${pop.areas} areas in ${pop.batches} batches of whole areas` : 'absent (--cohorts sends them)'}`);
  printMetrics(pop.metrics, log);
  log('\n  codes per kind (* = suspect):');
  printConfusion(pop.confusion, log);
  log('\n  rule fires per kind (non-GRAY consumers):');
  const short = KINDS.map((k) => k.name.replace('household_', 'hh_').replace('workshop_', 'ws_').slice(0, 11));
  log(`  ${'rule'.padEnd(34)}${short.map((s) => s.padStart(12)).join('')}`);
  for (const [rule, row] of Object.entries(pop.hits)) log(`  ${rule.padEnd(34)}${row.map((v) => String(v).padStart(12)).join('')}`);

  let cohorts: CohortComparison | undefined;
  if (values.cohorts) {
    last = 0;
    process.stderr.write('  the same population without its groups:\n');
    const control = await evaluatePopulation(ruleSet, { ...population, sendGroups: false, progress });
    cohorts = compareCohorts(pop, control);
    printCohorts(cohorts, control.generateAndScoreS, log);
  }

  let real: RealEval | undefined;
  if (!values['no-real']) {
    const started = performance.now();
    real = await evaluateReal(ruleSet, engine);
    if (!real) log(`\n# Real data: not found at ${dataRoot} (skipped)`);
    else {
      log(`\n# Real data (../shared/data, bench/real-data/ cases; "flag" groups = suspects, "green" groups = not, "info" not counted), ${((performance.now() - started) / 1000).toFixed(1)} s`);
      printMetrics(real.metrics, log);
      log(`  (the real cases are not in practice proportions: at 4.5 % suspects the same recall and false-positive rates give RED precision ${pct(real.red_precision_at_4_5pct)}, RED + YELLOW precision ${pct(real.flagged_precision_at_4_5pct)})`);
      log('');
      log(`  ${'group'.padEnd(38)}${'expect'.padEnd(7)}${'n'.padStart(6)}${CODES.map((x) => x.padStart(9)).join('')}`);
      for (const g of real.groups) log(`  ${g.group.padEnd(38)}${g.expect.padEnd(7)}${String(g.total).padStart(6)}${CODES.map((x) => String(g.counts[x]).padStart(9)).join('')}`);
    }
  }

  const sites = Number(values['follow-up']);
  let followUp: FollowUpEval | undefined;
  if (sites > 0) {
    followUp = await evaluateFollowUp(ruleSet, { ...common, consumers: sites });
    printFollowUp(followUp, log);
  }

  if (values.json) {
    const kinds = Object.fromEntries(KINDS.map((k, i) => [k.name, { suspect: k.suspect, counts: Object.fromEntries(CODES.map((x, j) => [x, pop.confusion.counts[i]![j]])) }]));
    const out = {
      rule_set: ref,
      seed: Number(values.seed),
      shapes: pop.shapes,
      seconds: Number(pop.generateAndScoreS.toFixed(2)),
      ...pop.metrics,
      kinds,
      rule_hits: pop.hits,
      baselines: values.baselines,
      cohorts: cohorts ?? null,
      follow_up: followUp ? { sites: followUp.sites, seconds: Number(followUp.seconds.toFixed(2)), ...followUp.rates, cases: confusionJson(followUp.confusion), by_kind: followUp.byKind, rule_hits: followUp.hits } : null,
      real_data: real ? { ...real.metrics, red_precision_at_4_5pct: real.red_precision_at_4_5pct, flagged_precision_at_4_5pct: real.flagged_precision_at_4_5pct, groups: real.groups } : null,
    };
    process.stdout.write(JSON.stringify(out, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)) + '\n');
  }
  return 0;
}

process.exitCode = await main();
