// The admission byte budget through the whole app (createApp): refusals before
// the body is read, bodies without a Content-Length charged as they arrive,
// JSON weighted, and the budget back to 0 however a request ended.
import { describe, expect, it } from 'vitest';
import { createApp } from '../../app.js';
import { fakeAuthenticate } from '../../../tests/support/gateway/fake-service.js';
import { ByteBudget } from './byte-budget.js';
import { ServiceError } from '../../rpc/codes.js';
import type { CallContext, ScoringService, UnaryRequest, UnaryResponse } from '../../rpc/types.js';
import { unframeGrpcWeb } from '../../../lib/wire-calls.js';
import { JSON_WEIGHT } from './index.js';

const URL = 'http://gw/gridcode.v1.ScoringService/ScoreBatch';

/** A service whose calls wait until the test lets them go; `behaviour` decides each answer. */
function gatedService(behaviour: (request: UnaryRequest, context: CallContext) => UnaryResponse = (r) => ({ serialization: r.serialization, bytes: new Uint8Array(0) })) {
  const waiting: (() => void)[] = [];
  let calls = 0;
  let arrived: () => void = () => {};
  const handler = async (request: UnaryRequest, context: CallContext): Promise<UnaryResponse> => {
    calls++;
    arrived();
    await new Promise<void>((resolve) => waiting.push(resolve));
    return behaviour(request, context);
  };
  const service: ScoringService = { ScoreBatch: handler, ListRuleSets: handler, ValidateRuleSet: handler };
  return {
    service,
    calls: () => calls,
    /** Resolves once `n` calls have reached the service. */
    reached(n: number): Promise<void> {
      return new Promise((resolve) => {
        const check = (): void => (calls >= n ? resolve() : undefined);
        arrived = check;
        check();
      });
    },
    releaseAll(): void {
      for (const go of waiting.splice(0)) go();
    },
  };
}

function setup(limit: number, behaviour?: Parameters<typeof gatedService>[0], bodyIdleTimeoutMs?: number) {
  const budget = new ByteBudget(limit);
  const refusals: string[] = [];
  const gate = gatedService(behaviour);
  const app = createApp({
    service: gate.service,
    authenticate: fakeAuthenticate,
    logger: { error: () => {} },
    admission: { budget, onRefuse: (reason) => refusals.push(reason) },
    ...(bodyIdleTimeoutMs ? { limits: { bodyIdleTimeoutMs } } : {}),
  });
  const post = (body: BodyInit, headers: Record<string, string> = {}, signal?: AbortSignal) =>
    app.request(URL, { method: 'POST', body, headers: { authorization: 'Bearer good', 'content-type': 'application/proto', ...headers }, ...(signal ? { signal } : {}), duplex: 'half' } as RequestInit);
  return { app, budget, refusals, gate, post };
}

/** A body stream without a Content-Length: `chunks` chunks of `size` bytes; counts the chunks pulled. */
function chunked(chunks: number, size: number): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled === chunks) return controller.close();
      pulled++;
      controller.enqueue(new Uint8Array(size));
    },
  });
  return { stream, pulled: () => pulled };
}

/**
 * A one-message gRPC-Web body without a Content-Length whose prefix announces
 * `payload` bytes (flags `flags`): its first 100 bytes come at once, `rest` more
 * after finish().
 */
function stalledFrame(payload: number, flags = 0, rest = 5 + payload - 100): { stream: ReadableStream<Uint8Array>; finish: () => void } {
  let finish: () => void = () => {};
  const released = new Promise<void>((resolve) => (finish = resolve));
  let step = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (step++ === 0) {
        const first = new Uint8Array(100);
        first[0] = flags;
        new DataView(first.buffer).setUint32(1, payload, false);
        return controller.enqueue(first);
      }
      if (step === 2) {
        await released;
        return controller.enqueue(new Uint8Array(rest));
      }
      controller.close();
    },
  });
  return { stream, finish };
}

/** Waits (a turn of the event loop at a time, at most 1,000) until `condition` holds. */
async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 1000 && !condition(); turn++) await new Promise((resolve) => setImmediate(resolve));
  expect(condition()).toBe(true);
}

/** grpc-status and grpc-message of a gRPC-Web answer (its trailer frame). */
async function grpcWebStatus(response: Response): Promise<{ status: string | undefined; message: string }> {
  const { trailers } = unframeGrpcWeb(new Uint8Array(await response.arrayBuffer()));
  return { status: trailers['grpc-status'], message: decodeURIComponent(trailers['grpc-message'] ?? '') };
}

async function codeOf(response: Response): Promise<string> {
  return response.status === 200 ? 'ok' : ((await response.json()) as { code: string }).code;
}

describe('admission', () => {
  it('holds a request’s bytes until it is answered and refuses at once what does not fit, before its body is read', async () => {
    const { budget, refusals, gate, post } = setup(1000);
    const first = post(new Uint8Array(600), { 'content-length': '600' });
    await gate.reached(1);
    expect(budget.inFlight).toBe(600);

    const body = chunked(5, 100);
    const refused = await post(body.stream, { 'content-length': '500' });
    expect(refused.status).toBe(429);
    expect(await codeOf(refused)).toBe('resource_exhausted');
    expect(body.pulled()).toBeLessThanOrEqual(1); // a stream may be primed with one chunk; never read through
    expect(gate.calls()).toBe(1);
    expect(refusals).toEqual(['inflight_bytes']);

    gate.releaseAll();
    expect(await codeOf(await first)).toBe('ok');
    expect(budget.inFlight).toBe(0);
    expect(budget.peak).toBe(600);
  });

  it('charges a body without a Content-Length as it arrives and refuses it at the first chunk that does not fit', async () => {
    const { budget, refusals, gate, post } = setup(1000);
    const holder = post(new Uint8Array(700), { 'content-length': '700' });
    await gate.reached(1);
    const body = chunked(10, 100);
    const response = await post(body.stream);
    expect(await codeOf(response)).toBe('resource_exhausted');
    expect(body.pulled()).toBeLessThan(10);
    expect(refusals).toEqual(['inflight_bytes']);
    expect(budget.inFlight).toBe(700);
    gate.releaseAll();
    await holder;
    expect(budget.inFlight).toBe(0);

    // Alone, the same body fits, chunk by chunk.
    const again = post(chunked(10, 100).stream);
    await gate.reached(2);
    expect(budget.inFlight).toBe(1000);
    gate.releaseAll();
    expect(await codeOf(await again)).toBe('ok');
    expect(budget.inFlight).toBe(0);
  });

  it('charges a gRPC-Web body without a Content-Length whole once its length prefix is in: no upload holds only a part', async () => {
    const { budget, refusals, gate, post } = setup(1000);
    const grpcWeb = { 'content-type': 'application/grpc-web+proto' };
    const first = stalledFrame(600);
    const accepted = post(first.stream, grpcWeb);
    await until(() => budget.inFlight > 0);
    // Charged for the whole 605-byte body after its first 100 bytes.
    expect(budget.inFlight).toBe(605);

    // Charged chunk by chunk, the second upload would have taken 100 bytes too and both could wait for room.
    expect(await grpcWebStatus(await post(stalledFrame(600).stream, grpcWeb))).toEqual({ status: '8', message: expect.stringMatching(/busy/) });
    expect(refusals).toEqual(['inflight_bytes']);
    expect(budget.inFlight).toBe(605);

    // A prefix whose flags are not gRPC's is a malformed body, not a big one: only what arrives is charged.
    const badFlags = stalledFrame(2 ** 31, 0x02, 0);
    const malformed = post(badFlags.stream, grpcWeb);
    badFlags.finish();
    expect((await grpcWebStatus(await malformed)).status).toBe('3');

    // A prefix over the body limit (default 64 MiB) is refused at once, and holds nothing.
    // invalid_argument (gRPC 3), not the retryable resource_exhausted: it could never be accepted.
    expect(await grpcWebStatus(await post(stalledFrame(2 ** 31).stream, grpcWeb))).toEqual({ status: '3', message: expect.stringMatching(/larger than the limit/) });
    expect(refusals).toEqual(['inflight_bytes']);

    first.finish();
    await gate.reached(1);
    expect(budget.inFlight).toBe(605);
    gate.releaseAll();
    expect(await grpcWebStatus(await accepted)).toEqual({ status: '0', message: '' });
    expect(budget.inFlight).toBe(0);
  });

  it('gives up on a body that stalls, so that it does not hold its bytes for ever', async () => {
    const { budget, gate, post } = setup(1000, undefined, 50);
    const grpcWeb = { 'content-type': 'application/grpc-web+proto' };
    const stalled = post(stalledFrame(600).stream, grpcWeb); // never finished
    await until(() => budget.inFlight > 0);
    expect(await grpcWebStatus(await stalled)).toEqual({ status: '4', message: 'no part of the request body arrived for 50 ms' });
    expect(budget.inFlight).toBe(0);
    const declared = post(stalledFrame(600).stream, { ...grpcWeb, 'content-length': '605' });
    expect((await grpcWebStatus(await declared)).status).toBe('4');
    expect([budget.inFlight, gate.calls()]).toEqual([0, 0]);
  });

  it('weights JSON bodies for their decoded copy, but never beyond the whole budget', async () => {
    const { budget, gate, post } = setup(1000);
    const small = post('{"a":1}'.padEnd(100, ' '), { 'content-type': 'application/json', 'content-length': '100' });
    await gate.reached(1);
    expect(budget.inFlight).toBe(100 * JSON_WEIGHT);
    gate.releaseAll();
    await small;
    const large = post('{}'.padEnd(900, ' '), { 'content-type': 'application/json', 'content-length': '900' });
    await gate.reached(2);
    expect(budget.inFlight).toBe(1000);
    gate.releaseAll();
    expect(await codeOf(await large)).toBe('ok');
    expect(budget.inFlight).toBe(0);
  });

  it('gives the bytes back after a service error, a deadline and a client that goes away', async () => {
    const { budget, gate, post } = setup(1000, () => {
      throw new ServiceError('invalid_argument', 'bad batch');
    });
    const failing = post(new Uint8Array(300), { 'content-length': '300' });
    await gate.reached(1);
    gate.releaseAll();
    expect(await codeOf(await failing)).toBe('invalid_argument');
    expect(budget.inFlight).toBe(0);

    const late = post(new Uint8Array(300), { 'content-length': '300', 'connect-timeout-ms': '20' });
    expect(await codeOf(await late)).toBe('deadline_exceeded');
    expect(budget.inFlight).toBe(0);

    const client = new AbortController();
    const gone = post(new Uint8Array(300), { 'content-length': '300' }, client.signal);
    await gate.reached(3);
    expect(budget.inFlight).toBe(300);
    client.abort();
    await Promise.resolve(gone).catch(() => undefined);
    expect(budget.inFlight).toBe(0);

    // A body cut short while it is read.
    const cut = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(200));
        controller.error(new Error('connection reset'));
      },
    });
    expect(await codeOf(await post(cut))).toBe('canceled');
    expect(budget.inFlight).toBe(0);
    gate.releaseAll();
  });
});
