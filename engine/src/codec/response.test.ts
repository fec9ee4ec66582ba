import { describe, expect, it } from 'vitest';
import { gridcode } from '#gen/scoring.js';
import { FeatureGroup, featureNames } from '../catalogue.js';
import { FeatureMatrix } from '../matrix.js';
import type { CompiledRule, CompiledRuleSet } from '../rules/program.js';
import { TemplateSet } from '../templates.js';
import { ScoredBatch } from '../scoring/scored-batch.js';
import { buildScoreBatchResponse, encodeResponse, float32Json, ResponseBuilder, responseJson, responseJsonChunks } from './index.js';

// The response of hand-made scored blocks, so that it is tested apart from
// the engine and the compiler.

const rules: CompiledRule[] = [
  { id: 'night', score: 50, effect: 'score', reason: 'Most of the energy at night', when: 'night_share > 0.4', reads: ['night_share'], attributes: [] },
  { id: 'park', score: 0, effect: 'exempt', reason: '', when: 'zone == industrial_park', reads: [], attributes: ['zone'] },
  // A score that is not a float32: the response carries it as one.
  { id: 'big', score: 30.3, effect: 'score', reason: 'A "big" mean load', when: 'mean_kw > 3 * capacity_kw', reads: ['mean_kw', 'capacity_kw'], attributes: ['capacity_kw'] },
  { id: 'never', score: 10, effect: 'score', reason: 'Never fires', when: 'max_kw < 0', reads: ['max_kw'], attributes: [] },
];

/** The RuleInfo JSON of each rule, written out by hand: defaults (an empty reason, a 0 score, the "score" effect) left out. */
const RULE_INFO_JSON = {
  night: { id: 'night', reason: 'Most of the energy at night', score: 50, when: 'night_share > 0.4' },
  park: { id: 'park', effect: 'exempt', when: 'zone == industrial_park' },
  big: { id: 'big', reason: 'A "big" mean load', score: 30.3, when: 'mean_kw > 3 * capacity_kw' },
  never: { id: 'never', reason: 'Never fires', score: 10, when: 'max_kw < 0' },
};

const ruleSet: CompiledRuleSet = {
  id: 'test',
  version: '2026.1',
  digest: 'ab'.repeat(32),
  source: '',
  description: '',
  thresholds: { yellow: 40, red: 70 },
  minValidShare: 0.8,
  templates: TemplateSet.empty,
  rules,
  reasonOrder: Int32Array.from([1, 0, 2, 3]),
  program: { code: new Int32Array(0), constants: new Float64Array(0), maxDepth: 0 },
  featureNames: ['night_share', 'mean_kw', 'max_kw'],
  groups: FeatureGroup.all,
};

const NAMES = featureNames([]);
/** Feature f of consumer c of block b is b + f + c / 10 (+ 0.1 so that it is not a float32), NaN for GRAY ones. */
const featureValue = (b: number, f: number, c: number) => b * 100 + f + c / 10 + 0.1;

interface Consumer {
  code: number;
  score: number;
  fired: number[];
  note?: string;
  capacity?: number;
}

function block(b: number, consumers: Consumer[]): ScoredBatch {
  const count = consumers.length;
  const fired = new Uint8Array(rules.length * count);
  const hits = new Int32Array(rules.length);
  const notes = new Map<number, string>();
  const values = new Float64Array(NAMES.length * count);
  consumers.forEach((consumer, c) => {
    for (const r of consumer.fired) {
      fired[r * count + c] = 1;
      hits[r]!++;
    }
    if (consumer.note) notes.set(c, consumer.note);
    for (let f = 0; f < NAMES.length; f++) values[f * count + c] = consumer.note ? NaN : featureValue(b, f, c);
  });
  const matrix = new FeatureMatrix(NAMES, count, () => values, notes);
  const capacity = Float32Array.from(consumers, (consumer) => consumer.capacity ?? 0);
  return new ScoredBatch(
    ruleSet,
    count,
    Uint8Array.from(consumers, (consumer) => consumer.code),
    Float64Array.from(consumers, (consumer) => consumer.score),
    fired,
    hits,
    notes,
    matrix,
    { capacity, baseline: new Float32Array(count), pointsPerDay: 96 },
  );
}

const blocks = () => [
  {
    scored: block(0, [
      { code: 3, score: 80, fired: [0, 2], capacity: 7.3 },
      { code: 4, score: 0, fired: [], note: 'no readings' },
      { code: 1, score: 0, fired: [] },
    ]),
    ids: ['a', 'b', 'c'],
  },
  {
    scored: block(1, [
      { code: 1, score: 50, fired: [0, 1] },
      { code: 2, score: 50, fired: [0] },
    ]),
    ids: ['d', ''],
  },
];

const json = (response: gridcode.v1.ScoreBatchResponse) => JSON.parse(responseJson(response)) as Record<string, unknown>;

describe('the ScoreBatchResponse of scored blocks', () => {
  it('lists every result in request order with its code, score, reasons and note, and sums the summaries', () => {
    const response = buildScoreBatchResponse(ruleSet, blocks());
    expect(json(response)).toEqual({
      ruleSet: 'test@2026.1',
      ruleSetDigest: 'ab'.repeat(32),
      results: [
        { id: 'a', code: 'CODE_RED', score: 80, reasons: ['night', 'big'] },
        { id: 'b', code: 'CODE_GRAY', note: 'no readings' },
        { id: 'c', code: 'CODE_GREEN' },
        { id: 'd', code: 'CODE_GREEN', score: 50, reasons: ['park', 'night'] },
        { code: 'CODE_YELLOW', score: 50, reasons: ['night'] }, // an empty id is a default value
      ],
      // Rules in file order; a rule that never fired is left out; zero counts too.
      summary: { total: 5, green: 2, yellow: 1, red: 1, gray: 1, ruleHits: { night: 3, park: 1, big: 1 } },
      // The rules the reasons name, once each, in file order (not reason order: park is named first in d's reasons).
      rules: [RULE_INFO_JSON.night, RULE_INFO_JSON.park, RULE_INFO_JSON.big],
    });
    expect(Object.keys(response.summary!.ruleHits!)).toEqual(['night', 'park', 'big']);
  });

  it('leaves GREEN results out when flagged only, and still counts them', () => {
    const response = buildScoreBatchResponse(ruleSet, blocks(), { flaggedOnly: true });
    expect(response.results.map((result) => result.id ?? '')).toEqual(['a', 'b', '']);
    expect(response.summary).toMatchObject({ total: 5, green: 2 });
    // park fired only for d, which is GREEN and left out: the response names it nowhere.
    expect(response.summary!.ruleHits).toMatchObject({ park: 1 });
    expect(json(response).rules).toEqual([RULE_INFO_JSON.night, RULE_INFO_JSON.big]);
  });

  it('describes each named rule in the binary form too, its score as a float32', () => {
    const decoded = gridcode.v1.ScoreBatchResponse.decode(encodeResponse(buildScoreBatchResponse(ruleSet, blocks())));
    expect(decoded.rules.map((rule) => gridcode.v1.RuleInfo.toObject(rule as gridcode.v1.RuleInfo, { defaults: true }))).toEqual([
      { id: 'night', reason: 'Most of the energy at night', score: 50, effect: '', when: 'night_share > 0.4' },
      { id: 'park', reason: '', score: 0, effect: 'exempt', when: 'zone == industrial_park' },
      { id: 'big', reason: 'A "big" mean load', score: Math.fround(30.3), effect: '', when: 'mean_kw > 3 * capacity_kw' },
    ]);
  });

  it('names no rules when no result has reasons', () => {
    const quiet = [{ scored: block(0, [{ code: 1, score: 0, fired: [] }, { code: 4, score: 0, fired: [], note: 'no readings' }]), ids: ['x', 'y'] }];
    const response = buildScoreBatchResponse(ruleSet, quiet);
    expect(json(response)).not.toHaveProperty('rules');
    expect(gridcode.v1.ScoreBatchResponse.decode(encodeResponse(response)).rules).toEqual([]);
    // Nor when the only results with reasons are GREEN ones left out.
    const exempt = [{ scored: block(0, [{ code: 1, score: 50, fired: [0, 1] }]), ids: ['z'] }];
    expect(json(buildScoreBatchResponse(ruleSet, exempt, { flaggedOnly: true }))).not.toHaveProperty('rules');
    expect(json(buildScoreBatchResponse(ruleSet, exempt)).rules).toEqual([RULE_INFO_JSON.night, RULE_INFO_JSON.park]);
  });

  it('carries the note of a result that is not GRAY (missing account data, a 0 kW meter) in JSON and in the binary form', () => {
    const unspecified = 'zone unspecified (no zone from upstream): 1 rule that reads zone did not fire: park';
    const zero = 'the meter read 0 kW for the whole window (2,880 valid readings): vacant premises, a disconnected supply or a stuck meter';
    const noted = [{ scored: block(0, [{ code: 1, score: 0, fired: [], note: unspecified }, { code: 2, score: 50, fired: [0], note: zero }, { code: 1, score: 0, fired: [] }]), ids: ['green', 'yellow', 'plain'] }];
    const response = buildScoreBatchResponse(ruleSet, noted);
    expect((json(response) as { results: unknown[] }).results).toEqual([
      { id: 'green', code: 'CODE_GREEN', note: unspecified },
      { id: 'yellow', code: 'CODE_YELLOW', score: 50, reasons: ['night'], note: zero },
      { id: 'plain', code: 'CODE_GREEN' },
    ]);
    const decoded = gridcode.v1.ScoreBatchResponse.decode(encodeResponse(response));
    expect(decoded.results.map((r) => [r.id, r.code, r.note])).toEqual([
      ['green', gridcode.v1.Code.CODE_GREEN, unspecified],
      ['yellow', gridcode.v1.Code.CODE_YELLOW, zero],
      ['plain', gridcode.v1.Code.CODE_GREEN, ''],
    ]);
    // flagged_only leaves GREEN results out, noted or not.
    expect(buildScoreBatchResponse(ruleSet, noted, { flaggedOnly: true }).results.map((r) => r.note)).toEqual([zero]);
  });

  it('gives the feature names and each result\'s values in their order, as float32, NaN for a GRAY consumer', () => {
    const response = buildScoreBatchResponse(ruleSet, blocks(), { includeFeatures: true });
    expect(response.featureNames).toEqual(NAMES);
    const last = response.results[4]!;
    expect(last.features).toHaveLength(NAMES.length);
    NAMES.forEach((_, f) => expect(last.features![f]).toBe(Math.fround(featureValue(1, f, 1))));
    expect(response.results[1]!.features!.every(Number.isNaN)).toBe(true);
    const out = json(response);
    expect(out.featureNames).toEqual(NAMES);
    const results = out.results as Array<{ features: Array<number | string> }>;
    expect(results[1]!.features.every((v) => v === 'NaN')).toBe(true);
    // Shortest float32 text: 1.1 rather than 1.100000023841858.
    expect(results[0]!.features[1]).toBe(1.1);
    expect(results[4]!.features[1]).toBe(101.2);
  });

  it('gives for each fired rule the values its expression read, capacity_kw included', () => {
    const response = buildScoreBatchResponse(ruleSet, blocks(), { includeEvidence: true });
    const nightShare = NAMES.indexOf('night_share');
    const meanKw = NAMES.indexOf('mean_kw');
    expect(response.results[0]!.evidence).toEqual([
      { rule: 'night', values: { night_share: Math.fround(featureValue(0, nightShare, 0)) } },
      { rule: 'big', values: { mean_kw: Math.fround(featureValue(0, meanKw, 0)), capacity_kw: Math.fround(7.3) } },
    ]);
    expect(response.results[3]!.evidence).toEqual([{ rule: 'park' }, { rule: 'night', values: { night_share: Math.fround(featureValue(1, nightShare, 0)) } }]);
    expect(response.results[1]!.evidence).toBeUndefined(); // GRAY: no rule fired
    const out = json(response) as { results: Array<{ evidence?: unknown }> };
    expect(out.results[0]!.evidence).toEqual([
      { rule: 'night', values: { night_share: 0.1 + nightShare } },
      { rule: 'big', values: { mean_kw: 0.1 + meanKw, capacity_kw: 7.3 } },
    ]);
  });

  it('writes JSON that protobufjs reads back to the same bytes as the binary form', () => {
    const response = buildScoreBatchResponse(ruleSet, blocks(), { includeFeatures: true, includeEvidence: true });
    const bytes = encodeResponse(response);
    const fromJson = gridcode.v1.ScoreBatchResponse.fromObject(JSON.parse(responseJson(response)) as gridcode.v1.ScoreBatchResponse.$Shape);
    expect(Buffer.from(encodeResponse(fromJson)).equals(Buffer.from(bytes))).toBe(true);
    // And the decoded message, in protobufjs's own JSON form, is the same content.
    const decoded = gridcode.v1.ScoreBatchResponse.toObject(gridcode.v1.ScoreBatchResponse.decode(bytes), { enums: String, json: true });
    const parsed = json(response) as { results: Array<{ features: Array<number | string> }> };
    const floats = (x: unknown): unknown => (typeof x === 'number' ? Math.fround(x) : Array.isArray(x) ? x.map(floats) : x && typeof x === 'object' ? Object.fromEntries(Object.entries(x).map(([k, v]) => [k, floats(v)])) : x);
    expect(floats(decoded)).toEqual(floats(parsed));
  });

  it('splits the JSON into chunks of results, one result a line', () => {
    const response = buildScoreBatchResponse(ruleSet, blocks());
    const chunks = [...responseJsonChunks(response, 2)];
    expect(chunks).toHaveLength(1 + 3 + 1);
    expect(chunks.join('')).toBe(responseJson(response));
    // The head; 5 results; the summary up to the rules; 3 rules; the end; the final newline.
    expect(responseJson(response).split('\n')).toHaveLength(1 + 5 + 1 + 3 + 1 + 1);
  });

  it('writes an empty batch as its rule set and an empty summary', () => {
    const builder = new ResponseBuilder(ruleSet, { includeFeatures: true });
    expect(builder.consumerCount).toBe(0);
    const response = builder.build();
    expect(responseJson(response)).toBe(`{"ruleSet":"test@2026.1","ruleSetDigest":"${'ab'.repeat(32)}","summary":{},"featureNames":${JSON.stringify(NAMES)}}\n`);
    expect(gridcode.v1.ScoreBatchResponse.decode(encodeResponse(response)).results).toEqual([]);
  });

  it('refuses a block of another rule set or with the wrong number of ids', () => {
    const builder = new ResponseBuilder({ ...ruleSet, digest: 'cd'.repeat(32) });
    expect(() => builder.add(blocks()[0]!.scored, ['a', 'b', 'c'])).toThrow(/rule set test@2026.1/);
    expect(() => new ResponseBuilder(ruleSet).add(blocks()[0]!.scored, ['a'])).toThrow(RangeError);
  });
});

describe('float32Json', () => {
  it('writes the shortest decimal that reads back as the same float32', () => {
    expect(float32Json(0.3)).toBe('0.3');
    expect(float32Json(Math.fround(0.3))).toBe('0.3');
    expect(float32Json(35)).toBe('35');
    expect(float32Json(1 / 3)).toBe('0.33333334');
    expect(float32Json(123456789)).toBe('123456790');
    expect(float32Json(1e-7)).toBe('1e-7');
    expect(float32Json(3.4e38)).toBe('3.4e+38');
    expect(float32Json(-0)).toBe('-0');
    expect(float32Json(NaN)).toBe('"NaN"');
    expect(float32Json(Infinity)).toBe('"Infinity"');
    expect(float32Json(-Infinity)).toBe('"-Infinity"');
  });

  it('reads back as the same float32, never longer than needed', () => {
    const bits = new Uint32Array(1);
    const float = new Float32Array(bits.buffer);
    let seed = 12345;
    for (let i = 0; i < 20000; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      bits[0] = seed;
      const f = float[0]!;
      if (!Number.isFinite(f)) continue;
      const text = float32Json(f);
      expect(Math.fround(Number(text))).toBe(f);
      const digits = text.replace(/^-/, '').replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').length;
      const shorter = Number(f.toPrecision(Math.max(1, digits - 1)));
      if (digits > 1) expect(Math.fround(shorter) === f && String(shorter).length < text.length).toBe(false);
    }
  });
});
