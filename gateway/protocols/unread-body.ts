// An HTTP/1.1 request answered before its body was read (refused at once for
// its size or because the server is full, or failed early) must not end in a
// TCP reset. Node answers such a request with `Connection: close` and closes
// the socket right after the answer; the client, still sending, gets RST for
// its next segments, and a client that receives RST discards what it had not
// read yet: the answer. It then sees ECONNRESET or EPIPE and cannot tell a
// refusal from a network fault (seen: 1–5 in 470 refusals of 58 MB uploads
// to a full server). So the rest of the body is read and dropped before the
// answer is written, within bounds, as nginx's lingering close does after
// it; the connection then stays open for the client's next request. Nothing
// read is kept or charged to the byte budget. Only for authenticated callers
// (the rpc middleware decides): a caller without a valid token is answered
// 401 and given @hono/node-server's 500 ms drain. HTTP/2 has its own rules
// (http2-upload.ts): a stream can be reset without touching the connection.
import { IncomingMessage } from 'node:http';
import { discardBody } from './http2-upload.js';

/** Beyond these, the answer goes out anyway (and Node closes the connection). */
export const UNREAD_BODY_MAX_BYTES = 256 * 1024 * 1024;
export const UNREAD_BODY_MAX_MS = 30_000;

/** Reads and drops what is left of an HTTP/1.1 request body; resolves at once for HTTP/2 or a body already read. */
export async function dropUnreadBody(incoming: unknown, signal?: AbortSignal): Promise<void> {
  if (!(incoming instanceof IncomingMessage) || incoming.complete || incoming.destroyed) return;
  await discardBody(incoming, { maxBytes: UNREAD_BODY_MAX_BYTES, maxMs: UNREAD_BODY_MAX_MS, signal });
}
