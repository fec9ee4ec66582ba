// Where `gridcode check` finds the base of `extends: id@version`: the rule-set
// files of one folder (--rules-dir, or the checked file's own folder), as the
// server finds it among the files of its rules directory. Each file is read
// once (cli/rule-set-text.ts: the server's size limit and encoding check) and
// indexed by the id@version it declares. Every file declaring an id@version is
// a candidate, in name order: compileRuleSet (rules/bases.ts loadBase) takes
// the first that compiles, its own `extends` resolved in the same folder, which
// is the file the server's registry serves (it loads files in name order, and
// of two with one id@version the first that loads holds it).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { compileRuleSet } from '../engine/src/rules/compile-rule-set.js';
import type { BaseSource, ResolveBase } from '../engine/src/rules/bases.js';
import { isRuleSetFileName } from '../engine/src/rules/registry/index.js';
import { readRuleSetText } from './rule-set-text.js';

const folders = new Map<string, Map<string, BaseSource[]>>();

/** A resolver over the rule-set files of `dir` (read on first use, then kept for the run). */
export function folderResolver(dir: string): ResolveBase {
  return (ref) => index(dir).get(ref);
}

function index(dir: string): Map<string, BaseSource[]> {
  let found = folders.get(dir);
  if (found) return found;
  found = new Map();
  folders.set(dir, found);
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter(isRuleSetFileName).sort();
  } catch {
    return found; // an unreadable folder provides no base: `extends` says so
  }
  for (const name of names) {
    const file = join(dir, name);
    const read = readRuleSetText(file);
    if (!('source' in read)) continue; // the server would not load it either
    // Only its id@version is wanted here; whether it compiles is decided when it is asked for as a base.
    const { id, version } = compileRuleSet(read.source, { file });
    if (id === undefined || version === undefined) continue;
    const ref = `${id}@${version}`;
    found.set(ref, [...(found.get(ref) ?? []), { ref, source: read.source, file }]);
  }
  return found;
}
