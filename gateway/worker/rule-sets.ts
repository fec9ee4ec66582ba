// Rule sets inside a worker: resolved against the catalog a task carries,
// with the caller's rights, and compiled once per worker per digest.
import { compileRuleSet, type CompiledRuleSet } from '../../engine/src/index.js';
import type { RuleSetCatalog, RuleSetEntry, TaskTenant } from './protocol.js';
import { TaskError } from './task-error.js';

/** At most this many rule sets are named in a not_found message. */
const LISTED = 20;
/** Compiled rule sets kept per worker; a reload that changes every file still fits. */
const CACHE_LIMIT = 256;

const decoder = new TextDecoder('utf-8', { fatal: true });

export class RuleSetCache {
  private readonly compiled = new Map<string, CompiledRuleSet>();
  /** Compilations so far (tests check that each digest is compiled once). */
  compilations = 0;

  /** The compiled rule set of an entry of `catalog`. */
  get(catalog: RuleSetCatalog, entry: RuleSetEntry): CompiledRuleSet {
    const hit = this.compiled.get(entry.digest);
    if (hit) {
      // Most recently used last.
      this.compiled.delete(entry.digest);
      this.compiled.set(entry.digest, hit);
      return hit;
    }
    // A view of shared memory cannot be decoded while another thread might write it; nothing does, but copy the few KiB anyway.
    const source = decoder.decode(new Uint8Array(catalog.sources, entry.start, entry.end - entry.start).slice());
    const { ruleSet, diagnostics } = compileRuleSet(source);
    this.compilations++;
    if (!ruleSet || diagnostics.length > 0) {
      // The registry compiled the same source: this cannot happen unless the catalog is corrupt.
      throw new Error(`rule set ${entry.id}@${entry.version} (digest ${entry.digest}) does not compile in the worker: ${diagnostics[0]?.message ?? 'no rule set'}`);
    }
    if (ruleSet.digest !== entry.digest) throw new Error(`rule set ${entry.id}@${entry.version}: the source's digest ${ruleSet.digest} is not the catalog's ${entry.digest}`);
    this.compiled.set(entry.digest, ruleSet);
    if (this.compiled.size > CACHE_LIMIT) this.compiled.delete(this.compiled.keys().next().value!);
    return ruleSet;
  }
}

/** Whether the tenant may use rule set `id`. */
export function mayUse(tenant: TaskTenant, id: string): boolean {
  return tenant.ruleSets === '*' || tenant.ruleSets.includes(id);
}

/**
 * The entry `ref` names for `tenant`: '' its default, `id` the newest
 * version, `id@version` that one. permission_denied when the tenant may not
 * use a loaded rule set of that id (whatever the version), else not_found when
 * no such rule set is loaded.
 */
export function resolveEntry(catalog: RuleSetCatalog, tenant: TaskTenant, ref: string): RuleSetEntry {
  const wanted = ref === '' ? tenant.defaultRuleSet : ref;
  // Rights first, by id: answering not_found for a missing version of a set the
  // caller may not use would tell it which versions another district has.
  const id = wanted.includes('@') ? wanted.slice(0, wanted.indexOf('@')) : wanted;
  if (!mayUse(tenant, id) && catalog.entries.some((e) => e.id === id)) {
    throw new TaskError('permission_denied', `rule set ${quote(ref === '' ? wanted : ref)} is not available to this caller`);
  }
  const entry = findEntry(catalog, wanted);
  if (!entry) {
    const what = ref === '' ? `default rule set ${quote(wanted)}` : `rule set ${quote(ref)}`;
    const visible = catalog.entries.filter((e) => mayUse(tenant, e.id)).map((e) => `${e.id}@${e.version}`);
    const listed = visible.slice(0, LISTED).join(', ') + (visible.length > LISTED ? ` and ${visible.length - LISTED} more` : '');
    throw new TaskError('not_found', `no ${what}; available: ${listed || 'none'}`);
  }
  if (!mayUse(tenant, entry.id)) throw new TaskError('permission_denied', `rule set ${quote(ref === '' ? wanted : ref)} is not available to this caller`);
  return entry;
}

export function findEntry(catalog: RuleSetCatalog, ref: string): RuleSetEntry | undefined {
  const at = ref.indexOf('@');
  if (at < 0) {
    const index = Object.hasOwn(catalog.newest, ref) ? catalog.newest[ref] : undefined;
    return index === undefined ? undefined : catalog.entries[index];
  }
  const id = ref.slice(0, at);
  const version = ref.slice(at + 1);
  return catalog.entries.find((e) => e.id === id && e.version === version);
}

function quote(ref: string): string {
  return JSON.stringify(ref.length > 80 ? `${ref.slice(0, 77)}...` : ref);
}
