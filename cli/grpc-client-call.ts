// One call of the gateway's gRPC service on h2c with node:http2 (no client
// library at run time), for `gridcode score --server` (ScoreStream),
// `gridcode check --server` (ListRuleSets) and the benchmarks: messages go
// out in their envelope, in slices that wait for HTTP/2's 'drain'; answers
// come back whole, one at a time, as they arrive; the call ends with its status.
import { connect, type ClientHttp2Stream } from 'node:http2';
import { EnvelopeReader, envelopePrefix } from '../engine/src/codec/index.js';

const SERVICE = '/gridcode.v1.ScoringService';
/** Node's client resets a stream with more than maxSessionMemory (10 MB by default) queued: messages go out in slices. */
const SLICE_BYTES = 256 * 1024;

export interface StreamEnd {
  /** grpc-status, or undefined when the stream ended without one (reset, connection lost). */
  readonly status: string | undefined;
  readonly message: string;
  /** The HTTP/2 reset code when there was no status. */
  readonly rstCode: number;
  /** What broke the connection, if anything did. */
  readonly failure: Error | undefined;
}

export interface GrpcCall {
  /** The stream has ended (answered, reset, or failed): sending more is pointless. */
  readonly closed: boolean;
  /** Sends one request message; resolves once HTTP/2 has taken it. */
  send(message: Uint8Array): Promise<void>;
  /** Half-closes the request and waits for the end of the call. */
  finish(): Promise<StreamEnd>;
}

/** Opens a ScoreStream to `url` (http://host:grpcPort); `onResponse` gets each ScoreStreamResponse's bytes. */
export function openScoreStream(url: string, token: string | undefined, onResponse: (response: Uint8Array) => void): GrpcCall {
  return openGrpcCall(url, 'ScoreStream', token, onResponse);
}

/**
 * Opens a call of `method` (ScoreStream, ListRuleSets, …) to `url`
 * (http://host:grpcPort); `onResponse` gets each response message's bytes.
 * With `deadlineMs`, a call not over by then is given up (its end has the
 * failure): a host that never answers must not hang the command.
 */
export function openGrpcCall(url: string, method: string, token: string | undefined, onResponse: (response: Uint8Array) => void, deadlineMs?: number): GrpcCall {
  const session = connect(url, { maxSessionMemory: 64 });
  let failure: Error | undefined;
  session.on('error', (error) => (failure ??= error));
  const deadline = deadlineMs === undefined ? undefined : setTimeout(() => session.destroy(new Error(`no answer within ${deadlineMs / 1000} s`)), deadlineMs);
  const stream = session.request({ ':method': 'POST', ':path': `${SERVICE}/${method}`, 'content-type': 'application/grpc', te: 'trailers', ...(token ? { authorization: `Bearer ${token}` } : {}) });
  let status: string | undefined;
  let message = '';
  const onStatus = (headers: Record<string, unknown>): void => {
    if (headers['grpc-status'] === undefined) return;
    status = String(headers['grpc-status']);
    message = decodeURIComponent(String(headers['grpc-message'] ?? ''));
  };
  stream.on('response', onStatus);
  stream.on('trailers', onStatus);
  const answers = new EnvelopeReader(onResponse);
  stream.on('data', (chunk: Buffer) => answers.push(chunk));
  stream.on('error', (error) => (failure ??= error));
  const closed = new Promise<void>((resolve) => stream.on('close', () => resolve()));
  return {
    get closed() {
      return stream.closed;
    },
    async send(bytes) {
      await write(stream, envelopePrefix(bytes.byteLength));
      await write(stream, bytes);
    },
    async finish() {
      try {
        stream.end();
        await closed;
      } finally {
        clearTimeout(deadline);
        session.close();
      }
      return { status, message, rstCode: stream.rstCode ?? 0, failure };
    },
  };
}

async function write(stream: ClientHttp2Stream, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.byteLength && !stream.closed; at += SLICE_BYTES) {
    if (!stream.write(bytes.subarray(at, at + SLICE_BYTES))) await drained(stream);
  }
}

/** Resolves on 'drain', or when the stream closes first; leaves no listener behind. */
function drained(stream: ClientHttp2Stream): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}
