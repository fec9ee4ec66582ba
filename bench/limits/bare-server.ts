// The bare servers bench:limits compares the gateway with, in a child
// process of their own so that /proc/<pid>/stat counts them alone:
// node:http and node:http2 (h2c) reading each request body chunk by chunk and
// discarding it, then answering a small 200 (a 16-byte body; on h2 one gRPC
// frame and grpc-status 0, so that the same gRPC client drives both). No
// routing, parsing, copy or allocation of the body: the floor of receiving
// these bytes in Node. Prints `bare ready <http port> <h2 port>` on stdout.
// The h2 flow-control windows are the gateway's gRPC server's own
// (gateway/grpc-server.ts: 512 KiB a stream, 8 MiB a connection), so that
// both wait on the client alike.
import { createServer } from 'node:http';
import { createServer as createH2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';
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
await Promise.all([listening(http), listening(h2)]);
process.stdout.write(`bare ready ${(http.address() as AddressInfo).port} ${(h2.address() as AddressInfo).port}\n`);
process.on('SIGTERM', () => process.exit(0));
