// Load for the overload and shutdown tests (gateway/capacity.overload.test.ts,
// gateway/shutdown.overload.test.ts): Connect over HTTP/1.1 and gRPC over h2c sending
// one synthetic batch, either with @connectrpc/connect-node's clients or, where
// the client must stay cheaper than the server (5x overload), as bytes encoded
// once and sent with fetch and node:http2 (lib/wire-calls.ts). Each answer
// sorted into completed (decoded and whole), refused (resource_exhausted, or
// unavailable: the server said no, or the connection was refused), unanswered
// (the connection was reset before any answer: whether the server had taken
// the request only the server can say, see shutdown.overload.test.ts) or lost
// (anything else: cut, deadline passed, internal), with the order in which
// answers came back.
import { Agent } from 'node:http';
import { create, fromBinary, toBinary, type DescMessage, type DescService } from '@bufbuild/protobuf';
import { Code, ConnectError, createClient, type Transport } from '@connectrpc/connect';
import { createConnectTransport, createGrpcTransport, Http2SessionManager } from '@connectrpc/connect-node';
import { loadRegistry } from '../../../lib/proto-registry.js';
import type { GatewayProcess } from '../../../lib/gateway-process.js';
import { valueOf } from '../../../lib/prometheus-text.js';
import { closeSessions, connectCall, grpcCall, type WireOutcome } from '../../../lib/wire-calls.js';
import { requestInit } from '../../../lib/score-requests.js';
import { populationConsumers } from './population.js';

export type LoadProtocol = 'connect' | 'grpc';
export type Fate = 'completed' | 'refused' | 'unanswered' | 'lost';

export interface Answer {
  readonly protocol: LoadProtocol;
  readonly fate: Fate;
  /** 'ok' or the Connect code name, with the reason for a lost one. */
  readonly code: string;
  readonly detail: string;
  /** Order of sending and of answering (0, 1, 2, ... over the whole run). */
  readonly sent: number;
  readonly answered: number;
  readonly ms: number;
}

type Call = (request: unknown, options: { timeoutMs?: number }) => Promise<unknown>;

export interface LoadClients {
  /** One ScoreBatch over `protocol`; never rejects. */
  send(protocol: LoadProtocol, timeoutMs?: number): Promise<Answer>;
  readonly answers: Answer[];
  /** Sent and not answered yet. */
  pending(): number;
  close(): void;
}

/** One ScoreBatchRequest of `consumers` consumers of 30 days, as protobuf bytes. */
export function batchBytes(consumers: number): Uint8Array {
  return toBinary(schema('ScoreBatchRequest'), create(schema('ScoreBatchRequest'), batchInit(consumers)));
}

function batchInit(consumers: number): Record<string, unknown> {
  return requestInit({ startDate: '2026-03-02' }, populationConsumers(0, consumers, { days: 30, seed: 6, startWeekday: 0, prefix: 'load' }));
}

function schema(name: string): DescMessage {
  const found = loadRegistry().getMessage(`gridcode.v1.${name}`);
  if (!found) throw new Error(`no message gridcode.v1.${name}`);
  return found;
}

/** Clients of `gw` sending a batch of `consumers` consumers; `raw`: pre-encoded bytes over fetch / node:http2. */
export function loadClients(gw: GatewayProcess, consumers: number, raw = false): LoadClients {
  const service: DescService = loadRegistry().getService('gridcode.v1.ScoringService')!;
  const RequestSchema = schema('ScoreBatchRequest');
  const request = create(RequestSchema, batchInit(consumers));
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  // Node's client refuses answers while over maxSessionMemory (MB) of its uploads wait: see lib/wire-calls.ts.
  const sessions = new Http2SessionManager(gw.h2, {}, { maxSessionMemory: 1024 });
  const transports: Record<LoadProtocol, Transport> = {
    connect: createConnectTransport({ baseUrl: gw.base, httpVersion: '1.1', useBinaryFormat: true, nodeOptions: { agent } }),
    grpc: createGrpcTransport({ baseUrl: gw.h2, sessionManager: sessions }),
  };
  const calls: Record<LoadProtocol, Call> = raw
    ? rawCalls(gw, toBinary(RequestSchema, request), schema('ScoreBatchResponse'))
    : (Object.fromEntries(
        (Object.keys(transports) as LoadProtocol[]).map((p) => [p, (createClient(service, transports[p]) as unknown as Record<string, Call>)['scoreBatch']!]),
      ) as Record<LoadProtocol, Call>);
  const answers: Answer[] = [];
  let sent = 0;

  async function send(protocol: LoadProtocol, timeoutMs?: number): Promise<Answer> {
    const order = sent++;
    const started = performance.now();
    let fate: Fate;
    let code = 'ok';
    let detail = '';
    try {
      const response = (await calls[protocol](request, timeoutMs === undefined ? {} : { timeoutMs })) as { results: { id: string }[] };
      // Decoded by the client, and whole: every consumer answered, in order.
      const whole = response.results.length === consumers && response.results.every((r, i) => r.id.startsWith(`load-${String(i).padStart(6, '0')}-`));
      fate = whole ? 'completed' : 'lost';
      if (!whole) detail = `${response.results.length} of ${consumers} results`;
    } catch (error) {
      const e = ConnectError.from(error);
      code = Code[e.code] ?? String(e.code);
      detail = e.rawMessage;
      fate = refusal(e) ? 'refused' : /\b(ECONNRESET|EPIPE)\b/.test(e.rawMessage) ? 'unanswered' : 'lost';
    }
    const answer: Answer = { protocol, fate, code, detail, sent: order, answered: answers.length, ms: performance.now() - started };
    answers.push(answer);
    return answer;
  }

  return {
    send,
    answers,
    pending: () => sent - answers.length,
    close() {
      sessions.abort();
      agent.destroy();
      closeSessions();
    },
  };
}

/** ScoreBatch with the request encoded once; errors as ConnectErrors, like the generated clients'. */
const GRPC_CONNECTIONS = 32;

function rawCalls(gw: GatewayProcess, body: Uint8Array, ResponseSchema: DescMessage): Record<LoadProtocol, Call> {
  let grpcSent = 0;
  const answer = (outcome: WireOutcome): unknown => {
    if (outcome.code !== 'ok') throw new ConnectError(outcome.message, Code[codeName(outcome.code)] as unknown as Code);
    return fromBinary(ResponseSchema, outcome.body);
  };
  return {
    connect: async (_request, { timeoutMs }) =>
      answer(await connectCall(gw.base, 'ScoreBatch', body, { 'content-type': 'application/proto', ...(timeoutMs ? { 'connect-timeout-ms': String(timeoutMs) } : {}) })),
    grpc: async (_request, { timeoutMs }) => {
      // Many clients, not one: each HTTP/2 connection carries uploads only as fast as its 64 KiB flow-control window
      // turns. wire.ts keeps one session per URL; the fragment, ignored by http2.connect, makes several.
      const h2 = `${gw.h2}/#client-${grpcSent++ % GRPC_CONNECTIONS}`;
      return answer(await grpcCall(h2, 'ScoreBatch', body, timeoutMs ? { 'grpc-timeout': `${timeoutMs}m` } : {}));
    },
  };
}

/** `resource_exhausted` → `ResourceExhausted`, the key of connect's Code enum. */
function codeName(code: string): keyof typeof Code {
  return code.replace(/(^|_)([a-z])/g, (_, _s: string, c: string) => c.toUpperCase()) as keyof typeof Code;
}

/** The server refused (busy, shutting down) or never took the request (connection refused, stream refused). */
function refusal(error: ConnectError): boolean {
  if (error.code === Code.ResourceExhausted) return true;
  // HTTP/2 REFUSED_STREAM: the server did not process the stream (RFC 9113 §8.7), whatever code the client made of it.
  if (/REFUSED_STREAM/.test(error.rawMessage)) return true;
  if (error.code !== Code.Unavailable) return false;
  return /shutting down|ECONNREFUSED|REFUSED_STREAM|GOAWAY/i.test(`${error.rawMessage} ${String((error.cause as Error | undefined)?.message ?? '')} ${String((error.cause as { code?: string } | undefined)?.code ?? '')}`);
}

export function tally(answers: readonly Answer[]): Record<Fate, number> & { sent: number } {
  const counts = { sent: answers.length, completed: 0, refused: 0, unanswered: 0, lost: 0 };
  for (const a of answers) counts[a.fate]++;
  return counts;
}

/** RSS and the byte-budget gauges, read from /metrics every `everyMs` until stopped; the largest values seen. */
export function sampleMetrics(base: string, everyMs = 200): { stop(): Promise<{ rssBytes: number; inflightBytes: number; samples: number }> } {
  let rssBytes = 0;
  let inflightBytes = 0;
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const text = await (await fetch(`${base}/metrics`)).text();
        rssBytes = Math.max(rssBytes, valueOf(text, 'process_resident_memory_bytes'));
        inflightBytes = Math.max(inflightBytes, valueOf(text, 'gridcode_inflight_request_bytes'));
        samples++;
      } catch {
        // the server may be gone (shutdown test)
      }
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { rssBytes, inflightBytes, samples };
    },
  };
}
