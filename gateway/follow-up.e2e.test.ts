// A batch with the follow-up fields (group, baseline_kw, watch) against the
// built gateway, over every way in: Connect JSON and proto, gRPC, gRPC-Web,
// and ScoreStream (gRPC, the batch cut into messages). Every path gives the
// same results; the consumer whose `since` is not a calendar date is GRAY
// with its note, and the batch goes on.
import * as grpc from '@grpc/grpc-js';
import { create, fromBinary, fromJsonString, toBinary, toJson, type JsonValue } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../lib/gateway-process.js';
import { loadRegistry, messageSchema } from '../lib/proto-registry.js';
import { requestInit, requestJson } from '../lib/score-requests.js';
import { closeSessions, connectCall, grpcCall, grpcWebCall, SERVICE_PATH, type WireOutcome } from '../lib/wire-calls.js';
import { BAD_SINCE_NOTE, followUpConsumers, FOLLOW_UP_HEADER, WATCHES } from '../tests/support/follow-up-batch.js';

const CONSUMERS = followUpConsumers(300);
let gw: GatewayProcess;

beforeAll(async () => {
  loadRegistry();
  gw = await startGatewayProcess(['--workers', '2']);
}, 60_000);

afterAll(async () => {
  closeSessions();
  expect(await gw.stop()).toBe(0);
});

const requestBytes = (name: string, init: Record<string, unknown>): Uint8Array => toBinary(messageSchema(name), create(messageSchema(name), init));

/** A response message as canonical JSON, its floats as float32 whichever way it came. */
function canonical(name: string, outcome: WireOutcome, json = false): JsonValue {
  expect(outcome.code, outcome.message).toBe('ok');
  const schema = messageSchema(name);
  const binary = json ? toBinary(schema, fromJsonString(schema, new TextDecoder().decode(outcome.body))) : outcome.body;
  return toJson(schema, fromBinary(schema, binary));
}

/** ScoreStream over grpc-js with raw message bytes: every response message, decoded. */
function scoreStream(messages: readonly Uint8Array[]): Promise<{ responses: Uint8Array[]; code: number; details: string }> {
  const client = new grpc.Client(gw.h2.replace('http://', ''), grpc.credentials.createInsecure());
  return new Promise((resolve) => {
    const responses: Uint8Array[] = [];
    const call = client.makeBidiStreamRequest(SERVICE_PATH + 'ScoreStream', (m: Uint8Array) => Buffer.from(m), (b: Buffer) => new Uint8Array(b));
    call.on('data', (r: Uint8Array) => responses.push(r));
    call.on('error', () => {});
    call.on('status', (s: grpc.StatusObject) => {
      client.close();
      resolve({ responses, code: s.code, details: s.details });
    });
    for (const m of messages) call.write(m);
    call.end();
  });
}

describe('follow-up fields over every path', () => {
  it('Connect JSON and proto, gRPC and gRPC-Web give the same response; the bad since is GRAY with its note', async () => {
    const proto = requestBytes('ScoreBatchRequest', requestInit(FOLLOW_UP_HEADER, CONSUMERS));
    const [connectProto, connectJson, grpcAnswer, grpcWeb] = await Promise.all([
      connectCall(gw.base, 'ScoreBatch', proto, { 'content-type': 'application/proto' }),
      connectCall(gw.base, 'ScoreBatch', requestJson(FOLLOW_UP_HEADER, CONSUMERS), { 'content-type': 'application/json' }),
      grpcCall(gw.h2, 'ScoreBatch', proto, {}),
      grpcWebCall(gw.base, 'ScoreBatch', proto, {}),
    ]);
    const reference = canonical('ScoreBatchResponse', connectProto);
    expect(canonical('ScoreBatchResponse', connectJson, true)).toEqual(reference);
    expect(canonical('ScoreBatchResponse', grpcAnswer)).toEqual(reference);
    expect(canonical('ScoreBatchResponse', grpcWeb)).toEqual(reference);

    const results = (reference as { results: { id: string; code: string; note?: string }[] }).results;
    expect(results.map((r) => r.id)).toEqual(CONSUMERS.map((c) => c.id));
    CONSUMERS.forEach((c, i) => {
      const bad = c.watch === WATCHES[4];
      expect(results[i]!.code === 'CODE_GRAY' && results[i]!.note === BAD_SINCE_NOTE, c.id).toBe(bad);
    });
    expect(results.filter((r) => r.code !== 'CODE_GRAY').length).toBeGreaterThan(CONSUMERS.length / 2);
  });

  it('ScoreStream, the batch in messages of 70 consumers, gives the same results as ScoreBatch', async () => {
    const batch = fromBinary(messageSchema('ScoreBatchResponse'), (await grpcCall(gw.h2, 'ScoreBatch', requestBytes('ScoreBatchRequest', requestInit(FOLLOW_UP_HEADER, CONSUMERS)), {})).body);
    const messages: Uint8Array[] = [];
    for (let from = 0; from < CONSUMERS.length; from += 70) {
      messages.push(requestBytes('ScoreStreamRequest', requestInit(from === 0 ? FOLLOW_UP_HEADER : { startDate: '' }, CONSUMERS.slice(from, from + 70))));
    }
    const stream = await scoreStream(messages);
    expect(stream.code, stream.details).toBe(grpc.status.OK);
    const schema = messageSchema('ConsumerResult');
    const streamed = stream.responses.flatMap((r) => (fromBinary(messageSchema('ScoreStreamResponse'), r) as unknown as { results: never[] }).results);
    const asBytes = (results: never[]) => results.map((r) => Buffer.from(toBinary(schema, r)).toString('base64'));
    expect(asBytes(streamed)).toEqual(asBytes((batch as unknown as { results: never[] }).results));
  });
});
