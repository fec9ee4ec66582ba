// What `gridcode tune` checks before it scores anything (issue 17 review):
// the new version must sort after the old one in the registry's version order
// and not be a version the rules directories already hold, and the file must
// not land where a service would load it or overwrite a file unasked.
// Directories are compared by real path, so a symlink to the rules directory
// or running inside it is caught; nothing is created to check.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { CompiledRuleSet } from '../../engine/src/index.js';
import { compareVersions, NoDefaultRuleSet, RuleSetRegistry } from '../../engine/src/rules/registry/index.js';
import { InputError, UsageError } from '../errors.js';

/** Refuses a --version that does not sort after the old one, or that `dirs` already hold for the id. */
export async function checkVersion(old: CompiledRuleSet, version: string, dirs: readonly string[]): Promise<void> {
  if (version.trim() === '' || version === old.version) throw new UsageError(`--version ${JSON.stringify(version)}: give a version other than the old one (${old.version})`, 'tune');
  if (compareVersions(version, old.version) <= 0) {
    throw new UsageError(`--version ${JSON.stringify(version)} sorts before the old version ${old.version} (gridcode's version order: numbers as numbers), so ${old.id} would still mean the old one: give a later version`, 'tune');
  }
  for (const dir of uniqueDirs(dirs)) {
    const holder = (await versionsIn(dir, old.id)).find((ruleSet) => ruleSet.version === version);
    if (holder) throw new UsageError(`--version ${JSON.stringify(version)}: ${old.id}@${version} already exists in ${dir} (digest ${holder.digest.slice(0, 12)}): the same reference must not name two contents: give a new version`, 'tune');
  }
}

/** Refuses an output inside any of `dirs` (by real path), or an existing file without --force. */
export function checkOutput(output: string, dirs: readonly string[], force: boolean): void {
  const at = realDir(dirname(resolve(output)));
  for (const dir of uniqueDirs(dirs)) {
    if (at === dir) throw new UsageError(`--output ${JSON.stringify(output)} is in the rules directory ${dir}, where a running service would load it: write it elsewhere, review it, then copy it there`, 'tune');
  }
  if (existsSync(output) && !force) throw new UsageError(`--output ${JSON.stringify(output)} exists: give --force to overwrite it, or another --output`, 'tune');
}

/** The real paths of the directories that exist, each once. */
function uniqueDirs(dirs: readonly string[]): string[] {
  return [...new Set(dirs.filter((dir) => isDirectory(dir)).map(realDir))];
}

function realDir(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return resolve(dir);
  }
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** The loaded versions of `id` in `dir` (none when it has no such rule set); files that fail to load are not versions. */
async function versionsIn(dir: string, id: string): Promise<CompiledRuleSet[]> {
  const loaded: CompiledRuleSet[] = [];
  const quiet = () => undefined;
  try {
    const registry = await RuleSetRegistry.open({
      dir,
      defaultId: id,
      watch: false,
      logger: { info: quiet, warn: quiet, error: quiet },
      onEvent: (event) => {
        if (event.type === 'loaded' && event.ruleSet.id === id) loaded.push(event.ruleSet);
      },
    });
    await registry.close();
  } catch (error) {
    if (!(error instanceof NoDefaultRuleSet)) throw new InputError(dir, `cannot read it to check --version: ${(error as Error).message}`);
  }
  return loaded;
}
