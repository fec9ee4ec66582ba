// A request body as chunks, pulled one at a time: nothing is read while the
// pipeline is busy, so HTTP/2 flow control holds the client back. Unlike a
// Readable's own async iterator, stopping early does not destroy the stream:
// the reply must still carry its status, and only then is the stream reset.
import type { Readable } from 'node:stream';
import { ServiceError } from '../rpc/codes.js';

export async function* requestChunks(stream: Readable, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  for (;;) {
    if (signal.aborted) throw signal.reason;
    const chunk = stream.read() as Buffer | null;
    if (chunk !== null) {
      yield chunk;
      continue;
    }
    if (stream.readableEnded) return;
    if (stream.destroyed || (stream as Readable & { aborted?: boolean }).aborted) throw new ServiceError('canceled', 'the client went away mid-stream');
    await new Promise<void>((resolve) => {
      const done = (): void => {
        stream.off('readable', done);
        stream.off('end', done);
        stream.off('close', done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      stream.once('readable', done);
      stream.once('end', done);
      stream.once('close', done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
