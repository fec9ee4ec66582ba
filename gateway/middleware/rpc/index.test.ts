import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../rpc/codes.js';
import type { GatewayEnv } from '../../rpc/env.js';
import type { RpcObservation } from '../../rpc/logger.js';
import { sendError, sendReply } from '../../protocols/respond.js';
import { requestId } from '../request-id/index.js';
import { rpc } from './index.js';

function app(handler: 'ok' | 'throw' | 'throw-string') {
  const observed: RpcObservation[] = [];
  const logger = { error: () => {} };
  const a = new Hono<GatewayEnv>();
  a.use('*', requestId());
  a.onError((err, c) => sendError(c, err, logger));
  a.post('/:service/:method', rpc({ observe: (o) => observed.push(o), logger }), (c) => {
    if (handler === 'throw') throw new ServiceError('not_found', 'nope');
    if (handler === 'throw-string') throw 'a string';
    return sendReply(c, { code: 'ok', status: 200, headers: { 'content-type': 'application/proto' }, body: new Uint8Array(3) });
  });
  return { a, observed };
}

const path = '/gridcode.v1.ScoringService/ListRuleSets';

describe('rpc', () => {
  it('negotiates the protocol and observes the call once', async () => {
    const { a, observed } = app('ok');
    const res = await a.request(path, { method: 'POST', headers: { 'content-type': 'application/proto' } });
    expect(res.status).toBe(200);
    expect(observed).toEqual([expect.objectContaining({ method: 'ListRuleSets', protocol: 'connect', code: 'ok', responseBytes: 3 })]);
  });

  it('observes errors thrown below it, written in the protocol', async () => {
    const { a, observed } = app('throw');
    const res = await a.request(path, { method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ code: 'not_found', message: 'nope' });
    expect(observed).toEqual([expect.objectContaining({ code: 'not_found' })]);
  });

  it('turns a non-Error throw into internal', async () => {
    const { a, observed } = app('throw-string');
    const res = await a.request(path, { method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(500);
    expect(observed[0]?.code).toBe('internal');
  });

  it('answers 415 for unknown content types, and for gRPC outside HTTP/2', async () => {
    const { a, observed } = app('ok');
    expect((await a.request(path, { method: 'POST', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    expect((await a.request(path, { method: 'POST', headers: { 'content-type': 'application/grpc' } })).status).toBe(415);
    expect(observed).toHaveLength(0);
  });

  it('answers unknown methods with unimplemented', async () => {
    const { a, observed } = app('ok');
    const res = await a.request('/gridcode.v1.ScoringService/Missing', { method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'unimplemented' });
    expect(observed[0]).toMatchObject({ method: 'unknown', code: 'unimplemented' });
  });
});
