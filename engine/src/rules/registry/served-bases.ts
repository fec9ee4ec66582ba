// The registry's side of `extends: id@version` (rules/bases.ts): a base is
// looked for among the rule sets the directory's files serve now (and the
// bases those carry), and a file read before the file of its base waits for
// it. Files are read in name order, so without waiting a district's file
// named before its base would fail on every start: settle compiles the
// waiting files again as long as each round loads one more, so the order
// files are read in never decides whether a derived rule set loads.
import { findLoaded, type BaseCache, type BaseSource } from '../bases.js';
import type { CompiledRuleSet } from '../program.js';
import { ruleSetRef } from './snapshot.js';

/** What the registry knows of one file of the directory. */
export interface FileEntry {
  readonly name: string;
  /** sha256 of the bytes last read, or why they could not be read: seeing the same again is no news. */
  seen: string;
  /** Compile it again even if its bytes are what was seen: its `extends` base was not found, and may have arrived since. */
  recheck: boolean;
  /** The last version that loaded from this file: what it serves. */
  served?: CompiledRuleSet | undefined;
  /** Compiled from the current content but refused as a duplicate id@version; offered again when the other file changes. */
  blocked?: CompiledRuleSet | undefined;
  current: boolean;
  /** A link, whose content changes under another name. */
  linked: boolean;
  failures: number;
  /** `seen` and the error of the last failure: the same bytes failing the same way again is not counted, logged or reported again. */
  failedOn?: string | undefined;
  /** The `extends` base it did not find when last compiled. */
  missingBase?: string | undefined;
  lastError?: string | undefined;
  lastErrorAt?: Date | undefined;
}

/** One pass over changed files: the files put off until their base may have loaded, and the bases compiled so far. */
export interface Round {
  /** Absent on the last pass: a file whose base is still missing then fails. */
  readonly waiting?: string[];
  readonly bases: BaseCache;
}

/**
 * `ref` among the rule sets `files` serve (and `orphan`, the default kept in
 * memory), then among the bases they carry: what the directory provides.
 * `display` turns a file name into the path messages show.
 */
export function baseAmongServed(ref: string, files: Iterable<FileEntry>, orphan: CompiledRuleSet | undefined, display: (name: string) => string): BaseSource | undefined {
  const entries = [...files];
  const served = entries.flatMap((entry) => (entry.served ? [entry.served] : []));
  if (orphan) served.push(orphan);
  const found = findLoaded(ref, served, ruleSetRef, (ruleSet) => ruleSet.bases);
  if (!found) return undefined;
  if ('base' in found) return found.base;
  return { ref, source: found.ruleSet.source, file: display(entries.find((entry) => entry.served === found.ruleSet)?.name ?? '(memory)') };
}

/** Marks every file of `files` whose base was missing (but `except`) to be compiled again; their names. */
export function recheckWaiting(files: Iterable<FileEntry>, except?: string): string[] {
  const names: string[] = [];
  for (const entry of files) {
    if (entry.missingBase === undefined || entry.name === except) continue;
    entry.recheck = true;
    names.push(entry.name);
  }
  return names;
}

/**
 * Compiles the `waiting` files again (refresh puts back those whose base is
 * still missing) as long as one more loads each round; those still waiting
 * then get a last pass without `waiting`, in which they fail with their error.
 */
export async function settle(waiting: string[], bases: BaseCache, refresh: (name: string, round: Round) => Promise<void>): Promise<void> {
  let progress = true;
  while (waiting.length > 0 && progress) {
    const round = waiting.splice(0);
    for (const name of round) await refresh(name, { waiting, bases });
    progress = waiting.length < round.length;
  }
  for (const name of waiting.splice(0)) await refresh(name, { bases });
}
