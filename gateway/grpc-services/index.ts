// Mounts the standard gRPC services of the gRPC port: grpc.health.v1.Health
// and server reflection (v1 and v1alpha). Served over gRPC on HTTP/2 only;
// any other request to their paths (Connect, gRPC-Web, HTTP/1.1) falls through
// to the RPC route, which answers `unimplemented` in the caller's protocol.
// No bearer token: probes have none, and reflection reveals only the public
// schema (docs/decisions.md).
import { Http2ServerRequest } from 'node:http2';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Hono, MiddlewareHandler } from 'hono';
import { descriptorSetBase64 } from '#gen/descriptors.js';
import { ServiceError } from '../rpc/codes.js';
import type { GatewayEnv } from '../rpc/env.js';
import type { GatewayLogger } from '../rpc/logger.js';
import { http2Response } from '../protocols/respond.js';
import { parseGrpcTimeout } from '../protocols/timeout.js';
import { DescriptorIndex } from './descriptor-index.js';
import { GrpcServerCall } from './grpc-call.js';
import { check, watch } from './health.js';
import type { HealthSource } from './health-status.js';
import { reflect } from './reflection.js';

/** How long a call that starts after the stop may take to send its request (see route). */
const LATE_CALL_GRACE_MS = 1_000;

export { HealthStatus, type HealthSource, type ServingState } from './health-status.js';

/** Health and reflection messages are small; a larger one is refused (invalid_argument) before it is buffered. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;

export interface GrpcServicesOptions {
  readonly health: HealthSource;
  readonly logger: GatewayLogger;
  readonly maxMessageBytes?: number;
  /** A serialized FileDescriptorSet for reflection (default: every file under proto/, built into gen/descriptors.js). */
  readonly descriptorSet?: Uint8Array;
}

const GRPC_CONTENT_TYPE = /^application\/grpc(\+proto)?\s*(;|$)/i;

export function mountGrpcServices(app: Hono<GatewayEnv>, options: GrpcServicesOptions): void {
  const index = new DescriptorIndex(options.descriptorSet ?? Buffer.from(descriptorSetBase64, 'base64'));
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;

  /**
   * A route serving one method. `refuseAfterStop`: a call that starts once the
   * server has stopped is answered unavailable at once (reflection);
   * otherwise it is served (Check and Watch answer NOT_SERVING), and ended
   * unavailable if its request has not come within LATE_CALL_GRACE_MS: a
   * call that never sends its request would hold the drain until the
   * shutdown timeout.
   */
  const route =
    (serve: (call: GrpcServerCall) => void, refuseAfterStop = false): MiddlewareHandler<GatewayEnv> =>
    async (c, next) => {
      const res = http2Response(c);
      const req = c.env?.incoming;
      if (!res || !(req instanceof Http2ServerRequest) || !GRPC_CONTENT_TYPE.test(c.req.header('content-type') ?? '')) return next();
      let timeoutMs: number | undefined;
      let refused: unknown;
      try {
        timeoutMs = parseGrpcTimeout(c.req.header('grpc-timeout'));
        const encoding = c.req.header('grpc-encoding');
        if (encoding !== undefined && encoding !== 'identity') throw new ServiceError('unimplemented', `grpc-encoding ${encoding.slice(0, 32)} is not supported here; send identity`);
      } catch (err) {
        refused = err;
      }
      const call = new GrpcServerCall(req, res, {
        maxMessageBytes,
        timeoutMs,
        onUnexpected: (err) => options.logger.error({ err, path: c.req.path, requestId: c.get('requestId') }, 'unexpected error in a gRPC health or reflection call'),
      });
      try {
        if (refused) throw refused;
        serve(call);
      } catch (err) {
        call.fail(err);
      }
      const unsubscribe = options.health.subscribe((state) => {
        if (state === 'stopped') call.onServerStop();
      });
      if (options.health.state() === 'stopped') {
        if (refuseAfterStop) call.onServerStop();
        else setTimeout(() => call.onServerStop(), LATE_CALL_GRACE_MS).unref();
      }
      // Only once the call is over: @hono/node-server resets an HTTP/2 stream whose request is still open when the handler returns.
      await call.done;
      unsubscribe();
      return RESPONSE_ALREADY_SENT;
    };

  app.post('/grpc.health.v1.Health/Check', route((call) => check(call, options.health)));
  app.post('/grpc.health.v1.Health/Watch', route((call) => watch(call, options.health)));
  for (const version of ['v1', 'v1alpha']) {
    app.post(`/grpc.reflection.${version}.ServerReflection/ServerReflectionInfo`, route((call) => reflect(call, index), true));
  }
}
