// The ScoreStreams in progress, so that a shutdown that runs out of time can
// end each with `unavailable` and a message saying how far it got, instead of
// cutting the connection (a client could not tell a cut stream from a
// network fault, nor which consumers were answered).
import type { ServiceError } from '../rpc/codes.js';

export interface OpenStream {
  /** Ends the stream with `reason` (its status), stopping what it reads and scores. */
  abort(reason: ServiceError): void;
}

export class OpenStreams {
  private readonly streams = new Set<OpenStream>();

  get size(): number {
    return this.streams.size;
  }

  add(stream: OpenStream): () => void {
    this.streams.add(stream);
    return () => this.streams.delete(stream);
  }

  abortAll(reason: ServiceError): number {
    const count = this.streams.size;
    for (const stream of [...this.streams]) stream.abort(reason);
    return count;
  }
}
