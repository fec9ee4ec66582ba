// The command line of `gridcode tune` (cli/tune/tune-command.ts runs it):
// its help text and the options checked into numbers, each bad one named.
import { commandOptions } from '../command-args.js';
import { WIDE_CSV_ARGS, WIDE_CSV_HELP, wideCsvOptions, type WideCsvOptions } from '../csv/options.js';
import { DEFAULT_SHOW } from '../diff/diff-command.js';
import { UsageError } from '../errors.js';
import { STDIN_ARG } from '../input/source.js';

export const DEFAULTS = { holdout: 0.3, seed: 1, minSupport: 20, pYellow: 0.3, pRed: 0.6 };

export const TUNE_USAGE = `Usage: gridcode tune --input BATCH --outcomes FILE --rule-set ID|FILE [--rules-dir DIR]
                    [--output NEW.yaml] [--version V] [--holdout ${DEFAULTS.holdout}] [--seed ${DEFAULTS.seed}]
                    [--min-support ${DEFAULTS.minSupport}] [--yellow-probability ${DEFAULTS.pYellow}] [--red-probability ${DEFAULTS.pRed}]
                    [--no-thresholds] [--yellow] [--capacity N | --inspectors FILE] [--show N] [--force]

A proposed next version of a rule set, learned from inspection outcomes. The
batch is scored with the rule set; its decided inspected sites (confirmed,
not_found, licensed; GRAY and unreachable ones left out) are split by id and
--seed into a tuning part and a held-out part (--holdout share).

On the tuning part:
  - threshold suggestions: for a comparison of a feature with a number among
    the top-level \`and\` terms of a score rule, a stricter number, only where
    the rule has --min-support decided sites and 5-fold cross-validated F1
    (over the rule's own decided sites) gains at least 2 points;
  - scores: a logistic model of "confirmed" over which rules fired, on the
    scale where a score sum at the yellow threshold means --yellow-probability
    of a confirmed site and at the red threshold --red-probability (README,
    "Learning from inspections", has the map and the fixed intercept). Score
    rules with fewer than --min-support decided sites keep their score;
    \`exempt\` and \`red\` rules are untouched; scores are whole numbers 0 … 100.
    Inspections see only flagged sites: a score may rise to or past the
    yellow or red threshold (so that the rule alone lifts a site across it)
    only with --min-support decided AUDIT sites (audit column true: the
    random sample of unflagged consumers) where it fired that stayed below
    that threshold, of which at least the threshold's probability were
    confirmed. With that many audits and fewer confirmed it does not rise;
    with fewer audits it rises at most 10 points and stops below the
    threshold. Consumers the new version newly flags that were never
    inspected are counted ("unverified").

The new version is the old file with those numbers changed where they are
written (comments kept), a header saying what it was tuned on, and
--version (default: the old version + "-tuned"; it must sort after the old
one and not be a version of the rule set already in the rules directory or
gridcode's rules/); it must pass gridcode check or nothing is written, and
nothing is written when no number changed. Then the gridcode diff between the old and the
new version on the batch is printed, the learned scores and suggestions, and
the held-out precision before and after (of RED; RED or YELLOW with
--yellow; of the listed sites with --capacity or --inspectors, as
gridcode evaluate counts them). Nothing is loaded into a running service:
review the file, then put it in the rules directory yourself.

Options:
  -i, --input BATCH              the batch, as for gridcode score (read three times)
      --outcomes FILE            the inspection outcomes, as for gridcode evaluate
  -r, --rule-set ID|FILE         the rule set to tune: a file, or ID[@VERSION] of --rules-dir
      --rules-dir DIR            the rules directory; default: gridcode's rules/
  -o, --output FILE              the new version (.yaml or .yml); default ID-VERSION.yaml
                                 here; never inside --rules-dir or gridcode's
                                 rules/ (by real path); an existing file only
                                 with --force
      --version V                its version; default OLD-tuned
      --holdout SHARE            share of the decided sites held out, 0 … 0.9 (default ${DEFAULTS.holdout})
      --seed S                   the split's seed, a whole number (default ${DEFAULTS.seed})
      --min-support N            decided sites a rule needs to be tuned (default ${DEFAULTS.minSupport})
      --yellow-probability P     what the yellow threshold means (default ${DEFAULTS.pYellow})
      --red-probability P        what the red threshold means (default ${DEFAULTS.pRed})
      --no-thresholds            no threshold suggestions, scores only
      --yellow, --capacity N, --inspectors FILE
                                 flagged sites for the held-out precision, as for gridcode evaluate
      --force                    overwrite an existing --output
      --show N                   consumers that change colour listed by the diff (default ${DEFAULT_SHOW})
      --no-progress              no progress line on stderr
  -h, --help                     show this help

${WIDE_CSV_HELP}

Exit status: 0 written (or nothing changed: said on stderr), 1 a bad input,
outcomes or rule-set file, or nothing to tune on, 2 a bad command line.`;

export interface TuneArgs {
  readonly input: string;
  readonly outcomes: string;
  readonly ruleSet: string;
  readonly rulesDir: string | undefined;
  readonly output: string | undefined;
  readonly version: string | undefined;
  readonly force: boolean;
  readonly holdout: number;
  readonly seed: number;
  readonly minSupport: number;
  readonly pYellow: number;
  readonly pRed: number;
  readonly show: number;
  readonly thresholds: boolean;
  readonly yellow: boolean;
  readonly capacity: number | undefined;
  readonly inspectors: string | undefined;
  readonly noProgress: boolean;
  readonly csv: WideCsvOptions;
}

/** The checked options; undefined after printing the help. Throws UsageError naming a bad option. */
export function tuneArgs(args: readonly string[]): TuneArgs | undefined {
  const options = commandOptions('tune', args, {
    input: { type: 'string', short: 'i' },
    outcomes: { type: 'string' },
    'rule-set': { type: 'string', short: 'r' },
    'rules-dir': { type: 'string' },
    output: { type: 'string', short: 'o' },
    version: { type: 'string' },
    force: { type: 'boolean' },
    holdout: { type: 'string' },
    seed: { type: 'string' },
    'min-support': { type: 'string' },
    'yellow-probability': { type: 'string' },
    'red-probability': { type: 'string' },
    'no-thresholds': { type: 'boolean' },
    yellow: { type: 'boolean' },
    capacity: { type: 'string' },
    inspectors: { type: 'string' },
    show: { type: 'string' },
    'no-progress': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
    ...WIDE_CSV_ARGS,
  });
  if (options.help) {
    process.stdout.write(`${TUNE_USAGE}\n`);
    return undefined;
  }
  const fail = (message: string): never => {
    throw new UsageError(message, 'tune');
  };
  const input = options.input ?? fail('tune needs --input BATCH');
  const outcomes = options.outcomes ?? fail('tune needs --outcomes FILE (the inspection outcomes)');
  const ruleSet = options['rule-set'] ?? fail('tune needs --rule-set ID|FILE, the rule set to tune');
  if (input === STDIN_ARG && outcomes === STDIN_ARG) fail('--input and --outcomes cannot both be standard input (-)');
  const number = (flag: string, value: string | undefined, fallback: number, ok: (x: number) => boolean, want: string): number => {
    if (value === undefined) return fallback;
    const x = Number(value);
    return value.trim() !== '' && Number.isFinite(x) && ok(x) ? x : fail(`--${flag} ${JSON.stringify(value)}: give ${want}`);
  };
  const pYellow = number('yellow-probability', options['yellow-probability'], DEFAULTS.pYellow, (x) => x > 0 && x < 1, 'a probability strictly between 0 and 1');
  if (options.capacity !== undefined && options.inspectors !== undefined) fail('give --capacity N or --inspectors FILE, not both');
  if (options.output !== undefined && !['.yaml', '.yml'].some((ext) => options.output!.toLowerCase().endsWith(ext))) {
    fail(`--output ${JSON.stringify(options.output)}: name the new version .yaml or .yml (it carries a header comment)`);
  }
  return {
    input,
    outcomes,
    ruleSet,
    rulesDir: options['rules-dir'],
    output: options.output,
    version: options.version,
    force: options.force === true,
    holdout: number('holdout', options.holdout, DEFAULTS.holdout, (x) => x >= 0 && x <= 0.9, 'a share from 0 to 0.9'),
    seed: number('seed', options.seed, DEFAULTS.seed, (x) => Number.isSafeInteger(x), 'a whole number'),
    minSupport: number('min-support', options['min-support'], DEFAULTS.minSupport, (x) => Number.isInteger(x) && x >= 1, 'a whole number of sites ≥ 1'),
    pYellow,
    pRed: number('red-probability', options['red-probability'], DEFAULTS.pRed, (x) => x > pYellow && x < 1, `a probability above the yellow one (${pYellow}) and below 1`),
    show: number('show', options.show, DEFAULT_SHOW, (x) => Number.isInteger(x) && x >= 0, 'a whole number of consumers'),
    thresholds: options['no-thresholds'] !== true,
    yellow: options.yellow === true,
    capacity: options.capacity === undefined ? undefined : number('capacity', options.capacity, 0, (x) => Number.isInteger(x) && x >= 1, 'a whole number of sites ≥ 1'),
    inspectors: options.inspectors,
    noProgress: options['no-progress'] === true,
    csv: wideCsvOptions(options, 'tune'),
  };
}
