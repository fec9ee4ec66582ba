// `gridcode features`: the feature catalogue (shared/spec/features.md) of
// every consumer of a batch file, as JSON lines in request order.
import { commandOptions } from './command-args.js';
import { BatchError, blockMatrix, CohortSpace, FeatureEngine, type FeatureBlock, type TemplateSet } from '../engine/src/index.js';
import { CommandError, UsageError } from './errors.js';
import { WIDE_CSV_ARGS, WIDE_CSV_HELP, wideCsvOptions } from './csv/options.js';
import { cohortModeOf, finishInput, openCommandInput } from './open-batch.js';
import { featureLines, openOutput, OutputClosed } from './output.js';
import { defaultRuleSet, readTemplates } from './templates-file.js';

export const FEATURES_USAGE = `Usage: gridcode features --input BATCH [--templates FILE] [--output FILE]
       gridcode features --input EXPORT.csv --unit kw|kwh|wh [CSV options] [...]

Computes the curve features of every consumer in a batch and writes one JSON
line per consumer, in request order:
  {"id":"…","features":{"days":30,"mean_kw":1.23,…,"acf_week":"NaN"}}
Undefined features are "NaN" (and infinities "Infinity"/"-Infinity"), as in
proto3 JSON. A consumer whose readings cannot be used gets all-NaN features
and a "note" saying why. A consumer with a district (its own, or from an
--accounts row) has "district":"…" after its id. The peer features
(peer_count, peer_ratio, peer_corr) compare each consumer with the others of
its group and category, which must come together in the file (a CSV export
whose groups come from --accounts: in any order, up to 200,000 consumers); a
consumer the default rule set's min_valid_share would code GRAY is nobody's
peer.

Options:
  -i, --input BATCH      a ScoreBatchRequest (proto/gridcode/v1/scoring.proto):
                         binary protobuf (.pb) or canonical proto3 JSON (.json);
                         other names are told apart by their first byte.
                         - reads standard input; gzip (x.json.gz, x.pb.gz, or
                         on standard input) is decompressed. Both are first
                         copied to a temporary file in the system's temporary
                         directory (TMPDIR), as large as the decompressed batch.
                         Or a meter export, .csv or .tsv (below)
  -t, --templates FILE   reference daily profiles for the corr_<name> features,
                         a JSON object {"name": [96 numbers], …}; default: the
                         templates of the default rule set, rules/default.yaml
  -o, --output FILE      write the lines to FILE instead of standard output
                         (FILE appears only once it is complete)
      --no-progress      no progress line (shown on stderr only when stderr
                         is a terminal: pass, rows, rows/s, consumers, ETA)
  -h, --help             show this help

${WIDE_CSV_HELP}

Batches of any size are read in two passes, a block of consumers at a time.
Exit status: 0 done, 1 a bad input file, 2 a bad command line.`;

export async function featuresCommand(args: readonly string[]): Promise<number> {
  const options = parseFeatureArgs(args);
  if (options.help) {
    process.stdout.write(`${FEATURES_USAGE}\n`);
    return 0;
  }
  const input = options.input;
  if (input === undefined) throw new UsageError('features needs --input BATCH', 'features');
  const ruleSet = defaultRuleSet();
  const templates: TemplateSet = options.templates === undefined ? ruleSet.templates : readTemplates(options.templates);
  const csv = wideCsvOptions(options, 'features');
  const { batch, progress } = await openCommandInput(input, csv, options['no-progress'] === true);
  const linesOf = (blocks: FeatureBlock[]) => blocks.map((computed) => featureLines(blockMatrix(computed), computed.ids)).join('');
  try {
    const engine = await FeatureEngine.load().catch((error: Error) => {
      throw new CommandError(`cannot load the feature engine: ${error.message}`);
    });
    // A file is a stream (a group's consumers come together; blocks wait only for the group still open), or with groups from --accounts one cohort space.
    const cohorts = new CohortSpace(cohortModeOf(batch), ruleSet.minValidShare, engine.peerPass);
    const output = openOutput(options.output);
    try {
      for (const block of batch.blocks()) {
        let lines: string;
        try {
          engine.computeWire(batch.header, block, { templates });
          lines = linesOf(cohorts.add(engine.takeBlock(block.first ?? 0)));
        } catch (error) {
          if (error instanceof BatchError) throw batch.blockError(block, error);
          throw error;
        }
        progress?.consumers(block.first + (block.spans.length >> 1));
        await output.write(lines);
      }
      await output.write(linesOf(cohorts.finish()));
      await output.close();
      progress?.stop(); // the report follows on a clean line
      finishInput(batch, csv);
    } catch (error) {
      output.abort();
      if (error instanceof OutputClosed) return 0;
      throw error;
    }
  } finally {
    progress?.stop();
    batch.close();
  }
  return 0;
}

function parseFeatureArgs(args: readonly string[]) {
  return commandOptions('features', args, {
    input: { type: 'string', short: 'i' },
    templates: { type: 'string', short: 't' },
    output: { type: 'string', short: 'o' },
    'no-progress': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
    ...WIDE_CSV_ARGS,
  });
}
