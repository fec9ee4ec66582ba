// The block-scoring use case (score-blocks.ts, score-request.ts) and the
// response parts it makes (codec/response-parts.ts), on the real engine and
// the default rule set: blocks, the reading limit, errors placed in the
// batch, parts that put together are the whole, a ScoreStream's header.
import { beforeAll, describe, expect, it } from 'vitest';
import { gridcode } from '#gen/scoring.js';
import { defaultScoring } from '../../../tests/support/engine.js';
import { assembleMessage, assembleResponse, ResponseBuilder, responseJson, RESULT_SEPARATOR, type Serialization } from '../codec/index.js';
import { FeatureEngine } from '../engine.js';
import { BatchError, MalformedProtobuf } from '../errors.js';
import { parseBatchHeader } from '../header.js';
import type { CompiledRuleSet } from '../rules/program.js';
import { scanRequest, type RequestHeader } from '../wire/request.js';
import { BLOCK_LIMITS, BlockScorer, blocksOf, spanRanges } from './score-blocks.js';
import { scoreBatchRequest, type ScoreRequestOptions } from './score-request.js';

const P = 24;
const DAYS = 7;
let engine: FeatureEngine;
let ruleSet: CompiledRuleSet;

beforeAll(async () => ({ engine, ruleSet } = await defaultScoring()));

/** Consumer i: a curve of its own (some night-heavy, so that rules fire), a few of them unusable. */
function consumer(i: number, days = DAYS): gridcode.v1.Consumer.$Properties {
  const loadKw = Array.from({ length: P * days }, (_, t) => {
    const hour = t % P;
    const night = hour < 6 || hour >= 22;
    return Math.fround((i % 3 === 0 ? (night ? 6 : 1) : night ? 0.3 : 1.2) * (1 + 0.2 * Math.sin(t * 0.37 + i)));
  });
  const out: gridcode.v1.Consumer.$Properties = { id: `c${i}`, category: 1 + (i % 3), zone: 1 + (i % 4), capacityKw: 5 + (i % 5), loadKw };
  if (i % 11 === 5) out.loadKw = [];
  return out;
}

function request(fields: Partial<gridcode.v1.ScoreBatchRequest.$Properties>, consumers: gridcode.v1.Consumer.$Properties[]): Uint8Array {
  return gridcode.v1.ScoreBatchRequest.encode({ startDate: '2024-03-04', pointsPerDay: P, consumers, ...fields }).finish();
}

function score(bytes: Uint8Array, options: Partial<ScoreRequestOptions> = {}) {
  return scoreBatchRequest(engine, bytes, { resolveRuleSet: () => ruleSet, serialization: 'proto', ...options });
}

/** The response as ResponseBuilder makes it from the whole batch in one engine call. */
function reference(bytes: Uint8Array): { proto: Uint8Array; json: string } {
  const scanned = scanRequest(bytes);
  const options = { includeFeatures: scanned.includeFeatures, flaggedOnly: scanned.flaggedOnly, includeEvidence: scanned.includeEvidence };
  const builder = new ResponseBuilder(ruleSet, options);
  const scored = engine.scoreWire(parseBatchHeader(scanned.pointsPerDay, scanned.startDate), scanned.consumers, ruleSet, { allFeatures: options.includeFeatures });
  builder.add(scored, scored.matrix.ids);
  const response = builder.build();
  // protobufjs's own encoder, not the codec's assembly: it writes the fields in number order, as the parts are put together.
  return { proto: gridcode.v1.ScoreBatchResponse.encode(response).finish(), json: responseJson(response) };
}

describe('blocksOf', () => {
  const ranges = (sizes: number[]) => {
    const spans = new Int32Array(2 * sizes.length);
    let at = 0;
    sizes.forEach((size, i) => {
      spans[2 * i] = at + 2; // a tag and a length before each consumer
      spans[2 * i + 1] = at += 2 + size;
    });
    return spanRanges(spans);
  };

  it('cuts at maxConsumers and at maxBytes from the first start to the last end; a larger consumer is a block of its own', () => {
    const small = ranges(Array.from({ length: 2 * BLOCK_LIMITS.maxConsumers + 1 }, () => 10));
    expect([...blocksOf(small)]).toEqual([
      [0, BLOCK_LIMITS.maxConsumers],
      [BLOCK_LIMITS.maxConsumers, 2 * BLOCK_LIMITS.maxConsumers],
      [2 * BLOCK_LIMITS.maxConsumers, 2 * BLOCK_LIMITS.maxConsumers + 1],
    ]);
    const half = BLOCK_LIMITS.maxBytes / 2;
    expect([...blocksOf(ranges([half, half, 1, 2 * BLOCK_LIMITS.maxBytes, 1]))]).toEqual([[0, 1], [1, 3], [3, 4], [4, 5]]);
    expect([...blocksOf(small, 5, 9)]).toEqual([[5, 9]]);
  });
});

describe('scoreBatchRequest', () => {
  const consumers = Array.from({ length: 2 * BLOCK_LIMITS.maxConsumers + 37 }, (_, i) => consumer(i));

  it.each<[string, Partial<gridcode.v1.ScoreBatchRequest.$Properties>]>([
    ['plain', {}],
    ['features and evidence', { includeFeatures: true, includeEvidence: true }],
    ['flagged only', { flaggedOnly: true }],
  ])('gives, in parts put together, the bytes of the whole batch in one engine call (%s)', (_, fields) => {
    const bytes = request(fields, consumers);
    const expected = reference(bytes);
    for (const serialization of ['proto', 'json'] as Serialization[]) {
      const whole = assembleResponse([score(bytes, { serialization }).part], serialization);
      const parts = [0, 1, 2].map((index) => score(bytes, { serialization, part: { index, count: 3 } }).part);
      const split = assembleResponse(parts, serialization);
      const want = serialization === 'proto' ? Buffer.from(expected.proto) : Buffer.from(expected.json);
      expect(Buffer.from(whole).equals(want), serialization).toBe(true);
      expect(Buffer.from(split).equals(want), serialization).toBe(true);
    }
  });

  it('names a malformed consumer by its index in the batch and its byte in the request, past the first block', () => {
    const bad = BLOCK_LIMITS.maxConsumers + 50;
    const good = request({}, consumers);
    // Consumer `bad`'s first field (id, wire type 2) turned into field 5 with wire type 0.
    const { spans } = scanRequest(good).consumers;
    const bytes = good.slice();
    bytes[spans[2 * bad]!] = (5 << 3) | 0;
    const error = (() => {
      try {
        score(bytes);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(MalformedProtobuf);
    const malformed = error as MalformedProtobuf;
    expect(malformed.consumer).toBe(bad);
    expect(malformed.byte).toBeGreaterThanOrEqual(spans[2 * bad]!);
    expect(malformed.byte).toBeLessThanOrEqual(spans[2 * bad + 1]!);
    expect(malformed.message).toBe(`malformed protobuf in consumers[${bad}] at byte ${malformed.byte}: field load_kw has wire type 0, expected 2 (packed) or 5`);
    expect(malformed.atByte(7).message).toBe(`malformed protobuf in consumers[${bad}] at byte 7: field load_kw has wire type 0, expected 2 (packed) or 5`);
  });

  it('codes a consumer over the reading limit GRAY with the limit as its note, keeping its id; a limit at the engine’s own leaves the engine’s notes', () => {
    const some = [consumer(0), consumer(1, 3 * DAYS), consumer(2)];
    const decode = (limit: number) => gridcode.v1.ScoreBatchResponse.decode(assembleResponse([score(request({}, some), { maxReadingsPerConsumer: limit }).part], 'proto'));
    const limited = decode(2 * DAYS * P);
    expect(limited.results.map((r) => [r.id, r.code, r.note])).toEqual([
      ['c0', expect.any(Number), ''],
      ['c1', gridcode.v1.Code.CODE_GRAY, `${3 * DAYS * P} readings; the limit is ${2 * DAYS * P} per consumer`],
      ['c2', expect.any(Number), ''],
    ]);
    expect(limited.results[0]!.code).not.toBe(gridcode.v1.Code.CODE_GRAY);
    // 401 days is over the engine's limit of 400 whatever the caller's: its note says so.
    const long = [consumer(0, 401)];
    const engineLimit = gridcode.v1.ScoreBatchResponse.decode(assembleResponse([score(request({}, long), { maxReadingsPerConsumer: 400 * P }).part], 'proto'));
    expect(engineLimit.results[0]!.note).toBe('401 days of readings; the limit is 400');
  });

  it('refuses more consumers than the limit', () => {
    expect(() => score(request({}, consumers.slice(0, 3)), { maxConsumers: 2 })).toThrow(new BatchError('invalid_argument', 'batch has 3 consumers; the limit is 2'));
  });

  describe('under a ScoreStream header', () => {
    /** As the first message fixed it, its rule set pinned to `id@version`. */
    const header = (): RequestHeader => ({ ruleSet: `${ruleSet.id}@${ruleSet.version}`, startDate: '2024-03-04', pointsPerDay: P, includeFeatures: false, flaggedOnly: true, includeEvidence: false });

    it('scores a later message, which sets no header field, under the stream’s, and says which header it used', () => {
      const some = consumers.slice(0, 40);
      const later = gridcode.v1.ScoreBatchRequest.encode({ consumers: some }).finish();
      const stream = header();
      const refs: string[] = [];
      const scored = score(later, { streamHeader: stream, resolveRuleSet: (ref) => (refs.push(ref), ruleSet) });
      expect(refs).toEqual([stream.ruleSet]);
      expect(scored.header).toEqual(stream);
      const alone = score(request({ flaggedOnly: true }, some)).part;
      expect(Buffer.from(scored.part.results).equals(Buffer.from(alone.results))).toBe(true);
    });

    it('refuses a header field set to another value, naming each', () => {
      // The rule set by its id alone agrees with the stream's `id@version`.
      const later = gridcode.v1.ScoreBatchRequest.encode({ startDate: '2024-03-05', pointsPerDay: 96, ruleSet: ruleSet.id, consumers: [consumer(1)] }).finish();
      expect(() => score(later, { streamHeader: header() })).toThrow(
        new BatchError('invalid_argument', "start_date, points_per_day of a later ScoreStream message differs from the first message's; later messages carry consumers only"),
      );
    });
  });
});

describe('response parts', () => {
  it('puts together stream messages from fields and parts by concatenation: the first names the rule set, the last the summary', () => {
    const bytes = request({ includeFeatures: true }, Array.from({ length: 30 }, (_, i) => consumer(i)));
    for (const serialization of ['proto', 'json'] as Serialization[]) {
      const { part } = score(bytes, { serialization });
      const first = assembleMessage({ ruleSet: part.ruleSet, ruleSetDigest: part.digest, featureNames: [...part.featureNames] }, [part], serialization);
      const last = assembleMessage({ summary: { total: 30 } }, [], serialization);
      const empty = assembleMessage({}, [], serialization);
      const read = (message: Uint8Array) =>
        serialization === 'proto'
          ? gridcode.v1.ScoreBatchResponse.toObject(gridcode.v1.ScoreBatchResponse.decode(message), { enums: String })
          : gridcode.v1.ScoreBatchResponse.toObject(gridcode.v1.ScoreBatchResponse.fromObject(JSON.parse(new TextDecoder().decode(message)) as object), { enums: String });
      const head = read(first);
      expect(head.ruleSet).toBe(part.ruleSet);
      expect(head.featureNames).toEqual(part.featureNames);
      expect(head.results).toHaveLength(30);
      expect(head.summary).toBeUndefined();
      expect(read(last)).toMatchObject({ summary: { total: 30 } });
      expect(read(last).results ?? []).toEqual([]);
      expect(Buffer.from(empty).toString()).toBe(serialization === 'proto' ? '' : '{}\n');
    }
  });
});

describe('BlockScorer onBlockResults', () => {
  /** The batch scored in blocks of `size`, results kept (as gridcode score) or handed over block by block. */
  function scoreBlocks(bytes: Uint8Array, size: number, serialization: Serialization, sink?: (encoded: Uint8Array) => void) {
    const scanned = scanRequest(bytes);
    const header = parseBatchHeader(scanned.pointsPerDay, scanned.startDate);
    const scorer = new BlockScorer(engine, header, ruleSet, { includeEvidence: true, onBlockResults: sink }, serialization);
    const spans = scanned.consumers.spans;
    for (let first = 0; first < spans.length >> 1; first += size) scorer.add({ bytes, spans: spans.subarray(2 * first, 2 * Math.min(spans.length >> 1, first + size)), first });
    return scorer.part();
  }

  it('hands each block its encoded results instead of keeping them: together they are the results kept without it', () => {
    const bytes = request({}, Array.from({ length: 230 }, (_, i) => consumer(i)));
    for (const serialization of ['proto', 'json'] as const) {
      const kept = scoreBlocks(bytes, 50, serialization);
      const handed: Uint8Array[] = [];
      const part = scoreBlocks(bytes, 50, serialization, (encoded) => handed.push(encoded.slice()));
      expect(handed.length).toBe(5);
      expect(part.results.length).toBe(0);
      expect([part.resultCount, part.counts, part.hits]).toEqual([kept.resultCount, kept.counts, kept.hits]);
      // JSON blocks are result lines each; the kept results put RESULT_SEPARATOR between blocks too.
      const joined = serialization === 'proto' ? Buffer.concat(handed) : Buffer.from(handed.map((b) => Buffer.from(b).toString('utf8')).join(RESULT_SEPARATOR));
      expect(Buffer.from(joined).equals(Buffer.from(kept.results)), serialization).toBe(true);
    }
  });
});
