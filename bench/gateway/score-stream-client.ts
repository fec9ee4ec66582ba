// A ScoreStream client for the benchmarks: gRPC over h2c with node:http2,
// the batches of a feed sent as the stream's messages (a ScoreBatchRequest's
// bytes are a valid ScoreStreamRequest; later messages repeat the header,
// which the server accepts when it is the same), answers counted as they
// come, never buffered: the stream is read while it is written, and writing
// waits for HTTP/2 flow control.
import { connect } from 'node:http2';
import { EnvelopeReader, envelopePrefix } from '../../engine/src/codec/index.js';
import { WireReader } from '../../engine/src/wire/reader.js';
import { addSummary, emptySummary, readSummary, type Summary } from './server.js';

const PATH = '/gridcode.v1.ScoringService/ScoreStream';
const SLICE_BYTES = 256 * 1024;

export interface StreamFeed {
  /** The next message (a ScoreBatchRequest's bytes) and its consumer count, or undefined at the end. */
  next(): Promise<{ count: number; bytes: Uint8Array; done(): void } | undefined>;
}

export interface StreamRun {
  readonly seconds: number;
  /** Consumers in the answers' results (flagged-only streams answer fewer). */
  readonly results: number;
  readonly responses: number;
  readonly summary: Summary;
  readonly status: string;
  readonly message: string;
}

/** Sends every batch of `feed` as one ScoreStream to `h2` (http://host:grpcPort); `progress` gets the results answered so far. */
export async function runStream(h2: string, feed: StreamFeed, options: { token?: string | undefined; progress?: (results: number) => void } = {}): Promise<StreamRun> {
  // Node's client counts what it has queued to send against maxSessionMemory (10 MB by default) and resets
  // the stream past it: a batch of 1,000 30-day consumers is 11 MiB. Written in slices, waiting for drain.
  const session = connect(h2, { maxSessionMemory: 64 });
  session.on('error', () => {});
  const started = performance.now();
  const stream = session.request({ ':method': 'POST', ':path': PATH, 'content-type': 'application/grpc', te: 'trailers', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) });
  const summary = emptySummary();
  let results = 0;
  let responses = 0;
  let status = '';
  let message = '';
  const answers = new EnvelopeReader((response) => {
    responses++;
    results += countResults(response);
    addSummary(summary, readSummary(response));
    options.progress?.(results);
  });
  const onStatus = (headers: Record<string, unknown>): void => {
    if (headers['grpc-status'] === undefined) return;
    status = String(headers['grpc-status']);
    message = decodeURIComponent(String(headers['grpc-message'] ?? ''));
  };
  stream.on('response', onStatus);
  stream.on('trailers', onStatus);
  stream.on('data', (chunk: Buffer) => answers.push(chunk));
  const closed = new Promise<void>((resolve) => {
    stream.on('error', () => {});
    stream.on('close', () => resolve());
  });
  try {
    for (;;) {
      const batch = await feed.next();
      if (!batch || stream.closed) break;
      stream.write(envelopePrefix(batch.bytes.byteLength));
      for (let at = 0; at < batch.bytes.byteLength && !stream.closed; at += SLICE_BYTES) {
        if (!stream.write(batch.bytes.subarray(at, at + SLICE_BYTES))) {
          await new Promise<void>((resolve) => {
            const done = (): void => {
              stream.off('drain', done);
              stream.off('close', done);
              resolve();
            };
            stream.on('drain', done);
            stream.on('close', done);
          });
        }
      }
      batch.done();
    }
    stream.end();
    await closed;
  } finally {
    session.close();
  }
  if (!status) status = `no status (stream reset, code ${stream.rstCode})`;
  return { seconds: (performance.now() - started) / 1000, results, responses, summary, status, message };
}

/** Entries of field 3 (results) of a ScoreStreamResponse, without decoding them. */
function countResults(bytes: Uint8Array): number {
  const reader = new WireReader(bytes, 0, bytes.length);
  let count = 0;
  while (reader.pos < reader.end) {
    const tag = reader.varint();
    if (tag >>> 3 === 3) count++;
    reader.skip(tag & 7);
  }
  return count;
}
