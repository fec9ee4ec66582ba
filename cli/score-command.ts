// `gridcode score`: the health codes of every consumer of a batch file, as the
// ScoreBatchResponse the service would return (shared/spec/api.md), in
// canonical proto3 JSON or binary protobuf.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { batchFields, responsePieces, type ResponseOptions, type ResponsePart, type Serialization } from '../engine/src/codec/index.js';
import { BatchError, BlockScorer, FeatureEngine, type CompiledRuleSet } from '../engine/src/index.js';
import { packageRoot } from '../engine/src/package-root.js';
import { compileRuleSet } from '../engine/src/rules/compile-rule-set.js';
import { formatDiagnostics } from '../engine/src/rules/format.js';
import { MAX_RULE_SET_BYTES, NoDefaultRuleSet, RuleSetRegistry, ruleSetRef } from '../engine/src/rules/registry/index.js';
import type { BatchFile } from './batch-file.js';
import { CommandError, describeFsError, InputError, UsageError } from './errors.js';
import { WIDE_CSV_ARGS, WIDE_CSV_HELP, wideCsvOptions } from './csv/options.js';
import { withInputFile } from './input/source.js';
import { checkInputOptions, finishInput, openInput } from './open-batch.js';
import { previousWarnings, readPreviousResponse } from './previous-response.js';
import { writeBinary, writeResponse } from './response-output.js';
import { Roster, transitionsOf, withTransitions } from './score-previous.js';
import { scoreRemote } from './score-remote.js';

/** The rule set that a request without one, and no --rule-set, is scored with. */
export const DEFAULT_RULE_SET_ID = 'default';
const RULE_SET_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

export const SCORE_USAGE = `Usage: gridcode score --input BATCH [--rule-set ID|FILE] [--rules-dir DIR] [--output FILE]
                      [--flagged-only] [--include-features] [--include-evidence]
                      [--server URL [--token T]] [--previous FILE]
       gridcode score --input EXPORT.csv --unit kw|kwh|wh [CSV options] [...]

Scores every consumer of a batch with one rule set and writes the
ScoreBatchResponse (proto/gridcode/v1/scoring.proto): each consumer's code,
score and reasons in request order, and a summary of the whole batch.

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
  checkInputOptions(input, csv); // before standard input or a gzip file is copied to disk
  const batch = await withInputFile(input, (file) => openInput(file, csv));
  /** The command's status, once its output is complete: a CSV's data-quality report comes last. */
  const done = (status: number) => {
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
      const part = await scoreHere(source, options['rule-set'], options['rules-dir'], flags, serialization);
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
    batch.close();
  }
}

/** The batch scored here, block by block, into one part of the response. */
async function scoreHere(batch: BatchFile, flag: string | undefined, rulesDir: string | undefined, flags: ResponseOptions, serialization: Serialization): Promise<ResponsePart> {
  const ruleSet = await resolveRuleSet(flag, batch.options.ruleSet, rulesDir);
  const engine = await FeatureEngine.load().catch((error: Error) => {
    throw new CommandError(`cannot load the feature engine: ${error.message}`);
  });
  // A file is a stream: a group's consumers come together (followup.md), so blocks wait only for the group still open.
  const scorer = new BlockScorer(engine, batch.header, ruleSet, { ...flags, cohorts: 'stream' }, serialization);
  for (const block of batch.blocks()) {
    try {
      scorer.add(block);
    } catch (error) {
      if (error instanceof BatchError) throw batch.blockError(block, error);
      throw error;
    }
  }
  return scorer.part();
}

/**
 * The rule set to score with: `flag` is a rule-set file or a reference into
 * the rules directory; without it, the request's reference ('' = the default).
 */
async function resolveRuleSet(flag: string | undefined, requested: string, rulesDir: string | undefined): Promise<CompiledRuleSet> {
  if (flag !== undefined && isRuleSetPath(flag)) return compileFile(flag);
  return fromDirectory(rulesDir ?? join(packageRoot, 'rules'), flag ?? requested);
}

/**
 * A rule-set file rather than an `id[@version]`: an existing file with a
 * rule-set extension, or anything an id cannot be (ids are [a-z0-9_-]+) such
 * as `x.yaml` or `dir/x`, so that a mistyped path says "no such file".
 */
function isRuleSetPath(value: string): boolean {
  const extension = RULE_SET_EXTENSIONS.has(extname(value).toLowerCase());
  if (extension && existsSync(value)) return true;
  return !value.includes('@') && (extension || value.includes('/') || value.includes(sep));
}

function compileFile(path: string): CompiledRuleSet {
  let source: string;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new InputError(path, 'is not a regular file');
    if (stat.size > MAX_RULE_SET_BYTES) throw new InputError(path, `${stat.size} bytes; a rule set may have at most ${MAX_RULE_SET_BYTES} bytes`);
    source = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(path));
  } catch (error) {
    if (error instanceof InputError) throw error;
    if (error instanceof TypeError) throw new InputError(path, 'not UTF-8 text (corrupted, or saved in another encoding)');
    throw new InputError(path, describeFsError(error));
  }
  const { ruleSet, diagnostics } = compileRuleSet(source, { file: path });
  if (ruleSet && diagnostics.length === 0) return ruleSet;
  if (diagnostics.length > 0) process.stderr.write(`${formatDiagnostics(diagnostics, source, path).trimEnd()}\n`);
  const count = Math.max(1, diagnostics.length);
  throw new InputError(path, `the rule set does not compile (${count} error${count === 1 ? '' : 's'})`);
}

/** `ref` (`id`, `id@version`, '' for the default) among the rule sets of `dir`, loaded once, not watched. */
async function fromDirectory(dir: string, ref: string): Promise<CompiledRuleSet> {
  try {
    if (!statSync(dir).isDirectory()) throw new InputError(dir, 'is not a directory; --rules-dir names the directory of rule-set files');
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(dir, `cannot read the rules directory: ${describeFsError(error)}`);
  }
  const at = ref.indexOf('@');
  // The registry insists that its default loads: make the id asked for the default, so that it is the one required.
  const id = (at < 0 ? ref : ref.slice(0, at)) || DEFAULT_RULE_SET_ID;
  const loaded: CompiledRuleSet[] = [];
  let failures = 0;
  let registry: RuleSetRegistry;
  try {
    registry = await RuleSetRegistry.open({
      dir,
      defaultId: id,
      watch: false,
      // Standard output is the response: the registry's news goes to stderr, and only trouble.
      logger: { info: () => undefined, warn: (message) => process.stderr.write(`gridcode: ${message}\n`), error: (message) => process.stderr.write(`gridcode: ${message}\n`) },
      onEvent: (event) => {
        if (event.type === 'loaded') loaded.push(event.ruleSet);
        else if (event.type === 'failed') failures++;
      },
    });
  } catch (error) {
    if (!(error instanceof NoDefaultRuleSet)) throw new CommandError((error as Error).message);
    throw unknownRuleSet(dir, ref === '' ? `default rule set "${id}"` : `rule set ${JSON.stringify(ref)}`, loaded, failures);
  }
  try {
    return registry.resolve(ref);
  } catch (error) {
    if (error instanceof BatchError) throw new InputError(dir, error.message);
    throw error;
  } finally {
    await registry.close();
  }
}

function unknownRuleSet(dir: string, what: string, loaded: readonly CompiledRuleSet[], failures: number): InputError {
  const refs = loaded.map(ruleSetRef).sort();
  const failed = failures > 0 ? `; ${failures} file${failures === 1 ? '' : 's'} did not load (see above)` : '';
  return new InputError(dir, `no ${what}; loaded: ${refs.join(', ') || 'none'}${failed}`);
}

function parseScoreArgs(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      options: {
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
        help: { type: 'boolean', short: 'h' },
        ...WIDE_CSV_ARGS,
      },
      allowPositionals: false,
      strict: true,
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message, 'score');
  }
}
