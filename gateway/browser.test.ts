// What browser clients need from the app: gRPC-Web text mode (the default of
// the `grpc-web` npm client) and CORS, through createApp with the fake
// service. Bodies are base64-encoded here with Node's Buffer, independently
// of the gateway's own coder.
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp, type AppOptions, type RpcObservation } from './app.js';
import { decodeGrpcMessageText } from './protocols/grpc-common.js';
import { concatBytes, encodeFrame, FLAG_COMPRESSED, FLAG_TRAILER } from './protocols/framing.js';
import { decodeValidateResponse, fakeAuthenticate, fakeService, validateRequest } from '../tests/support/gateway/fake-service.js';
import { loadRegistry } from '../lib/proto-registry.js';
import { ByteBudget } from './middleware/admission/byte-budget.js';

const PATH = '/gridcode.v1.ScoringService/ValidateRuleSet';
const URL = `http://gw${PATH}`;
const TEXT = { 'content-type': 'application/grpc-web-text', accept: 'application/grpc-web-text', 'x-grpc-web': '1' };
const PAGE = 'https://inspect.example.org';

function setup(overrides: Partial<AppOptions> = {}) {
  const fake = fakeService();
  const observed: RpcObservation[] = [];
  const app = createApp({ service: fake.service, authenticate: fakeAuthenticate, observe: (o) => observed.push(o), logger: { error: () => {} }, ...overrides });
  return { app, observed, calls: fake.calls };
}

function post(app: ReturnType<typeof setup>['app'], body: BodyInit | null, headers: Record<string, string>, url = URL) {
  return app.request(url, { method: 'POST', body, headers: { authorization: 'Bearer good', ...headers } });
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** The frames of a binary gRPC-Web body: messages, and the trailers parsed. */
function parseFrames(bytes: Uint8Array): { messages: { flags: number; payload: Uint8Array }[]; trailers: Record<string, string> } {
  const messages: { flags: number; payload: Uint8Array }[] = [];
  const trailers: Record<string, string> = {};
  let at = 0;
  while (at < bytes.byteLength) {
    const flags = bytes[at] as number;
    const length = new DataView(bytes.buffer, bytes.byteOffset + at + 1, 4).getUint32(0);
    const payload = bytes.subarray(at + 5, at + 5 + length);
    if (payload.byteLength !== length) throw new Error('truncated frame');
    at += 5 + length;
    if (flags & FLAG_TRAILER) {
      for (const line of new TextDecoder().decode(payload).split('\r\n')) {
        const i = line.indexOf(':');
        if (i > 0) trailers[line.slice(0, i).trim()] = line.slice(i + 1).trim();
      }
    } else messages.push({ flags, payload });
  }
  return { messages, trailers };
}

/** A text-mode answer: its base64 decoded by Node, then its frames. */
async function parseText(res: Response) {
  const text = await res.text();
  expect(text).toMatch(/^[A-Za-z0-9+/]*={0,2}$/);
  const binary = new Uint8Array(Buffer.from(text, 'base64'));
  return { text, binary, ...parseFrames(binary) };
}

beforeAll(() => {
  loadRegistry();
}, 60_000);

describe('gRPC-Web text mode', () => {
  it('decodes a base64 request and answers base64 frames, the same bytes as binary gRPC-Web', async () => {
    const { app, observed } = setup();
    const frame = encodeFrame(0, validateRequest('web-text'));
    const body = base64(frame);
    const res = await post(app, body, TEXT);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/grpc-web-text+proto');
    const { text, binary, messages, trailers } = await parseText(res);
    expect(messages).toHaveLength(1);
    expect(decodeValidateResponse(messages[0]!.payload)).toMatchObject({ valid: true, id: 'web-text' });
    expect(trailers).toEqual({ 'grpc-status': '0' });

    const plain = await post(app, frame, { 'content-type': 'application/grpc-web+proto', 'x-grpc-web': '1' });
    expect(binary).toEqual(new Uint8Array(await plain.arrayBuffer()));

    // Still the protocol grpc-web; bytes counted as they travelled (base64).
    expect(observed[0]).toMatchObject({ protocol: 'grpc-web', code: 'ok', requestBytes: body.length, responseBytes: text.length });
  });

  it('accepts application/grpc-web-text+proto (with parameters), and not grpc-web-text+json', async () => {
    const { app } = setup();
    const body = base64(encodeFrame(0, validateRequest('typed')));
    const res = await post(app, body, { 'content-type': 'application/grpc-web-text+proto; charset=utf-8' });
    expect((await parseText(res)).trailers['grpc-status']).toBe('0');
    expect((await post(app, body, { 'content-type': 'application/grpc-web-text+json' })).status).toBe(415);
  });

  it('decodes a body sent as several base64 chunks, each padded, with line breaks', async () => {
    const { app } = setup();
    const frame = encodeFrame(0, validateRequest('chunked-source'));
    // Cuts after 1, 2 and 7 bytes: chunks of 1, 1 and 5 bytes end in padding ("==", "==", "=").
    const cuts = [0, 1, 2, 7, frame.byteLength];
    const chunks = cuts.slice(1).map((end, i) => base64(frame.subarray(cuts[i], end)));
    expect(chunks.slice(0, 3).every((c) => c.endsWith('='))).toBe(true);
    const res = await post(app, chunks.join('\r\n'), TEXT);
    const { messages, trailers } = await parseText(res);
    expect(trailers['grpc-status']).toBe('0');
    expect(decodeValidateResponse(messages[0]!.payload).id).toBe('chunked-source');
  });

  it('decodes a body that arrives in many small pieces, without a Content-Length', async () => {
    const { app } = setup();
    const text = new TextEncoder().encode(base64(encodeFrame(0, validateRequest('streamed'))));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < text.length; at += 3) controller.enqueue(text.slice(at, at + 3));
        controller.close();
      },
    });
    const res = await app.request(URL, { method: 'POST', body: stream, headers: { authorization: 'Bearer good', ...TEXT }, duplex: 'half' } as RequestInit);
    expect(decodeValidateResponse((await parseText(res)).messages[0]!.payload).id).toBe('streamed');
  });

  it('takes a gzip-compressed frame (grpc-encoding: gzip) inside the base64', async () => {
    const { app } = setup();
    const body = base64(encodeFrame(FLAG_COMPRESSED, gzipSync(validateRequest('zipped'))));
    const res = await post(app, body, { ...TEXT, 'grpc-encoding': 'gzip' });
    const { messages, trailers } = await parseText(res);
    expect(trailers['grpc-status']).toBe('0');
    expect(decodeValidateResponse(messages[0]!.payload).id).toBe('zipped');
  });

  it('hands the service a message in the request’s own buffer from allocate', async () => {
    const { app, calls } = setup({ bodies: { lease: () => ({ allocate: (n: number) => new SharedArrayBuffer(n), release: () => {} }) } });
    const body = base64(encodeFrame(0, validateRequest('ctx')));
    const res = await post(app, body, { ...TEXT, 'content-length': String(body.length) });
    const { messages } = await parseText(res);
    expect(JSON.parse(decodeValidateResponse(messages[0]!.payload).id)).toMatchObject({ protocol: 'grpc-web', shared: true });
    expect(calls[0]?.request.length).toBe(validateRequest('ctx').byteLength);
  });

  it('sends errors as a base64 trailer frame', async () => {
    const { app } = setup();
    const res = await post(app, base64(encodeFrame(0, validateRequest('error:not_found'))), TEXT);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/grpc-web-text+proto');
    const { messages, trailers } = await parseText(res);
    expect(messages).toEqual([]);
    expect(trailers['grpc-status']).toBe('5');
    expect(decodeGrpcMessageText(trailers['grpc-message'] ?? '')).toBe('custom not_found message');
  });

  it('sends errors raised before the body is read in text too: no token, unknown method', async () => {
    const { app } = setup();
    const body = base64(encodeFrame(0, validateRequest('x')));
    const anonymous = await app.request(URL, { method: 'POST', body, headers: TEXT });
    expect((await parseText(anonymous)).trailers['grpc-status']).toBe('16');
    const unknown = await post(app, body, TEXT, 'http://gw/gridcode.v1.ScoringService/Nope');
    expect(unknown.headers.get('content-type')).toBe('application/grpc-web-text+proto');
    expect((await parseText(unknown)).trailers['grpc-status']).toBe('12');
  });

  it.each([
    ['a character outside base64', 'AAAA*AAA', /not valid base64: unexpected "\*" at byte 4/],
    ['data after padding', 'AA=AAAAA', /not valid base64: data after "=" inside a 4-character group/],
    ['a dangling character', 'AAAAAAAAA', /not valid base64: the body ends with a single character/],
    ['URL-safe base64', 'AAAA-_8A', /not valid base64: unexpected "-" at byte 4/],
  ])('refuses %s with invalid_argument, in text', async (_name, body, message) => {
    const { app, calls } = setup();
    const res = await post(app, body, TEXT);
    expect(res.status).toBe(200);
    const { trailers } = await parseText(res);
    expect(trailers['grpc-status']).toBe('3');
    expect(decodeGrpcMessageText(trailers['grpc-message'] ?? '')).toMatch(message);
    expect(calls).toEqual([]);
  });

  it('refuses valid base64 of a bad frame with invalid_argument', async () => {
    const { app } = setup();
    const two = concatBytes([encodeFrame(0, validateRequest('a')), encodeFrame(0, validateRequest('b'))]);
    for (const frames of [Uint8Array.of(0, 0, 0, 0, 9, 1), two]) {
      expect((await parseText(await post(app, base64(frames), TEXT))).trailers['grpc-status']).toBe('3');
    }
  });

  it('charges the admission budget the body as received (base64), and no more', async () => {
    const budget = new ByteBudget(1 << 20);
    const { app } = setup({ admission: { budget } });
    const body = base64(encodeFrame(0, validateRequest('counted'.repeat(50))));
    const declared = await post(app, body, { ...TEXT, 'content-length': String(body.length) });
    expect((await parseText(declared)).trailers['grpc-status']).toBe('0');
    expect([budget.peak, budget.inFlight]).toEqual([body.length, 0]);

    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        const bytes = new TextEncoder().encode(body);
        controller.enqueue(bytes.slice(0, 10));
        controller.enqueue(bytes.slice(10));
        controller.close();
      },
    });
    const streamed = await app.request(URL, { method: 'POST', body: stream, headers: { authorization: 'Bearer good', ...TEXT }, duplex: 'half' } as RequestInit);
    expect((await parseText(streamed)).trailers['grpc-status']).toBe('0');
    expect([budget.peak, budget.inFlight]).toEqual([body.length, 0]);
  });
});

describe('CORS through createApp', () => {
  const preflight = { method: 'OPTIONS', headers: { origin: PAGE, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-grpc-web' } };

  it('is off by default: a preflight meets the 405, answers carry no CORS headers', async () => {
    for (const overrides of [{}, { cors: { origins: [] } }]) {
      const { app } = setup(overrides);
      const pre = await app.request(URL, preflight);
      expect(pre.status).toBe(405);
      expect(pre.headers.get('access-control-allow-origin')).toBeNull();
      const res = await post(app, base64(encodeFrame(0, validateRequest('x'))), { ...TEXT, origin: PAGE });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('answers an allowed preflight before the RPC route: 204, not observed as a call', async () => {
    const { app, observed, calls } = setup({ cors: { origins: [PAGE] } });
    const pre = await app.request(URL, preflight);
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(PAGE);
    expect(pre.headers.get('access-control-allow-methods')).toBe('POST');
    expect(observed).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('lets the page read answers and errors in every browser protocol', async () => {
    const { app } = setup({ cors: { origins: [PAGE] } });
    const text = await post(app, base64(encodeFrame(0, validateRequest('from-page'))), { ...TEXT, origin: PAGE });
    const connectError = await app.request(URL, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', origin: PAGE } });
    const binaryError = await post(app, encodeFrame(0, validateRequest('error:resource_exhausted')), { 'content-type': 'application/grpc-web+proto', origin: PAGE });
    expect([text.status, connectError.status, binaryError.status]).toEqual([200, 401, 200]);
    for (const res of [text, connectError, binaryError]) {
      expect(res.headers.get('access-control-allow-origin')).toBe(PAGE);
      expect(res.headers.get('access-control-expose-headers')).toMatch(/grpc-status/);
    }
    expect(decodeValidateResponse((await parseText(text)).messages[0]!.payload).id).toBe('from-page');
  });

  it('serves a page from another origin as usual, without CORS headers', async () => {
    const { app } = setup({ cors: { origins: [PAGE] } });
    const res = await post(app, base64(encodeFrame(0, validateRequest('elsewhere'))), { ...TEXT, origin: 'https://elsewhere.example.com' });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect((await parseText(res)).trailers['grpc-status']).toBe('0');
  });
});
