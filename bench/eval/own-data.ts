// `npm run eval -- --input FILE --labels LABELS`: a rule set against the
// analyst's own labelled data rather than the generated population. FILE is
// anything `gridcode score` reads (ScoreBatchRequest .pb/.json, gzip, wide or
// long CSV meter exports with their options), opened and scored by the same
// use case (cli/open-batch.ts, cli/score-file.ts); each result is joined with
// its label by consumer id. Precision, recall and F1 per code threshold:
// "RED" flags RED only, "RED + YELLOW" flags both; a GRAY consumer is not
// flagged (it counts against recall, never against precision; metrics.ts).
import { wideCsvOptions, type WideCsvOptions } from '../../cli/csv/options.js';
import { scoredConsumers } from '../../cli/diff/scored-results.js';
import { withInputFile } from '../../cli/input/source.js';
import { checkInputOptions, finishInput, openInput } from '../../cli/open-batch.js';
import { resolveRuleSet } from '../../cli/rule-set-source.js';
import { scoreFile } from '../../cli/score-file.js';
import { CommandError, InputError, UsageError } from '../../cli/errors.js';
import { LabelsError, readLabels, type Labels } from './labels-file.js';
import { CODES } from './metrics.js';

export interface ThresholdMetrics {
  readonly threshold: 'RED' | 'RED + YELLOW';
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly tn: number;
  /** NaN when nothing is flagged / there is no positive. */
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

export interface OwnDataEval {
  readonly input: string;
  readonly ruleSet: string;
  /** Consumers of the batch, and those with a label (the ones counted). */
  readonly consumers: number;
  readonly labelled: number;
  /** Labelled consumers per code: [workshops, normal sites] × GREEN, YELLOW, RED, GRAY. */
  readonly counts: { readonly workshop: number[]; readonly normal: number[] };
  readonly thresholds: readonly ThresholdMetrics[];
  /** Labels whose id no consumer of the batch has. */
  readonly labelsNotInBatch: number;
  readonly badLabelRows: number;
  /** Rule id → [workshops, normal sites] it fired for. */
  readonly ruleHits: Record<string, [number, number]>;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : NaN);

/** Precision, recall and F1 of flagging the codes `flagged` (1 GREEN … 4 GRAY), from labelled counts per code. */
export function thresholdMetrics(threshold: ThresholdMetrics['threshold'], workshop: readonly number[], normal: readonly number[]): ThresholdMetrics {
  const flagged = threshold === 'RED' ? [3] : [2, 3];
  const sum = (row: readonly number[], codes: readonly number[]) => codes.reduce((n, code) => n + row[code - 1]!, 0);
  const tp = sum(workshop, flagged);
  const fp = sum(normal, flagged);
  const fn = workshop.reduce((a, b) => a + b, 0) - tp;
  const tn = normal.reduce((a, b) => a + b, 0) - fp;
  return { threshold, tp, fp, fn, tn, precision: ratio(tp, tp + fp), recall: ratio(tp, tp + fn), f1: ratio(2 * tp, 2 * tp + fp + fn) };
}

export interface OwnDataOptions {
  readonly input: string;
  readonly labels: Labels;
  /** --rule-set: a file or ID[@VERSION]; default the request's rule set, else "default". */
  readonly ruleSet?: string;
  readonly rulesDir?: string;
  readonly csv: WideCsvOptions;
}

export async function evaluateOwnData(options: OwnDataOptions): Promise<OwnDataEval> {
  checkInputOptions(options.input, options.csv);
  const batch = await withInputFile(options.input, (file) => openInput(file, options.csv));
  try {
    const ruleSet = await resolveRuleSet(options.ruleSet, batch.options.ruleSet, options.rulesDir);
    const counts = { workshop: [0, 0, 0, 0], normal: [0, 0, 0, 0] };
    const ruleHits: Record<string, [number, number]> = Object.fromEntries(ruleSet.rules.map((rule) => [rule.id, [0, 0]]));
    const matched = new Set<string>();
    let consumers = 0;
    // Counted a block at a time as it is scored: the encoded results are never all held.
    const part = await scoreFile(batch, ruleSet, {}, 'proto', undefined, (encoded) => {
      for (const result of scoredConsumers(encoded)) {
        consumers++;
        const label = options.labels.byId.get(result.id);
        if (label === undefined) continue;
        matched.add(result.id);
        (label ? counts.workshop : counts.normal)[result.code - 1]!++;
        for (const rule of result.reasons) ruleHits[rule]![label ? 0 : 1]++;
      }
    });
    finishInput(batch, options.csv);
    const labelled = counts.workshop.concat(counts.normal).reduce((a, b) => a + b, 0);
    return {
      input: batch.path,
      ruleSet: part.ruleSet,
      consumers,
      labelled,
      counts,
      thresholds: [thresholdMetrics('RED', counts.workshop, counts.normal), thresholdMetrics('RED + YELLOW', counts.workshop, counts.normal)],
      labelsNotInBatch: options.labels.byId.size - matched.size,
      badLabelRows: options.labels.badRows,
      ruleHits,
    };
  } finally {
    batch.close();
  }
}

const pct = (v: number) => (Number.isNaN(v) ? '  n/a' : `${(100 * v).toFixed(1)}%`);

export function printOwnData(e: OwnDataEval, labels: Labels, log: (line: string) => void): void {
  log(`\n# Own data: ${e.input}, ${e.consumers} consumers, ${e.labelled} labelled; rule set ${e.ruleSet}`);
  const unlabelled = e.consumers - e.labelled;
  if (labels.unreachable !== undefined) log(`  labels from an outcomes file: confirmed = workshop, not_found and licensed = normal; ${labels.unreachable} unreachable (no verdict) not counted`);
  else if (labels.header) log('  label line 1 read as a header (its label column is named "label")');
  log(`  not counted: ${unlabelled} consumers without a label, ${e.labelsNotInBatch} labels whose id is not in the batch, ${e.badLabelRows} bad label rows`);
  for (const row of labels.examples) log(`    label line ${row.line}: ${row.reason}`);
  log(`  ${'label'.padEnd(12)}${'n'.padStart(9)}${CODES.map((c) => c.padStart(9)).join('')}`);
  for (const [name, row] of [['workshop', e.counts.workshop], ['normal', e.counts.normal]] as const) {
    log(`  ${name.padEnd(12)}${String(row.reduce((a, b) => a + b, 0)).padStart(9)}${row.map((v) => String(v).padStart(9)).join('')}`);
  }
  log('  (a GRAY consumer is not flagged: it counts against recall, never against precision)');
  log(`  ${'flagged'.padEnd(14)}${['TP', 'FP', 'FN', 'TN'].map((h) => h.padStart(8)).join('')}${['precision', 'recall', 'F1'].map((h) => h.padStart(11)).join('')}`);
  for (const t of e.thresholds) {
    log(`  ${t.threshold.padEnd(14)}${[t.tp, t.fp, t.fn, t.tn].map((v) => String(v).padStart(8)).join('')}${[t.precision, t.recall, t.f1].map((v) => pct(v).padStart(11)).join('')}`);
  }
  const fired = Object.entries(e.ruleHits).filter(([, [w, n]]) => w + n > 0);
  if (fired.length > 0) {
    log(`\n  rule fires (labelled consumers)\n  ${'rule'.padEnd(34)}${'workshop'.padStart(10)}${'normal'.padStart(10)}`);
    for (const [rule, [w, n]] of fired) log(`  ${rule.padEnd(34)}${String(w).padStart(10)}${String(n).padStart(10)}`);
  }
}

/**
 * Options of the generated population (main.ts): with --input they would be
 * silently ignored, so given on the command line they are refused.
 */
export const POPULATION_OPTIONS = ['consumers', 'seed', 'days', 'points', 'start', 'batch-size', 'parametric', 'no-real', 'baselines', 'cohorts', 'follow-up'] as const;

export type OwnDataArgs = Parameters<typeof wideCsvOptions>[0] & {
  readonly input?: string;
  readonly labels?: string;
  readonly 'rule-set'?: string;
  readonly 'rules-dir'?: string;
  readonly json?: boolean;
};

/** `npm run eval -- --input FILE --labels LABELS`; `given`: the option names on the command line. Exit status 0, 1 (bad input) or 2 (bad command line). */
export async function ownDataCommand(values: OwnDataArgs, given: ReadonlySet<string>, usage: string, log: (line: string) => void): Promise<number> {
  try {
    if (values.input === undefined || values.labels === undefined) throw new UsageError('--input FILE and --labels LABELS go together', 'eval');
    const population = POPULATION_OPTIONS.filter((name) => given.has(name));
    if (population.length > 0) throw new UsageError(`${population.map((name) => `--${name}`).join(', ')}: for the generated population, not with --input (own data is scored as it is)`, 'eval');
    const labels = await readLabels(values.labels);
    const result = await evaluateOwnData({ input: values.input, labels, ruleSet: values['rule-set'], rulesDir: values['rules-dir'], csv: wideCsvOptions(values, 'eval') });
    printOwnData(result, labels, log);
    if (values.json) process.stdout.write(JSON.stringify({ ...result, labelHeader: labels.header, labelExamples: labels.examples }, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)) + '\n');
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`eval: ${error.message}\n${usage}\n`);
      return 2;
    }
    if (error instanceof InputError) process.stderr.write(`eval: ${error.file}: ${error.message}\n`);
    else if (error instanceof CommandError || error instanceof LabelsError) process.stderr.write(`eval: ${error.message}\n`);
    else throw error;
    return 1;
  }
}
