// Consumer.district echoed in ConsumerResult.district (decisions.md,
// 2026-12-05) through the built gateway and @connectrpc/connect-node clients
// (the messages built and read by @bufbuild/protobuf from proto/, not by the
// gateway's codec): ScoreBatch unsplit and split across workers, Connect proto
// and JSON and gRPC, and ScoreStream, each with cohorts (groups) among the
// consumers. Every result carries its consumer's district as sent, '' when none.
// Needs the build (npm run build): dist/gateway/main.js is run.
import { create, toBinary, type Message } from '@bufbuild/protobuf';
import { createClient, type Transport } from '@connectrpc/connect';
import { createConnectTransport, createGrpcTransport, Http2SessionManager } from '@connectrpc/connect-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../lib/gateway-process.js';
import { loadRegistry, messageSchema } from '../lib/proto-registry.js';
import { requestInit, type ConsumerData } from '../lib/score-requests.js';
import { followUpConsumers, FOLLOW_UP_HEADER } from '../tests/support/follow-up-batch.js';

/** Districts given in turn: set (CJK, accents, quotes, a newline), empty, or not sent at all (undefined). */
const DISTRICTS = ['海淀区', 'Zürich Kreis 4', undefined, '', 'North "Q" \\ district\n2'];
const CONSUMERS: ConsumerData[] = followUpConsumers(300, 'district').map((c, i) => {
  const district = DISTRICTS[i % DISTRICTS.length];
  return district === undefined ? c : { ...c, district };
});
const HEADER = { ...FOLLOW_UP_HEADER, includeEvidence: false };

interface Result {
  id: string;
  code: number;
  district: string;
}
interface Response extends Message {
  results: Result[];
}
type Client = {
  scoreBatch(input: Message): Promise<Response>;
  scoreStream(input: AsyncIterable<Message>): AsyncIterable<Response>;
};

/** Two workers each: one gateway splits every batch (threshold 1 KiB, the least it takes), the other never does (the 32 MiB default). */
let split: GatewayProcess;
let unsplit: GatewayProcess;
const closers: (() => void)[] = [];

beforeAll(async () => {
  loadRegistry();
  [split, unsplit] = await Promise.all([startGatewayProcess(['--workers', '2', '--split-threshold-bytes', '1KiB']), startGatewayProcess(['--workers', '2'])]);
}, 60_000);

afterAll(async () => {
  for (const close of closers.splice(0)) close();
  expect(await split.stop()).toBe(0);
  expect(await unsplit.stop()).toBe(0);
});

function client(make: (sessionManager: Http2SessionManager) => Transport, gw: GatewayProcess): Client {
  const sessionManager = new Http2SessionManager(gw.h2);
  closers.push(() => sessionManager.abort());
  return createClient(loadRegistry().getService('gridcode.v1.ScoringService')!, make(sessionManager)) as unknown as Client;
}

const TRANSPORTS: Record<string, (gw: GatewayProcess) => Client> = {
  'connect proto': (gw) => client((sessionManager) => createConnectTransport({ baseUrl: gw.h2, httpVersion: '2', useBinaryFormat: true, sessionManager }), gw),
  'connect json': (gw) => client((sessionManager) => createConnectTransport({ baseUrl: gw.h2, httpVersion: '2', useBinaryFormat: false, sessionManager }), gw),
  grpc: (gw) => client((sessionManager) => createGrpcTransport({ baseUrl: gw.h2, sessionManager }), gw),
};

/** Each result's id and district, which must be its consumer's, in request order. */
function expectEchoed(results: readonly Result[], consumers: readonly ConsumerData[] = CONSUMERS): void {
  expect(results.map((r) => [r.id, r.district])).toEqual(consumers.map((c) => [c.id, c.district ?? '']));
}

const asBytes = (results: readonly Result[]) => results.map((r) => Buffer.from(toBinary(messageSchema('ConsumerResult'), r as never)).toString('base64'));

describe('district through the gateway', () => {
  it.each(Object.keys(TRANSPORTS))('ScoreBatch over %s echoes every district, split and unsplit alike', async (name) => {
    const request = create(messageSchema('ScoreBatchRequest'), requestInit(HEADER, CONSUMERS));
    const [whole, parts] = await Promise.all([TRANSPORTS[name]!(unsplit).scoreBatch(request), TRANSPORTS[name]!(split).scoreBatch(request)]);
    expectEchoed(whole.results);
    expectEchoed(parts.results);
    expect(asBytes(parts.results)).toEqual(asBytes(whole.results));
    // The batch has codes other than GREEN and cohorts: the echo is not only on trivial results.
    expect(new Set(whole.results.map((r) => r.code)).size).toBeGreaterThan(1);
  });

  it.each(['connect proto', 'connect json', 'grpc'])('ScoreStream over %s, in messages that cut cohorts, echoes every district as ScoreBatch does', async (name) => {
    const sizes = [70, 0, 45, 110, 75];
    async function* requests() {
      let from = 0;
      for (const [k, size] of sizes.entries()) {
        yield create(messageSchema('ScoreStreamRequest'), requestInit(k === 0 ? HEADER : { startDate: '' }, CONSUMERS.slice(from, (from += size))));
      }
    }
    const results: Result[] = [];
    for await (const response of TRANSPORTS[name]!(split).scoreStream(requests())) results.push(...response.results);
    expectEchoed(results);
    const batch = await TRANSPORTS['connect proto']!(unsplit).scoreBatch(create(messageSchema('ScoreBatchRequest'), requestInit(HEADER, CONSUMERS)));
    expect(asBytes(results)).toEqual(asBytes(batch.results));
  });

  it('a batch without districts gets results without one, and flagged_only keeps each kept result\'s own', async () => {
    const none = CONSUMERS.slice(0, 40).map(({ district: _, ...c }) => c);
    const plain = await TRANSPORTS.grpc!(split).scoreBatch(create(messageSchema('ScoreBatchRequest'), requestInit(HEADER, none)));
    expect(plain.results.every((r) => r.district === '')).toBe(true);
    const flagged = await TRANSPORTS['connect json']!(split).scoreBatch(create(messageSchema('ScoreBatchRequest'), requestInit({ ...HEADER, flaggedOnly: true }, CONSUMERS)));
    expect(flagged.results.length).toBeGreaterThan(0);
    expect(flagged.results.length).toBeLessThan(CONSUMERS.length);
    const sent = new Map(CONSUMERS.map((c) => [c.id, c.district ?? '']));
    for (const r of flagged.results) expect(r.district, r.id).toBe(sent.get(r.id));
  });
});
