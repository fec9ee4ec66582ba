// The service over a real pool of 2 workers (the compiled worker in dist/:
// `npm test` builds first; alone, run `npm run build:ts` before), on a
// temporary rules directory: rules/default.yaml and a rule set only one
// tenant may use.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridcode } from '#gen/scoring.js';
import { compileEngine, consumerIds, FeatureEngine, parseBatchHeader, RuleSetRegistry, scanRequest } from '../../engine/src/index.js';
import { encodeResponse, ResponseBuilder, responseJson } from '../../engine/src/codec/index.js';
import { createScoringPool, type ScoringPool } from '../pool/pool.js';
import { ServiceError } from '../rpc/codes.js';
import type { CallContext, Serialization, Tenant, UnaryRequest } from '../rpc/types.js';
import { runForeign } from '../../tests/support/gateway/fault-batches.js';
import { slabRequest } from '../../tests/support/gateway/slab-request.js';
import { createScoringService, type GatewayScoringService } from './scoring-service.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SECRET = `id: secret
version: "1.0"
description: a district's own criteria
thresholds: { yellow: 40, red: 70 }
min_valid_share: 0.5
rules:
  - id: night-load
    when: night_share > 0.3
    score: 50
    reason: Most of the energy at night
  - id: big-mean
    when: mean_kw > 3
    score: 30
    reason: A large mean load
`;
const DRAFT_WITH_3_MISTAKES = `id: draft
version: "1"
thresholds: { yellow: 40, red: 70 }
min_valid_share: 0.5
rules:
  - id: a
    when: nigth_share > 0.3
    score: 50
    reason: x
  - id: b
    when: mean_kw >
    score: 10
    reason: y
  - id: a
    when: mean_kw > 1
    score: 10
    reason: z
`;

const everything: Tenant = { id: 'ops', ruleSets: '*', defaultRuleSet: 'default' };
const city: Tenant = { id: 'city', ruleSets: ['default'], defaultRuleSet: 'default' };
const district: Tenant = { id: 'district', ruleSets: ['secret'], defaultRuleSet: 'secret' };

let dir: string;
let registry: RuleSetRegistry;
let module: WebAssembly.Module;
let pool: ScoringPool;
let service: GatewayScoringService;
let engine: FeatureEngine;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gridcode-service-'));
  copyFileSync(join(root, 'rules/default.yaml'), join(dir, 'default.yaml'));
  writeFileSync(join(dir, 'secret.yaml'), SECRET);
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  registry = await RuleSetRegistry.open({ dir, watch: false, logger: quiet });
  module = await compileEngine();
  pool = await createScoringPool({ threads: 2, module });
  service = createScoringService({ pool, registry, logger: quiet });
  engine = await FeatureEngine.load({ module });
});
afterAll(async () => {
  await pool?.close();
  await registry?.close();
  rmSync(dir, { recursive: true, force: true });
});

function context(tenant: Tenant = everything, signal: AbortSignal = new AbortController().signal, deadline?: number): CallContext {
  return { method: 'ScoreBatch', protocol: 'connect', requestId: 'test', tenant, signal, ...(deadline !== undefined ? { deadline } : {}) };
}

/** A request in a buffer of its own, as adapters pass it (the service may move it). */
function unary(serialization: Serialization, bytes: Uint8Array | string): UnaryRequest {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  const buffer = new ArrayBuffer(data.length + 7);
  new Uint8Array(buffer, 7).set(data);
  return { serialization, buffer, offset: 7, length: data.length };
}

/** `n` consumers of 30 days at 96 points: households, night workshops, one empty, one of 2.5 days. */
function batch(n: number, fields: Partial<gridcode.v1.ScoreBatchRequest.$Properties> = {}): gridcode.v1.ScoreBatchRequest.$Properties {
  const consumers: gridcode.v1.Consumer.$Properties[] = [];
  for (let i = 0; i < n; i++) {
    const loadKw = new Array<number>(30 * 96);
    for (let t = 0; t < loadKw.length; t++) {
      const slot = t % 96;
      const night = slot < 24 || slot >= 88;
      const base = i % 3 === 0 ? (night ? 6 : 1) : night ? 0.3 : 1.2;
      loadKw[t] = Math.fround(base * (1 + 0.3 * Math.sin(t * 0.37 + i)) + (i % 7) * 0.1);
    }
    const consumer: gridcode.v1.Consumer.$Properties = { id: `c${i}`, category: 1 + (i % 3), zone: 1 + (i % 4), capacityKw: 5 + (i % 5), loadKw };
    if (i % 11 === 5) consumer.loadKw = [];
    if (i % 13 === 7) consumer.loadKw = loadKw.slice(0, 240);
    if (i % 4 === 1) consumer.waterM3 = Array.from({ length: 30 }, (_, d) => 0.2 + (d % 3) * 0.1);
    consumers.push(consumer);
  }
  return { startDate: '2024-03-04', pointsPerDay: 96, consumers, ...fields };
}

const encode = (request: gridcode.v1.ScoreBatchRequest.$Properties) => gridcode.v1.ScoreBatchRequest.encode(request).finish();
const json = (request: gridcode.v1.ScoreBatchRequest.$Properties) => JSON.stringify(gridcode.v1.ScoreBatchRequest.toObject(gridcode.v1.ScoreBatchRequest.fromObject(request), { enums: String }));

/** What the engine gives for the request directly, as the command line scores it. */
function direct(bytes: Uint8Array, ref: string) {
  const request = scanRequest(bytes);
  const ruleSet = registry.resolve(ref);
  const options = { includeFeatures: request.includeFeatures, flaggedOnly: request.flaggedOnly, includeEvidence: request.includeEvidence };
  const builder = new ResponseBuilder(ruleSet, options);
  builder.add(engine.scoreWire(parseBatchHeader(request.pointsPerDay, request.startDate), request.consumers, ruleSet, { allFeatures: options.includeFeatures }), consumerIds(request.consumers));
  const response = builder.build();
  return { proto: encodeResponse(response), json: responseJson(response) };
}

async function rejection(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ServiceError)) throw new Error(`expected a ServiceError, got ${String(error)}`);
  return error;
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('ScoreBatch', () => {
  it.each([
    ['plain', {}],
    ['with features and evidence', { includeFeatures: true, includeEvidence: true }],
    ['flagged only', { flaggedOnly: true }],
  ])('gives what the engine gives, in protobuf and JSON (%s)', async (_, flags) => {
    const request = batch(40, flags);
    const bytes = encode(request);
    const expected = direct(bytes, 'default');
    const request1 = unary('proto', bytes);
    const proto = await service.ScoreBatch(request1, context());
    // Moved to the worker, not cloned.
    expect(request1.buffer.byteLength).toBe(0);
    expect(proto.serialization).toBe('proto');
    expect(Buffer.from(proto.bytes).equals(Buffer.from(expected.proto))).toBe(true);
    const fromJson = await service.ScoreBatch(unary('json', json(request)), context());
    expect(text(fromJson.bytes)).toBe(expected.json);
    const decoded = gridcode.v1.ScoreBatchResponse.decode(proto.bytes);
    expect(decoded.summary?.total).toBe(40);
    // Not all the same code: the rules have something to say about these curves.
    expect(decoded.summary?.yellow ?? 0).toBeGreaterThan(0);
    expect(Object.keys(decoded.summary?.ruleHits ?? {}).length).toBeGreaterThan(1);
    expect(decoded.summary?.gray).toBeGreaterThan(0);
    expect(decoded.ruleSet).toMatch(/^default@/);
  });

  it('splits a large batch across the workers into the same bytes', async () => {
    const split = createScoringService({ pool, registry, limits: { splitThresholdBytes: 1000 }, logger: { info: () => undefined, warn: () => undefined, error: () => undefined } });
    for (const flags of [{}, { includeFeatures: true, includeEvidence: true }, { flaggedOnly: true }]) {
      const request = batch(37, flags);
      const bytes = encode(request);
      const whole = await service.ScoreBatch(unary('proto', bytes), context());
      const tasks = pool.stats().completed;
      const parts = await split.ScoreBatch(slabRequest('proto', bytes), context());
      expect(pool.stats().completed - tasks).toBeGreaterThanOrEqual(2); // split: a task per part (the workers were idle)
      expect(Buffer.from(parts.bytes).equals(Buffer.from(whole.bytes))).toBe(true);
      const wholeJson = await service.ScoreBatch(unary('json', json(request)), context());
      const partsJson = await split.ScoreBatch(slabRequest('json', new TextEncoder().encode(json(request))), context());
      expect(text(partsJson.bytes)).toBe(text(wholeJson.bytes));
    }
    // Fewer consumers than workers, and none at all.
    for (const n of [1, 0]) {
      const bytes = encode(batch(n));
      const whole = await service.ScoreBatch(unary('proto', bytes), context());
      const parts = await split.ScoreBatch(slabRequest('proto', bytes), context());
      expect(Buffer.from(parts.bytes).equals(Buffer.from(whole.bytes))).toBe(true);
    }
  });

  it('uses the rule sets the tenant may use', async () => {
    const bytes = (ruleSet: string) => encode(batch(3, { ruleSet }));
    const byDefault = gridcode.v1.ScoreBatchResponse.decode((await service.ScoreBatch(unary('proto', bytes('')), context(city))).bytes);
    expect(byDefault.ruleSet).toBe(registry.resolve('default').id + '@' + registry.resolve('default').version);
    const districtDefault = gridcode.v1.ScoreBatchResponse.decode((await service.ScoreBatch(unary('proto', bytes('')), context(district))).bytes);
    expect(districtDefault.ruleSet).toBe('secret@1.0');
    const missing = await rejection(service.ScoreBatch(unary('proto', bytes('nope')), context(city)));
    expect(missing.code).toBe('not_found');
    expect(missing.message).toContain('"nope"');
    expect(missing.message).not.toContain('secret');
    // Another tenant's rule set, any version of it, is answered exactly as a missing one (issue 16): same code, same words.
    const asMissing = (error: { code: string; message: string }, ref: string) => ({ code: error.code, message: error.message.replace(JSON.stringify(ref), '<ref>') });
    for (const ref of ['secret', 'secret@1.0', 'secret@9']) {
      const denied = await rejection(service.ScoreBatch(unary('proto', bytes(ref)), context(city)));
      expect([ref, asMissing(denied, ref)]).toEqual([ref, asMissing(missing, 'nope')]);
    }
    expect((await rejection(service.ScoreBatch(unary('proto', bytes('secret@9')), context(district)))).code).toBe('not_found');
    const exact = gridcode.v1.ScoreBatchResponse.decode((await service.ScoreBatch(unary('proto', bytes('secret@1.0')), context(district))).bytes);
    expect(exact.ruleSetDigest).toBe(registry.resolve('secret').digest);
  });

  it('refuses malformed requests with invalid_argument', async () => {
    for (const [serialization, body] of [
      ['proto', new Uint8Array([0x22, 0xff, 0xff, 0xff])],
      ['proto', new Uint8Array([0xff])],
      ['json', '{'],
      ['json', '{"consumers": 3}'],
      ['json', '{"startDate": "2024-03-04", "consumers": [{"loadKw": ["x"]}]}'],
      ['json', '{"what": 1}'],
    ] as const) {
      const error = await rejection(service.ScoreBatch(unary(serialization, body), context()));
      expect(error.code, String(body)).toBe('invalid_argument');
    }
    expect((await rejection(service.ScoreBatch(unary('proto', encode(batch(2, { startDate: '2024-02-30' }))), context()))).message).toContain('not a calendar date');
    expect((await rejection(service.ScoreBatch(unary('proto', encode(batch(2, { pointsPerDay: 7 }))), context()))).code).toBe('invalid_argument');
    // The workers are still there.
    expect((await service.ScoreBatch(unary('proto', encode(batch(2))), context())).bytes.length).toBeGreaterThan(0);
  });

  it('enforces the limits', async () => {
    const limited = createScoringService({ pool, registry, limits: { maxConsumers: 5, maxReadingsPerConsumer: 10 * 96 } });
    for (const serialization of ['proto', 'json'] as const) {
      const request = batch(6);
      const error = await rejection(limited.ScoreBatch(unary(serialization, serialization === 'proto' ? encode(request) : json(request)), context()));
      expect(error.code).toBe('invalid_argument');
      expect(error.message).toBe('batch has 6 consumers; the limit is 5');
    }
    const response = gridcode.v1.ScoreBatchResponse.decode((await limited.ScoreBatch(unary('proto', encode(batch(5))), context())).bytes);
    // c0..c4: 30 days each except c5-less; the 2.5-day curve is none of them.
    expect(response.results.map((r) => [r.code, r.note])).toEqual(
      Array.from({ length: 5 }, () => [gridcode.v1.Code.CODE_GRAY, '2880 readings; the limit is 960 per consumer']),
    );
  });

  it('answers invalid_argument (a size limit) when the engine memory cap is too small for the batch', async () => {
    const small = await createScoringPool({ threads: 1, module, engineMemoryBytes: 1 << 20 });
    try {
      const capped = createScoringService({ pool: small, registry });
      const error = await rejection(capped.ScoreBatch(unary('proto', encode(batch(200))), context()));
      expect(error.code).toBe('invalid_argument');
      expect(error.message).toContain('engine memory');
    } finally {
      await small.close();
    }
  });
});

describe('the queue and the deadlines', () => {
  let slowFile: string;
  beforeAll(() => {
    slowFile = join(dir, 'slow.mjs');
    writeFileSync(slowFile, 'export default async ({ ms }) => { await new Promise((r) => setTimeout(r, ms)); return { kind: "pong" }; };\n');
  });

  it('refuses at once when the queue is full', async () => {
    const small = await createScoringPool({ threads: 1, maxQueue: 1, module });
    try {
      const busy = [runForeign(small, { ms: 800 }, { filename: slowFile }), runForeign(small, { ms: 10 }, { filename: slowFile })];
      let queueFull = 0;
      const full = createScoringService({ pool: small, registry, onQueueFull: () => queueFull++ });
      const started = performance.now();
      const error = await rejection(full.ScoreBatch(unary('proto', encode(batch(2))), context()));
      expect(error.code).toBe('resource_exhausted');
      expect(queueFull).toBe(1);
      expect(performance.now() - started).toBeLessThan(300);
      expect(small.stats()).toMatchObject({ threads: 1, queueSize: 1, maxQueue: 1 });
      await Promise.all(busy);
    } finally {
      await small.close();
    }
  });

  it('answers canceled or deadline_exceeded when the signal aborts', async () => {
    const small = await createScoringPool({ threads: 1, module });
    try {
      const svc = createScoringService({ pool: small, registry });
      const busy = runForeign(small, { ms: 500 }, { filename: slowFile });
      const client = new AbortController();
      const waiting = svc.ScoreBatch(unary('proto', encode(batch(2))), context(everything, client.signal));
      setTimeout(() => client.abort(), 50);
      expect((await rejection(waiting)).code).toBe('canceled');
      const timedOut = await rejection(svc.ScoreBatch(unary('proto', encode(batch(2))), context(everything, AbortSignal.timeout(50), Date.now() + 50)));
      expect(timedOut.code).toBe('deadline_exceeded');
      await busy;
      expect((await svc.ScoreBatch(unary('proto', encode(batch(2))), context())).bytes.length).toBeGreaterThan(0);
    } finally {
      await small.close();
    }
  });
});

describe('ListRuleSets and ValidateRuleSet', () => {
  it('lists the rule sets of the tenant', async () => {
    const all = gridcode.v1.ListRuleSetsResponse.decode((await service.ListRuleSets(unary('proto', new Uint8Array(0)), context())).bytes);
    expect(all.ruleSets.map((r) => r.id)).toEqual(['default', 'secret']);
    const secret = all.ruleSets[1]!;
    expect(secret).toMatchObject({ version: '1.0', ruleIds: ['night-load', 'big-mean'], isDefault: false, description: "a district's own criteria" });
    expect(secret.featureNames).toEqual(registry.resolve('secret').featureNames);
    expect(all.ruleSets[0]!.isDefault).toBe(true);
    const mine = JSON.parse(text((await service.ListRuleSets(unary('json', '{}'), context(district))).bytes)) as { ruleSets: { id: string; isDefault?: boolean; digest: string }[] };
    expect(mine.ruleSets).toHaveLength(1);
    expect(mine.ruleSets[0]).toMatchObject({ id: 'secret', isDefault: true, digest: registry.resolve('secret').digest });
    expect((await rejection(service.ListRuleSets(unary('json', '{"x":1}'), context()))).code).toBe('invalid_argument');
  });

  it('validates a draft with three mistakes, and a good one', async () => {
    const bad = gridcode.v1.ValidateRuleSetResponse.decode(
      (await service.ValidateRuleSet(unary('proto', gridcode.v1.ValidateRuleSetRequest.encode({ source: DRAFT_WITH_3_MISTAKES }).finish()), context())).bytes,
    );
    expect(bad.valid).toBe(false);
    expect(bad.errors.map((e) => [e.code, e.rule, e.line, e.column])).toEqual([
      ['unknown_name', 'a', 7, 11],
      ['syntax', 'b', 11, 20],
      ['duplicate_rule', 'a', 14, 9],
    ]);
    expect(bad.errors[0]!.message).toContain('did you mean `night_share`');
    expect(bad.errors[0]!.message).toContain('^');
    const good = DRAFT_WITH_3_MISTAKES.replace('nigth', 'night').replace('mean_kw >\n', 'mean_kw > 2\n').replace('- id: a\n    when: mean_kw > 1', '- id: c\n    when: mean_kw > 1');
    const ok = JSON.parse(text((await service.ValidateRuleSet(unary('json', JSON.stringify({ source: good })), context())).bytes)) as Record<string, unknown>;
    expect(ok).toEqual({ valid: true, id: 'draft', version: '1', ruleIds: ['a', 'b', 'c'] });
    expect((await rejection(service.ValidateRuleSet(unary('proto', new Uint8Array([0x0a, 0x05, 0x41])), context()))).code).toBe('invalid_argument');
  });
});
