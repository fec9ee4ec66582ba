// The route of ScoreStream: gRPC, or the Connect streaming protocol, on the
// HTTP/2 port, behind the rpc, deadline and auth middleware. It ties the
// request's chunks, the pipeline and the reply writer together, and reports
// the call once (the rpc middleware's outcome) however it ended.
import { setMaxListeners } from 'node:events';
import { Http2ServerRequest } from 'node:http2';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Context } from 'hono';
import type { GatewayEnv } from '../rpc/env.js';
import type { GatewayLogger } from '../rpc/logger.js';
import type { BodyMemory } from '../rpc/adapter.js';
import { http2Response, toClientError } from '../protocols/respond.js';
import type { ByteBudget } from '../middleware/admission/byte-budget.js';
import { ServiceError } from '../rpc/codes.js';
import type { CallContext } from '../rpc/types.js';
import type { OpenStreams } from './open-streams.js';
import { runScoreStream, type ScoreStreamPart } from './pipeline.js';
import { StreamReplyWriter } from './reply-writer.js';
import { requestChunks } from './request-chunks.js';
import type { StreamCohortsRunner } from './stream-cohorts.js';

/** Budget bytes per JSON byte, as admission counts them. */
const JSON_WEIGHT = 3;

export interface ScoreStreamHandlerOptions {
  readonly score: ScoreStreamPart;
  /** The cohorts' second step (a group may span messages); without it, a message that comes back deferred fails the stream. */
  readonly cohorts?: StreamCohortsRunner | undefined;
  /** Largest request message (the body limit of a unary request). */
  readonly maxMessageBytes: number;
  /** Messages scored at once by one stream (the workers). */
  readonly maxInFlight: number;
  readonly budget?: ByteBudget | undefined;
  readonly openStreams: OpenStreams;
  readonly logger: GatewayLogger;
  /** Where request messages are read (the unary handler's body memory). */
  readonly bodies?: BodyMemory | undefined;
}

export function scoreStreamHandler(options: ScoreStreamHandlerOptions) {
  return async function scoreStream(c: Context<GatewayEnv>): Promise<Response> {
    const rpc = c.get('rpc');
    const outgoing = http2Response(c);
    const incoming = c.env?.incoming;
    if (!rpc || !outgoing || !(incoming instanceof Http2ServerRequest)) {
      throw new ServiceError('unimplemented', 'ScoreStream needs HTTP/2: call it on the gRPC port (h2c), over gRPC or the Connect streaming protocol');
    }
    // The call's own signal, plus shutdown's: a stream cut at the shutdown timeout says so.
    const stop = new AbortController();
    const signal = AbortSignal.any([c.get('signal'), stop.signal]);
    // Each message being scored listens to it twice (the pool's task, the wait for its answer), and 2 × workers
    // are scored at once: Node's default of 10 listeners would warn of a leak from 3 workers on.
    setMaxListeners(4 * options.maxInFlight + 16, signal);
    const writer = new StreamReplyWriter(outgoing, rpc.protocol === 'grpc' ? 'grpc' : 'connect', rpc.serialization, { 'x-request-id': c.get('requestId') }, signal);
    const deadline = c.get('deadline');
    const context: CallContext = { method: 'ScoreStream', protocol: rpc.protocol, requestId: c.get('requestId'), tenant: c.get('tenant'), signal, ...(deadline === undefined ? {} : { deadline }) };
    const forget = options.openStreams.add({ abort: (reason) => stop.abort(reason) });
    let error: ServiceError | undefined;
    try {
      const outcome = await runScoreStream(requestChunks(incoming, signal), writer, context, {
        score: options.score,
        cohorts: options.cohorts,
        serialization: rpc.serialization,
        maxMessageBytes: options.maxMessageBytes,
        maxInFlight: options.maxInFlight,
        budget: options.budget,
        budgetWeight: rpc.serialization === 'json' ? JSON_WEIGHT : 1,
        bodies: options.bodies,
      });
      rpc.requestBytes = outcome.requestBytes;
    } catch (err) {
      const reason: unknown = signal.aborted ? signal.reason : err;
      error = toClientError(reason instanceof ServiceError ? reason : err, c, options.logger);
      // Messages still being scored or waiting for room are not wanted any more.
      if (!stop.signal.aborted) stop.abort(error);
    } finally {
      forget();
    }
    writer.end(error);
    rpc.outcome = { code: error?.code ?? 'ok', responseBytes: writer.bytes };
    return RESPONSE_ALREADY_SENT;
  };
}
