// `gridcode check`: compiles rule-set files as the server loads them, so a
// district can review its criteria before deploying them. Every error is
// printed with its line and a caret, then one summary line per file.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { compileRuleSet } from '../engine/src/rules/compile-rule-set.js';
import { formatDiagnostics } from '../engine/src/rules/format.js';
import type { CompiledRuleSet } from '../engine/src/rules/program.js';
import { isRuleSetFileName, MAX_RULE_SET_BYTES, ruleSetRef } from '../engine/src/rules/registry/index.js';
import { describeFsError, UsageError } from './errors.js';

export const CHECK_USAGE = `Usage: gridcode check FILE|DIR...

Compiles rule-set files exactly as the server loads them and prints every
error with its line and a caret under the place, then one line per file:
  rules/default.yaml: ok (id default@2026.11.1, 9 rules, digest sha256:…)
A directory stands for the rule-set files the server would load from it
(*.yaml, *.yml, *.json, not dotfiles, not subdirectories). As on the server,
two files with the same id@version and different content are an error, and
so is a file over ${MAX_RULE_SET_BYTES} bytes.

Options:
  -h, --help   show this help

Exit status: 0 every file compiles, 1 some file does not (or cannot be
read), 2 a bad command line.`;

export async function checkCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCheckArgs(args);
  if (values.help) {
    process.stdout.write(`${CHECK_USAGE}\n`);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('check needs at least one rule-set FILE or DIR', 'check');
  let failed = 0;
  let checked = 0;
  /** Loaded so far by id@version: the server keeps the first of two that differ. */
  const loaded = new Map<string, { file: string; ruleSet: CompiledRuleSet }>();
  for (const { path, problem } of expand(positionals)) {
    checked++;
    const ok = problem === undefined ? checkFile(path, loaded) : cannotCheck(path, problem);
    if (!ok) failed++;
  }
  if (checked > 1) process.stdout.write(`${checked} files: ${checked - failed} ok, ${failed} with errors\n`);
  return failed === 0 ? 0 : 1;
}

/** Checks one file; true when it would load. Read failures go to stderr, everything else to stdout. */
function checkFile(file: string, loaded: Map<string, { file: string; ruleSet: CompiledRuleSet }>): boolean {
  const source = readSource(file);
  if (source === undefined) return false;
  const { ruleSet, diagnostics } = compileRuleSet(source, { file });
  if (diagnostics.length > 0) process.stdout.write(`${formatDiagnostics(diagnostics, source, file).trimEnd()}\n`);
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
  const digest = ruleSet.digest.startsWith('sha256:') ? ruleSet.digest : `sha256:${ruleSet.digest}`;
  process.stdout.write(`${file}: ok (id ${ref}, ${ruleSet.rules.length} rule${ruleSet.rules.length === 1 ? '' : 's'}, digest ${digest})\n`);
  return true;
}

/** The text of `file`, or undefined after saying on stderr why it cannot be checked. */
function readSource(file: string): string | undefined {
  let bytes: Buffer;
  try {
    // The same limit as the server; checked before reading a stray huge file.
    const size = statSync(file).size;
    if (size > MAX_RULE_SET_BYTES) return cannotCheck(file, `${size} bytes; a rule set may have at most ${MAX_RULE_SET_BYTES} bytes`);
    bytes = readFileSync(file);
  } catch (error) {
    return cannotCheck(file, describeFsError(error));
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return cannotCheck(file, 'not UTF-8 text (corrupted, or saved in another encoding)');
  }
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
    return parseArgs({ args: [...args], options: { help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message, 'check');
  }
}
