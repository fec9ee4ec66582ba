// Looking up the rule-set catalog a task carries, with the caller's rights:
// the workers resolve a request's rule set here, and the service lists the
// rule sets a tenant may see with the same rules.
import { ServiceError } from '../rpc/codes.js';
import type { RuleSetCatalog, RuleSetEntry, TaskTenant } from './protocol.js';

/** At most this many rule sets are named in a not_found message. */
const LISTED = 20;

/** Whether the tenant may use rule set `id`. */
export function mayUse(tenant: TaskTenant, id: string): boolean {
  return tenant.ruleSets === '*' || tenant.ruleSets.includes(id);
}

/**
 * The entry `ref` names for `tenant`: '' its default, `id` the newest
 * version, `id@version` that one; not_found otherwise. A rule set the tenant
 * may not use is answered exactly like one that does not exist (issue 16):
 * same code, same message (whose list of available sets is the tenant's own),
 * so a tenant cannot learn which rule sets, or which versions of them, other
 * tenants have.
 */
export function resolveEntry(catalog: RuleSetCatalog, tenant: TaskTenant, ref: string): RuleSetEntry {
  const wanted = ref === '' ? tenant.defaultRuleSet : ref;
  // Rights first, by id, before any lookup: a missing version of a set the caller may not use takes the same path.
  const id = wanted.includes('@') ? wanted.slice(0, wanted.indexOf('@')) : wanted;
  const entry = mayUse(tenant, id) ? findEntry(catalog, wanted) : undefined;
  if (!entry) {
    const what = ref === '' ? `default rule set ${quote(wanted)}` : `rule set ${quote(ref)}`;
    const visible = catalog.entries.filter((e) => mayUse(tenant, e.id)).map((e) => `${e.id}@${e.version}`);
    const listed = visible.slice(0, LISTED).join(', ') + (visible.length > LISTED ? ` and ${visible.length - LISTED} more` : '');
    throw new ServiceError('not_found', `no ${what}; available: ${listed || 'none'}`);
  }
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
