// The loaded rule sets of a directory (rules.md, Life cycle): every version of
// every file, addressed as `id` (newest) or `id@version`, one of them the
// default; changed and added files are picked up without a restart. A
// version stays loaded as long as a file holds it: editing a file to a new
// version unloads the old one (keep an old version addressable as its own
// file). Write files atomically (write `.x.yaml.tmp`, rename it to `x.yaml`;
// dotfiles are ignored): the registry waits for a file to be quiet for 100 ms,
// but a file cut at a rule boundary, or even inside a value (`score: 5` of
// `score: 50`), may still compile (docs/faults.md).
//
// The rules that keep the service safe while districts edit files:
// - What is served is an immutable RuleSetSnapshot, replaced as a whole: a
//   batch keeps the rule set (or snapshot) it resolved, whatever happens next.
// - A file that cannot be loaded (unreadable, too large, not UTF-8, does not
//   compile, half-written, a duplicate id@version) never replaces what that
//   file served before: the failure is logged, counted and reported.
// - An id@version means one content: a file whose content changes but keeps
//   its id@version is refused (a truncated or half-rewritten file is the usual
//   cause), unless the new content extends the one served, which is how the
//   rest of a half-written file arrives.
// - The default rule set never disappears: if its only version goes away, it
//   stays served (from memory) until a file provides that id again.
// - All changes run one at a time, in order, on one queue.
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { compileRuleSet } from '../compile-rule-set.js';
import type { Diagnostic } from '../diagnostics.js';
import { formatDiagnostics } from '../format.js';
import type { CompiledRuleSet } from '../program.js';
import type { BaseCache } from '../bases.js';
import type { CompileRuleSet, FileStatus, RegistryEvent, RegistryLogger } from './events.js';
import { isRuleSetFileName, MAX_RULE_SET_BYTES, readRuleSetFile } from './rule-set-files.js';
import { baseAmongServed, recheckWaiting, settle, type FileEntry, type Round } from './served-bases.js';
import { RuleSetSnapshot, ruleSetRef } from './snapshot.js';
import { unversionedChange } from './unversioned-change.js';
import { watchDirectory, type DirectoryWatcher } from './watcher.js';

export interface RuleSetRegistryOptions {
  /** The directory of rule-set files (`*.yaml`, `*.yml`, `*.json`; not its subdirectories). */
  readonly dir: string;
  /** The id that `''` (a request without a rule set) means. */
  readonly defaultId?: string;
  /** Pick up changes by watching the directory; reload() works either way. */
  readonly watch?: boolean;
  readonly logger?: RegistryLogger;
  /** Every load, failure and removal, for metrics. Called synchronously; must not throw. */
  readonly onEvent?: (event: RegistryEvent) => void;
  readonly compile?: CompileRuleSet;
  readonly maxFileBytes?: number;
  /** How long a file must be quiet before it is read. */
  readonly debounceMs?: number;
}

/** The directory holds no loadable rule set with the default id: a registry without its default cannot serve. */
export class NoDefaultRuleSet extends Error {
  override readonly name = 'NoDefaultRuleSet';
  constructor(
    readonly defaultId: string,
    message: string,
  ) {
    super(message);
  }
}

export class RuleSetRegistry {
  private current: RuleSetSnapshot;
  private readonly files = new Map<string, FileEntry>();
  /** The default's last version, kept after no file provides the default id any more. */
  private orphan: CompiledRuleSet | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  /** Reported once the snapshot they describe is served: a listener that reacts to `loaded` must find it. */
  private unreported: RegistryEvent[] = [];
  private watcher: DirectoryWatcher | undefined;
  private closed = false;
  private readonly defaultId: string;
  private readonly logger: RegistryLogger;
  private readonly compile: CompileRuleSet;
  private readonly maxFileBytes: number;

  private constructor(
    /** The directory as given, for messages. */
    private readonly dir: string,
    /** Its real path: where files must be. */
    private readonly realDir: string,
    private readonly options: RuleSetRegistryOptions,
  ) {
    this.defaultId = options.defaultId ?? 'default';
    this.logger = options.logger ?? console;
    this.compile = options.compile ?? compileRuleSet;
    this.maxFileBytes = options.maxFileBytes ?? MAX_RULE_SET_BYTES;
    this.current = new RuleSetSnapshot([], this.defaultId);
  }

  /**
   * Loads every rule-set file of `dir`. Rejects when the directory cannot be
   * read or the default rule set did not load: a service must not start without it.
   */
  static async open(options: RuleSetRegistryOptions): Promise<RuleSetRegistry> {
    let realDir: string;
    try {
      realDir = await realpath(options.dir);
      if (!(await stat(realDir)).isDirectory()) throw new Error('not a directory');
    } catch (error) {
      throw new Error(`rule-set directory ${options.dir}: ${(error as Error).message}`);
    }
    const registry = new RuleSetRegistry(options.dir, realDir, options);
    // Watch before the first scan, so that a file written during it is not missed.
    if (options.watch ?? true) {
      registry.watcher = watchDirectory(realDir, {
        debounceMs: options.debounceMs ?? 100,
        onChange: (name) => void registry.enqueue(() => (name === undefined ? registry.scan() : registry.changed(name))).catch((error: unknown) => registry.logger.error(`rule sets: reload failed: ${String(error)}`)),
        onError: (error) => registry.logger.error(`rule sets: watching ${options.dir} failed (${error.message}); changes are picked up only by reload()`),
      });
    }
    await registry.reload();
    const loaded = registry.current;
    if (!loaded.default) {
      await registry.close();
      const failing = registry.status().filter((file) => !file.current).map((file) => `\n  ${file.file}: ${file.lastError ?? 'not loaded'}`);
      throw new NoDefaultRuleSet(registry.defaultId, `no default rule set "${registry.defaultId}" in ${options.dir} (loaded: ${loaded.list().map(ruleSetRef).join(', ') || 'none'})${failing.join('')}`);
    }
    registry.logger.info(`rule sets: ${loaded.list().length} loaded from ${options.dir}, default ${ruleSetRef(loaded.default)}`);
    return registry;
  }

  /** What is served now. Hold on to it (or to a resolved rule set) for the length of a batch. */
  get snapshot(): RuleSetSnapshot {
    return this.current;
  }

  /** `''` the default, `id` its newest version, `id@version` that one; else BatchError('not_found'). */
  resolve(ref: string): CompiledRuleSet {
    return this.current.resolve(ref);
  }

  list(): readonly CompiledRuleSet[] {
    return this.current.list();
  }

  /** Every rule-set file of the directory with its failure count and last error, by name. */
  status(): FileStatus[] {
    return [...this.files.values()]
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map(({ name, served, current, failures, lastError, lastErrorAt }) => ({ file: name, ruleSet: served, current, failures, lastError, lastErrorAt }));
  }

  /** Reads the whole directory again (tests, SIGHUP, a platform without fs.watch); resolves to the snapshot then served. */
  reload(): Promise<RuleSetSnapshot> {
    return this.enqueue(() => this.scan());
  }

  /** Stops watching and waits for a reload under way; no timer or watcher is left behind. */
  async close(): Promise<void> {
    this.closed = true;
    this.watcher?.close();
    this.watcher = undefined;
    await this.queue;
  }

  private enqueue(task: () => Promise<RuleSetSnapshot>): Promise<RuleSetSnapshot> {
    const run = this.queue.then(() => (this.closed ? this.current : task()));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async scan(): Promise<RuleSetSnapshot> {
    let names: string[];
    try {
      names = (await readdir(this.realDir)).filter(isRuleSetFileName);
    } catch (error) {
      this.logger.error(`rule sets: cannot read ${this.dir} (${(error as Error).message}); still serving ${this.current.list().map(ruleSetRef).join(', ') || 'nothing'}`);
      return this.current;
    }
    // Known files missing from the listing are read too: they turn out gone.
    // Name order, so that of two files with the same id@version the first loads.
    const round = { waiting: [] as string[], bases: new Map() as BaseCache };
    // A file that waited for a base is compiled again even if unchanged: its base may have arrived.
    recheckWaiting(this.files.values());
    for (const name of [...new Set([...names, ...this.files.keys()])].sort()) await this.refresh(name, round);
    await settle(round.waiting, round.bases, (name, next) => this.refresh(name, next));
    return this.publish();
  }

  private async changed(name: string): Promise<RuleSetSnapshot> {
    // Another name (a ConfigMap's ..data link swapped, a subdirectory) may
    // change what links resolve to: read everything.
    if (!isRuleSetFileName(name)) return this.scan();
    const bases: BaseCache = new Map();
    await this.refresh(name, { bases });
    for (const entry of [...this.files.values()]) if (entry.linked && entry.name !== name) await this.refresh(entry.name, { bases });
    // Files that waited for a base: this one may be it.
    await settle(recheckWaiting(this.files.values(), name), bases, (other, round) => this.refresh(other, round));
    return this.publish();
  }

  /** Reads and compiles `name`; with `round.waiting`, a file whose base is not (yet) found is put there instead of failing. */
  private async refresh(name: string, round: Round): Promise<void> {
    const read = await readRuleSetFile(this.realDir, name, this.maxFileBytes);
    let entry = this.files.get(name);
    if (read.kind === 'missing') {
      if (entry) this.remove(entry);
      return;
    }
    const seen = read.kind === 'source' ? `sha256:${read.sha256}` : `error:${read.error}`;
    if (entry?.seen === seen && !entry.recheck) return;
    if (!entry) {
      entry = { name, seen, recheck: false, current: false, linked: false, failures: 0 };
      this.files.set(name, entry);
    }
    entry.seen = seen;
    entry.recheck = false;
    entry.linked = read.linked ?? false;
    entry.blocked = undefined;
    if (read.kind === 'error') return this.fail(entry, read.error);
    let result;
    try {
      result = this.compile(read.source, { file: this.display(name), resolve: (ref) => baseAmongServed(ref, this.files.values(), this.orphan, (file) => this.display(file)), baseCache: round.bases });
    } catch (error) {
      // A compiler bug on one file must not stop the others from loading.
      return this.fail(entry, `the compiler failed (a gridcode bug): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    const { ruleSet, diagnostics } = result;
    entry.missingBase = result.missingBase;
    if (result.missingBase !== undefined && round.waiting) {
      entry.recheck = true; // compiled again in the next round
      round.waiting.push(name);
      return;
    }
    if (!ruleSet || diagnostics.length > 0) {
      const first = diagnostics[0];
      const summary = first ? `${diagnostics.length} error${diagnostics.length === 1 ? '' : 's'}, first at ${first.line}:${first.column}: ${first.message}` : 'the compiler returned no rule set';
      return this.fail(entry, summary, diagnostics, read.source);
    }
    const unversioned = unversionedChange(entry.served, ruleSet);
    if (unversioned) return this.fail(entry, unversioned);
    // Loaded all the same, as `gridcode check` passes them: logged with their carets so that the district hears of them.
    const warnings = result.warnings ?? [];
    if (warnings.length > 0) this.logger.warn(`rule sets: ${name}: ${warnings.length} warning${warnings.length === 1 ? '' : 's'} (it loads)\n${formatDiagnostics(warnings, read.source, this.display(name)).trimEnd()}`);
    this.offer(entry, ruleSet);
  }

  /** Serves `ruleSet` from `entry`, unless another file already serves that id@version with other content. */
  private offer(entry: FileEntry, ruleSet: CompiledRuleSet): void {
    const ref = ruleSetRef(ruleSet);
    const holder = this.holderOf(entry, ruleSet);
    if (holder) {
      entry.blocked = ruleSet;
      return this.fail(entry, `${ref} is already loaded from ${holder.name} with different content; give one of them a new version`);
    }
    const previous = entry.served;
    entry.served = ruleSet;
    entry.blocked = undefined;
    entry.current = true;
    entry.failedOn = undefined;
    const from = `${ref} (${ruleSet.rules.length} rule${ruleSet.rules.length === 1 ? '' : 's'}, digest ${ruleSet.digest}) from ${entry.name}`;
    if (previous && ruleSetRef(previous) === ref && previous.digest !== ruleSet.digest) {
      this.logger.warn(`rule sets: ${entry.name} grew without a new version (the rest of a half-written file?): ${from} replaces the previous ${ref} (digest ${previous.digest}), which it extends`);
    } else {
      this.logger.info(`rule sets: loaded ${from}${previous ? `, replacing ${ruleSetRef(previous)}` : ''}`);
    }
    if (previous && previous.id === this.defaultId && ruleSet.id !== this.defaultId) this.keepDefault(previous, `${entry.name} now holds ${ref}`);
    this.emit({ type: 'loaded', file: entry.name, ruleSet, previous });
  }

  /** Another file serving the same id@version as `ruleSet` with other content. */
  private holderOf(entry: FileEntry, ruleSet: CompiledRuleSet): FileEntry | undefined {
    const ref = ruleSetRef(ruleSet);
    return [...this.files.values()].find((other) => other !== entry && other.served && ruleSetRef(other.served) === ref && other.served.digest !== ruleSet.digest);
  }

  private fail(entry: FileEntry, error: string, diagnostics: readonly Diagnostic[] = [], source?: string): void {
    entry.current = false;
    // The same bytes failing the same way (a file whose base is still missing, compiled again on every scan): no news, so not counted again.
    const outcome = `${entry.seen}\n${error}`;
    if (entry.failedOn === outcome) return;
    entry.failedOn = outcome;
    entry.failures++;
    entry.lastError = error;
    entry.lastErrorAt = new Date();
    const still = entry.served ? `; still serving ${ruleSetRef(entry.served)} from it` : '';
    const details = diagnostics.length > 0 && source !== undefined ? `\n${formatDiagnostics(diagnostics, source, this.display(entry.name)).trimEnd()}` : '';
    this.logger.error(`rule sets: ${entry.name} not loaded (failure ${entry.failures}): ${error}${still}${details}`);
    this.emit({ type: 'failed', file: entry.name, error, diagnostics, failures: entry.failures });
  }

  private remove(entry: FileEntry): void {
    this.files.delete(entry.name);
    if (!entry.served) {
      this.logger.info(`rule sets: ${entry.name} is gone (it had not loaded)`);
      return;
    }
    const kept = entry.served.id === this.defaultId && this.keepDefault(entry.served, `${entry.name} was removed`);
    if (!kept) this.logger.info(`rule sets: ${entry.name} is gone: unloaded ${ruleSetRef(entry.served)}`);
    this.emit({ type: 'removed', file: entry.name, ruleSet: entry.served, kept });
  }

  /** Keeps `ruleSet`, a version of the default, when no file provides the default id any more. */
  private keepDefault(ruleSet: CompiledRuleSet, why: string): boolean {
    if ([...this.files.values()].some((entry) => entry.served?.id === this.defaultId)) return false;
    this.orphan = ruleSet;
    this.logger.error(
      `rule sets: ATTENTION: ${why}, and no other file provides the default rule set "${this.defaultId}". ` +
        `Still serving ${ruleSetRef(ruleSet)} (digest ${ruleSet.digest}) from memory; it is lost on restart. Put a "${this.defaultId}" rule set back in ${this.dir}.`,
    );
    return true;
  }

  /** Builds the snapshot from the files and swaps it in if anything changed. */
  private publish(): RuleSetSnapshot {
    // A file refused as a duplicate loads once the other file changed version or went away.
    const entries = [...this.files.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) if (entry.blocked && !this.holderOf(entry, entry.blocked)) this.offer(entry, entry.blocked);
    const served = new Map<string, CompiledRuleSet>();
    for (const entry of entries) {
      // Two files with the same id@version and the same content: either will do.
      if (entry.served && !served.has(ruleSetRef(entry.served))) served.set(ruleSetRef(entry.served), entry.served);
    }
    if (this.orphan) {
      const back = [...served.values()].find((ruleSet) => ruleSet.id === this.defaultId);
      if (back) {
        this.logger.info(`rule sets: the default "${this.defaultId}" is provided by a file again (${ruleSetRef(back)}); dropped ${ruleSetRef(this.orphan)} kept from memory`);
        this.orphan = undefined;
      } else {
        served.set(ruleSetRef(this.orphan), this.orphan);
      }
    }
    const previous = this.current.versions;
    const same = served.size === previous.size && [...served].every(([ref, ruleSet]) => previous.get(ref) === ruleSet);
    if (!same) this.current = new RuleSetSnapshot(served.values(), this.defaultId);
    for (const event of this.unreported.splice(0)) {
      try {
        this.options.onEvent?.(event);
      } catch (error) {
        this.logger.error(`rule sets: the onEvent callback threw on a ${event.type} event: ${String(error)}`);
      }
    }
    return this.current;
  }

  private emit(event: RegistryEvent): void {
    this.unreported.push(event);
  }

  private display(name: string): string {
    return join(this.dir, name);
  }
}
