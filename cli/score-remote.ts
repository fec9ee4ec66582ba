// `gridcode score --server URL`: a batch file scored by a running gateway in
// one ScoreStream call (gRPC over h2c, node:http2: no client library needed at
// run time). The file's consumers go out block by block as the stream's
// messages (the first with the request's header), written as HTTP/2 flow
// control lets them; the answers are read as they come and assembled into
// the same ScoreBatchResponse `gridcode score` writes when it scores locally:
// the results in request order, the rule set and digest of the first answer,
// each rule described once (in the rule set's order, read from the summary's
// rule_hits), and the summary of the last answer.
import { gridcode } from '#gen/scoring.js';
import { ResultsWriter, type ResponseFields, type Serialization } from '../engine/src/codec/index.js';
import { WireReader } from '../engine/src/wire/reader.js';
import type { BatchFile } from './batch-file.js';
import { requestBytes } from './batch-request.js';
import { CommandError } from './errors.js';
import { codeOfGrpcStatus } from '../gateway/rpc/codes.js';
import { openScoreStream } from './grpc-client-call.js';

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
  const answers = new AnswerReader(serialization);
  const call = openScoreStream(url.origin, options.token, (response) => answers.take(response));
  let first = true;
  for (const block of batch.blocks()) {
    if (call.closed) break;
    await call.send(requestBytes(batch, first ? options : undefined, block));
    first = false;
  }
  // A batch without consumers: the header alone, so that the answer names the rule set and counts zero.
  if (first) await call.send(requestBytes(batch, options));
  const end = await call.finish();
  if (end.status === undefined) {
    const why = end.failure ? end.failure.message : `the stream was reset (HTTP/2 code ${end.rstCode})`;
    throw new CommandError(`no answer from ${url.origin}: ${why}; is it the gateway's gRPC port (8081 by default)?`);
  }
  if (end.status !== '0') throw new CommandError(`the gateway answered ${codeOfGrpcStatus(end.status)}: ${end.message}`);
  return answers.finish();
}


/** The answers, decoded one at a time, their results re-encoded as a local score encodes them. */
class AnswerReader {
  /** JSON output: results re-encoded as a local score writes them. */
  private readonly json: ResultsWriter | undefined;
  /** Protobuf output: the answers' result entries (field 3) as they came, never decoded. */
  private readonly proto: Uint8Array[] = [];
  private protoCount = 0;
  private readonly fields: ResponseFields = {};
  private readonly rules: gridcode.v1.RuleInfo.$Properties[] = [];
  private first = true;

  constructor(serialization: Serialization) {
    this.json = serialization === 'json' ? new ResultsWriter('json') : undefined;
  }

  finish(): { fields: ResponseFields; results: Uint8Array; resultCount: number } {
    // Rules in the rule set's order: the order of the summary's rule_hits (every rule named has hits).
    const order = Object.keys(this.fields.summary?.ruleHits ?? {});
    const rank = (id: string | null | undefined): number => (id ? order.indexOf(id) : -1);
    const rules = [...this.rules].sort((a, b) => rank(a.id) - rank(b.id));
    const fields: ResponseFields = { ...this.fields, ...(rules.length > 0 ? { rules } : {}) };
    if (this.json) return { fields, results: this.json.finish(), resultCount: this.json.count };
    return { fields, results: Buffer.concat(this.proto), resultCount: this.protoCount };
  }

  /** One ScoreStreamResponse: for protobuf output its results are kept as bytes and only the rest is decoded. */
  take(bytes: Uint8Array): void {
    const response = gridcode.v1.ScoreStreamResponse.decode(this.json ? bytes : this.keepResults(bytes));
    if (this.first) {
      this.first = false;
      if (response.ruleSet) this.fields.ruleSet = response.ruleSet;
      if (response.ruleSetDigest) this.fields.ruleSetDigest = response.ruleSetDigest;
      if (response.featureNames.length > 0) this.fields.featureNames = [...response.featureNames];
    }
    this.json?.add(response.results);
    this.rules.push(...response.rules);
    if (response.summary) this.fields.summary = gridcode.v1.Summary.toObject(response.summary as gridcode.v1.Summary) as gridcode.v1.Summary.$Properties;
  }

  /** Moves the result entries (field 3, tag and all) of `bytes` to the output; returns the other fields. */
  private keepResults(bytes: Uint8Array): Uint8Array {
    const reader = new WireReader(bytes, 0, bytes.length);
    const rest: Uint8Array[] = [];
    while (reader.pos < reader.end) {
      const start = reader.pos;
      const tag = reader.varint();
      reader.skip(tag & 7);
      const entry = bytes.subarray(start, reader.pos);
      if (tag >>> 3 === RESULTS_FIELD) {
        this.proto.push(entry);
        this.protoCount++;
      } else rest.push(entry);
    }
    return Buffer.concat(rest);
  }
}

/** ScoreStreamResponse.results. */
const RESULTS_FIELD = 3;
