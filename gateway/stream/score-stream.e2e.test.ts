// ScoreStream against the built gateway, with the clients integrators use:
// @grpc/grpc-js (gRPC) and connect-node (the Connect streaming protocol over
// HTTP/2). Results are compared byte for byte with ScoreBatch on the same
// consumers; a bad consumer is GRAY mid-stream; a bad message ends the stream
// with its code after the earlier responses; a client that cancels leaves the
// server serving. Memory, back-pressure and shutdown are in
// score-stream-bounds.e2e.test.ts.
import * as grpc from '@grpc/grpc-js';
import { create, toBinary } from '@bufbuild/protobuf';
import { createClient } from '@connectrpc/connect';
import { createConnectTransport, Http2SessionManager } from '@connectrpc/connect-node';
import { gridcode } from '#gen/scoring.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../../lib/gateway-process.js';
import { loadRegistry, messageSchema } from '../../lib/proto-registry.js';
import { requestInit } from '../../lib/score-requests.js';
import { populationConsumers } from '../../tests/support/gateway/population.js';

const SERVICE = '/gridcode.v1.ScoringService/';
const POPULATION = populationConsumers(0, 1_200, { days: 7, seed: 11, startWeekday: 0, prefix: 'stream' });
/** A household sent without category and zone: judged, with a note saying so (no silent GREEN). */
const NO_ACCOUNT = POPULATION.findIndex((c) => c.id.endsWith('-household'));
const CONSUMERS = POPULATION.map((c, i) => (i === NO_ACCOUNT ? { ...c, id: `${c.id}-no-account`, category: 0, zone: 0 } : c));
const HEADER = { startDate: '2026-03-02', includeEvidence: true } as const;
/** The consumers in messages of 100, the first one carrying the header. */
const MESSAGES = Array.from({ length: CONSUMERS.length / 100 }, (_, m) => requestInit(m === 0 ? HEADER : { startDate: '' }, CONSUMERS.slice(m * 100, (m + 1) * 100)));

let gw: GatewayProcess;
const closers: (() => void)[] = [];

beforeAll(async () => {
  gw = await startGatewayProcess(['--workers', '2', '--log-level', 'info']);
}, 60_000);

afterAll(async () => {
  for (const close of closers) close();
  expect(await gw.stop()).toBe(0);
});

function grpcClient(): grpc.Client {
  const client = new grpc.Client(gw.h2.replace('http://', ''), grpc.credentials.createInsecure());
  closers.push(() => client.close());
  return client;
}

interface StreamOutcome {
  readonly responses: gridcode.v1.ScoreStreamResponse[];
  readonly code: number;
  readonly details: string;
}

/** A ScoreStream over grpc-js with raw message bytes; `cancelAfter` responses, the client cancels. */
function grpcStream(client: grpc.Client, messages: readonly Uint8Array[], cancelAfter?: number): Promise<StreamOutcome> {
  return new Promise((resolve) => {
    const responses: gridcode.v1.ScoreStreamResponse[] = [];
    const call = client.makeBidiStreamRequest(SERVICE + 'ScoreStream', (m: Uint8Array) => Buffer.from(m), (b: Buffer) => gridcode.v1.ScoreStreamResponse.decode(b));
    call.on('data', (r: gridcode.v1.ScoreStreamResponse) => {
      responses.push(r);
      if (cancelAfter !== undefined && responses.length === cancelAfter) call.cancel();
    });
    call.on('error', () => {});
    call.on('status', (s: grpc.StatusObject) => resolve({ responses, code: s.code, details: s.details }));
    for (const m of messages) call.write(m);
    // A stream the client cancels stays open until then: had it ended, the server could finish it first.
    if (cancelAfter === undefined) call.end();
  });
}

function scoreBatch(client: grpc.Client, request: Uint8Array): Promise<gridcode.v1.ScoreBatchResponse> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(SERVICE + 'ScoreBatch', (m: Uint8Array) => Buffer.from(m), (b: Buffer) => gridcode.v1.ScoreBatchResponse.decode(b), request, (error, response) =>
      error ? reject(error) : resolve(response!),
    );
  });
}

const encodeRequest = (init: Record<string, unknown>): Uint8Array => toBinary(messageSchema('ScoreStreamRequest'), create(messageSchema('ScoreStreamRequest'), init));
const resultBytes = (results: readonly gridcode.v1.IConsumerResult[]): string[] => results.map((r) => Buffer.from(gridcode.v1.ConsumerResult.encode(r).finish()).toString('base64'));

describe('ScoreStream', () => {
  it('gives over grpc-js the same results, byte for byte, as ScoreBatch on the same consumers', async () => {
    const client = grpcClient();
    const batch = await scoreBatch(client, toBinary(messageSchema('ScoreBatchRequest'), create(messageSchema('ScoreBatchRequest'), requestInit(HEADER, CONSUMERS))));
    const stream = await grpcStream(client, MESSAGES.map(encodeRequest));
    expect([stream.code, stream.details]).toEqual([grpc.status.OK, '']);
    // One response per message, then the summary.
    expect(stream.responses).toHaveLength(MESSAGES.length + 1);
    const results = stream.responses.flatMap((r) => r.results);
    expect(resultBytes(results)).toEqual(resultBytes(batch.results));
    expect(stream.responses[0]!.ruleSet).toBe(batch.ruleSet);
    expect(stream.responses[0]!.ruleSetDigest).toBe(batch.ruleSetDigest);
    expect(stream.responses.slice(1).every((r) => r.ruleSet === '')).toBe(true);
    const last = stream.responses.at(-1)!;
    expect(last.results).toHaveLength(0);
    expect(gridcode.v1.Summary.toObject(last.summary as gridcode.v1.Summary)).toEqual(gridcode.v1.Summary.toObject(batch.summary as gridcode.v1.Summary));
    // Each rule described once over the stream: the same set as the batch's.
    const described = stream.responses.flatMap((r) => r.rules.map((rule) => rule.id));
    expect(new Set(described).size).toBe(described.length);
    expect([...described].sort()).toEqual(batch.rules.map((rule) => rule.id).sort());
    expect(batch.summary!.gray).toBeGreaterThan(0); // the population's meter faults: GRAY mid-stream, as in the batch
    const noAccount = results[NO_ACCOUNT]!;
    expect(noAccount.code).not.toBe(gridcode.v1.Code.CODE_GRAY);
    expect(noAccount.note).toMatch(/^category unspecified \(no account type from upstream\): \d+ rules? that reads? category did not fire: .*; zone unspecified \(no zone from upstream\): /);
  });

  it('gives over connect-node (Connect streaming on HTTP/2, proto and JSON) the same results as ScoreBatch', async () => {
    const service = loadRegistry().getService('gridcode.v1.ScoringService')!;
    const batchBytes = toBinary(messageSchema('ScoreBatchRequest'), create(messageSchema('ScoreBatchRequest'), requestInit(HEADER, CONSUMERS)));
    const batch = await scoreBatch(grpcClient(), batchBytes);
    for (const useBinaryFormat of [true, false]) {
      const sessionManager = new Http2SessionManager(gw.h2);
      closers.push(() => sessionManager.abort());
      const client = createClient(service, createConnectTransport({ baseUrl: gw.h2, httpVersion: '2', useBinaryFormat, sessionManager })) as unknown as {
        scoreStream(input: AsyncIterable<unknown>): AsyncIterable<unknown>;
      };
      async function* requests() {
        for (const init of MESSAGES) yield create(messageSchema('ScoreStreamRequest'), init);
      }
      const results: gridcode.v1.ConsumerResult[] = [];
      let responses = 0;
      for await (const response of client.scoreStream(requests())) {
        responses++;
        const decoded = gridcode.v1.ScoreStreamResponse.decode(toBinary(messageSchema('ScoreStreamResponse'), response as never));
        results.push(...(decoded.results as gridcode.v1.ConsumerResult[]));
      }
      expect([useBinaryFormat, responses]).toEqual([useBinaryFormat, MESSAGES.length + 1]);
      expect(resultBytes(results)).toEqual(resultBytes(batch.results));
    }
  });

  it('ends the stream with invalid_argument at a bad message, after the responses before it', async () => {
    const client = grpcClient();
    const good = MESSAGES.slice(0, 3).map(encodeRequest);
    // Later messages carry consumers only: another start_date is an error, not silently overruled.
    const conflicting = encodeRequest({ startDate: '2026-04-01', consumers: [] });
    const malformed = Uint8Array.of(0x22, 0xff, 0xff, 0xff);
    for (const bad of [conflicting, malformed]) {
      const outcome = await grpcStream(client, [...good, bad, ...good.slice(1)]);
      expect(outcome.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(outcome.details).toMatch(bad === conflicting ? /start_date of a later ScoreStream message differs/ : /malformed protobuf/);
      expect(outcome.responses.length).toBeGreaterThanOrEqual(1);
      expect(outcome.responses.length).toBeLessThanOrEqual(3);
    }
    // The same header repeated is no conflict, points_per_day 96 included where the first said 0 (which means 96).
    const repeated = await grpcStream(client, [...good, encodeRequest({ ...MESSAGES[3]!, ...HEADER, pointsPerDay: 96 })]);
    expect([repeated.code, repeated.responses.length]).toEqual([grpc.status.OK, 5]);
    // A first message without a start date is the same error as ScoreBatch's.
    const headless = await grpcStream(client, [encodeRequest({ consumers: [] })]);
    expect([headless.code, headless.details]).toEqual([grpc.status.INVALID_ARGUMENT, expect.stringMatching(/start_date is missing/)]);
  });

  it('keeps serving after a client cancels mid-stream, and says so in the logs', async () => {
    const client = grpcClient();
    const canceled = await grpcStream(client, MESSAGES.map(encodeRequest), 2);
    expect(canceled.code).toBe(grpc.status.CANCELLED);
    const after = await grpcStream(client, MESSAGES.slice(0, 2).map(encodeRequest));
    expect([after.code, after.responses.length]).toEqual([grpc.status.OK, 3]);
    await expect.poll(() => /"method":"ScoreStream","protocol":"grpc","code":"canceled"/.test(gw.stderr())).toBe(true);
  });

  it('answers a unary-only protocol with a clear unimplemented', async () => {
    const res = await fetch(`${gw.base}${SERVICE}ScoreStream`, { method: 'POST', headers: { 'content-type': 'application/proto' }, body: new Uint8Array(0) });
    expect(res.status).toBe(501);
    expect(await res.json()).toMatchObject({ code: 'unimplemented', message: expect.stringMatching(/streaming method/) });
  });
});
