// The gateway's two listening servers, and how they stop taking work:
// HTTP/1.1 on `port` (Connect, gRPC-Web, /metrics, /healthz, /readyz) and
// cleartext HTTP/2 on `grpcPort` (gRPC; Node 20 cannot share one cleartext
// port between the two). Both serve the same Hono app.
//
// The phase comes from the caller (main.ts): while `not-ready` (the drain
// delay) requests are served but each HTTP/1.1 connection ends after its
// answer, so that no client holds an idle keep-alive connection when
// draining closes them; while `draining` no new request starts.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Http2Server, Http2Session, ServerHttp2Session, ServerHttp2Stream } from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import { createGrpcServer } from './grpc-server.js';
import type { GatewayEnv } from './rpc/env.js';

export type ServingPhase = 'serving' | 'not-ready' | 'draining';

export interface ListenOptions {
  readonly host: string;
  readonly port: number;
  readonly grpcPort: number;
  readonly phase: () => ServingPhase;
}

export interface Listeners {
  /** The ports actually bound (they differ from the options' when those were 0). */
  readonly port: number;
  readonly grpcPort: number;
  /** HTTP/1.1 requests not yet answered, and open HTTP/2 sessions (for the logs). */
  counts(): { readonly inFlight: number; readonly http2Sessions: number; readonly http2Streams: number };
  /**
   * Stops accepting connections, sends GOAWAY to HTTP/2 clients and closes
   * HTTP/1.1 connections as they go idle; resolves once every accepted request
   * has been answered and both servers are closed.
   */
  drain(): Promise<void>;
  /** Ends every connection now (the shutdown timeout). */
  destroyAll(): void;
}

/** How long an HTTP/2 session with no stream left may wait, after draining begins, for its client to close it. */
const SESSION_LINGER_MS = 1_000;

/** How long a request refused while draining may take to finish sending its body before it is answered anyway. */
const REFUSED_BODY_WAIT_MS = 1_000;

export async function openListeners(app: Hono<GatewayEnv>, options: ListenOptions): Promise<Listeners> {
  // What is left of a body answered early is the rpc middleware's to drop (protocols/unread-body.ts):
  // @hono/node-server's own clean-up closes the socket after 500 ms, however the answer went.
  const listener = getRequestListener(app.fetch, { autoCleanupIncoming: false });
  const inFlight = new Set<ServerResponse>();
  const http = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    const phase = options.phase();
    if (phase === 'draining') return refuseWhileDraining(req, res);
    if (phase === 'not-ready') res.setHeader('connection', 'close');
    inFlight.add(res);
    res.on('close', () => inFlight.delete(res));
    void listener(req, res);
  });
  const grpc: Http2Server = createGrpcServer({ app });
  const sessions = new Set<ServerHttp2Session>();
  /** The h2c server's TCP connections, for the end of a drain (below). */
  const sockets = new Set<Socket>();
  grpc.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  /** Streams not yet closed, per session, and since when a session has had none: it may be ended after its GOAWAY. */
  const openStreams = new WeakMap<Http2Session, number>();
  const idleSince = new WeakMap<Http2Session, number>();
  grpc.on('stream', (stream: ServerHttp2Stream) => {
    const session = stream.session;
    if (!session) return;
    openStreams.set(session, (openStreams.get(session) ?? 0) + 1);
    idleSince.delete(session);
    stream.once('close', () => {
      const left = (openStreams.get(session) ?? 1) - 1;
      openStreams.set(session, left);
      if (left === 0) idleSince.set(session, Date.now());
    });
  });
  grpc.on('session', (session: ServerHttp2Session) => {
    if (options.phase() === 'draining') {
      session.close();
      return;
    }
    sessions.add(session);
    openStreams.set(session, 0);
    idleSince.set(session, Date.now());
    session.on('close', () => sessions.delete(session));
  });

  const port = await listen(http, options.port, options.host, 'port (--port, PORT)');
  let grpcPort: number;
  try {
    grpcPort = await listen(grpc, options.grpcPort, options.host, 'grpcPort (--grpc-port, GRPC_PORT)');
  } catch (error) {
    await closeServer(http);
    throw error;
  }

  return {
    port,
    grpcPort,
    counts: () => ({ inFlight: inFlight.size, http2Sessions: sessions.size, http2Streams: [...sessions].reduce((n, session) => n + (openStreams.get(session) ?? 0), 0) }),
    async drain() {
      const closed = Promise.all([closeServer(http), closeServer(grpc)]);
      for (const session of sessions) session.close();
      // After GOAWAY, Node ends a session's socket once its streams are done, but the session closes only when
      // the client closes its side too; a client that keeps an idle connection open would hold the drain until
      // the shutdown timeout. So a session with no stream left gets SESSION_LINGER_MS, then is destroyed.
      const drainSince = Date.now();
      let lastStreamAt = drainSince;
      const idle = setInterval(() => {
        http.closeIdleConnections();
        const now = Date.now();
        for (const session of sessions) {
          const since = Math.max(drainSince, idleSince.get(session) ?? now);
          if ((openStreams.get(session) ?? 0) === 0 && now - since >= SESSION_LINGER_MS) session.destroy();
        }
        // A destroyed session still waits for its client to close the TCP connection. Once no stream has been
        // open anywhere for twice the linger, the sockets are ended from this side (FIN, after what they still
        // have to write), and destroyed one linger later.
        if ([...sessions].some((session) => (openStreams.get(session) ?? 0) > 0)) lastStreamAt = now;
        if (now - lastStreamAt >= 2 * SESSION_LINGER_MS) for (const socket of sockets) socket.end();
        if (now - lastStreamAt >= 3 * SESSION_LINGER_MS) for (const socket of sockets) socket.destroy();
      }, 25);
      http.closeIdleConnections();
      try {
        await closed;
      } finally {
        clearInterval(idle);
      }
    },
    destroyAll() {
      http.closeAllConnections();
      for (const session of sessions) session.destroy();
    },
  };
}

/**
 * A request that arrived on an open HTTP/1.1 connection after draining began.
 * Its body is read and dropped first: answering and closing while the client
 * still sends would reset the connection, and the client would see a write
 * error (EPIPE) instead of `unavailable`, not knowing the request was never run.
 */
function refuseWhileDraining(req: IncomingMessage, res: ServerResponse): void {
  const answer = (): void => {
    clearTimeout(timer);
    if (res.headersSent) return;
    const body = JSON.stringify({ code: 'unavailable', message: 'the server is shutting down; retry on another instance' });
    res.writeHead(503, { 'content-type': 'application/json', connection: 'close', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  const timer = setTimeout(answer, REFUSED_BODY_WAIT_MS);
  if (req.complete) return answer();
  req.on('end', answer);
  req.on('error', answer);
  req.resume();
}

export function listen(server: Server | Http2Server, port: number, host: string, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') reject(new Error(`${what}: ${host}:${port} is already in use`));
      else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') reject(new Error(`host ${host} is not an address of this machine (${error.code})`));
      else if (error.code === 'EACCES') reject(new Error(`${what}: not allowed to listen on ${host}:${port} (ports below 1024 need privileges)`));
      else reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

function closeServer(server: Server | Http2Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
}
