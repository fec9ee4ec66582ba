import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ServiceError } from '../rpc/codes.js';
import { BUILT_IN_TENANT_ID, TenantDirectory, TenantsError, UNAUTHENTICATED_MESSAGE, bearerToken, createAuthenticator, hashToken, mayUse } from './tenants.js';

// Count the constant-time comparisons, and the lengths they compare.
const compared = vi.hoisted(() => ({ calls: [] as number[] }));
vi.mock('node:crypto', async (importOriginal) => {
  const crypto = await importOriginal<typeof import('node:crypto')>();
  return {
    ...crypto,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      compared.calls.push(a.byteLength, b.byteLength);
      return crypto.timingSafeEqual(a, b);
    },
  };
});

const TOKENS = { a1: 'token-a-one', a2: 'token-a-two', b: 'token-b', c: 'token-c' };

const document = {
  tenants: [
    { id: 'district-a', tokens: [hashToken(TOKENS.a1), hashToken(TOKENS.a2)], rule_sets: ['default', 'district-a'], default_rule_set: 'district-a' },
    { id: 'district-b', tokens: [hashToken(TOKENS.b).toUpperCase().replace('SHA256:', 'sha256:')], rule_sets: ['default'] },
    { id: 'city', tokens: [hashToken(TOKENS.c)], rule_sets: '*' },
  ],
};

function unauthenticated(run: () => unknown): ServiceError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).code).toBe('unauthenticated');
    return error as ServiceError;
  }
  throw new Error('expected unauthenticated');
}

describe('hashToken', () => {
  it('is sha256:<hex> of the UTF-8 bytes', () => {
    expect(hashToken('test')).toBe('sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08');
    expect(hashToken('ü')).toBe(`sha256:${createHash('sha256').update(Buffer.from('ü', 'utf8')).digest('hex')}`);
  });
});

describe('bearerToken', () => {
  it('reads Bearer <token>, any case of the scheme', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer  abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});

describe('a tokens file', () => {
  const directory = TenantDirectory.parse(document, { defaultRuleSet: 'default' });
  const auth = createAuthenticator(directory, 'default');

  beforeEach(() => {
    compared.calls.length = 0;
  });

  it('maps each token to its tenant, with its rule sets and default', () => {
    expect(auth.required).toBe(true);
    expect(auth.authenticate(`Bearer ${TOKENS.a1}`)).toEqual({ id: 'district-a', ruleSets: ['default', 'district-a'], defaultRuleSet: 'district-a' });
    expect(auth.authenticate(`Bearer ${TOKENS.a2}`).id).toBe('district-a');
    // upper-case hex in the file; default_rule_set omitted: the configured default, which it may use
    expect(auth.authenticate(`bearer ${TOKENS.b}`)).toEqual({ id: 'district-b', ruleSets: ['default'], defaultRuleSet: 'default' });
    expect(auth.authenticate(`Bearer ${TOKENS.c}`)).toEqual({ id: 'city', ruleSets: '*', defaultRuleSet: 'default' });
  });

  it('says which rule sets a tenant may use', () => {
    const a = auth.authenticate(`Bearer ${TOKENS.a1}`);
    expect(mayUse(a, 'district-a')).toBe(true);
    expect(mayUse(a, 'district-b')).toBe(false);
    expect(mayUse(auth.authenticate(`Bearer ${TOKENS.c}`), 'anything')).toBe(true);
  });

  it('refuses a missing, malformed or wrong token with one message that does not say which', () => {
    const messages = [
      unauthenticated(() => auth.authenticate(undefined)).message,
      unauthenticated(() => auth.authenticate('')).message,
      unauthenticated(() => auth.authenticate(`Basic ${TOKENS.a1}`)).message,
      unauthenticated(() => auth.authenticate('Bearer nope')).message,
      unauthenticated(() => auth.authenticate(`Bearer ${hashToken(TOKENS.a1)}`)).message, // the hash is not the token
      unauthenticated(() => auth.authenticate(`Bearer ${TOKENS.a1}x`)).message,
    ];
    expect(new Set(messages)).toEqual(new Set([UNAUTHENTICATED_MESSAGE]));
    expect(UNAUTHENTICATED_MESSAGE).not.toContain(TOKENS.a1);
  });

  it('compares the 32-byte digest with every stored hash, whichever matches (constant time)', () => {
    const stored = 4; // a1, a2, b, c
    for (const header of [`Bearer ${TOKENS.a1}`, `Bearer ${TOKENS.c}`, 'Bearer wrong', `Bearer ${'x'.repeat(1000)}`]) {
      compared.calls.length = 0;
      try {
        auth.authenticate(header);
      } catch {
        // wrong tokens throw; the count is what matters
      }
      expect(compared.calls, header).toEqual(Array(stored * 2).fill(32));
    }
  });

  it('is swapped whole on reload', () => {
    const next = TenantDirectory.parse({ tenants: [{ id: 'new', tokens: [hashToken('fresh')], rule_sets: ['default'] }] }, { defaultRuleSet: 'default' });
    const swappable = createAuthenticator(directory, 'default');
    swappable.replace(next);
    expect(swappable.authenticate('Bearer fresh').id).toBe('new');
    unauthenticated(() => swappable.authenticate(`Bearer ${TOKENS.a1}`));
    expect(swappable.tenants().map((t) => t.id)).toEqual(['new']);
  });
});

describe('without a tokens file', () => {
  it('everyone is the built-in tenant with every rule set and the configured default', () => {
    const auth = createAuthenticator(undefined, 'district-a');
    expect(auth.required).toBe(false);
    expect(auth.authenticate(undefined)).toEqual({ id: BUILT_IN_TENANT_ID, ruleSets: '*', defaultRuleSet: 'district-a' });
    expect(auth.authenticate('Bearer whatever').id).toBe(BUILT_IN_TENANT_ID);
  });
});

describe('tokens file errors', () => {
  const parse = (doc: unknown) => () => TenantDirectory.parse(doc, { source: 't.yaml', defaultRuleSet: 'default' });
  const tenant = { id: 'x', tokens: [hashToken('t')], rule_sets: ['default'] };

  it('refuses plain tokens: only hashes are stored', () => {
    expect(parse({ tenants: [{ ...tenant, tokens: ['my-secret-token'] }] })).toThrow(/^t\.yaml: tenants\[0\]\.tokens\[0\]: not a sha256:<64 hex digits> hash; store hashes, never the tokens/);
    expect(parse({ tenants: [{ ...tenant, tokens: ['sha256:abc'] }] })).toThrow(TenantsError);
  });

  it('refuses the same hash twice and duplicate ids', () => {
    expect(parse({ tenants: [tenant, { ...tenant, id: 'y' }] })).toThrow(/tenants\[1\]\.tokens\[0\]: the same token hash is also given for tenant "x"/);
    expect(parse({ tenants: [tenant, { ...tenant, tokens: [hashToken('u')] }] })).toThrow(/tenant "x" appears twice/);
  });

  it('refuses a default outside the tenant’s rule sets, or none when it cannot be inferred', () => {
    expect(parse({ tenants: [{ ...tenant, default_rule_set: 'other' }] })).toThrow(/default_rule_set: "other" is not in its rule_sets \(default\)/);
    expect(parse({ tenants: [{ ...tenant, rule_sets: ['a', 'b'] }] })).toThrow(/default_rule_set: missing/);
    expect(TenantDirectory.parse({ tenants: [{ ...tenant, rule_sets: ['only'] }] }).tenants[0]?.defaultRuleSet).toBe('only');
  });

  it('refuses malformed documents and unknown keys', () => {
    expect(parse(null)).toThrow(/expected a mapping/);
    expect(parse({ tenants: [] })).toThrow(/non-empty list/);
    expect(parse({ tenants: [{ ...tenant, token: 'x' }] })).toThrow(/unknown key "token"/);
    expect(parse({ tenants: [{ ...tenant, rule_sets: [] }] })).toThrow(/rule_sets: expected/);
    expect(parse({ tenants: [{ ...tenant, rule_sets: ['default@1.0'] }] })).toThrow(/rule_sets: expected/);
    expect(parse({ tenants: [{ ...tenant, id: '' }] })).toThrow(/not a tenant id/);
    expect(parse({ tenants: [{ ...tenant, tokens: [] }] })).toThrow(/tokens: expected a non-empty list/);
  });
});

describe('TenantDirectory.load', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gridcode-tenants-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads YAML and JSON files', async () => {
    const yaml = join(dir, 'tokens.yaml');
    await writeFile(yaml, `tenants:\n  - id: district-a\n    tokens: [${hashToken('s3cret')}]\n    rule_sets: [default, district-a]\n    default_rule_set: district-a\n`);
    const fromYaml = await TenantDirectory.load(yaml, { defaultRuleSet: 'default' });
    expect(createAuthenticator(fromYaml, 'default').authenticate('Bearer s3cret').defaultRuleSet).toBe('district-a');
    const json = join(dir, 'tokens.json');
    await writeFile(json, JSON.stringify(document));
    expect((await TenantDirectory.load(json, { defaultRuleSet: 'default' })).tenants.map((t) => t.id)).toEqual(['district-a', 'district-b', 'city']);
  });

  it('names a missing file', async () => {
    await expect(TenantDirectory.load(join(dir, 'none.yaml'))).rejects.toThrow(/none\.yaml: no such file/);
  });
});
