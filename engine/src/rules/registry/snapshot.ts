// One immutable view of the loaded rule sets. The registry never changes a
// snapshot: a reload builds a new one and swaps it in, so a batch that
// resolved its rule set (or holds a snapshot) keeps exactly what it started with.
import { BatchError } from '../../errors.js';
import type { CompiledRuleSet } from '../program.js';
import { compareVersions } from './version-order.js';

/** How a loaded version is addressed: `id@version`. */
export function ruleSetRef(ruleSet: Pick<CompiledRuleSet, 'id' | 'version'>): string {
  return `${ruleSet.id}@${ruleSet.version}`;
}

/** At most this many loaded versions are named in a not_found message. */
const LISTED_IN_ERRORS = 20;

export class RuleSetSnapshot {
  /** Every loaded version by `id@version`. */
  readonly versions: ReadonlyMap<string, CompiledRuleSet>;
  /** The newest version (version-order.ts) of each id. */
  readonly newest: ReadonlyMap<string, CompiledRuleSet>;
  /** The newest version of the default id; undefined only in a registry that could not load it. */
  readonly default: CompiledRuleSet | undefined;
  private readonly sorted: readonly CompiledRuleSet[];

  /** `ruleSets` must not repeat an `id@version` (the registry refuses such duplicates before). */
  constructor(
    ruleSets: Iterable<CompiledRuleSet>,
    readonly defaultId: string,
  ) {
    const sorted = [...ruleSets].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : compareVersions(a.version, b.version)));
    const versions = new Map<string, CompiledRuleSet>();
    const newest = new Map<string, CompiledRuleSet>();
    for (const ruleSet of sorted) {
      versions.set(ruleSetRef(ruleSet), ruleSet);
      newest.set(ruleSet.id, ruleSet); // ascending order: the last one wins
    }
    this.sorted = Object.freeze(sorted);
    this.versions = versions;
    this.newest = newest;
    this.default = newest.get(defaultId);
  }

  static readonly empty = new RuleSetSnapshot([], 'default');

  /**
   * The rule set `ref` names: `''` the default, `id` its newest version,
   * `id@version` that version. Throws BatchError('not_found') naming what is loaded.
   */
  resolve(ref: string): CompiledRuleSet {
    const ruleSet = ref === '' ? this.default : ref.includes('@') ? this.versions.get(ref) : this.newest.get(ref);
    if (ruleSet) return ruleSet;
    const what = ref === '' ? `default rule set "${this.defaultId}"` : `rule set ${quote(ref)}`;
    throw new BatchError('not_found', `no ${what}; loaded: ${this.describeLoaded()}`);
  }

  /** Every loaded version, by id then version order (ListRuleSets). */
  list(): readonly CompiledRuleSet[] {
    return this.sorted;
  }

  private describeLoaded(): string {
    if (this.sorted.length === 0) return 'none';
    const refs = this.sorted.slice(0, LISTED_IN_ERRORS).map(ruleSetRef);
    const more = this.sorted.length - refs.length;
    return refs.join(', ') + (more > 0 ? ` and ${more} more` : '');
  }
}

/** The requested name as it reads in a message; a client may send anything, so it is cut short. */
function quote(ref: string): string {
  return JSON.stringify(ref.length > 80 ? `${ref.slice(0, 77)}...` : ref);
}
