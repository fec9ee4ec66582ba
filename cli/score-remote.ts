// `gridcode score --server URL`: a batch file scored by a running gateway in
// one ScoreStream call (gRPC over h2c, node:http2: no client library needed at
// run time). The file's consumers go out block by block as the stream's
// messages (the first with the request's header), written as HTTP/2 flow
// control lets them; the answers are read as they come and assembled into
// the same ScoreBatchResponse `gridcode score` writes when it scores locally:
// the results in request order, the rule set and digest of the first answer,
// each rule described once (in the rule set's order, read from the summary's
// rule_hits), and the summary of the last answer.
import { connect, constants, type ClientHttp2Stream } from 'node:http2';
import { gridcode } from '#gen/scoring.js';
import { EnvelopeReader, envelopePrefix, ResultsWriter, type ResponseFields, type Serialization } from '../engine/src/codec/index.js';
import type { BatchFile, ConsumerBlock } from './batch-file.js';
import { CommandError } from './errors.js';

const PATH = '/gridcode.v1.ScoringService/ScoreStream';
/** Written to HTTP/2 in slices: Node's client resets a stream past 10 MB queued (maxSessionMemory). */
const SLICE_BYTES = 256 * 1024;

export interface RemoteOptions {
  /** http://host:port of the gateway's gRPC (h2c) port. */
  readonly server: string;
  readonly token?: string | undefined;
  readonly ruleSet: string;
  readonly includeFeatures: boolean;
  readonly flaggedOnly: boolean;
  readonly includeEvidence: boolean;
}

/** The response's fields and its results, encoded in `serialization`, as a local score gives them to responsePieces. */
export async function scoreRemote(batch: BatchFile, options: RemoteOptions, serialization: Serialization): Promise<{ fields: ResponseFields; results: Uint8Array; resultCount: number }> {
  let url: URL;
  try {
    url = new URL(options.server);
  } catch {
    throw new CommandError(`--server ${options.server} is not a URL; give the gateway's gRPC port, e.g. http://127.0.0.1:8081`);
  }
  const session = connect(url.origin, { maxSessionMemory: 64 });
  let failure: Error | undefined;
  session.on('error', (error) => (failure ??= error));
  const stream = session.request({
    ':method': 'POST',
    ':path': PATH,
    'content-type': 'application/grpc',
    te: 'trailers',
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
  });
  const answers = new AnswerReader(serialization);
  let status: string | undefined;
  let message = '';
  const onStatus = (headers: Record<string, unknown>): void => {
    if (headers['grpc-status'] === undefined) return;
    status = String(headers['grpc-status']);
    message = decodeURIComponent(String(headers['grpc-message'] ?? ''));
  };
  stream.on('response', onStatus);
  stream.on('trailers', onStatus);
  stream.on('data', (chunk: Buffer) => answers.push(chunk));
  stream.on('error', (error) => (failure ??= error));
  const closed = new Promise<void>((resolve) => stream.on('close', () => resolve()));
  try {
    let first = true;
    for (const block of batch.blocks()) {
      if (stream.closed) break;
      const message = requestMessage(block, first ? options : undefined, batch);
      await write(stream, envelopePrefix(message.byteLength));
      await write(stream, message);
      first = false;
    }
    // A batch without consumers: the header alone, so that the answer names the rule set and counts zero.
    if (first) {
      const message = requestMessage(undefined, options, batch);
      await write(stream, envelopePrefix(message.byteLength));
      await write(stream, message);
    }
    stream.end();
    await closed;
  } finally {
    session.close();
  }
  if (status === undefined) {
    const why = failure ? failure.message : `the stream was reset (HTTP/2 code ${stream.rstCode ?? constants.NGHTTP2_NO_ERROR})`;
    throw new CommandError(`no answer from ${url.origin}: ${why}; is it the gateway's gRPC port (8081 by default)?`);
  }
  if (status !== '0') throw new CommandError(`the gateway answered ${grpcCodeName(status)}: ${message}`);
  return answers.finish();
}

/** One ScoreStreamRequest: the header fields on the first, then the block's consumers (field 4), copied as they are. */
function requestMessage(block: ConsumerBlock | undefined, header: RemoteOptions | undefined, batch: BatchFile): Uint8Array {
  const head = header
    ? gridcode.v1.ScoreStreamRequest.encode({
        ruleSet: header.ruleSet,
        startDate: batch.header.startDate,
        pointsPerDay: batch.header.pointsPerDay,
        includeFeatures: header.includeFeatures,
        flaggedOnly: header.flaggedOnly,
        includeEvidence: header.includeEvidence,
      }).finish()
    : new Uint8Array(0);
  const count = block ? block.spans.length >> 1 : 0;
  let size = head.byteLength;
  for (let k = 0; k < count; k++) size += 1 + varintSize(block!.spans[2 * k + 1]! - block!.spans[2 * k]!) + block!.spans[2 * k + 1]! - block!.spans[2 * k]!;
  const out = new Uint8Array(size);
  out.set(head, 0);
  let at = head.byteLength;
  for (let k = 0; k < count; k++) {
    const start = block!.spans[2 * k]!;
    const end = block!.spans[2 * k + 1]!;
    out[at++] = (4 << 3) | 2; // consumers = 4, length-delimited
    at = putVarint(out, at, end - start);
    out.set(block!.bytes.subarray(start, end), at);
    at += end - start;
  }
  return out;
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

function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

function putVarint(out: Uint8Array, at: number, n: number): number {
  while (n >= 0x80) {
    out[at++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 128);
  }
  out[at++] = n;
  return at;
}

const GRPC_CODES = ['OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED'];
function grpcCodeName(status: string): string {
  return GRPC_CODES[Number(status)] ?? `status ${status}`;
}

/** The answers: split into messages as chunks come, decoded one at a time, their results re-encoded as a local score encodes them. */
class AnswerReader {
  private readonly envelopes = new EnvelopeReader((message) => this.take(gridcode.v1.ScoreStreamResponse.decode(message)));

  private readonly results: ResultsWriter;
  private readonly fields: ResponseFields = {};
  private readonly rules: gridcode.v1.RuleInfo.$Properties[] = [];
  private first = true;

  constructor(serialization: Serialization) {
    this.results = new ResultsWriter(serialization);
  }

  push(chunk: Buffer): void {
    this.envelopes.push(chunk);
  }

  finish(): { fields: ResponseFields; results: Uint8Array; resultCount: number } {
    // Rules in the rule set's order: the order of the summary's rule_hits (every rule named has hits).
    const order = Object.keys(this.fields.summary?.ruleHits ?? {});
    const rank = (id: string | null | undefined): number => (id ? order.indexOf(id) : -1);
    const rules = [...this.rules].sort((a, b) => rank(a.id) - rank(b.id));
    const fields: ResponseFields = { ...this.fields, ...(rules.length > 0 ? { rules } : {}) };
    return { fields, results: this.results.finish(), resultCount: this.results.count };
  }

  private take(response: gridcode.v1.ScoreStreamResponse): void {
    if (this.first) {
      this.first = false;
      if (response.ruleSet) this.fields.ruleSet = response.ruleSet;
      if (response.ruleSetDigest) this.fields.ruleSetDigest = response.ruleSetDigest;
      if (response.featureNames.length > 0) this.fields.featureNames = [...response.featureNames];
    }
    this.results.add(response.results);
    this.rules.push(...response.rules);
    if (response.summary) this.fields.summary = gridcode.v1.Summary.toObject(response.summary as gridcode.v1.Summary) as gridcode.v1.Summary.$Properties;
  }
}
