// gRPC over cleartext HTTP/2 (h2c) on its own port: the same Hono app, served
// by @hono/node-server on http2.createServer. Node 20 cannot share one
// cleartext port between HTTP/1.1 and h2c. The app answers gRPC only on
// HTTP/2 (it needs real trailers); Connect and gRPC-Web work here too.
import { createServer, type Http2Server, type ServerOptions } from 'node:http2';
import { createAdaptorServer } from '@hono/node-server';
import type { Hono } from 'hono';
import type { GatewayEnv } from './rpc/env.js';

export interface GrpcServerOptions {
  readonly app: Hono<GatewayEnv>;
  readonly serverOptions?: ServerOptions;
}

/**
 * Flow-control windows for what clients send (bytes). Node's default is
 * HTTP/2's 64 KiB a stream and a connection: a client then waits a round trip
 * for every 64 KiB. Measured with bench:city, 300,000 consumers in 11 MB
 * ScoreStream messages on loopback: 29,779 consumers/s with 64 KiB, 51,122
 * with 256 KiB, 56,863 with 512 KiB, 60,223 with 1 MiB (the same batches over
 * HTTP/1.1: 55,858). What the windows let in unread is memory outside the
 * byte budget, so they stay modest: 512 KiB a stream, 8 MiB a connection.
 */
export const STREAM_WINDOW_BYTES = 512 * 1024;
export const SESSION_WINDOW_BYTES = 8 << 20;

/** An h2c server (not listening yet): call `.listen(port, host)`. */
export function createGrpcServer(options: GrpcServerOptions): Http2Server {
  const serverOptions: ServerOptions = { ...options.serverOptions, settings: { initialWindowSize: STREAM_WINDOW_BYTES, ...options.serverOptions?.settings } };
  const server = createAdaptorServer({ fetch: options.app.fetch, createServer, serverOptions }) as Http2Server;
  server.on('session', (session) => {
    session.once('localSettings', () => {
      if (!session.destroyed) session.setLocalWindowSize(SESSION_WINDOW_BYTES);
    });
  });
  return server;
}
