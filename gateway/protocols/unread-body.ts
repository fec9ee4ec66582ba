// An HTTP/1.1 request answered before its body was read (refused at once for
// its size or because the server is full, or failed early) must not end in a
// TCP reset: a server that closes its socket while the client still sends
// makes the kernel answer with RST, and a client that receives RST discards
// what it had not read yet, the answer included. It then sees ECONNRESET or
// EPIPE and cannot tell a refusal from a network fault (seen: 1–5 in 470
// refusals of 58 MB uploads to a full server, when @hono/node-server's own
// clean-up gave a body 500 ms before it closed the socket).
//
// So the rest of the body is read and dropped, within bounds, as nginx's
// lingering close does, and the connection then stays open for the client's
// next request:
// - on a keep-alive connection the answer goes out at once and the body is
//   read meanwhile (a refusal stays "at once": the client can back off);
// - when the connection ends with this answer (`Connection: close`, HTTP/1.0)
//   Node closes the socket right after it, so the body is read first;
// - past the bounds, or for a caller without a valid token, the socket is
//   closed after a short read (a caller without a token gets no bandwidth).
// Nothing read is kept or charged to the byte budget. HTTP/2 has its own rules
// (http2-upload.ts): a stream can be reset without touching the connection.
import { IncomingMessage, ServerResponse } from 'node:http';
import { discardBody } from './http2-upload.js';

/** An authenticated caller's unread body is read for at most this much and this long. */
export const UNREAD_BODY_MAX_BYTES = 256 * 1024 * 1024;
export const UNREAD_BODY_MAX_MS = 30_000;
/** Anyone else's (as @hono/node-server's own clean-up). */
export const STRANGER_BODY_MAX_BYTES = 64 * 1024 * 1024;
export const STRANGER_BODY_MAX_MS = 500;

export interface UnreadBodyOptions {
  /** The caller presented a valid token. */
  readonly authenticated: boolean;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Settles what is left of an HTTP/1.1 request body; resolves when the answer
 * may be written (at once, unless the connection closes after it). Does
 * nothing for HTTP/2 or a body already read.
 */
export async function settleUnreadBody(incoming: unknown, options: UnreadBodyOptions & { readonly outgoing?: unknown }): Promise<void> {
  if (!(incoming instanceof IncomingMessage) || incoming.complete || incoming.destroyed) return;
  const bounds = options.authenticated ? { maxBytes: UNREAD_BODY_MAX_BYTES, maxMs: UNREAD_BODY_MAX_MS } : { maxBytes: STRANGER_BODY_MAX_BYTES, maxMs: STRANGER_BODY_MAX_MS };
  const drained = discardBody(incoming, { ...bounds, signal: options.signal }).then(({ complete }) => {
    // Past the bounds: the client is told by the connection's end, after its answer.
    if (!complete && !incoming.socket.destroyed) incoming.socket.destroySoon();
  });
  if (closesAfterAnswer(incoming, options.outgoing) && options.authenticated) await drained;
}

/** The connection ends with this answer: the client asked so, or HTTP/1.0, or the server does (the drain delay). */
function closesAfterAnswer(incoming: IncomingMessage, outgoing: unknown): boolean {
  if (incoming.httpVersionMajor === 1 && incoming.httpVersionMinor === 0) return true;
  const close = /(^|,)\s*close\s*(,|$)/i;
  if (close.test(incoming.headers.connection ?? '')) return true;
  return outgoing instanceof ServerResponse && (!outgoing.shouldKeepAlive || close.test(String(outgoing.getHeader('connection') ?? '')));
}
