// Bearer tokens → tenants. The tokens file holds sha256 hashes, never tokens:
//
//   tenants:
//     - id: district-a
//       tokens: [sha256:9f86d08…]          # npm run -s token-hash -- <token>
//       rule_sets: [default, district-a]    # or "*" for every rule set
//       default_rule_set: district-a
//
// A presented token is hashed and compared with every stored hash in constant
// time (token-file.ts). Without a tokens file there is one built-in tenant
// that may use every rule set.
import { ServiceError } from '../rpc/codes.js';
import type { Tenant } from '../rpc/types.js';
import { NOT_A_HASH, TenantsError, matchDigest, readTokensDocument, storedDigest } from './token-file.js';

export { TenantsError, hashToken } from './token-file.js';

/** The id of the tenant used when there is no tokens file. */
export const BUILT_IN_TENANT_ID = 'local';

/** What a client is told for a missing, malformed or unknown token: the same for all. */
export const UNAUTHENTICATED_MESSAGE = 'a valid bearer token is required (Authorization: Bearer <token>)';

/** Whether tenant may use rule set `id` (an id, not `id@version`). */
export function mayUse(tenant: Tenant, id: string): boolean {
  return tenant.ruleSets === '*' || tenant.ruleSets.includes(id);
}

export function builtInTenant(defaultRuleSet: string): Tenant {
  return Object.freeze({ id: BUILT_IN_TENANT_ID, ruleSets: '*', defaultRuleSet });
}

/** The tenants of a tokens file and their token digests. */
export class TenantDirectory {
  private constructor(
    readonly tenants: readonly Tenant[],
    /** One entry per stored token, in file order. */
    private readonly digests: readonly { readonly digest: Buffer; readonly tenant: Tenant }[],
  ) {}

  /** Builds the directory from a parsed tokens file; TenantsError names what is wrong. */
  static parse(document: unknown, options: { source?: string; defaultRuleSet?: string } = {}): TenantDirectory {
    const source = options.source ?? 'tokens file';
    const fail = (where: string, message: string): never => {
      throw new TenantsError(`${source}: ${where}${where ? ': ' : ''}${message}`);
    };
    if (!isObject(document)) return fail('', 'expected a mapping with a list "tenants"');
    for (const key of Object.keys(document)) if (key !== 'tenants') fail('', `unknown key ${JSON.stringify(key)} (expected "tenants")`);
    const list = document['tenants'];
    if (!Array.isArray(list) || list.length === 0) return fail('tenants', 'expected a non-empty list of tenants');

    const tenants: Tenant[] = [];
    const digests: { digest: Buffer; tenant: Tenant }[] = [];
    const ids = new Set<string>();
    const hashes = new Map<string, string>();
    list.forEach((entry: unknown, index) => {
      const at = `tenants[${index}]`;
      if (!isObject(entry)) return fail(at, 'expected a mapping with id, tokens, rule_sets and default_rule_set');
      for (const key of Object.keys(entry)) {
        if (!['id', 'tokens', 'rule_sets', 'default_rule_set', 'ruleSets', 'defaultRuleSet'].includes(key)) fail(at, `unknown key ${JSON.stringify(key)} (expected id, tokens, rule_sets, default_rule_set)`);
      }
      const id = entry['id'];
      if (typeof id !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(id)) return fail(`${at}.id`, `${JSON.stringify(id) ?? 'nothing'} is not a tenant id (letters, digits, . _ -)`);
      if (ids.has(id)) fail(`${at}.id`, `tenant ${JSON.stringify(id)} appears twice`);
      ids.add(id);

      const rawSets = entry['rule_sets'] ?? entry['ruleSets'];
      let ruleSets: readonly string[] | '*';
      if (rawSets === '*' || (Array.isArray(rawSets) && rawSets.includes('*'))) ruleSets = '*';
      else if (Array.isArray(rawSets) && rawSets.length > 0 && rawSets.every((s): s is string => typeof s === 'string' && s !== '' && !s.includes('@'))) ruleSets = Object.freeze([...new Set(rawSets)]);
      else return fail(`${at}.rule_sets`, 'expected "*" or a non-empty list of rule-set ids');

      const rawDefault = entry['default_rule_set'] ?? entry['defaultRuleSet'];
      let defaultRuleSet: string;
      if (rawDefault === undefined) {
        if (ruleSets === '*' && options.defaultRuleSet !== undefined) defaultRuleSet = options.defaultRuleSet;
        else if (ruleSets !== '*' && options.defaultRuleSet !== undefined && ruleSets.includes(options.defaultRuleSet)) defaultRuleSet = options.defaultRuleSet;
        else if (ruleSets !== '*' && ruleSets.length === 1) defaultRuleSet = ruleSets[0]!;
        else return fail(`${at}.default_rule_set`, `missing: say which of ${ruleSets === '*' ? 'the rule sets' : ruleSets.join(', ')} an empty rule_set means`);
      } else if (typeof rawDefault === 'string' && rawDefault !== '' && !rawDefault.includes('@')) {
        defaultRuleSet = rawDefault;
      } else return fail(`${at}.default_rule_set`, `${JSON.stringify(rawDefault)} is not a rule-set id`);
      if (ruleSets !== '*' && !ruleSets.includes(defaultRuleSet)) fail(`${at}.default_rule_set`, `${JSON.stringify(defaultRuleSet)} is not in its rule_sets (${ruleSets.join(', ')})`);

      const tenant: Tenant = Object.freeze({ id, ruleSets, defaultRuleSet });
      const tokens = entry['tokens'];
      if (!Array.isArray(tokens) || tokens.length === 0) return fail(`${at}.tokens`, 'expected a non-empty list of sha256:<hex> token hashes');
      tokens.forEach((token: unknown, t) => {
        const where = `${at}.tokens[${t}]`;
        const digest = storedDigest(token);
        if (!digest) return fail(where, NOT_A_HASH);
        const hex = digest.toString('hex');
        const other = hashes.get(hex);
        if (other !== undefined) fail(where, `the same token hash is also given for tenant ${JSON.stringify(other)}`);
        hashes.set(hex, id);
        digests.push({ digest, tenant });
      });
      tenants.push(tenant);
    });
    return new TenantDirectory(Object.freeze(tenants), Object.freeze(digests));
  }

  /** Reads and parses a tokens file (YAML, or JSON for `.json`). */
  static async load(file: string, options: { defaultRuleSet?: string } = {}): Promise<TenantDirectory> {
    return TenantDirectory.parse(await readTokensDocument(file, 'tokens file'), { ...options, source: `tokens file ${file}` });
  }

  /**
   * The tenant whose stored hash is the digest of `token`, or undefined.
   * Every stored digest is compared, whatever matched, in constant time each.
   */
  find(token: string): Tenant | undefined {
    const index = matchDigest(token, this.digests.map((entry) => entry.digest));
    return index === undefined ? undefined : this.digests[index]!.tenant;
  }
}

/** Resolves the Authorization header of a request to its tenant. */
export type Authenticate = (authorization: string | undefined) => Tenant;

export interface Authenticator {
  readonly authenticate: Authenticate;
  /** Swaps in a reloaded tokens file (SIGHUP); requests under way keep their tenant. */
  replace(directory: TenantDirectory): void;
  /** Whether tokens are required (a tokens file is configured). */
  readonly required: boolean;
  tenants(): readonly Tenant[];
}

/**
 * With a directory: `Bearer <token>` must name one of its tokens, else
 * ServiceError('unauthenticated') with one message for every failure. Without
 * one: every caller is the built-in tenant (all rule sets, `defaultRuleSet`).
 */
export function createAuthenticator(directory: TenantDirectory | undefined, defaultRuleSet: string): Authenticator {
  if (directory === undefined) {
    const tenant = builtInTenant(defaultRuleSet);
    return { authenticate: () => tenant, replace: () => undefined, required: false, tenants: () => [tenant] };
  }
  let current = directory;
  return {
    authenticate(authorization) {
      const token = bearerToken(authorization);
      const tenant = token === undefined ? undefined : current.find(token);
      if (!tenant) throw new ServiceError('unauthenticated', UNAUTHENTICATED_MESSAGE);
      return tenant;
    },
    replace(next) {
      current = next;
    },
    required: true,
    tenants: () => current.tenants,
  };
}

/** The token of `Bearer <token>` (scheme case-insensitive), else undefined. */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
