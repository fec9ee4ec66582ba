// The rule set a command scores with: a rule-set file given by path
// (compiled, its `extends` base looked up beside it or in --rules-dir), or an
// `id[@version]` among the rule sets of a rules directory (the package's
// rules/ by default), loaded once and not watched — the registry the server
// uses, so the CLI and the server agree on what a reference means.
import { existsSync, statSync } from 'node:fs';
import { dirname, extname, join, sep } from 'node:path';
import { BatchError, type CompiledRuleSet } from '../engine/src/index.js';
import { packageRoot } from '../engine/src/package-root.js';
import { compileRuleSet } from '../engine/src/rules/compile-rule-set.js';
import { formatDiagnostics } from '../engine/src/rules/format.js';
import { NoDefaultRuleSet, RuleSetRegistry, ruleSetRef } from '../engine/src/rules/registry/index.js';
import { CommandError, describeFsError, InputError } from './errors.js';
import { folderResolver } from './rule-set-folder.js';
import { readRuleSetText } from './rule-set-text.js';

/** The rule set that a request without one, and no --rule-set, is scored with. */
export const DEFAULT_RULE_SET_ID = 'default';
const RULE_SET_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/**
 * The rule set to score with: `flag` is a rule-set file or a reference into
 * the rules directory; without it, the request's reference ('' = the default).
 */
export async function resolveRuleSet(flag: string | undefined, requested: string, rulesDir: string | undefined): Promise<CompiledRuleSet> {
  if (flag !== undefined && isRuleSetPath(flag)) return compileFile(flag);
  return fromDirectory(rulesDir ?? join(packageRoot, 'rules'), flag ?? requested);
}

/**
 * A rule-set file rather than an `id[@version]`: an existing file with a
 * rule-set extension, or anything an id cannot be (ids are [a-z0-9_-]+) such
 * as `x.yaml` or `dir/x`, so that a mistyped path says "no such file".
 */
export function isRuleSetPath(value: string): boolean {
  const extension = RULE_SET_EXTENSIONS.has(extname(value).toLowerCase());
  if (extension && existsSync(value)) return true;
  return !value.includes('@') && (extension || value.includes('/') || value.includes(sep));
}

function compileFile(path: string): CompiledRuleSet {
  const read = readRuleSetText(path);
  if (!('source' in read)) throw new InputError(path, read.error);
  const { source } = read;
  // `extends` is looked up beside the file, as `gridcode check` does (issue 15).
  const { ruleSet, diagnostics } = compileRuleSet(source, { file: path, resolve: folderResolver(dirname(path)) });
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

