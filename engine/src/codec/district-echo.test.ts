// Consumer.district echoed in ConsumerResult.district (decisions.md,
// 2026-12-05), on the real engine and the default rule set: every result of
// the binary and the JSON response carries its consumer's district as sent,
// nothing when it is empty, whichever way the batch is scored (one block,
// several blocks, parts, cohorts, the JS path). Responses are read back with
// the generated classes (gen/) and @bufbuild/protobuf (built from proto/ by
// buf), independently of the codec that wrote them.
import { fromBinary, fromJson, toJson, type JsonValue } from '@bufbuild/protobuf';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { gridcode } from '#gen/scoring.js';
import { defaultScoring } from '../../../tests/support/engine.js';
import { messageSchema } from '../../../lib/proto-registry.js';
import { FeatureEngine } from '../engine.js';
import { parseBatchHeader } from '../header.js';
import type { CompiledRuleSet } from '../rules/program.js';
import { BLOCK_LIMITS } from '../scoring/score-blocks.js';
import { scoreBatchRequest, scoreComputedBlocks, type ScoreRequestOptions } from '../scoring/score-request.js';
import { assembleResponse, ResponseBuilder, type Serialization } from './index.js';

type Consumer = gridcode.v1.Consumer.$Properties;
const P = 24;
const DAYS = 7;
let engine: FeatureEngine;
let ruleSet: CompiledRuleSet;

beforeAll(async () => ({ engine, ruleSet } = await defaultScoring()));

/** Consumer i with the given district: night-heavy every third one (so that codes vary), every 11th unusable (GRAY). */
function consumer(i: number, district: string | undefined, group = ''): Consumer {
  const loadKw = i % 11 === 5 ? [] : Array.from({ length: P * DAYS }, (_, t) => ((t % P < 6) === (i % 3 === 0) ? 5 : 1) * (1 + 0.1 * Math.sin(t + i)));
  const c: Consumer = { id: `c${i}`, category: 1 + (i % 3), zone: 1 + (i % 4), capacityKw: 4, loadKw, group };
  if (district !== undefined) c.district = district;
  return c;
}

const request = (consumers: Consumer[], fields: Partial<gridcode.v1.ScoreBatchRequest.$Properties> = {}) =>
  gridcode.v1.ScoreBatchRequest.encode({ startDate: '2024-03-04', pointsPerDay: P, consumers, ...fields }).finish();

const options = (serialization: Serialization, extra: Partial<ScoreRequestOptions> = {}): ScoreRequestOptions => ({ resolveRuleSet: () => ruleSet, serialization, ...extra });

/** How the batch is scored: each way gives a whole response. */
const WAYS: Record<string, (bytes: Uint8Array, serialization: Serialization) => Uint8Array> = {
  'one call': (bytes, s) => assembleResponse([scoreBatchRequest(engine, bytes, options(s)).part], s),
  'three parts (a split batch)': (bytes, s) => assembleResponse([0, 1, 2].map((index) => scoreBatchRequest(engine, bytes, options(s, { part: { index, count: 3 } })).part), s),
  'deferred parts, scored once their cohorts are complete': (bytes, s) =>
    assembleResponse(
      [0, 1].map((index) => {
        const scored = scoreBatchRequest(engine, bytes, options(s, { part: { index, count: 2 }, defer: true }));
        return scored.deferred ? scoreComputedBlocks(engine, scored.deferred, ruleSet, scored.header, s).part : scored.part;
      }),
      s,
    ),
};

/** The binary response and the JSON one, each read back independently; both as canonical JSON results. */
function results(bytes: Uint8Array, way: (bytes: Uint8Array, serialization: Serialization) => Uint8Array): { proto: gridcode.v1.IConsumerResult[]; json: Record<string, unknown>[] } {
  const proto = gridcode.v1.ScoreBatchResponse.decode(way(bytes, 'proto')).results;
  const text = new TextDecoder().decode(way(bytes, 'json'));
  const schema = messageSchema('ScoreBatchResponse');
  // @bufbuild reads our JSON strictly (an unknown member would throw) and writes it back canonically.
  const json = (toJson(schema, fromJson(schema, JSON.parse(text) as JsonValue)) as { results?: Record<string, unknown>[] }).results ?? [];
  expect(toJson(schema, fromBinary(schema, way(bytes, 'proto')))).toEqual(toJson(schema, fromJson(schema, JSON.parse(text) as JsonValue)));
  return { proto, json };
}

/** Each result's district must be its consumer's (matched by id), and absent from the JSON when empty. */
function expectEchoed(consumers: Consumer[], got: { proto: gridcode.v1.IConsumerResult[]; json: Record<string, unknown>[] }, flaggedOnly = false): void {
  const sent = new Map(consumers.map((c) => [c.id!, c.district ?? '']));
  if (!flaggedOnly) expect(got.proto.map((r) => r.id)).toEqual(consumers.map((c) => c.id));
  for (const r of got.proto) expect(r.district ?? '', `result ${r.id}`).toBe(sent.get(r.id!));
  for (const r of got.json) {
    const district = sent.get(r['id'] as string)!;
    if (district === '') expect('district' in r, `result ${String(r['id'])}`).toBe(false);
    else expect(r['district'], `result ${String(r['id'])}`).toBe(district);
  }
}

const DISTRICTS = ['海淀区', 'Zürich Kreis 4', '', 'North "quoted" \\ district', '🏭 zone\nwith newline', 'a'.repeat(300)];

describe('district echoed in results', () => {
  it.each(Object.keys(WAYS))('%s: every result carries its consumer\'s district, binary and JSON', (way) => {
    // Two blocks (more consumers than a block holds), cohorts on some, districts absent, empty or set.
    const n = BLOCK_LIMITS.maxConsumers + 40;
    const consumers = Array.from({ length: n }, (_, i) => consumer(i, i % 7 === 6 ? undefined : DISTRICTS[i % DISTRICTS.length], i % 4 === 0 ? `g${i % 12}` : ''));
    expectEchoed(consumers, results(request(consumers), WAYS[way]!));
  });

  it('a batch without districts has no district member in any result', () => {
    const consumers = Array.from({ length: 30 }, (_, i) => consumer(i, i % 2 ? '' : undefined));
    const got = results(request(consumers), WAYS['one call']!);
    expect(got.json.some((r) => 'district' in r)).toBe(false);
    expect(got.proto.every((r) => r.district === '')).toBe(true);
  });

  it('flagged_only: the results kept still carry their own district', () => {
    const consumers = Array.from({ length: 60 }, (_, i) => consumer(i, `d${i % 5}`));
    const got = results(request(consumers, { flaggedOnly: true }), WAYS['one call']!);
    expect(got.proto.length).toBeGreaterThan(0);
    expect(got.proto.length).toBeLessThan(consumers.length);
    expectEchoed(consumers, got, true);
  });

  it('property: any districts, on any consumers, are echoed as sent', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.string({ unit: 'grapheme', maxLength: 20 }), { nil: undefined }), { minLength: 1, maxLength: 25 }), (districts) => {
        const consumers = districts.map((d, i) => consumer(i, d, i % 3 === 0 ? 'g' : ''));
        expectEchoed(consumers, results(request(consumers), WAYS['three parts (a split batch)']!));
      }),
      { numRuns: 25 },
    );
  });

  it('the JS path (scoreConsumers) echoes ConsumerInput.district too', () => {
    const consumers = Array.from({ length: 12 }, (_, i) => consumer(i, i % 3 ? `d${i}` : undefined));
    const inputs = consumers.map((c) => ({ id: c.id!, category: c.category!, zone: c.zone!, capacityKw: c.capacityKw!, loadKw: c.loadKw!, ...(c.district != null ? { district: c.district } : {}) }));
    const scored = engine.scoreConsumers(parseBatchHeader(P, '2024-03-04'), inputs, ruleSet);
    const builder = new ResponseBuilder(ruleSet);
    builder.add(scored, scored.matrix.ids, scored.matrix.districts);
    const response = gridcode.v1.ScoreBatchResponse.decode(gridcode.v1.ScoreBatchResponse.encode(builder.build()).finish());
    expect(response.results.map((r) => r.district)).toEqual(consumers.map((c) => c.district ?? ''));
  });
});
