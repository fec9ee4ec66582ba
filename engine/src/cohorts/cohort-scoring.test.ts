// Peer features through the block-scoring use case (followup.md, Cohorts):
// each consumer's values against the float64 reference of its cohort, the
// same bytes whatever the blocks a batch is cut into ('batch' mode, any
// order) or a stream is read in ('stream' mode, groups contiguous), and the
// errors of a stream whose group comes back or runs too long.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gridcode } from '#gen/scoring.js';
import { referencePeers } from '../../../tests/reference/peers.js';
import { expectFeatureClose } from '../../../tests/support/tolerance.js';
import { batchError } from '../../../tests/support/wire.js';
import type { ResponsePart } from '../codec/index.js';
import { FeatureEngine } from '../engine.js';
import { parseBatchHeader } from '../header.js';
import { compileRuleSet } from '../rules/compile-rule-set.js';
import type { CompiledRuleSet } from '../rules/program.js';
import { BlockScorer } from '../scoring/score-blocks.js';
import { scanRequest } from '../wire/request.js';
import { MAX_GROUP_RUN } from './group-runs.js';

const P = 24;
const DAYS = 7;
const START = '2026-03-02';
let engine: FeatureEngine;
let ruleSet: CompiledRuleSet;

// min_valid_share 0.5: a consumer with most readings missing is GRAY, and so nobody's peer.
const RULES = `id: peers
version: '1'
min_valid_share: 0.5
thresholds: { yellow: 40, red: 70 }
rules:
  - id: above-cohort
    when: peer_ratio > 3 and peer_corr < 0.6
    score: 80
    reason: far above its cohort, unlike it
`;

beforeAll(async () => {
  engine = await FeatureEngine.load();
  const compiled = compileRuleSet(RULES, { file: 'peers.yaml' });
  if (!compiled.ruleSet) throw new Error(JSON.stringify(compiled.diagnostics));
  ruleSet = compiled.ruleSet;
});

interface Member {
  readonly id: string;
  readonly group: string;
  readonly category: number;
  readonly loadKw: number[];
}

/** A household-like day (evening peak) or a workshop (flat daytime load), scaled, with a phase of its own; `missing` readings NaN. */
function curve(kind: 'home' | 'shop', scale: number, phase: number, missing = 0): number[] {
  return Array.from({ length: P * DAYS }, (_, t) => {
    if (t < missing) return NaN;
    const hour = t % P;
    const base = kind === 'home' ? 0.3 + (hour >= 18 && hour < 22 ? 1.2 : 0) + 0.1 * Math.sin(t * 0.7 + phase) : hour >= 8 && hour < 18 ? 6 : 0.5;
    return Math.fround(scale * base * (1 + 0.05 * Math.cos(t * 1.3 + phase)));
  });
}

/** Cohorts of every kind the spec names, in group order (contiguous). */
function members(): Member[] {
  const out: Member[] = [];
  const add = (group: string, category: number, kind: 'home' | 'shop', scale: number, missing = 0) =>
    out.push({ id: `m${out.length}`, group, category, loadKw: curve(kind, scale, out.length, missing) });
  for (let i = 0; i < 9; i++) add('TA-1', 1, 'home', 1 + 0.1 * i);
  add('TA-1', 1, 'shop', 2); // the workshop among the households
  add('TA-1', 1, 'home', 1, P * DAYS); // no valid reading: mean undefined, nobody's peer
  add('TA-1', 1, 'home', 1, (P * DAYS * 2) / 3); // below min_valid_share: GRAY, nobody's peer
  for (let i = 0; i < 3; i++) add('TA-1', 2, 'shop', 1 + i); // commercial in the same area: a cohort of three
  add('TA-2', 1, 'home', 1); // a group of one
  for (let i = 0; i < 5; i++) add('', 1, 'home', 1 + i); // no group
  for (let i = 0; i < 6; i++) add('building 7', 1, i === 5 ? 'shop' : 'home', 1.5);
  return out;
}

function request(list: readonly Member[]): Uint8Array {
  const consumers = list.map((m) => ({ id: m.id, category: m.category, loadKw: m.loadKw, ...(m.group ? { group: m.group } : {}) }));
  return gridcode.v1.ScoreBatchRequest.encode({ startDate: START, pointsPerDay: P, includeFeatures: true, consumers }).finish();
}

/** The request scored by BlockScorer with the consumers cut into blocks of the given sizes. */
function scoreInBlocks(bytes: Uint8Array, sizes: readonly number[], cohorts: 'batch' | 'stream'): ResponsePart {
  const scanned = scanRequest(bytes);
  const header = parseBatchHeader(scanned.pointsPerDay, scanned.startDate);
  const scorer = new BlockScorer(engine, header, ruleSet, { includeFeatures: true, cohorts }, 'proto');
  const spans = scanned.consumers.spans;
  const n = spans.length >> 1;
  let first = 0;
  for (let k = 0; first < n; k++) {
    const last = Math.min(n, first + Math.max(1, sizes[k % sizes.length]!));
    scorer.add({ bytes, spans: spans.subarray(2 * first, 2 * last), first });
    first = last;
  }
  return scorer.part();
}

/** Each result's features by name (the response's results are ScoreBatchResponse field 3; features as float32). */
function featuresById(part: ResponsePart): Map<string, Record<string, number>> {
  const response = gridcode.v1.ScoreBatchResponse.decode(part.results);
  return new Map(response.results.map((r) => [r.id!, Object.fromEntries(part.featureNames.map((name, f) => [name, r.features![f]!]))]));
}

describe('peer features', () => {
  it('equal the float64 reference of each cohort (group and category), GRAY consumers nobody’s peer', () => {
    const list = members();
    const byId = featuresById(scoreInBlocks(request(list), [1000], 'batch'));
    const cohorts = new Map<string, Member[]>();
    for (const m of list) if (m.group) cohorts.set(`${m.group}/${m.category}`, [...(cohorts.get(`${m.group}/${m.category}`) ?? []), m]);
    let defined = 0;
    for (const cohort of cohorts.values()) {
      const gray = (m: Member) => m.loadKw.filter((v) => !Number.isNaN(v)).length < 0.5 * m.loadKw.length;
      const expected = referencePeers(cohort.map((m) => ({ loadKw: m.loadKw, gray: gray(m) })), P, { float32Profiles: true });
      cohort.forEach((m, i) => {
        const got = byId.get(m.id)!;
        const want = expected[i]!;
        for (const name of ['peer_count', 'peer_ratio', 'peer_corr'] as const) {
          if (!Number.isNaN(want[name])) defined++;
          // The response carries features as float32.
          expectFeatureClose(name, got[name]!, Math.fround(want[name]), m.id);
        }
      });
    }
    expect(defined).toBeGreaterThan(40);
    for (const m of list.filter((m) => !m.group)) expect(byId.get(m.id)!.peer_count).toBe(0);
    expect(byId.get('m9')!.peer_ratio, 'the workshop is far above its households').toBeGreaterThan(3);
  });

  it('do not depend on how a batch is cut into blocks, nor on its order of groups', () => {
    const list = members();
    const whole = scoreInBlocks(request(list), [1000], 'batch');
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 6 }), (sizes) => {
        expect(Buffer.from(scoreInBlocks(request(list), sizes, 'batch').results).equals(Buffer.from(whole.results))).toBe(true);
        expect(Buffer.from(scoreInBlocks(request(list), sizes, 'stream').results).equals(Buffer.from(whole.results))).toBe(true);
      }),
      { numRuns: 40 },
    );
    // In a batch, a group need not be contiguous: the same features for every consumer, in another order.
    const shuffled = [...list].sort((a, b) => (a.id.length * 7 + a.id.charCodeAt(a.id.length - 1)) % 5 - (b.id.length * 7 + b.id.charCodeAt(b.id.length - 1)) % 5);
    const a = featuresById(whole);
    const b = featuresById(scoreInBlocks(request(shuffled), [3, 5], 'batch'));
    for (const [id, features] of a) expect(b.get(id), id).toEqual(features);
  });
});

describe('groups in a stream or a file', () => {
  it('a group that comes back after another is invalid_argument naming it and the two positions', () => {
    const list = members();
    const back = [...list.slice(0, 4), ...list.slice(-3), ...list.slice(4, 8)];
    const error = batchError(() => scoreInBlocks(request(back), [2], 'stream'));
    expect(error.code).toBe('invalid_argument');
    expect(error.message).toBe(
      `group "TA-1" is not contiguous: it ended at consumer 3 and comes back at consumer 7; in a stream or file a group's consumers must come together (consumers without a group may sit among them), within ${MAX_GROUP_RUN} consumers of its first`,
    );
  });

  it('consumers without a group may sit among a group’s: the same features as the batch', () => {
    const list = members();
    const ungrouped = list.filter((m) => !m.group);
    const tA = list.filter((m) => m.group === 'TA-1');
    // TA-1 with the ungrouped consumers spread among its own, then the rest.
    const mixed = [...tA.flatMap((m, i) => (i < ungrouped.length ? [m, ungrouped[i]!] : [m])), ...list.filter((m) => m.group && m.group !== 'TA-1')];
    const whole = featuresById(scoreInBlocks(request(mixed), [1000], 'batch'));
    const streamed = featuresById(scoreInBlocks(request(mixed), [3], 'stream'));
    expect(streamed).toEqual(whole);
    expect(streamed.get('m9')!.peer_count).toBe(9);
  });

  it(`a run spanning more than ${MAX_GROUP_RUN} consumers is invalid_argument, before its blocks pile up`, () => {
    const day = Array.from({ length: P }, (_, s) => 0.5 + s / P);
    const consumers = Array.from({ length: MAX_GROUP_RUN + 1 }, (_, i) => ({ id: `c${i}`, category: 1, loadKw: day, ...(i % 2 === 0 ? { group: 'street' } : {}) }));
    const bytes = gridcode.v1.ScoreBatchRequest.encode({ startDate: START, pointsPerDay: P, consumers }).finish();
    const error = batchError(() => scoreInBlocks(bytes, [2000], 'stream'));
    expect(error.message).toMatch(new RegExp(`^group "street" spans more than ${MAX_GROUP_RUN} consumers \\(from consumer 0 to consumer ${MAX_GROUP_RUN}\\)`));
  });

  it(`a group ends ${MAX_GROUP_RUN} consumers after its first: its blocks do not wait for the stream's end`, () => {
    const day = Array.from({ length: P }, (_, s) => 0.5 + s / P);
    const consumers = Array.from({ length: MAX_GROUP_RUN + 10 }, (_, i) => ({ id: `c${i}`, category: 1, loadKw: day, ...(i < 5 ? { group: 'street' } : i === MAX_GROUP_RUN + 5 ? { group: 'street' } : {}) }));
    const bytes = gridcode.v1.ScoreBatchRequest.encode({ startDate: START, pointsPerDay: P, consumers }).finish();
    const error = batchError(() => scoreInBlocks(bytes, [2000], 'stream'));
    expect(error.message).toMatch(/^group "street" is not contiguous: it ended at consumer 4 and comes back at consumer 20005;/);
  });
});
