// gridcode_tenant_requests_total{tenant,code}: which tenant sends the traffic.
// The tenant label is bounded by the operator's tokens file, never by what a
// client sends: only the ids of the tenants the file has now are counted
// (without a tokens file, every call is "anonymous"). Calls answered before a
// tenant was known (no or a wrong token, a malformed request refused before
// authentication) are not a tenant's: gridcode_requests_total counts them.
// A tenant a reload removes stops growing, and its series are dropped at
// once: they leave the exposition at the next scrape (Prometheus marks them
// stale), so the series never outnumber the tenants of the current file times
// the codes.
import { Counter, type Registry } from 'prom-client';
import { ERROR_CODES } from '../rpc/codes.js';

/** The tenant label without a tokens file (one built-in tenant, whatever its internal id). */
export const ANONYMOUS_TENANT = 'anonymous';

const CODES = ['ok', ...Object.keys(ERROR_CODES)];

export class TenantRequests {
  private readonly counter: Counter<'tenant' | 'code'>;
  /** undefined: no tokens file, every tenant is anonymous. */
  private tenants: ReadonlySet<string> | undefined;

  constructor(registry: Registry) {
    this.counter = new Counter({
      name: 'gridcode_tenant_requests_total',
      help: 'RPCs answered for an authenticated tenant, by tenant (an id of the tokens file; anonymous without one) and result code (ok or the error code)',
      labelNames: ['tenant', 'code'],
      registers: [registry],
    });
    this.setTenants(undefined);
  }

  /** The tenants of the tokens file (at start and after each reload), or undefined without one. */
  setTenants(ids: readonly string[] | undefined): void {
    const next = ids === undefined ? undefined : new Set(ids);
    const before = this.tenants === undefined ? [ANONYMOUS_TENANT] : [...this.tenants];
    for (const tenant of before) {
      const stays = next === undefined ? tenant === ANONYMOUS_TENANT : next.has(tenant);
      if (!stays) for (const code of CODES) this.counter.remove({ tenant, code });
    }
    this.tenants = next;
    // Every tenant shows from the start (ok at 0), so that rate() sees its first request.
    for (const tenant of next ?? [ANONYMOUS_TENANT]) this.counter.inc({ tenant, code: 'ok' }, 0);
  }

  /** One finished call: `tenant` is its authenticated tenant id, if any; `code` is already bounded (ok or an error code). */
  observe(tenant: string | undefined, code: string): void {
    if (tenant === undefined) return;
    const label = this.tenants === undefined ? ANONYMOUS_TENANT : this.tenants.has(tenant) ? tenant : undefined;
    if (label !== undefined) this.counter.inc({ tenant: label, code });
  }
}
