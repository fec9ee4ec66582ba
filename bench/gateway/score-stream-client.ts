// A ScoreStream client for the benchmarks: gRPC over h2c with node:http2,
// the batches of a feed sent as the stream's messages (a ScoreBatchRequest's
// bytes are a valid ScoreStreamRequest; later messages repeat the header,
// which the server accepts when it is the same), answers counted as they
// come, never buffered: the stream is read while it is written, and writing
// waits for HTTP/2 flow control.
import { openScoreStream } from '../../cli/grpc-client-call.js';
import { WireReader } from '../../engine/src/wire/reader.js';
import { addSummary, emptySummary, readSummary, type Summary } from './server.js';

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
  const started = performance.now();
  const summary = emptySummary();
  let results = 0;
  let responses = 0;
  const call = openScoreStream(h2, options.token, (response) => {
    responses++;
    results += countResults(response);
    addSummary(summary, readSummary(response));
    options.progress?.(results);
  });
  for (;;) {
    const batch = await feed.next();
    if (!batch || call.closed) break;
    await call.send(batch.bytes);
    batch.done();
  }
  const end = await call.finish();
  const status = end.status ?? `no status (stream reset, code ${end.rstCode}${end.failure ? `, ${end.failure.message}` : ''})`;
  return { seconds: (performance.now() - started) / 1000, results, responses, summary, status, message: end.message };
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
