// `npm run bench:engine`: consumers per second of the WASM feature engine and
// of a plain-JS implementation of the same catalogue, measured in the same run
// (the machine is shared and noisy, so only the ratio travels between runs).
// Steps: generate a seeded population; check engine == JS on the first
// consumers; warm both up; time interleaved rounds; print medians and ratio.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FeatureEngine, TemplateSet, parseBatchHeader, type BatchHeader, type CompiledRuleSet } from '../engine/src/index.js';
import { packageRoot } from '../engine/src/package-root.js';
import { compileRuleSet } from '../engine/src/rules/compile-rule-set.js';
import { formatDiagnostics } from '../engine/src/rules/format.js';
import { caseRuleSet } from '../lib/expression-cases.js';
import { parseBenchArgs, USAGE, type BenchArgs } from './args.js';
import { compareBatch, describe, dumpCurve, type Mismatch } from './check.js';
import { JsFeatures } from './js-features.js';
import { generateBatch } from './population/curves.js';
import { CONSUMER_KINDS } from './population/shapes.js';
import { BENCH_TEMPLATES } from './population/templates.js';
import { formatTable, summarize } from './report.js';
import { buildFollowUps, buildInputs, cohortScoreRunner, engineRunner, inCohorts, jsRunner, scoreRunner, scoreWithoutPeersRunner, timedRound, type Population, type RuleTime } from './rounds.js';

/** Consumers per cohort (a transformer area) for the peer pass's cost (issue 13: ≤ 10 % on top of the score path). */
const COHORT_SIZE = 50;

/** Consumers each implementation computes before timing, so that V8 has optimised the JS and both have warm caches. */
const WARMUP_CONSUMERS = 10_000;

async function main(argv: readonly string[]): Promise<number> {
  const args = parseBenchArgs(argv);
  if (args === 'help') {
    console.log(USAGE);
    return 0;
  }
  // With --json, stdout carries the JSON object only.
  const log = (line: string) => (args.json ? process.stderr : process.stdout).write(line + '\n');

  const header = parseBatchHeader(args.points, args.startDate);
  const templates = TemplateSet.from(BENCH_TEMPLATES);
  const engine = await FeatureEngine.load();
  const js = new JsFeatures(args.points, header.startWeekday, templates.names, templates.at(header.pointsPerDay));

  const started = process.hrtime.bigint();
  const population = generate(args, header);
  const generateS = Number(process.hrtime.bigint() - started) / 1e9;
  log(`generated ${population.consumers} curves of ${args.days}×${args.points} in ${generateS.toFixed(1)} s`);

  const mismatches = check(engine, header, templates, js, population, args.check, args);
  if (mismatches.length) {
    log(`engine and JS disagree on ${mismatches.length} values among the first ${args.check} consumers:`);
    for (const m of mismatches.slice(0, 20)) log('  ' + describe(m));
    if (!args.allowMismatch) {
      log('not timing: the two would not compute the same thing (run with --allow-mismatch to time anyway)');
      return 1;
    }
  } else {
    log(`check: engine and JS agree on all ${js.names.length} features of the first ${args.check} consumers`);
  }

  const ruleSet = loadDefaultRuleSet();
  const ruleTime: RuleTime = { nanoseconds: 0n };
  // The expression table of the tests (every operator, NaN, enums), one rule per case.
  const tableRuleSet = compileSource(caseRuleSet(), 'expression table');
  const tableTime: RuleTime = { nanoseconds: 0n };
  const runners = [
    engineRunner(engine, header, templates, undefined, population),
    jsRunner(js, population),
    engineRunner(engine, header, templates, 0, population),
    scoreRunner(engine, header, ruleSet, population, ruleTime),
    scoreRunner(engine, header, tableRuleSet, population, tableTime),
    scoreWithoutPeersRunner(engine, header, ruleSet, population),
    cohortScoreRunner(engine, header, ruleSet, inCohorts(population, COHORT_SIZE)),
  ];
  const warmBatches = Math.max(1, Math.min(population.batches.length, Math.ceil(WARMUP_CONSUMERS / args.batch)));
  timedRound(runners, population, 0, warmBatches);

  const engineRounds: number[] = [];
  const jsRounds: number[] = [];
  const cheapRounds: number[] = [];
  const scoreRounds: number[] = [];
  const rulesRounds: number[] = [];
  const tableRounds: number[] = [];
  const plainScoreRounds: number[] = [];
  const cohortRounds: number[] = [];
  for (let r = 0; r < args.rounds; r++) {
    ruleTime.nanoseconds = 0n;
    tableTime.nanoseconds = 0n;
    const [engineRate, jsRate, cheapRate, scoreRate, , plainRate, cohortRate] = timedRound(runners, population, r);
    plainScoreRounds.push(plainRate!);
    cohortRounds.push(cohortRate!);
    engineRounds.push(engineRate!);
    jsRounds.push(jsRate!);
    cheapRounds.push(cheapRate!);
    scoreRounds.push(scoreRate!);
    rulesRounds.push(population.consumers / (Number(ruleTime.nanoseconds) / 1e9));
    tableRounds.push(population.consumers / (Number(tableTime.nanoseconds) / 1e9));
    log(`round ${r + 1}/${args.rounds}: engine ${Math.round(engineRate!)}/s, JS ${Math.round(jsRate!)}/s, ratio ${(engineRate! / jsRate!).toFixed(2)}`);
  }

  const summary = summarize({
    consumers: population.consumers,
    batch: args.batch,
    days: args.days,
    pointsPerDay: args.points,
    rounds: args.rounds,
    templates: templates.names,
    seed: args.seed,
    startDate: args.startDate,
    engineRounds,
    engineCheapRounds: cheapRounds,
    jsRounds,
    scoreRounds,
    rulesRounds,
    tableRounds,
    tableRules: tableRuleSet.rules.length,
    plainScoreRounds,
    cohortRounds,
    cohortSize: COHORT_SIZE,
    ruleSet: `${ruleSet.id}@${ruleSet.version} (${ruleSet.rules.length} rules)`,
    checked: args.check,
    mismatches: mismatches.length,
    generateS,
  });
  if (args.json) process.stdout.write(JSON.stringify(summary) + '\n');
  else log('\n' + formatTable(summary));
  return 0;
}

function generate(args: BenchArgs, header: BatchHeader): Population {
  const options = { days: args.days, pointsPerDay: args.points, startWeekday: header.startWeekday, seed: args.seed };
  const batches = [];
  for (let first = 0; first < args.consumers; first += args.batch) {
    batches.push(generateBatch(first, Math.min(args.batch, args.consumers - first), options));
  }
  return { batches, inputs: batches.map((b) => buildInputs(b, header.startDate)), followUps: batches.map(buildFollowUps), consumers: args.consumers };
}

/** Engine vs JS on the first `upTo` consumers; writes each disagreeing curve to a JSON file for debugging. */
function check(engine: FeatureEngine, header: BatchHeader, templates: TemplateSet, js: JsFeatures, population: Population, upTo: number, args: BenchArgs): Mismatch[] {
  const all: Mismatch[] = [];
  for (let b = 0, left = upTo; left > 0 && b < population.batches.length; b++) {
    const batch = population.batches[b]!;
    const inputs = population.inputs[b]!;
    const count = Math.min(left, batch.count);
    const matrix = engine.computeConsumers(header, inputs, { templates });
    const values = new Float64Array(js.names.length * count);
    for (let c = 0; c < count; c++) {
      const input = inputs[c]!;
      js.compute(input.loadKw as Float32Array, input.capacityKw ?? 0, input.waterM3 as Float32Array | undefined, values, c, count, population.followUps[b]![c]);
    }
    const kindOf = (c: number) => CONSUMER_KINDS[batch.kind[c]!]!;
    const found = compareBatch({ names: matrix.names, count: matrix.consumerCount, values: matrix.values }, { names: js.names, count, values }, count, batch.first, kindOf);
    for (const c of new Set(found.map((m) => m.consumer - batch.first))) {
      const input = inputs[c]!;
      const mine = found.filter((m) => m.consumer === batch.first + c);
      const file = dumpCurve({ consumer: batch.first + c, kind: kindOf(c), startDate: args.startDate, pointsPerDay: args.points, capacityKw: input.capacityKw ?? 0, loadKw: input.loadKw as Float32Array, waterM3: input.waterM3 as Float32Array | undefined, mismatches: mine });
      process.stderr.write(`consumer ${batch.first + c}: curve and disagreements written to ${file}\n`);
    }
    all.push(...found);
    left -= count;
  }
  return all;
}

/** The shipped default rule set, compiled by the product's compiler. */
function loadDefaultRuleSet(): CompiledRuleSet {
  const file = join(packageRoot, 'rules', 'default.yaml');
  return compileSource(readFileSync(file, 'utf8'), file);
}

function compileSource(source: string, file: string): CompiledRuleSet {
  const { ruleSet, diagnostics } = compileRuleSet(source, { file });
  if (!ruleSet) throw new Error(`${file} does not compile:\n${formatDiagnostics(diagnostics, source, file)}`);
  return ruleSet;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`bench:engine: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
