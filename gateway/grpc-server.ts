// gRPC over cleartext HTTP/2 (h2c) on its own port: the same Hono app, served
// by @hono/node-server on http2.createServer. Node 20 cannot share one
// cleartext port between HTTP/1.1 and h2c. The app answers gRPC only on
// HTTP/2 (it needs real trailers); Connect and gRPC-Web work here too.
import { createServer, type Http2Server, type ServerOptions } from 'node:http2';
import { createAdaptorServer } from '@hono/node-server';
import type { Hono } from 'hono';
import type { GatewayEnv } from './protocols/env.js';

export interface GrpcServerOptions {
  readonly app: Hono<GatewayEnv>;
  readonly serverOptions?: ServerOptions;
}

/** An h2c server (not listening yet): call `.listen(port, host)`. */
export function createGrpcServer(options: GrpcServerOptions): Http2Server {
  return createAdaptorServer({
    fetch: options.app.fetch,
    createServer,
    ...(options.serverOptions ? { serverOptions: options.serverOptions } : {}),
  }) as Http2Server;
}
