// `gridcode evaluate`: what the inspectors found, against a scoring run
// (issue 17). The batch is scored here as `gridcode score` scores it
// (score-file.ts), its results met with the outcomes file block by block
// (batch-outcomes.ts), the sites within the inspectors' capacity found as
// `gridcode list` finds them (list/ranking.ts), and the figures computed by
// the pure module engine/src/outcomes shared with tuning and `npm run eval`.
import { evaluateOutcomes } from '../../engine/src/outcomes/index.js';
import { commandOptions } from '../command-args.js';
import { WIDE_CSV_ARGS, WIDE_CSV_HELP, wideCsvOptions } from '../csv/options.js';
import { InputError, UsageError } from '../errors.js';
import { STDIN_ARG } from '../input/source.js';
import { readInspectors, DEFAULT_SITES_PER_INSPECTOR } from '../list/inspectors.js';
import { capacityOf } from '../list/capacity.js';
import { finishInput, openCommandInput } from '../open-batch.js';
import { openOutput } from '../output.js';
import { encodedResults } from '../result-codes.js';
import { DEFAULT_RULE_SET_ID, resolveRuleSet } from '../rule-set-source.js';
import { scoreFile } from '../score-file.js';
import { BatchOutcomes } from './batch-outcomes.js';
import { evaluateJson, evaluateText } from './evaluate-output.js';
import { OUTCOME_COLUMNS, readOutcomes } from './outcomes-file.js';
import { outcomesReport, outcomesReportLines } from './outcomes-report.js';

export const EVALUATE_USAGE = `Usage: gridcode evaluate --input BATCH --outcomes FILE [--rule-set ID|FILE] [--rules-dir DIR]
                        [--yellow] [--capacity N | --inspectors FILE] [--json] [--output FILE]
       gridcode evaluate --input EXPORT.csv --unit kw|kwh|wh --accounts FILE [CSV options] --outcomes FILE [...]

What the inspections found, against a scoring run: scores the batch as
gridcode score does and meets each result with the outcome of its site.

Outcomes: confirmed (an unlicensed or polluting site), not_found (nothing
wrong), licensed (a legitimate business, correctly registered: counted as
not confirmed), unreachable (not inspected: counted, in no precision).
Decided = confirmed + not_found + licensed. Precision = confirmed ÷ decided,
with its 95 % Wilson interval. Base rate = the precision of every site with
an outcome; a rule's lift = its precision ÷ the base rate. Flagged = what
gridcode list lists: RED, and YELLOW with --yellow.

Shown: per rule, the sites with an outcome it fired for, confirmed among
them, precision and lift; per code; per district over its flagged sites;
at the inspectors' capacity (the sites gridcode list would list with the
same --capacity or --inspectors); recall, only where a random audit of
unflagged consumers (audit column) allows it: missed ≈ the audit's confirmed
rate × the district's unflagged consumers, recall ≈ found ÷ (found + missed).
Without audit rows: "recall cannot be estimated from flagged sites alone".

Options:
  -i, --input BATCH        the batch, as for gridcode score: a
                           ScoreBatchRequest (.pb, .json; gzip; - for
                           standard input) or a meter export (CSV options
                           below; districts from --accounts)
      --outcomes FILE      the inspection outcomes: CSV with a header line
                           (${Object.keys(OUTCOME_COLUMNS).join(', ')}; id and outcome required;
                           any case and order; separator , ; or tab; UTF-8,
                           a BOM allowed) or JSON lines (.jsonl, .ndjson:
                           one object a line with those keys); gzip, or -
                           for standard input. date is YYYY-MM-DD; audit is
                           true/false, 1/0 or yes/no (empty: false). A bad
                           row (no id, another outcome word, a bad date or
                           audit value, an id given again: the first row is
                           kept, an id not in the batch) is skipped and
                           counted on stderr and in the JSON output
  -r, --rule-set ID|FILE   the rule set, as for gridcode score; default: the
                           request's rule_set, else "${DEFAULT_RULE_SET_ID}"
      --rules-dir DIR      the rules directory; default: gridcode's rules/
      --yellow             YELLOW sites count as flagged (listed after RED)
      --capacity N         at most N listed sites per district
      --inspectors FILE    capacity per district, as for gridcode list:
                           district,inspectors[,sites_per_inspector]
                           (default ${DEFAULT_SITES_PER_INSPECTOR})
      --json               one JSON object with the same figures as the text
                           tables, and the outcomes file's report (--format
                           names the input's format, as for gridcode score)
  -o, --output FILE        write there instead of standard output
      --no-progress        no progress line on stderr
  -h, --help               show this help

${WIDE_CSV_HELP}

Exit status: 0 done, 1 a bad input, outcomes, rule-set or inspectors file
(or an outcomes file none of whose ids is in the batch), 2 a bad command line.`;

export async function evaluateCommand(args: readonly string[]): Promise<number> {
  const options = parseEvaluateArgs(args);
  if (options.help) {
    process.stdout.write(`${EVALUATE_USAGE}\n`);
    return 0;
  }
  const fail = (message: string): never => {
    throw new UsageError(message, 'evaluate');
  };
  const input = options.input ?? fail('evaluate needs --input BATCH');
  const outcomesArg = options.outcomes ?? fail('evaluate needs --outcomes FILE (the inspection outcomes)');
  if (input === STDIN_ARG && outcomesArg === STDIN_ARG) fail('--input and --outcomes cannot both be standard input (-)');
  if (options.capacity !== undefined && options.inspectors !== undefined) fail('give --capacity N or --inspectors FILE, not both');
  const capacity = options.capacity === undefined ? undefined : /^\d{1,9}$/.test(options.capacity) && Number(options.capacity) >= 1 ? Number(options.capacity) : fail(`--capacity ${JSON.stringify(options.capacity)}: give a whole number of sites ≥ 1`);
  const csv = wideCsvOptions(options, 'evaluate');
  // The small files first, so that a bad one fails before the batch is scored.
  const inspectors = options.inspectors === undefined ? undefined : readInspectors(options.inspectors);
  const outcomes = await readOutcomes(outcomesArg);
  const { batch, progress } = await openCommandInput(input, csv, options['no-progress'] === true);
  try {
    const ruleSet = await resolveRuleSet(options['rule-set'], batch.options.ruleSet, options['rules-dir']);
    const met = new BatchOutcomes(outcomes, ruleSet, options.yellow === true);
    const part = await scoreFile(batch, ruleSet, { includeEvidence: false, flaggedOnly: false, includeFeatures: false }, 'proto', progress, (encoded) => {
      for (const result of encodedResults(encoded, 'proto')) met.add(result);
    });
    progress?.stop();
    const { sites, counts } = met.finish(capacityOf(capacity, inspectors), part.ruleIds, part.hits);
    // A wrong batch must not pass silently in a script: no outcome row met a consumer is a failure naming the counts.
    if (sites.length === 0) {
      for (const line of outcomesReportLines(outcomesReport(outcomes, 0, met.districtDiffers))) process.stderr.write(`${line}\n`);
      throw new InputError(outcomesArg, `none of its ${outcomes.rows} row${outcomes.rows === 1 ? '' : 's'} names a consumer of the batch (${counts.consumers} consumers, ${outcomes.skipped.notInBatch.count} rows with an id not in it): is it the batch the outcomes are about?`);
    }
    const report = {
      input: batch.path,
      ruleSet: part.ruleSet,
      digest: part.digest,
      consumers: counts.consumers,
      flagged: options.yellow === true ? 'RED or YELLOW' : 'RED',
      capacity: capacity !== undefined ? `--capacity ${capacity} a district` : inspectors ? `${inspectors.file}, inspectors × sites each` : 'none given: every flagged site',
      figures: evaluateOutcomes(sites, counts),
      outcomes: outcomesReport(outcomes, sites.length, met.districtDiffers),
    };
    const sink = openOutput(options.output);
    try {
      await sink.write(options.json === true ? evaluateJson(report) : evaluateText(report));
      await sink.close();
    } catch (error) {
      sink.abort();
      throw error;
    }
    if (inspectors && inspectors.skipped > 0) {
      process.stderr.write(`gridcode: ${inspectors.file}: ${inspectors.skipped} row${inspectors.skipped === 1 ? '' : 's'} skipped: ${inspectors.firstSkips.join('; ')}\n`);
    }
    for (const line of outcomesReportLines(report.outcomes)) process.stderr.write(`${line}\n`);
    finishInput(batch, csv);
    return 0;
  } finally {
    progress?.stop();
    batch.close();
  }
}

function parseEvaluateArgs(args: readonly string[]) {
  return commandOptions('evaluate', args, {
    input: { type: 'string', short: 'i' },
    outcomes: { type: 'string' },
    'rule-set': { type: 'string', short: 'r' },
    'rules-dir': { type: 'string' },
    yellow: { type: 'boolean' },
    capacity: { type: 'string' },
    inspectors: { type: 'string' },
    json: { type: 'boolean' },
    output: { type: 'string', short: 'o' },
    'no-progress': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
    ...WIDE_CSV_ARGS,
  });
}
