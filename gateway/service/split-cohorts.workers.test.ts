// A split ScoreBatch is one cohort space (followup.md, Cohorts; batch-cohorts.ts):
// its groups interleaved over the whole batch, so that every cohort spans
// the cut between parts, it gives the same bytes whatever the worker count
// and the split threshold, as one worker and as the engine in this thread,
// with peer features that are really there (peer_count counted here).
// Over real pools of the compiled worker (dist/: run `npm run build:ts` first).
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridcode } from '#gen/scoring.js';
import { BLOCK_LIMITS, compileEngine, consumerIds, FeatureEngine, parseBatchHeader, RuleSetRegistry, scanRequest } from '../../engine/src/index.js';
import { encodeResponse, ResponseBuilder, responseJson } from '../../engine/src/codec/index.js';
import { createScoringPool, type ScoringPool } from '../pool/pool.js';
import type { CallContext } from '../rpc/types.js';
import { createScoringService, type GatewayScoringService } from './scoring-service.js';
import { slabRequest } from '../../tests/support/gateway/slab-request.js';
import { PEER_RULE_SET } from '../../tests/support/gateway/peer-rule-set.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const PEERS = PEER_RULE_SET;
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const P = 24;
const DAYS = 7;
/** More than a block, so that one worker scores several blocks and the parts cut them elsewhere. */
const N = BLOCK_LIMITS.maxConsumers + 160;

let dir: string;
let registry: RuleSetRegistry;
let module: WebAssembly.Module;
let engine: FeatureEngine;
const pools: ScoringPool[] = [];
/** One worker, then 2, 3 and 4 workers splitting every batch, 4 from 1000 bytes, and 3 that never split. */
let one: GatewayScoringService;
let splitting: GatewayScoringService[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gridcode-split-cohorts-'));
  copyFileSync(join(root, 'rules/default.yaml'), join(dir, 'default.yaml'));
  writeFileSync(join(dir, 'peers.yaml'), PEERS);
  registry = await RuleSetRegistry.open({ dir, watch: false, logger: quiet });
  module = await compileEngine();
  engine = await FeatureEngine.load({ module });
  const [p1, p2, p3, p4] = await Promise.all([1, 2, 3, 4].map((threads) => createScoringPool({ threads, module, logger: quiet })));
  pools.push(p1!, p2!, p3!, p4!);
  const service = (pool: ScoringPool, splitThresholdBytes: number) => createScoringService({ pool, registry, logger: quiet, limits: { splitThresholdBytes } });
  one = service(p1!, 1);
  splitting = [service(p2!, 1), service(p3!, 1), service(p4!, 1), service(p4!, 1000), service(p3!, 1 << 30)];
});
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.close()));
  await registry?.close();
  rmSync(dir, { recursive: true, force: true });
});

const context = (): CallContext => ({ method: 'ScoreBatch', protocol: 'connect', requestId: 'test', tenant: { id: 'ops', ruleSets: '*', defaultRuleSet: 'default' }, signal: new AbortController().signal });

/** Consumer i: an evening household or (one in 9) a day-shift workshop 6× as large; groups interleaved, some none, some GRAY. */
function consumer(i: number): gridcode.v1.Consumer.$Properties {
  const workshop = i % 9 === 4;
  const loadKw = Array.from({ length: P * DAYS }, (_, t) => {
    const hour = t % P;
    const level = workshop ? (hour >= 8 && hour < 18 ? 6 : 0.4) : hour >= 18 && hour < 23 ? 1.6 : 0.3;
    return Math.fround(level * (1 + 0.2 * Math.sin(t * 0.37 + i)) + (i % 5) * 0.02);
  });
  const out: gridcode.v1.Consumer.$Properties = { id: `c${i}`, category: 1 + (i % 2), zone: 1, capacityKw: 8, loadKw };
  if (i % 17 !== 3) out.group = `area-${(i * 7) % 11}`;
  if (i % 23 === 5) out.loadKw = []; // unusable: GRAY, nobody's peer, no peer features
  if (i % 29 === 7) out.loadKw = loadKw.map((v, t) => (t % 3 === 0 ? v : NaN)); // below min_valid_share: GRAY, nobody's peer
  return out;
}

const CONSUMERS = Array.from({ length: N }, (_, i) => consumer(i));
const request = (fields: Partial<gridcode.v1.ScoreBatchRequest.$Properties>) => ({ startDate: '2024-03-04', pointsPerDay: P, ruleSet: 'peers', consumers: CONSUMERS, ...fields });
const encode = (fields: Partial<gridcode.v1.ScoreBatchRequest.$Properties>) => gridcode.v1.ScoreBatchRequest.encode(request(fields)).finish();
const json = (fields: Partial<gridcode.v1.ScoreBatchRequest.$Properties>) =>
  JSON.stringify(gridcode.v1.ScoreBatchRequest.toObject(gridcode.v1.ScoreBatchRequest.fromObject(request(fields)), { enums: String, json: true }));


/** The engine in this thread over the whole batch in one call (scoreWire: one cohort space). */
function direct(bytes: Uint8Array): { proto: Uint8Array; json: string } {
  const scanned = scanRequest(bytes);
  const ruleSet = registry.resolve('peers');
  const options = { includeFeatures: scanned.includeFeatures, flaggedOnly: scanned.flaggedOnly, includeEvidence: scanned.includeEvidence };
  const builder = new ResponseBuilder(ruleSet, options);
  builder.add(engine.scoreWire(parseBatchHeader(scanned.pointsPerDay, scanned.startDate), scanned.consumers, ruleSet, { allFeatures: options.includeFeatures }), consumerIds(scanned.consumers));
  const response = builder.build();
  return { proto: encodeResponse(response), json: responseJson(response) };
}

const same = (a: Uint8Array, b: Uint8Array | string) => Buffer.from(a).equals(typeof b === 'string' ? Buffer.from(b) : Buffer.from(b));

describe('a split ScoreBatch with cohorts', () => {
  it.each([
    ['features and evidence', { includeFeatures: true, includeEvidence: true }],
    ['plain', {}],
    ['flagged only', { flaggedOnly: true }],
  ])('gives the bytes of one worker and of the engine in one call, for any worker count and split (%s)', async (_, flags) => {
    const bytes = encode(flags);
    const text = json(flags);
    const expected = direct(bytes);
    for (const service of [one, ...splitting]) {
      const proto = await service.ScoreBatch(slabRequest('proto', bytes), context());
      expect(same(proto.bytes, expected.proto)).toBe(true);
      const fromJson = await service.ScoreBatch(slabRequest('json', new TextEncoder().encode(text)), context());
      expect(same(fromJson.bytes, expected.json)).toBe(true);
    }
  });

  it('fills in the peer features: peer_count is the cohort (group and category) less GRAY consumers and itself', async () => {
    const service = splitting[1]!;
    const bytes = encode({ includeFeatures: true });
    const response = gridcode.v1.ScoreBatchResponse.decode((await service.ScoreBatch(slabRequest('proto', bytes), context())).bytes);
    const column = (name: string) => response.featureNames.indexOf(name);
    const [count, ratio, corr] = [column('peer_count'), column('peer_ratio'), column('peer_corr')];
    expect(Math.min(count, ratio, corr)).toBeGreaterThanOrEqual(0);
    const gray = response.results.map((r) => r.code === gridcode.v1.Code.CODE_GRAY);
    // Members that count as peers, per cohort, counted here from the request and the codes alone.
    const cohort = (i: number) => `${CONSUMERS[i]!.group}|${CONSUMERS[i]!.category}`;
    const peers = new Map<string, number>();
    CONSUMERS.forEach((c, i) => {
      if (c.group && !gray[i]) peers.set(cohort(i), (peers.get(cohort(i)) ?? 0) + 1);
    });
    let grouped = 0;
    response.results.forEach((result, i) => {
      const features = result.features ?? [];
      const id = String(result.id);
      if (CONSUMERS[i]!.loadKw!.length === 0) return expect(Number.isNaN(features[count]!), id).toBe(true);
      const expectedCount = CONSUMERS[i]!.group ? (peers.get(cohort(i)) ?? 0) - (gray[i] ? 0 : 1) : 0;
      expect([id, features[count]]).toEqual([id, expectedCount]);
      if (CONSUMERS[i]!.group && !gray[i]) {
        grouped++;
        expect(Number.isFinite(features[ratio]!) && Number.isFinite(features[corr]!), id).toBe(true);
      }
    });
    expect(grouped).toBeGreaterThan(N / 2);
    // Peer counts in the tens, so that each cohort spans the parts; and the peer rule fires for the workshops.
    expect(Math.min(...peers.values())).toBeGreaterThan(40);
    expect(response.summary?.ruleHits?.['above-peers']).toBeGreaterThan(50);
  });
});
