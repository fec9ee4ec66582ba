// `gridcode score`: the health codes of every consumer of a batch file, as the
// ScoreBatchResponse the service would return (shared/spec/api.md), in
// canonical proto3 JSON or binary protobuf.
import { commandOptions } from './command-args.js';
import { extname } from 'node:path';
import { batchFields, responsePieces, type ResponseOptions, type Serialization } from '../engine/src/codec/index.js';
import { UsageError } from './errors.js';
import { WIDE_CSV_ARGS, WIDE_CSV_HELP, wideCsvOptions } from './csv/options.js';
import { withInputFile } from './input/source.js';
import { finishInput, openCommandInput } from './open-batch.js';
import { previousWarnings, readPreviousResponse } from './previous-response.js';
import { writeBinary, writeResponse } from './response-output.js';
import { Roster, transitionsOf, withTransitions } from './score-previous.js';
import { scoreRemote } from './score-remote.js';
import { scoreFile } from './score-file.js';
import { DEFAULT_RULE_SET_ID, isRuleSetPath, resolveRuleSet } from './rule-set-source.js';


export const SCORE_USAGE = `Usage: gridcode score --input BATCH [--rule-set ID|FILE] [--rules-dir DIR] [--output FILE]
                      [--flagged-only] [--include-features] [--include-evidence]
                      [--server URL [--token T]] [--previous FILE]
       gridcode score --input EXPORT.csv --unit kw|kwh|wh [CSV options] [...]

Scores every consumer of a batch with one rule set and writes the
ScoreBatchResponse (proto/gridcode/v1/scoring.proto): each consumer's code,
score and reasons in request order, its id and district echoed as sent (a
district only sorts results into per-district lists: rules never read it),
and a summary of the whole batch.

Options:
  -i, --input BATCH        a ScoreBatchRequest: binary protobuf (.pb) or
                           canonical proto3 JSON (.json); other names are told
                           apart by their first byte. - reads standard input;
                           gzip (x.json.gz, x.pb.gz, or on standard input) is
                           decompressed. Both are first copied to a temporary
                           file in the system's temporary directory (TMPDIR),
                           as large as the decompressed batch.
                           Or a meter export, .csv or .tsv (below)
  -r, --rule-set ID|FILE   a rule-set file (.yaml, .yml, .json) to compile and
                           use, or a rule set of the rules directory: ID (its
                           newest version) or ID@VERSION; default: the request's
                           rule_set, else "${DEFAULT_RULE_SET_ID}"
      --rules-dir DIR      the rules directory; default: gridcode's rules/
  -o, --output FILE        write the response to FILE instead of standard
                           output: binary protobuf when FILE ends in .pb,
                           JSON otherwise (FILE appears only once complete)
      --flagged-only       leave GREEN results out (the summary counts them)
      --include-features   give each result's feature values, in the order of
                           the response's featureNames
      --include-evidence   give, for each fired rule, the values it read
      --server URL         score with a running gateway instead of here: the
                           file goes to its gRPC port (e.g. http://127.0.0.1:8081)
                           in one ScoreStream call, block by block, whatever
                           its size; the output is the same
      --token T            bearer token for --server (or GRIDCODE_TOKEN)
      --previous FILE      a former response of gridcode score (JSON, or .pb;
                           gzip too, through a temporary file)
                           to compare with: adds "transitions" (new RED,
                           RED → GREEN, RED → YELLOW, newly GRAY, relapse of
                           watched sites, gone) as the JSON output's last
                           member, or with --output x.pb writes them to
                           x.pb.transitions.json; a summary line on stderr
      --no-progress        no progress line (shown on stderr only when stderr
                           is a terminal: pass, rows, rows/s, consumers, ETA)
  -h, --help               show this help

${WIDE_CSV_HELP}

A flag is on when it is given here or set in the request. The JSON is
canonical proto3 JSON: lowerCamelCase names, enums by name ("CODE_RED"),
default values left out, undefined floats as "NaN"; one result a line.
Exit status: 0 done, 1 a bad input or rule-set file or an unknown rule set,
2 a bad command line.`;

export async function scoreCommand(args: readonly string[]): Promise<number> {
  const options = parseScoreArgs(args);
  if (options.help) {
    process.stdout.write(`${SCORE_USAGE}\n`);
    return 0;
  }
  const input = options.input;
  if (input === undefined) throw new UsageError('score needs --input BATCH', 'score');
  const csv = wideCsvOptions(options, 'score');
  const { batch, progress } = await openCommandInput(input, csv, options['no-progress'] === true);
  /** The command's status, once its output is complete: a CSV's data-quality report comes last. */
  const done = (status: number) => {
    progress?.stop(); // the report follows on a clean line
    finishInput(batch, csv);
    return status;
  };
  try {
    // Read first, so that a bad previous file fails before the batch is scored.
    const previous = options.previous === undefined ? undefined : await withInputFile(options.previous, readPreviousResponse, { stdin: false });
    if (previous) for (const warning of previousWarnings(options.previous!, previous)) process.stderr.write(`${warning}\n`);
    const roster = previous ? new Roster() : undefined;
    const source = roster ? roster.observe(batch) : batch;
    const request = batch.options;
    const flags: ResponseOptions = {
      includeFeatures: options['include-features'] === true || request.includeFeatures,
      flaggedOnly: options['flagged-only'] === true || request.flaggedOnly,
      includeEvidence: options['include-evidence'] === true || request.includeEvidence,
    };
    const serialization: Serialization = options.output !== undefined && extname(options.output).toLowerCase() === '.pb' ? 'proto' : 'json';
    let pieces: Uint8Array[];
    let results: Uint8Array;
    if (options.server !== undefined) {
      const flag = options['rule-set'];
      if (flag !== undefined && isRuleSetPath(flag)) throw new UsageError('with --server, --rule-set names a rule set the gateway serves (ID or ID@VERSION), not a file', 'score');
      if (options['rules-dir'] !== undefined) throw new UsageError('--rules-dir is for scoring here; with --server the gateway uses its own rule sets', 'score');
      const token = options.token ?? process.env['GRIDCODE_TOKEN'];
      const remote = await scoreRemote(
        source,
        { server: options.server, token, ruleSet: flag ?? request.ruleSet, includeFeatures: flags.includeFeatures === true, flaggedOnly: flags.flaggedOnly === true, includeEvidence: flags.includeEvidence === true },
        serialization,
      );
      pieces = responsePieces(remote.fields, [remote], serialization);
      results = remote.results;
    } else {
      const ruleSet = await resolveRuleSet(options['rule-set'], source.options.ruleSet, options['rules-dir']);
      const part = await scoreFile(source, ruleSet, flags, serialization, progress);
      pieces = responsePieces(batchFields([part]), [part], serialization);
      results = part.results;
    }
    if (!previous) return done(await writeResponse(pieces, serialization, options.output));
    const transitions = transitionsOf(options.previous!, previous, roster!, results, serialization, flags.flaggedOnly === true);
    if (serialization === 'json') {
      const status = await writeResponse(withTransitions(pieces, transitions), serialization, options.output);
      process.stderr.write(`${transitions.line()}\n`);
      return done(status);
    }
    // Binary output stays the contract's message, pure protobuf: the transitions go beside it.
    const beside = `${options.output!}.transitions.json`;
    await writeResponse(pieces, serialization, options.output);
    writeBinary(beside, new TextEncoder().encode(`${transitions.json()}\n`));
    process.stderr.write(`${transitions.line()}; transitions written to ${beside}\n`);
    return done(0);
  } finally {
    progress?.stop();
    batch.close();
  }
}

function parseScoreArgs(args: readonly string[]) {
  return commandOptions('score', args, {
    input: { type: 'string', short: 'i' },
    'rule-set': { type: 'string', short: 'r' },
    'rules-dir': { type: 'string' },
    output: { type: 'string', short: 'o' },
    'flagged-only': { type: 'boolean' },
    'include-features': { type: 'boolean' },
    'include-evidence': { type: 'boolean' },
    server: { type: 'string' },
    token: { type: 'string' },
    previous: { type: 'string' },
    'no-progress': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
    ...WIDE_CSV_ARGS,
  });
}
