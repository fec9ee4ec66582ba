// `gridcode check`: compiles rule-set files as the server loads them, so a
// district can review its criteria before deploying them. Every error and
// warning is printed with its line and a caret, then one summary line per
// file; with --server, what a running gateway has loaded is compared too.
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { compileRuleSet } from '../engine/src/rules/compile-rule-set.js';
import { byPlace } from '../engine/src/rules/diagnostics.js';
import { formatDiagnostics } from '../engine/src/rules/format.js';
import type { CompiledRuleSet } from '../engine/src/rules/program.js';
import { isRuleSetFileName, MAX_RULE_SET_BYTES, ruleSetRef } from '../engine/src/rules/registry/index.js';
import { UsageError } from './errors.js';
import { readRuleSetText } from './rule-set-text.js';
import { folderResolver } from './rule-set-folder.js';
import { resolverOf, type BaseCache } from '../engine/src/rules/bases.js';
import { compareWithServer, listServerRuleSets, type ServedRuleSet } from './server-rule-sets.js';

export const CHECK_USAGE = `Usage: gridcode check FILE|DIR... [--rules-dir DIR] [--server URL [--token T]]

Compiles rule-set files exactly as the server loads them and prints every
error with its line and a caret under the place, then one line per file:
  rules/default.yaml: ok (id default@2026.11.1, 9 rules, digest sha256:…)
A directory stands for the rule-set files the server would load from it
(*.yaml, *.yml, *.json, not dotfiles, not subdirectories). As on the server,
two files with the same id@version and different content are an error, and
so is a file over ${MAX_RULE_SET_BYTES} bytes.

Warnings (warning[code], with a caret like errors) do not fail the check,
and the server loads such a rule set too:
  out_of_range   a share, ratio or correlation compared with a constant
                 outside its range (night_share > 40: a percentage?)
  contradiction  bounds on one value in one \`and\` that nothing meets
                 (mean_kw > 5 and mean_kw < 2)
  never_fires    the rule's \`when\` is false for every consumer

A rule set may use another's templates with \`extends: ID@VERSION\` (the
version is required; at most 4 levels deep). The base is looked for among
the rule-set files of --rules-dir, or of the checked file's own folder, as
the server looks for it among the rule sets it loaded from its rules
directory: of two files declaring the base's id@version, the first in name
order that compiles, as on the server. The digest covers the base.

Warnings and the summary lines go to stdout; the note that no server was
asked goes to stderr.

Options:
      --rules-dir DIR  where \`extends\` bases are looked for (default: the
                       folder of each file checked)
      --server URL     also ask a running gateway (its gRPC port, e.g.
                       http://127.0.0.1:8081) which rule sets it has loaded: a
                       file whose id@version the server has with another
                       digest is an error ("changed without a new version"),
                       as the server would refuse it; so is a file whose
                       base (\`extends\`) the server has under the same
                       id@version with another digest (the server would
                       compile it against its own base). A base the server
                       does not list is a note: deploy it with (or before)
                       the file. Without --server, check says on stderr that
                       it did not compare with a server.
      --token T        bearer token for --server (or GRIDCODE_TOKEN); the
                       server lists only the rule sets the token may use
  -h, --help           show this help

Exit status: 0 every file compiles (warnings or not) and, with --server, none
changed without a new version; 1 otherwise (or a file cannot be read, or
the server cannot be asked); 2 a bad command line.`;

/** Bases compiled in this run: a base that every file of a directory extends is compiled once. */
const baseCache: BaseCache = new Map();

export async function checkCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCheckArgs(args);
  if (values.help) {
    process.stdout.write(`${CHECK_USAGE}\n`);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('check needs at least one rule-set FILE or DIR', 'check');
  if (values.token !== undefined && values.server === undefined) throw new UsageError('--token is for --server', 'check');
  // Asked first: a server that cannot be asked fails the run before any file is reported ok.
  const server = values.server === undefined ? undefined : { url: values.server, served: await listServerRuleSets(values.server, values.token ?? process.env['GRIDCODE_TOKEN']) };
  let failed = 0;
  let checked = 0;
  /** Loaded so far by id@version: the server keeps the first of two that differ. */
  const loaded = new Map<string, { file: string; ruleSet: CompiledRuleSet }>();
  for (const { path, problem } of expand(positionals)) {
    checked++;
    const ok = problem === undefined ? checkFile(path, loaded, values['rules-dir'], server) : cannotCheck(path, problem);
    if (!ok) failed++;
  }
  if (checked > 1) process.stdout.write(`${checked} files: ${checked - failed} ok, ${failed} with errors\n`);
  // A note, not a result: stdout stays the files' results.
  if (!server) process.stderr.write('not compared with a server: a file may still change an id@version a server has loaded (--server URL asks it)\n');
  return failed === 0 ? 0 : 1;
}

/** Checks one file; true when it would load. Read failures go to stderr, everything else to stdout. */
function checkFile(file: string, loaded: Map<string, { file: string; ruleSet: CompiledRuleSet }>, rulesDir: string | undefined, server: { url: string; served: ServedRuleSet[] } | undefined): boolean {
  const source = readSource(file);
  if (source === undefined) return false;
  // The one compile path of the server (registry and ValidateRuleSet), with `extends` looked up in the rules folder.
  const { ruleSet, diagnostics, warnings } = compileRuleSet(source, { file, resolve: folderResolver(rulesDir ?? dirname(file)), baseCache });
  const shown = [...diagnostics, ...warnings].sort(byPlace);
  if (shown.length > 0) process.stdout.write(`${formatDiagnostics(shown, source, file).trimEnd()}\n`);
  if (!ruleSet || diagnostics.length > 0) {
    const count = Math.max(diagnostics.length, 1);
    process.stdout.write(`${file}: ${count} error${count === 1 ? '' : 's'}\n`);
    return false;
  }
  const ref = ruleSetRef(ruleSet);
  const first = loaded.get(ref);
  if (first && first.ruleSet.digest !== ruleSet.digest) {
    process.stdout.write(`${file}: error: ${ref} is already in ${first.file} with different content; the server would load only ${first.file}: give one of them a new version\n`);
    return false;
  }
  if (!first) loaded.set(ref, { file, ruleSet });
  if (server) {
    const { line, refused } = compareWithServer(server.served, ruleSet, server.url, baseDigests(ruleSet));
    if (refused) {
      process.stdout.write(`${file}: ${line}\n`);
      return false;
    }
    process.stdout.write(`${file}: ${line}\n`);
  }
  const digest = ruleSet.digest.startsWith('sha256:') ? ruleSet.digest : `sha256:${ruleSet.digest}`;
  const count = warnings.length === 0 ? '' : `, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}`;
  const base = ruleSet.extends ? `, extends ${ruleSet.extends}` : '';
  process.stdout.write(`${file}: ok (id ${ref}, ${ruleSet.rules.length} rule${ruleSet.rules.length === 1 ? '' : 's'}${base}, digest ${digest}${count})\n`);
  return true;
}

/** The id, version and digest of each base of `ruleSet` (`extends`), compiled from the texts it carries. */
function baseDigests(ruleSet: CompiledRuleSet): ServedRuleSet[] {
  const bases = ruleSet.bases ?? [];
  return bases.flatMap((base) => {
    const compiled = compileRuleSet(base.source, { resolve: resolverOf(bases), baseCache }).ruleSet;
    return compiled ? [{ id: compiled.id, version: compiled.version, digest: compiled.digest }] : [];
  });
}

/** The text of `file`, or undefined after saying on stderr why it cannot be checked. */
function readSource(file: string): string | undefined {
  const read = readRuleSetText(file);
  return 'source' in read ? read.source : cannotCheck(file, read.error);
}

function cannotCheck(file: string, reason: string): undefined {
  // On stderr like the other commands' file errors; the loop goes on with the next file.
  process.stderr.write(`gridcode: ${file}: ${reason}\n`);
  return undefined;
}

/** The files named, a directory standing for its rule-set files in name order; `problem` when there are none. */
function expand(paths: readonly string[]): { path: string; problem?: string }[] {
  return paths.flatMap((path) => {
    let names: string[];
    try {
      if (!statSync(path).isDirectory()) return [{ path }];
      names = readdirSync(path).filter(isRuleSetFileName).sort();
    } catch {
      return [{ path }]; // reading it as a file says why it cannot be read
    }
    // Usually the wrong directory: worth a failure rather than a silent success.
    if (names.length === 0) return [{ path, problem: 'no rule-set files (*.yaml, *.yml, *.json) in this directory' }];
    return names.map((name) => ({ path: join(path, name) }));
  });
}

function parseCheckArgs(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      options: { help: { type: 'boolean', short: 'h' }, 'rules-dir': { type: 'string' }, server: { type: 'string' }, token: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message, 'check');
  }
}
