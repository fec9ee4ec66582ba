// ScoreStream with cohorts (followup.md, Cohorts; stream-cohorts.ts) against
// the built gateway, with a rule set that reads the peer features, over
// @grpc/grpc-js and connect-node as integrators call it. A group is a
// contiguous run across the stream, message boundaries included: runs that
// span two and three messages give the results of ScoreBatch on the same
// consumers, byte for byte, with peer_count counted here; a group that comes
// back is invalid_argument naming it and both positions; ungrouped, empty and
// grouped messages mixed keep request order, one response per message, and
// count every consumer once in the summary.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { create, toBinary } from '@bufbuild/protobuf';
import { createClient } from '@connectrpc/connect';
import { createConnectTransport, Http2SessionManager } from '@connectrpc/connect-node';
import { gridcode } from '#gen/scoring.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../engine/src/package-root.js';
import { startGatewayProcess, type GatewayProcess } from '../../lib/gateway-process.js';
import { loadRegistry, messageSchema } from '../../lib/proto-registry.js';
import { requestInit, type BatchOptions, type ConsumerData } from '../../lib/score-requests.js';
import { populationConsumers } from '../../tests/support/gateway/population.js';
import { PEER_RULE_SET } from '../../tests/support/gateway/peer-rule-set.js';

const SERVICE = '/gridcode.v1.ScoringService/';
const PEERS = PEER_RULE_SET;
const HEADER: BatchOptions = { startDate: '2026-03-02', ruleSet: 'peers', includeFeatures: true, includeEvidence: true };
const LATER: BatchOptions = { startDate: '' };

/** The population in contiguous runs ('' = no group), cut into messages of 50 below: runs span 2 and 3 messages, two messages have no group. */
const RUNS: [string, number][] = [['', 25], ['area-1', 60], ['area-2', 1], ['area-3', 114], ['', 50], ['area-4', 44], ['area-5', 96], ['', 10], ['area-6', 150], ['', 50], ['area-7', 40]];
const CONSUMERS = withGroups(populationConsumers(0, 640, { days: 7, seed: 21, startWeekday: 0, prefix: 'cohort' }), RUNS);

let dir: string;
let gw: GatewayProcess;
const closers: (() => void)[] = [];

beforeAll(async () => {
  loadRegistry();
  dir = mkdtempSync(join(tmpdir(), 'gridcode-stream-cohorts-'));
  copyFileSync(join(packageRoot, 'rules/default.yaml'), join(dir, 'default.yaml'));
  writeFileSync(join(dir, 'peers.yaml'), PEERS);
  gw = await startGatewayProcess(['--workers', '2', '--rules-dir', dir]);
}, 60_000);

afterAll(async () => {
  for (const close of closers) close();
  expect(await gw.stop()).toBe(0);
  rmSync(dir, { recursive: true, force: true });
});

/** The consumers with the groups of `runs` ('' = none), whatever group they had. */
function withGroups(consumers: readonly ConsumerData[], runs: readonly [string, number][]): ConsumerData[] {
  const groups = runs.flatMap(([group, n]) => Array.from({ length: n }, () => group));
  return consumers.map(({ group: _, ...c }, i) => (groups[i] ? { ...c, group: groups[i] } : c));
}

/** The consumers in messages of the given sizes, the first carrying the header: message inits. */
function messageInits(consumers: readonly ConsumerData[], sizes: readonly number[]): Record<string, unknown>[] {
  let at = 0;
  return sizes.map((size, m) => requestInit(m === 0 ? HEADER : LATER, consumers.slice(at, (at += size))));
}

/** The same, encoded (for grpc-js with raw bytes). */
const messages = (consumers: readonly ConsumerData[], sizes: readonly number[]): Uint8Array[] => messageInits(consumers, sizes).map((init) => encode('ScoreStreamRequest', init));

const encode = (name: string, init: Record<string, unknown>): Uint8Array => toBinary(messageSchema(name), create(messageSchema(name), init));
const resultBytes = (results: readonly gridcode.v1.IConsumerResult[]): string[] => results.map((r) => Buffer.from(gridcode.v1.ConsumerResult.encode(r).finish()).toString('base64'));
const summary = (s: gridcode.v1.ISummary | null | undefined) => gridcode.v1.Summary.toObject(s as gridcode.v1.Summary);

function grpcClient(): grpc.Client {
  const client = new grpc.Client(gw.h2.replace('http://', ''), grpc.credentials.createInsecure());
  closers.push(() => client.close());
  return client;
}

/** A ScoreStream over grpc-js with raw message bytes. */
function grpcStream(messages: readonly Uint8Array[]): Promise<{ responses: gridcode.v1.ScoreStreamResponse[]; code: number; details: string }> {
  const client = grpcClient();
  return new Promise((resolve) => {
    const responses: gridcode.v1.ScoreStreamResponse[] = [];
    const call = client.makeBidiStreamRequest(SERVICE + 'ScoreStream', (m: Uint8Array) => Buffer.from(m), (b: Buffer) => gridcode.v1.ScoreStreamResponse.decode(b));
    call.on('data', (r: gridcode.v1.ScoreStreamResponse) => responses.push(r));
    call.on('error', () => {});
    call.on('status', (s: grpc.StatusObject) => resolve({ responses, code: s.code, details: s.details }));
    for (const m of messages) call.write(m);
    call.end();
  });
}

function scoreBatch(consumers: readonly ConsumerData[]): Promise<gridcode.v1.ScoreBatchResponse> {
  const client = grpcClient();
  const request = encode('ScoreBatchRequest', requestInit(HEADER, consumers));
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(SERVICE + 'ScoreBatch', (m: Uint8Array) => Buffer.from(m), (b: Buffer) => gridcode.v1.ScoreBatchResponse.decode(b), request, (error, response) =>
      error ? reject(error) : resolve(response!),
    );
  });
}

describe('ScoreStream with cohorts', () => {
  it('gives, runs spanning messages, the results of ScoreBatch on the same consumers, byte for byte (grpc-js)', async () => {
    const sizes = Array.from({ length: Math.ceil(CONSUMERS.length / 50) }, (_, m) => Math.min(50, CONSUMERS.length - 50 * m));
    const [batch, stream] = await Promise.all([scoreBatch(CONSUMERS), grpcStream(messages(CONSUMERS, sizes))]);
    expect([stream.code, stream.details]).toEqual([grpc.status.OK, '']);
    expect(stream.responses).toHaveLength(sizes.length + 1);
    const results = stream.responses.flatMap((r) => r.results);
    expect(resultBytes(results)).toEqual(resultBytes(batch.results));
    expect(stream.responses[0]!.ruleSet).toBe('peers@1');
    expect(summary(stream.responses.at(-1)!.summary)).toEqual(summary(batch.summary));
    expect(batch.summary!.total).toBe(CONSUMERS.length);
    // Results wait for their run to end (the next group starts), ungrouped messages behind an open run too; a message
    // whose results all wait is answered at once, empty; the last run comes with the summary.
    expect(stream.responses.map((r) => r.results.length)).toEqual([0, 50, 0, 0, 0, 200, 0, 0, 150, 0, 0, 0, 200, 40]);

    // peer_count counted here: the other members of its group and category that are not GRAY.
    const names = stream.responses[0]!.featureNames;
    const count = names.indexOf('peer_count');
    const gray = results.map((r) => r.code === gridcode.v1.Code.CODE_GRAY);
    const key = (i: number) => `${CONSUMERS[i]!.group}|${CONSUMERS[i]!.category}`;
    const peers = new Map<string, number>();
    CONSUMERS.forEach((c, i) => c.group && !gray[i] && peers.set(key(i), (peers.get(key(i)) ?? 0) + 1));
    const checked = results.filter((r, i) => {
      if (gray[i]) return false;
      expect([r.id, (r.features ?? [])[count]]).toEqual([r.id, CONSUMERS[i]!.group ? peers.get(key(i))! - 1 : 0]);
      return CONSUMERS[i]!.group !== undefined;
    });
    expect(checked.length).toBeGreaterThan(400);
    expect(Math.max(...results.map((r) => (r.features ?? [])[count] ?? 0))).toBeGreaterThan(20);
  });

  it('ends the stream with invalid_argument when a group comes back, naming it and both positions', async () => {
    const some = CONSUMERS.slice(0, 25);
    const grouped = (groups: string[]) => some.slice(0, groups.length).map((c, i) => ({ ...c, group: groups[i]! }));
    const across = await grpcStream(messages(grouped([...Array(10).fill('A'), ...Array(10).fill('B'), ...Array(5).fill('A')]), [10, 10, 5]));
    expect(across.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(across.details).toMatch(/^group "A" is not contiguous: it ended at consumer 9 and comes back at consumer 20;/);
    const inside = await grpcStream(messages(grouped(['', 'x', 'x', 'y', 'x']), [1, 4]));
    expect(inside.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(inside.details).toMatch(/^group "x" is not contiguous: it ended at consumer 2 and comes back at consumer 4;/);
  });

  it('keeps request order and counts every consumer once with ungrouped, empty and grouped messages mixed (connect-node, proto and JSON)', async () => {
    // Messages: none; 5 none + 5 g1 (open); none (held behind g1); 6 g2 (ends g1) + 4 none; empty; 3 none + 7 g3 (ends g2; open at the end).
    const layout: [string, number][] = [['', 15], ['g1', 5], ['', 10], ['g2', 6], ['', 7], ['g3', 7]];
    const consumers = withGroups(CONSUMERS.slice(100, 150), layout);
    const sizes = [10, 10, 10, 10, 0, 10];
    const batch = await scoreBatch(consumers);
    const service = loadRegistry().getService('gridcode.v1.ScoringService')!;
    for (const useBinaryFormat of [true, false]) {
      const sessionManager = new Http2SessionManager(gw.h2);
      closers.push(() => sessionManager.abort());
      const client = createClient(service, createConnectTransport({ baseUrl: gw.h2, httpVersion: '2', useBinaryFormat, sessionManager })) as unknown as {
        scoreStream(input: AsyncIterable<unknown>): AsyncIterable<unknown>;
      };
      async function* requests() {
        for (const init of messageInits(consumers, sizes)) yield create(messageSchema('ScoreStreamRequest'), init);
      }
      const responses: gridcode.v1.ScoreStreamResponse[] = [];
      for await (const response of client.scoreStream(requests())) responses.push(gridcode.v1.ScoreStreamResponse.decode(toBinary(messageSchema('ScoreStreamResponse'), response as never)));
      expect([useBinaryFormat, responses.map((r) => r.results.length)]).toEqual([useBinaryFormat, [10, 0, 0, 20, 0, 10, 10]]);
      const results = responses.flatMap((r) => r.results);
      expect(results.map((r) => r.id)).toEqual(consumers.map((c) => c.id));
      expect(resultBytes(results)).toEqual(resultBytes(batch.results));
      expect(summary(responses.at(-1)!.summary)).toEqual(summary(batch.summary));
      expect(responses.at(-1)!.summary!.total).toBe(consumers.length);
      expect(responses[0]!.ruleSet).toBe('peers@1');
    }
  });
});
