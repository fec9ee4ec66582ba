// `npm run eval -- --loop`: the learning loop of issue 17 on the generated
// population (learning-loop.ts). main.ts hands the whole command line here
// when it holds --loop; the population options of the other modes that do not
// apply (--cohorts, --baselines, --input, …) are refused by name.
//
//   npm run eval -- --loop [--rounds 3] [--seed S] [--held-out-seed S'] [--consumers N] [--districts D]
//                  [--capacity K] [--audit-rate a] [--unreachable u] [--yellow] [--rule-set FILE]
//                  [--days D] [--points P] [--start YYYY-MM-DD] [--batch-size B] [--parametric]
//                  [--holdout 0.3] [--min-support 20] [--json]
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FeatureEngine } from '../../../engine/src/index.js';
import { shapeLibrary } from '../../population/index.js';
import { repoRoot } from '../../real-data/data.js';
import { loadRuleSet } from '../../real-data/score.js';
import { runLoop, type LoopOptions } from './learning-loop.js';
import { loopJson, loopText } from './loop-report.js';
import { TUNE_DEFAULTS } from './tune-step.js';

export const LOOP_USAGE = `usage: eval --loop [--rounds 3] [--seed 1] [--held-out-seed SEED+1] [--consumers 50000] [--districts 10]
                  [--capacity 40] [--audit-rate 0] [--unreachable 0] [--yellow] [--rule-set FILE]
                  [--days 30] [--points 96] [--start 2026-03-02] [--batch-size 2000] [--parametric]
                  [--holdout ${TUNE_DEFAULTS.holdout}] [--min-support ${TUNE_DEFAULTS.minSupport}] [--json]
  Round r scores month r of seed --seed with the current rule set, lists each district's first --capacity
  flagged sites (RED; --yellow: YELLOW too) as gridcode list does, visits them (outcome from the labels:
  workshop confirmed, business licensed, household not_found; --unreachable share unreachable), audits
  --audit-rate of the unflagged consumers, then tunes the rule set on every decided visit so far as gridcode
  tune does (its defaults): round r + 1 scores with it. Each round's rule set, and the last tuned one, is
  also scored on --held-out-seed, never visited nor tuned on.`;

class LoopUsageError extends Error {}

function number(values: Record<string, unknown>, flag: string, fallback: number, ok: (x: number) => boolean, want: string): number {
  const raw = values[flag];
  if (raw === undefined) return fallback;
  const x = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(x) || !ok(x)) throw new LoopUsageError(`--${flag} ${JSON.stringify(raw)}: give ${want}`);
  return x;
}

const whole = (min: number, max = Number.MAX_SAFE_INTEGER) => (x: number) => Number.isInteger(x) && x >= min && x <= max;

export async function loopCommand(args: readonly string[]): Promise<number> {
  let options: LoopOptions;
  let json: boolean;
  let file: string;
  try {
    const { values } = parseArgs({
      args: [...args],
      options: {
        loop: { type: 'boolean' }, rounds: { type: 'string' }, seed: { type: 'string' }, 'held-out-seed': { type: 'string' },
        consumers: { type: 'string' }, districts: { type: 'string' }, capacity: { type: 'string' }, 'audit-rate': { type: 'string' },
        unreachable: { type: 'string' }, yellow: { type: 'boolean' }, 'rule-set': { type: 'string' }, days: { type: 'string' },
        points: { type: 'string' }, start: { type: 'string' }, 'batch-size': { type: 'string' }, parametric: { type: 'boolean' },
        holdout: { type: 'string' }, 'min-support': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      console.log(LOOP_USAGE);
      return 0;
    }
    const seed = number(values, 'seed', 1, whole(0, 0xffff_ffff), 'a whole number 0 … 4294967295');
    const heldOutSeed = number(values, 'held-out-seed', (seed + 1) % 0x1_0000_0000, whole(0, 0xffff_ffff), 'a whole number 0 … 4294967295');
    if (heldOutSeed === seed) throw new LoopUsageError(`--held-out-seed ${heldOutSeed} is the loop's own seed: a held-out population must be one the loop never visits`);
    const consumers = number(values, 'consumers', 50_000, whole(100, 10_000_000), 'a whole number of consumers, 100 … 10,000,000');
    const districts = number(values, 'districts', 10, whole(1, 1000), 'a whole number of districts, 1 … 1000');
    if (districts > consumers / 10) throw new LoopUsageError(`--districts ${districts}: at most one district per 10 consumers (${Math.floor(consumers / 10)} for --consumers ${consumers})`);
    const start = values.start ?? '2026-03-02';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(start) || !Number.isFinite(Date.parse(`${start}T00:00:00Z`))) throw new LoopUsageError(`--start ${JSON.stringify(start)}: give a date YYYY-MM-DD`);
    options = {
      population: {
        consumers,
        seed,
        days: number(values, 'days', 30, whole(7, 400), 'a whole number of days, 7 … 400'),
        pointsPerDay: number(values, 'points', 96, (x) => [24, 48, 96].includes(x), '24, 48 or 96'),
        startDate: start,
        batchSize: number(values, 'batch-size', 2000, whole(1, 100_000), 'a whole number of consumers per batch, 1 … 100,000'),
        shapes: values.parametric ? 'parametric' : 'auto',
      },
      heldOutSeed,
      rounds: number(values, 'rounds', 3, whole(1, 24), 'a whole number of rounds, 1 … 24'),
      districts,
      capacity: number(values, 'capacity', 40, whole(1), 'a whole number of sites per district per round, ≥ 1'),
      withYellow: values.yellow === true,
      auditRate: number(values, 'audit-rate', 0, (x) => x >= 0 && x <= 0.5, 'a share of the unflagged consumers, 0 … 0.5'),
      unreachableRate: number(values, 'unreachable', 0, (x) => x >= 0 && x < 1, 'a share of visits, 0 or more and below 1'),
      tune: {
        holdout: number(values, 'holdout', TUNE_DEFAULTS.holdout, (x) => x >= 0 && x <= 0.9, 'a share from 0 to 0.9'),
        seed: TUNE_DEFAULTS.seed,
        minSupport: number(values, 'min-support', TUNE_DEFAULTS.minSupport, whole(1), 'a whole number of sites ≥ 1'),
        pYellow: TUNE_DEFAULTS.pYellow,
        pRed: TUNE_DEFAULTS.pRed,
      },
    };
    json = values.json === true;
    file = path.resolve(values['rule-set'] ?? path.join(repoRoot, 'rules', 'default.yaml'));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // parseArgs names an unknown option; the other modes' options land here too
    process.stderr.write(`eval --loop: ${message}\n${LOOP_USAGE}\n`);
    return 2;
  }
  let ruleSet;
  try {
    ruleSet = loadRuleSet(file);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const log = (line: string) => (json ? process.stderr : process.stdout).write(line + '\n');
  const engine = await FeatureEngine.load();
  const report = runLoop(engine, ruleSet, { ...options, progress: (line) => process.stderr.write(line + '\n') });
  const shapes = shapeLibrary(options.population.pointsPerDay, options.population.shapes).source;
  for (const line of loopText(report, options, shapes)) log(line);
  if (json) process.stdout.write(JSON.stringify(loopJson(report, options, shapes), (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)) + '\n');
  return 0;
}
