// The bare servers bench:limits compares the gateway with, in a child
// process of their own so that /proc/<pid>/stat counts them alone:
// node:http and node:http2 (h2c) reading each request body chunk by chunk and
// discarding it, then answering a small 200 (a 16-byte body; on h2 one gRPC
// frame and grpc-status 0, so that the same gRPC client drives both). No
// routing, parsing, copy or allocation of the body: the floor of receiving
// these bytes in Node. Two more node:http servers isolate the copies: `fresh`
// copies each body, chunk by chunk, into a buffer of its Content-Length
// allocated for that request (what the gateway did until issue 18), and
// `reused` into a buffer kept per connection and reused by its next requests
// (grown when a body is larger). Prints
// `bare ready <http port> <h2 port> <fresh port> <reused port>` on stdout.
// The h2 flow-control windows are the gateway's gRPC server's own
// (gateway/grpc-server.ts: 512 KiB a stream, 8 MiB a connection), so that
// both wait on the client alike.
import { createServer, type IncomingMessage } from 'node:http';
import { createServer as createH2Server } from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import { SESSION_WINDOW_BYTES, STREAM_WINDOW_BYTES } from '../../gateway/grpc-server.js';

const REPLY = Buffer.alloc(16);
// One gRPC message frame: flag 0, length 16, 16 zero bytes.
const FRAME = Buffer.concat([Buffer.from([0, 0, 0, 0, REPLY.length]), REPLY]);

const http = createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/proto', 'content-length': REPLY.length });
    res.end(REPLY);
  });
});
http.keepAliveTimeout = 60_000;

/** Answers 411 without a Content-Length: the copying servers size their buffer by it, as the gateway does. */
function copying(target: (req: IncomingMessage, length: number) => Uint8Array) {
  const server = createServer((req, res) => {
    const length = Number(req.headers['content-length']);
    if (!Number.isSafeInteger(length) || length < 0) {
      req.resume();
      res.writeHead(411).end('a Content-Length is required');
      return;
    }
    const body = target(req, length);
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      body.set(chunk, received);
      received += chunk.length;
    });
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/proto', 'content-length': REPLY.length });
      res.end(REPLY);
    });
  });
  server.keepAliveTimeout = 60_000;
  return server;
}

// A new ArrayBuffer per request (zero-filled by V8, as the gateway's was).
const fresh = copying((_req, length) => new Uint8Array(length));
// One buffer per connection: HTTP/1.1 requests on a connection come one at a time, so it is never shared by two bodies.
const buffers = new WeakMap<Socket, Uint8Array>();
const reused = copying((req, length) => {
  let buffer = buffers.get(req.socket);
  if (!buffer || buffer.length < length) buffers.set(req.socket, (buffer = new Uint8Array(length)));
  return buffer;
});

const h2 = createH2Server({ settings: { initialWindowSize: STREAM_WINDOW_BYTES } });
h2.on('session', (session) => {
  session.once('localSettings', () => {
    if (!session.destroyed) session.setLocalWindowSize(SESSION_WINDOW_BYTES);
  });
});
h2.on('stream', (stream) => {
  stream.on('error', () => {});
  stream.on('data', () => {});
  stream.on('end', () => {
    stream.respond({ ':status': 200, 'content-type': 'application/grpc+proto' }, { waitForTrailers: true });
    stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    stream.end(FRAME);
  });
});

const listening = (server: { once(event: 'listening', f: () => void): unknown; listen(port: number, host: string): unknown }) =>
  new Promise<void>((resolve) => {
    server.once('listening', resolve);
    server.listen(0, '127.0.0.1');
  });
await Promise.all([http, h2, fresh, reused].map(listening));
const port = (server: { address(): unknown }) => (server.address() as AddressInfo).port;
process.stdout.write(`bare ready ${port(http)} ${port(h2)} ${port(fresh)} ${port(reused)}\n`);
process.on('SIGTERM', () => process.exit(0));
