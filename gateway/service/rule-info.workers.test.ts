// RuleInfo in ScoreBatchResponse.rules and RuleSetInfo.rules, through the
// service over a real pool of 2 workers (the compiled worker in dist/: run
// `npm run build:ts` first; `npm test` does), decoded with @bufbuild/protobuf
// from the .proto file and compared with the rule-set files read with `yaml`.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { create, fromBinary, fromJsonString, toBinary } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileEngine, RuleSetRegistry } from '../../engine/src/index.js';
import { namedRules, ruleInfoFields, yamlRuleInfos, yamlRuleInfosJson, type RuleInfoFields, type RuleInfoJson } from '../../tests/support/rule-info.js';
import { requestInit, requestJson, type BatchOptions, type ConsumerData } from '../../lib/score-requests.js';
import { createScoringPool, type ScoringPool } from '../pool/pool.js';
import { messageSchema } from '../../lib/proto-registry.js';
import { createScoringService, type GatewayScoringService } from './scoring-service.js';
import { slabRequest } from '../../tests/support/gateway/slab-request.js';
import type { CallContext, Serialization } from '../rpc/types.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
// Each rule fires for a consumer below chosen for it; a score that is not a float32 (12.3).
const PROBE = `id: probe
version: "1"
thresholds: { yellow: 40, red: 70 }
min_valid_share: 0.5
rules:
  - id: industrial-account
    when: category == industrial
    score: 12.3
    reason: An industrial account
  - id: in-the-park
    when: zone == industrial_park
    effect: exempt
    reason: "Inside a park: never flagged"
  - id: huge
    when: mean_kw > 50
    effect: red
    reason: A mean load over 50 kW
  - id: never
    when: mean_kw < 0
    score: 5
    reason: It cannot fire
  - id: commercial-account
    when: category   ==   commercial
    score: 40
`;

const flat = (kw: number): number[] => new Array<number>(7 * 24).fill(kw);
const consumer = (id: string, category: number, zone: number, kw: number): ConsumerData => ({ id, category, zone, capacityKw: 100, loadKw: flat(kw), waterM3: [] });
/** Split over 2 workers: the first half names only industrial-account, the second the other three that can fire. */
const CONSUMERS = [
  consumer('quiet-home', 1, 1, 1), // no rule: GREEN
  consumer('small-plant', 3, 4, 1), // industrial-account, 12.3: GREEN
  consumer('park-shop', 2, 2, 1), // in-the-park and commercial-account: GREEN (exempt)
  consumer('big-home', 1, 1, 60), // huge: RED
];
const OPTIONS: BatchOptions = { ruleSet: 'probe', startDate: '2026-03-02', pointsPerDay: 24 };

const ResponseSchema = messageSchema('ScoreBatchResponse');
interface Decoded {
  results: { id: string; code: number; reasons: string[] }[];
  rules: RuleInfoFields[];
}

let dir: string;
let registry: RuleSetRegistry;
let pool: ScoringPool;
let whole: GatewayScoringService;
let split: GatewayScoringService;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gridcode-rule-info-'));
  copyFileSync(join(root, 'rules/default.yaml'), join(dir, 'default.yaml'));
  writeFileSync(join(dir, 'probe.yaml'), PROBE);
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  registry = await RuleSetRegistry.open({ dir, watch: false, logger: quiet });
  pool = await createScoringPool({ threads: 2, module: await compileEngine() });
  whole = createScoringService({ pool, registry, logger: quiet });
  // From 1 byte on a batch is scored in 2 parts, one per worker.
  split = createScoringService({ pool, registry, logger: quiet, limits: { splitThresholdBytes: 1 } });
});
afterAll(async () => {
  await pool?.close();
  await registry?.close();
  rmSync(dir, { recursive: true, force: true });
});

const context: CallContext = { method: 'ScoreBatch', protocol: 'connect', requestId: 'test', tenant: { id: 'ops', ruleSets: '*', defaultRuleSet: 'default' }, signal: new AbortController().signal };


/** ScoreBatch in both serializations: the response bytes, and each decoded with @bufbuild/protobuf. */
async function score(service: GatewayScoringService, consumers: readonly ConsumerData[], options: BatchOptions = OPTIONS) {
  const proto = toBinary(messageSchema('ScoreBatchRequest'), create(messageSchema('ScoreBatchRequest'), requestInit(options, consumers)));
  const protoBytes = (await service.ScoreBatch(slabRequest('proto', proto), context)).bytes;
  const jsonBytes = (await service.ScoreBatch(slabRequest('json', new TextEncoder().encode(requestJson(options, consumers))), context)).bytes;
  const jsonText = new TextDecoder().decode(jsonBytes);
  return {
    protoBytes,
    jsonText,
    proto: fromBinary(ResponseSchema, protoBytes) as unknown as Decoded,
    // Through protobuf again, so that the JSON's float texts become the float32 the binary form carries.
    json: fromBinary(ResponseSchema, toBinary(ResponseSchema, fromJsonString(ResponseSchema, jsonText))) as unknown as Decoded,
    rawJson: JSON.parse(jsonText) as { rules?: RuleInfoJson[] },
  };
}

const ids = (rules: readonly { id: string }[]) => rules.map((rule) => rule.id);

describe('ScoreBatchResponse.rules', () => {
  it('describes each rule the reasons name, once, in file order, as the rule file says, whether the batch is split or not', async () => {
    const expected = yamlRuleInfos(PROBE);
    for (const service of [whole, split]) {
      const response = await score(service, CONSUMERS);
      expect(response.proto.results.map((r) => [r.id, r.reasons])).toEqual([
        ['quiet-home', []],
        ['small-plant', ['industrial-account']],
        ['park-shop', ['in-the-park', 'commercial-account']],
        ['big-home', ['huge']],
      ]);
      // File order, not reason order (in-the-park is named before commercial-account, huge after both).
      expect(ids(response.proto.rules)).toEqual(['industrial-account', 'in-the-park', 'huge', 'commercial-account']);
      expect(response.proto.rules.map(ruleInfoFields)).toEqual(namedRules(expected, response.proto.results));
      expect(response.json.rules.map(ruleInfoFields)).toEqual(response.proto.rules.map(ruleInfoFields));
      // Canonical proto3 JSON: defaults left out, 12.3 written as 12.3, the `when` with its spaces as written.
      expect(response.rawJson.rules).toEqual(namedRules(yamlRuleInfosJson(PROBE), response.proto.results));
      expect(response.jsonText).toContain('"score":12.3,');
    }
    // The parts of the split batch name different rules; the union is the same bytes as the whole batch.
    const [a, b] = [await score(whole, CONSUMERS), await score(split, CONSUMERS)];
    expect(Buffer.from(b.protoBytes).equals(Buffer.from(a.protoBytes))).toBe(true);
    expect(b.jsonText).toBe(a.jsonText);
  });

  it('counts only the results in the response: with flagged_only, GREEN results name nothing', async () => {
    for (const service of [whole, split]) {
      const response = await score(service, CONSUMERS, { ...OPTIONS, flaggedOnly: true });
      expect(response.proto.results.map((r) => r.id)).toEqual(['big-home']);
      expect(response.proto.rules.map(ruleInfoFields)).toEqual(namedRules(yamlRuleInfos(PROBE), response.proto.results));
      expect(ids(response.json.rules)).toEqual(['huge']);
    }
  });

  it('has no rules when no rule fired', async () => {
    for (const service of [whole, split]) {
      const response = await score(service, [CONSUMERS[0]!, { ...CONSUMERS[0]!, id: 'empty', loadKw: [] }]);
      expect(response.proto.rules).toEqual([]);
      expect(response.rawJson).not.toHaveProperty('rules');
      expect(response.jsonText).not.toContain('"rules"');
    }
  });
});

describe('RuleSetInfo.rules', () => {
  it('lists every rule of each set in file order, in both serializations', async () => {
    const ListSchema = messageSchema('ListRuleSetsResponse');
    const call = async (serialization: Serialization, body: string) => (await whole.ListRuleSets(slabRequest(serialization, new TextEncoder().encode(body)), { ...context, method: 'ListRuleSets' })).bytes;
    const proto = fromBinary(ListSchema, await call('proto', '')) as unknown as { ruleSets: { id: string; rules: RuleInfoFields[] }[] };
    const jsonText = new TextDecoder().decode(await call('json', '{}'));
    const json = fromBinary(ListSchema, toBinary(ListSchema, fromJsonString(ListSchema, jsonText))) as unknown as typeof proto;
    const sources: Record<string, string> = { default: readFileSync(join(root, 'rules/default.yaml'), 'utf8'), probe: PROBE };
    expect(proto.ruleSets.map((set) => set.id)).toEqual(['default', 'probe']);
    for (const set of [...proto.ruleSets, ...json.ruleSets]) expect([set.id, set.rules.map(ruleInfoFields)]).toEqual([set.id, yamlRuleInfos(sources[set.id]!)]);
    // The JSON prints each score as the file writes it (12.3, not 12.300000190734863).
    const raw = JSON.parse(jsonText) as { ruleSets: { id: string; rules: RuleInfoJson[] }[] };
    expect(raw.ruleSets.find((set) => set.id === 'probe')!.rules).toEqual(yamlRuleInfosJson(PROBE));
  });
});
