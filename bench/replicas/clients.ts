// Clients of the replicas as an integrator writes them, each retrying as the
// README says ("Which errors to retry"): `unavailable` at once on another
// replica (here: through the balancer again) after a short jittered backoff,
// `resource_exhausted` after the server's pushback (1 s) and then with
// exponential backoff and jitter; a call cut with no status at all (its
// replica died under it) like `unavailable`; anything else is not retried. Four callers:
// connect-node's Connect and gRPC-Web transports over HTTP/1.1, and
// @grpc/grpc-js over h2c for unary ScoreBatch and for ScoreStream (which, cut,
// resends only the consumers it has no answer for, and starts again from the
// first if the resumed part comes from another rule set: stream-resume.ts). Every answer is checked
// against the expected fingerprint (batch.ts); the counts are kept per protocol.
import { fromBinary, type DescService } from '@bufbuild/protobuf';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport, createGrpcWebTransport } from '@connectrpc/connect-node';
import * as grpc from '@grpc/grpc-js';
import { Agent } from 'node:http';
import { loadRegistry, messageSchema } from '../../lib/proto-registry.js';
import { fingerprint, type ReplicaBatch, type ScoredConsumer } from './batch.js';
import { StreamProgress } from './stream-resume.js';

export const PROTOCOLS = ['connect', 'grpc-web', 'grpc', 'stream'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** Codes the README says to retry (when a server or the balancer sent them). */
export const RETRYABLE: ReadonlySet<string> = new Set(['Unavailable', 'ResourceExhausted']);

export interface Counts {
  /** Logical requests (a ScoreStream call counts once, however many times it is resumed). */
  sent: number;
  /** Answered in the end, with the expected answer. */
  answered: number;
  /** Attempts a server or the balancer refused with a status, by Connect code name. */
  refused: Record<string, number>;
  /**
   * Attempts cut without any status (a replica killed under them: connection or stream reset), by the code the
   * client library made up for it (connect-node `Aborted` for ECONNRESET, `Internal` for EPIPE; grpc-js `Internal` "Call ended without
   * gRPC status", `Unavailable` "Stream refused by server", `Canceled` "Call cancelled"). gridcode itself always
   * ends a call with a status, so none of these is an answer from it: retried like `unavailable`.
   */
  cut: Record<string, number>;
  /** Requests that needed more than one attempt. */
  retried: number;
  /** ScoreStream calls started again from the first consumer: resumed after a cut, they were answered by another rule set. */
  restarted: number;
  /** Requests given up (a code not to retry, or out of attempts) or answered wrongly. */
  lost: number;
  /** The first few reasons for a loss. */
  losses: string[];
  /** Every failed attempt: when it ended (performance.now()), its code, whether it was a cut, the message. */
  failures: { at: number; code: string; cut: boolean; message: string }[];
}

/** One attempt's outcome: the consumers answered (in order) with the digest, or the error code (and, for a stream, what it was answered before). */
type Attempt = { ok: true; digest: string; results: ScoredConsumer[] } | { ok: false; code: string; cut: boolean; message: string; digest?: string; results?: ScoredConsumer[] };

const PATH = '/gridcode.v1.ScoringService/';
const MAX_ATTEMPTS = 10;
const ATTEMPT_DEADLINE_MS = 20_000;
/** Consumers per ScoreStream message. */
const STREAM_MESSAGE = 8;

export interface ReplicaClients {
  /** One logical request over `protocol`, retried until answered or given up; never rejects. */
  send(protocol: Protocol): Promise<void>;
  readonly counts: Record<Protocol, Counts>;
  close(): void;
}

export function replicaClients(target: { base: string; h2: string }, batch: ReplicaBatch, expected: string): ReplicaClients {
  const service: DescService = loadRegistry().getService('gridcode.v1.ScoringService')!;
  const responseSchema = messageSchema('ScoreBatchResponse');
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const http1 = { baseUrl: target.base, httpVersion: '1.1' as const, useBinaryFormat: true, nodeOptions: { agent } };
  const connect = createClient(service, createConnectTransport(http1)) as unknown as Record<string, Unary>;
  const grpcWeb = createClient(service, createGrpcWebTransport(http1)) as unknown as Record<string, Unary>;
  const grpcClient = new grpc.Client(target.h2.replace('http://', ''), grpc.credentials.createInsecure(), {
    'grpc.max_receive_message_length': 64 * 2 ** 20,
    // grpc-js retries some failures by itself (transparent retries): off, so that every failed attempt is counted here.
    'grpc.enable_retries': 0,
  });
  const counts = Object.fromEntries(PROTOCOLS.map((p): [Protocol, Counts] => [p, { sent: 0, answered: 0, refused: {}, cut: {}, retried: 0, restarted: 0, lost: 0, losses: [], failures: [] }])) as Record<Protocol, Counts>;
  const decode = (bytes: Uint8Array) => fromBinary(responseSchema, bytes) as unknown as Answer;

  const viaConnect = (client: Record<string, Unary>) => async (): Promise<Attempt> => {
    try {
      const answer = await client['scoreBatch']!(batch.request, { timeoutMs: ATTEMPT_DEADLINE_MS });
      return { ok: true, digest: answer.ruleSetDigest, results: answer.results };
    } catch (error) {
      const e = ConnectError.from(error);
      // The connection was reset or closed under the call: connect-node says Aborted (ECONNRESET) or, when it was
      // still writing the body, Internal (EPIPE). No status came from anyone.
      const reset = (e.code === Code.Aborted || e.code === Code.Internal) && /\b(ECONNRESET|EPIPE)\b|socket hang up/.test(`${e.rawMessage} ${String((e.cause as { code?: string } | undefined)?.code)}`);
      return { ok: false, code: Code[e.code] ?? String(e.code), cut: reset, message: e.rawMessage };
    }
  };
  const viaGrpc = (): Promise<Attempt> =>
    new Promise((resolve) => {
      grpcClient.makeUnaryRequest(PATH + 'ScoreBatch', (b: Uint8Array) => Buffer.from(b), (b: Buffer) => b, batch.bytes, new grpc.Metadata(), { deadline: Date.now() + ATTEMPT_DEADLINE_MS }, (error, bytes) => {
        if (error) return resolve({ ok: false, code: Code[error.code] ?? String(error.code), cut: grpcCut(error), message: error.details });
        const answer = decode(bytes!);
        resolve({ ok: true, digest: answer.ruleSetDigest, results: answer.results });
      });
    });
  /** A ScoreStream of the consumers from `from` on; on failure, the results it did get. The digest is its first response's. */
  const viaStream = (from: number): Promise<Attempt> =>
    new Promise((resolve) => {
      const call = grpcClient.makeBidiStreamRequest(PATH + 'ScoreStream', (b: Uint8Array) => Buffer.from(b), (b: Buffer) => b, new grpc.Metadata(), { deadline: Date.now() + ATTEMPT_DEADLINE_MS });
      const results: ScoredConsumer[] = [];
      let digest = '';
      call.on('data', (bytes: Buffer) => {
        const answer = decode(bytes);
        digest ||= answer.ruleSetDigest;
        results.push(...answer.results);
      });
      call.on('error', (error: grpc.ServiceError) => resolve({ ok: false, code: Code[error.code] ?? String(error.code), cut: grpcCut(error), message: error.details, digest, results }));
      call.on('status', (status: grpc.StatusObject) => {
        if (status.code === grpc.status.OK) resolve({ ok: true, digest, results });
      });
      for (let at = from; at < batch.consumers.length; at += STREAM_MESSAGE) call.write(batch.slice(at, STREAM_MESSAGE));
      call.end();
    });

  async function send(protocol: Protocol): Promise<void> {
    const c = counts[protocol];
    c.sent++;
    const stream = new StreamProgress();
    for (let attempt = 1; ; attempt++) {
      if (attempt === 2) c.retried++;
      const outcome =
        protocol === 'connect' ? await viaConnect(connect)() : protocol === 'grpc-web' ? await viaConnect(grpcWeb)() : protocol === 'grpc' ? await viaGrpc() : await viaStream(stream.answered.length);
      // A stream keeps what it was answered before a cut and asks for the rest; a rest from another rule set: all again.
      if (protocol === 'stream' && stream.take({ digest: outcome.digest ?? '', results: outcome.results ?? [] }) === 'restart') {
        c.restarted++;
        if (outcome.ok) {
          if (attempt === MAX_ATTEMPTS) return lose(c, `stream still restarting after ${attempt} attempts: its rule set changed`);
          continue;
        }
      }
      if (outcome.ok) {
        const got = protocol === 'stream' ? fingerprint(stream.digest, stream.answered) : fingerprint(outcome.digest, outcome.results);
        if (got !== expected) return lose(c, `wrong answer: ${got.slice(0, 200)}`);
        c.answered++;
        return;
      }
      const tally = outcome.cut ? c.cut : c.refused;
      tally[outcome.code] = (tally[outcome.code] ?? 0) + 1;
      c.failures.push({ at: performance.now(), code: outcome.code, cut: outcome.cut, message: outcome.message });
      if (!outcome.cut && !RETRYABLE.has(outcome.code)) return lose(c, `${outcome.code}: ${outcome.message}`);
      if (attempt === MAX_ATTEMPTS) return lose(c, `still ${outcome.code} after ${attempt} attempts: ${outcome.message}`);
      await new Promise((resolve) => setTimeout(resolve, backoffMs(outcome.code, attempt)));
    }
  }

  return {
    send,
    counts,
    close() {
      grpcClient.close();
      agent.destroy();
    },
  };
}

/** The fingerprint of one ScoreBatch of `batch`, over Connect to `base` (a replica, directly): what every answer must be. */
export async function directAnswer(base: string, batch: ReplicaBatch): Promise<string> {
  const service: DescService = loadRegistry().getService('gridcode.v1.ScoringService')!;
  const client = createClient(service, createConnectTransport({ baseUrl: base, httpVersion: '1.1', useBinaryFormat: true })) as unknown as Record<string, Unary>;
  const answer = await client['scoreBatch']!(batch.request, { timeoutMs: ATTEMPT_DEADLINE_MS });
  return fingerprint(answer.ruleSetDigest, answer.results);
}

type Answer = { ruleSetDigest: string; results: ScoredConsumer[] };
type Unary = (request: unknown, options: { timeoutMs: number }) => Promise<Answer>;

/** grpc-js's words for a call that ended with no gRPC status: the stream or connection was reset under it. */
function grpcCut(error: grpc.ServiceError): boolean {
  return /^Received RST_STREAM|Call ended without gRPC status|^Stream refused by server|^Call cancelled$|^Connection dropped/.test(error.details);
}

function lose(c: Counts, why: string): void {
  c.lost++;
  if (c.losses.length < 5) c.losses.push(why);
}

/** README: unavailable at once elsewhere, then short; resource_exhausted after the 1 s pushback, then doubling; full jitter. */
export function backoffMs(code: string, attempt: number): number {
  const base = code === 'ResourceExhausted' ? 1000 : 25;
  const cap = code === 'ResourceExhausted' ? 8000 : 1000;
  const ceiling = Math.min(cap, base * 2 ** (attempt - 1));
  return code === 'ResourceExhausted' && attempt === 1 ? base : ceiling / 2 + Math.random() * (ceiling / 2);
}
