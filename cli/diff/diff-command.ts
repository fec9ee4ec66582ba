// `gridcode diff`: what a rule change would do to a batch. The batch file is
// scored twice here, once with each rule set (cli/score-file.ts, the use case
// of `gridcode score`), each run's results read a block at a time as they are
// scored (never a whole encoded response): the first run noted compactly
// (code-diff.ts, 9 + 4·⌈rules/32⌉ bytes a consumer), the second compared with it. A CSV export is read once a run, as its reader
// reads it anyway.
import type { gridcode } from '#gen/scoring.js';
import type { CompiledRuleSet } from '../../engine/src/index.js';
import type { BatchFile } from '../batch-file.js';
import { WIDE_CSV_ARGS, WIDE_CSV_HELP, wideCsvOptions } from '../csv/options.js';
import { commandOptions } from '../command-args.js';
import { InputError, UsageError } from '../errors.js';
import { withInputFile } from '../input/source.js';
import { checkInputOptions, finishInput, openInput } from '../open-batch.js';
import { terminalProgress, type TerminalProgress } from '../progress/terminal-progress.js';
import { encodedResults } from '../result-codes.js';
import { resolveRuleSet } from '../rule-set-source.js';
import { scoreFile } from '../score-file.js';
import { ChangeFile, changeFormat } from './change-file.js';
import { changeCause, settingChanges, type CausedChange } from './change-cause.js';
import { CodeDiff, RunsDifferError } from './code-diff.js';
import { diffJson, diffText, ruleHitRows, type DiffReport } from './diff-report.js';

/** Consumers that change colour listed on stdout unless --show says otherwise. */
export const DEFAULT_SHOW = 50;

export const DIFF_USAGE = `Usage: gridcode diff --input BATCH --rule-set A --rule-set B [--rules-dir DIR]
                     [--show N] [--output CHANGES.csv|.json] [--json]
       gridcode diff --input EXPORT.csv --unit kw|kwh|wh [CSV options] --rule-set A --rule-set B [...]

What changing rule set A for rule set B would do to a batch: scores it with
each (as gridcode score does, ignoring the request's own rule_set and flags)
and shows
  - the colour-change matrix: consumers coded GREEN, YELLOW, RED or GRAY by
    A (rows) and by B (columns), with totals; the diagonal keeps its colour;
  - rule hits before and after, per rule; a rule only B has is marked
    (added), one only A has (removed);
  - each consumer that changes colour: id, code before → after, score before
    → after, the rules that fired with A and not with B, and with B and not A,
    and the cause: fired rules, rule scores (the same rules fired), thresholds
    (the same rules and score), or min_valid_share (to or from GRAY);
  - the thresholds (yellow, red) and min_valid_share, before → after, when
    they differ.

Options:
  -i, --input BATCH        as for gridcode score: a ScoreBatchRequest (.pb,
                           .json; gzip; - for standard input) or a meter
                           export (.csv, .tsv; below)
  -r, --rule-set ID|FILE   given twice: first the rule set before, then the one
                           after; each a rule-set file (.yaml, .yml, .json) or
                           ID or ID@VERSION of the rules directory
      --rules-dir DIR      the rules directory; default: gridcode's rules/
      --show N             consumers that change colour listed on stdout
                           (default ${DEFAULT_SHOW}; 0 lists none); the counts are always complete
  -o, --output FILE        write every consumer that changes colour to FILE:
                           CSV (.csv: ${'id,before,after,score_before,…,cause'}; rule
                           lists space-separated; UTF-8 with a byte-order mark,
                           CRLF line ends) or a JSON array (.json)
      --json               the report as one JSON object on stdout (matrix,
                           ruleHits, the first --show changes) instead of text
      --no-progress        no progress line on stderr
  -h, --help               show this help

${WIDE_CSV_HELP}

Exit status: 0 done (whatever changes), 1 a bad input or rule-set file or an
unknown rule set, 2 a bad command line.`;

export async function diffCommand(args: readonly string[]): Promise<number> {
  const options = parseDiffArgs(args);
  if (options.help) {
    process.stdout.write(`${DIFF_USAGE}\n`);
    return 0;
  }
  const input = options.input;
  if (input === undefined) throw new UsageError('diff needs --input BATCH', 'diff');
  const refs = options['rule-set'] ?? [];
  if (refs.length !== 2) throw new UsageError(`diff needs --rule-set twice, the rule set before and the one after (got ${refs.length})`, 'diff');
  const show = showCount(options.show);
  if (options.output !== undefined) changeFormat(options.output);
  const csv = wideCsvOptions(options, 'diff');
  checkInputOptions(input, csv);
  // Both rule sets first: a typo in the second must not wait for the first run.
  const rulesDir = options['rules-dir'];
  const before = await resolveRuleSet(refs[0], '', rulesDir);
  const after = await resolveRuleSet(refs[1], '', rulesDir);
  const progress = terminalProgress(options['no-progress'] === true);
  let batch: BatchFile;
  try {
    batch = await withInputFile(input, (file) => openInput(file, csv, progress));
  } catch (error) {
    progress?.stop();
    throw error;
  }
  let changes: ChangeFile | undefined;
  try {
    changes = options.output === undefined ? undefined : new ChangeFile(options.output);
    const report = await diffBatch(batch, { ruleSet: before, source: refs[0]! }, { ruleSet: after, source: refs[1]! }, { show, progress, ...(changes ? { changes } : {}) });
    changes?.close();
    changes = undefined;
    progress?.stop();
    process.stdout.write(options.json ? diffJson(report) : diffText(report));
    finishInput(batch, csv);
    return 0;
  } catch (error) {
    if (error instanceof RunsDifferError) throw new InputError(batch.path, error.message);
    throw error;
  } finally {
    changes?.abort();
    progress?.stop();
    batch.close();
  }
}

/** What diffBatch is told besides the two rule sets. */
export interface DiffOptions {
  /** Consumers that change colour kept in the report. */
  readonly show: number;
  readonly progress?: TerminalProgress | undefined;
  /** Every consumer that changes colour goes there (the caller closes it). */
  readonly changes?: ChangeFile;
  /** Each result of the run with the first rule set, and of the second (gridcode tune meets them with outcomes). */
  readonly observe?: { readonly before?: (result: gridcode.v1.ConsumerResult) => void; readonly after?: (result: gridcode.v1.ConsumerResult) => void };
}

/**
 * The batch scored with each rule set and compared, a block of results at a
 * time (scoreFile's onBlockResults), never held whole: the report of `gridcode
 * diff`, also what `gridcode tune` prints between the old and the new version.
 */
export async function diffBatch(batch: BatchFile, before: { ruleSet: CompiledRuleSet; source: string }, after: { ruleSet: CompiledRuleSet; source: string }, options: DiffOptions): Promise<DiffReport> {
  const diff = new CodeDiff(before.ruleSet.rules.map((rule) => rule.id), after.ruleSet.rules.map((rule) => rule.id));
  const first = await scoreFile(batch, before.ruleSet, {}, 'proto', options.progress, (encoded) => {
    for (const result of encodedResults(encoded, 'proto')) {
      options.observe?.before?.(result);
      diff.noteBefore(result);
    }
  });
  const settings = settingChanges(before.ruleSet, after.ruleSet);
  const shown: CausedChange[] = [];
  let changed = 0;
  const second = await scoreFile(batch, after.ruleSet, {}, 'proto', options.progress, (encoded) => {
    for (const result of encodedResults(encoded, 'proto')) {
      options.observe?.after?.(result);
      const found = diff.compare(result);
      if (!found) continue;
      const change = { ...found, cause: changeCause(found, settings) };
      changed++;
      if (shown.length < options.show) shown.push(change);
      options.changes?.add(change);
    }
  });
  diff.finish();
  return {
    input: batch.path,
    before: { ruleSet: first.ruleSet, digest: first.digest, source: before.source },
    after: { ruleSet: second.ruleSet, digest: second.digest, source: after.source },
    diff,
    hits: ruleHitRows(first, second),
    settings,
    shown,
    changed,
    ...(options.changes === undefined ? {} : { output: options.changes.path }),
  };
}

function showCount(value: string | undefined): number {
  if (value === undefined) return DEFAULT_SHOW;
  if (!/^\d+$/.test(value)) throw new UsageError(`--show ${JSON.stringify(value)}: give a whole number of consumers (0 lists none)`, 'diff');
  return Number(value);
}

function parseDiffArgs(args: readonly string[]) {
  return commandOptions('diff', args, {
    input: { type: 'string', short: 'i' },
    'rule-set': { type: 'string', short: 'r', multiple: true },
    'rules-dir': { type: 'string' },
    show: { type: 'string' },
    output: { type: 'string', short: 'o' },
    json: { type: 'boolean' },
    'no-progress': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
    ...WIDE_CSV_ARGS,
  });
}
