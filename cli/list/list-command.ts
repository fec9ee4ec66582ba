// `gridcode list`: the inspection list of a scoring run (issue 15): RED
// suspects first, then YELLOW with --yellow, ranked by priority (ranking.ts),
// per district and cut to what its inspectors can visit, as CSV or XLSX.
// Only results are written, never readings.
import { extname } from 'node:path';
import { commandOptions } from '../command-args.js';
import { UsageError } from '../errors.js';
import { WIDE_CSV_ARGS, WIDE_CSV_HELP, wideCsvOptions } from '../csv/options.js';
import { checkInputOptions } from '../open-batch.js';
import { terminalProgress } from '../progress/terminal-progress.js';
import { DEFAULT_RULE_SET_ID } from '../rule-set-source.js';
import { readInspectors, DEFAULT_SITES_PER_INSPECTOR } from './inspectors.js';
import { listFormat, writeList } from './list-output.js';
import { formerResponse, scoredBatch, type ListedOf, type ListSource } from './list-sources.js';
import { listedIds, reportData } from '../report/report-data.js';
import { writeReport } from '../report/report-page.js';
import { summaryLines } from './list-summary.js';
import { capacityOf } from './capacity.js';
import { NO_DISTRICT, planLists } from './ranking.js';

export const LIST_USAGE = `Usage: gridcode list --input BATCH [--rule-set ID|FILE] [--rules-dir DIR] [list options]
       gridcode list --input EXPORT.csv --unit kw|kwh|wh --accounts FILE [CSV options] [list options]
       gridcode list --response RESPONSE [--rule-set ID|FILE] [--rules-dir DIR] [list options]
List options: [--yellow] [--capacity N | --inspectors FILE] [--output list.csv|list.xlsx] [--report report.html]

The inspection list of a scoring run: the RED sites of each district, most
urgent first, as many as its inspectors can visit. Each row: district, rank,
id, code, priority, score, the fired rules' reason texts, the values that
fired each rule next to what they were compared with ("night_share 0.62 >
0.35"), the rule ids, the follow-up of a watched site, and the result's note.
Never a reading.

Order: every RED before every YELLOW; then the higher priority, then the
higher score (the sum of the fired rules' scores, capped at 100), then the
id. Priority = the score, except that a RED's is at least the rule set's red
threshold: a site made RED by an "effect: red" rule ranks with the REDs of
its score, never below a YELLOW. Districts come from the results' district
(from --accounts, or the batch's Consumer.district); results without one form
the group "${NO_DISTRICT}".

Options:
  -i, --input BATCH        score this batch here first, as gridcode score does
                           (a ScoreBatchRequest, .pb or .json, gzip or - too;
                           or a meter export, CSV options below), evidence on
      --response FILE      or list a response gridcode score wrote (JSON or
                           .pb); evidence shows only if it was written with
                           --include-evidence. Its rule set (as the response
                           names it, in --rules-dir, or --rule-set FILE) must
                           be found and match its digest: it gives the red
                           threshold
  -r, --rule-set ID|FILE   the rule set, as for gridcode score; default: the
                           request's rule_set, else "${DEFAULT_RULE_SET_ID}"
      --rules-dir DIR      the rules directory; default: gridcode's rules/
      --yellow             list YELLOW sites too, after every RED
      --capacity N         at most N sites per district
      --inspectors FILE    capacity per district from a CSV: district,
                           inspectors[,sites_per_inspector] (default
                           ${DEFAULT_SITES_PER_INSPECTOR}); capacity = inspectors × sites. A district
                           with suspects but no row (and "${NO_DISTRICT}"
                           unless a row names it so) gets capacity 0: none of
                           its suspects is listed, and the summary says so
                           Without --capacity or --inspectors every suspect is listed.
  -o, --output FILE        .xlsx: the file to open in a spreadsheet program;
                           a workbook with a Summary sheet, then a
                           sheet per district (its name made fit for Excel:
                           at most 31 characters, no : \\ / ? * [ ]), header
                           row frozen;
                           .csv: for other programs and joins: UTF-8 with a
                           byte-order mark, CRLF line ends (RFC 4180), one
                           row per listed site, ids exact (no formula
                           escaping: a spreadsheet may read "=1+2" as a
                           formula). Other extensions are refused. Without
                           --output: CSV on standard output. In both, a
                           control character other than tab, LF and CR
                           shows as U+FFFD (an XLSX cell cannot hold one)
      --report FILE.html   also a report for district heads: one HTML file
                           that opens offline and prints (no script, font or
                           link to fetch): suspects per district, rule hits,
                           the score distribution, and per listed site its
                           evidence; with --input also its average day (the
                           mean of each slot over the window's days, kW)
                           against the template its corr_ rule matched
                           (scaled to the site's mean) and its daily means.
                           Aggregates only: never a reading. From --response
                           the curves are missing (they need the readings)
      --no-progress        no progress line while scoring
  -h, --help               show this help

${WIDE_CSV_HELP}

On stderr: per district its suspects, listed and cut, and its capacity; the
totals; what was not listed (GRAY, GREEN, YELLOW without --yellow).
Exit status: 0 done, 1 a bad input, rule-set or inspectors file, 2 a bad
command line.`;

export async function listCommand(args: readonly string[]): Promise<number> {
  const options = parseListArgs(args);
  if (options.help) {
    process.stdout.write(`${LIST_USAGE}\n`);
    return 0;
  }
  const fail = (message: string): never => {
    throw new UsageError(message, 'list');
  };
  if ((options.input === undefined) === (options.response === undefined)) fail('list needs --input BATCH or --response FILE (one of them)');
  if (options.capacity !== undefined && options.inspectors !== undefined) fail('give --capacity N or --inspectors FILE, not both');
  const capacity = options.capacity === undefined ? undefined : /^\d{1,9}$/.test(options.capacity) && Number(options.capacity) >= 1 ? Number(options.capacity) : fail(`--capacity ${JSON.stringify(options.capacity)}: give a whole number of sites ≥ 1`);
  const format = listFormat(options.output);
  if (options.report !== undefined && extname(options.report).toLowerCase() !== '.html') fail(`--report ${JSON.stringify(options.report)}: name the file .html`);
  const csvFlags = Object.keys(WIDE_CSV_ARGS).filter((name) => (options as Record<string, unknown>)[name] !== undefined);
  if (options.response !== undefined && csvFlags.length > 0) fail(`${csvFlags.map((f) => `--${f}`).join(', ')}: for a meter export given as --input, not for --response`);
  const csv = wideCsvOptions(options, 'list');
  if (options.input !== undefined) checkInputOptions(options.input, csv); // before standard input is copied
  // The inspectors file is read before scoring, so that a bad one fails at once.
  const inspectors = options.inspectors === undefined ? undefined : readInspectors(options.inspectors);
  const withYellow = options.yellow === true;
  const capacities = capacityOf(capacity, inspectors);
  const listedOf: ListedOf | undefined = options.report === undefined ? undefined : (suspects) => listedIds(planLists(suspects, capacities));
  const choice = { flag: options['rule-set'], rulesDir: options['rules-dir'] };
  let source: ListSource;
  if (options.input !== undefined) {
    const progress = terminalProgress(options['no-progress'] === true);
    try {
      source = await scoredBatch(options.input, csv, choice, withYellow, progress, listedOf);
    } finally {
      progress?.stop();
    }
  } else {
    source = await formerResponse(options.response!, choice, withYellow);
  }
  for (const warning of source.warnings) process.stderr.write(`${warning}\n`);
  const lists = planLists(source.collector.suspects, capacities);
  await writeList(lists, format, options.output);
  if (options.report !== undefined) {
    const reasons = new Map(source.rules.map((rule) => [rule.id, rule.reason]));
    await writeReport(reportData(source.ruleSet, lists, source.collector, reasons, source.curves), options.report);
  }
  if (inspectors && inspectors.skipped > 0) {
    process.stderr.write(`gridcode: ${inspectors.file}: ${inspectors.skipped} row${inspectors.skipped === 1 ? '' : 's'} skipped: ${inspectors.firstSkips.join('; ')}\n`);
  }
  for (const line of summaryLines(source.ruleSet, lists, source.collector.others, withYellow)) process.stderr.write(`${line}\n`);
  return 0;
}

function parseListArgs(args: readonly string[]) {
  return commandOptions('list', args, {
    input: { type: 'string', short: 'i' },
    response: { type: 'string' },
    'rule-set': { type: 'string', short: 'r' },
    'rules-dir': { type: 'string' },
    yellow: { type: 'boolean' },
    capacity: { type: 'string' },
    inspectors: { type: 'string' },
    output: { type: 'string', short: 'o' },
    report: { type: 'string' },
    'no-progress': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
    ...WIDE_CSV_ARGS,
  });
}
