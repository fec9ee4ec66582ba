// Raw calls for the endpoint fuzzer, each with a client-side timeout: HTTP/1.1
// (Connect, gRPC-Web) over one keep-alive Agent, gRPC over one h2c session
// (opened again if the server closes it). Each call resolves to the outcome
// as the protocol states it, or to a `problem`: a reset, a hang, an answer
// that is not a proper protocol error. Calls never reject.
import { Agent, request as httpRequest } from 'node:http';
import { connect as http2Connect, constants as h2, type ClientHttp2Session, type IncomingHttpHeaders } from 'node:http2';
import { httpStatus, type ErrorCode } from '../../../gateway/rpc/codes.js';
import { GRPC_CODE_NAMES, SERVICE_PATH, unframeGrpcWeb } from '../../../lib/wire-calls.js';
import type { FuzzProtocol } from './envelope.js';

export interface CallOutcome {
  /** `ok`, an error code name, or undefined with `problem` set. */
  readonly code?: string;
  /** The response message when ok. */
  readonly message?: Uint8Array;
  readonly problem?: string;
}

export interface RawCall {
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
}

/** A client that stops waiting after this long; a slower answer counts as a hang. */
export const CALL_TIMEOUT_MS = 10_000;

export class FuzzClients {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 16 });
  private session: ClientHttp2Session | undefined;
  /** Errors of h2 sessions (GOAWAY codes and the like), by text. */
  readonly sessionErrors = new Map<string, number>();

  constructor(
    private readonly base: URL,
    private readonly h2: string,
  ) {}

  call(protocol: FuzzProtocol, call: RawCall): Promise<CallOutcome> {
    return protocol === 'grpc' ? this.grpc(call) : this.http1(protocol, call);
  }

  close(): void {
    this.agent.destroy();
    this.session?.destroy();
  }

  private http1(protocol: 'connect' | 'grpc-web', call: RawCall): Promise<CallOutcome> {
    return new Promise((resolve) => {
      const request = httpRequest({ agent: this.agent, host: this.base.hostname, port: this.base.port, method: 'POST', path: SERVICE_PATH + call.method, headers: call.headers });
      const timer = setTimeout(() => {
        resolve({ problem: `no answer in ${CALL_TIMEOUT_MS} ms` });
        request.destroy();
      }, CALL_TIMEOUT_MS);
      request.on('error', (error) => {
        clearTimeout(timer);
        resolve({ problem: `connection failed: ${error.message}` });
      });
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error) => {
          clearTimeout(timer);
          resolve({ problem: `response failed: ${error.message}` });
        });
        response.on('end', () => {
          clearTimeout(timer);
          const body = new Uint8Array(Buffer.concat(chunks));
          const status = response.statusCode ?? 0;
          resolve(protocol === 'connect' ? connectOutcome(status, body) : grpcWebOutcome(status, response.headers, body));
        });
      });
      request.end(call.body);
    });
  }

  private h2Session(): ClientHttp2Session {
    if (this.session && !this.session.closed && !this.session.destroyed) return this.session;
    const session = http2Connect(this.h2);
    session.on('error', (error) => this.count(`session error: ${error.message}`));
    session.on('goaway', (code) => {
      if (code !== h2.NGHTTP2_NO_ERROR) this.count(`GOAWAY code ${code}`);
    });
    this.session = session;
    return session;
  }

  private count(text: string): void {
    this.sessionErrors.set(text, (this.sessionErrors.get(text) ?? 0) + 1);
  }

  private grpc(call: RawCall): Promise<CallOutcome> {
    return new Promise((resolve) => {
      const stream = this.h2Session().request({ ':method': 'POST', ':path': SERVICE_PATH + call.method, te: 'trailers', ...call.headers });
      let head: IncomingHttpHeaders = {};
      let trailers: IncomingHttpHeaders = {};
      const chunks: Buffer[] = [];
      const timer = setTimeout(() => {
        resolve({ problem: `no answer in ${CALL_TIMEOUT_MS} ms` });
        stream.close(h2.NGHTTP2_CANCEL);
      }, CALL_TIMEOUT_MS);
      stream.on('response', (h) => (head = h));
      stream.on('trailers', (t) => (trailers = t));
      stream.on('data', (d: Buffer) => chunks.push(d));
      stream.on('error', (error) => {
        clearTimeout(timer);
        resolve({ problem: `stream failed: ${error.message}` });
      });
      stream.on('close', () => {
        clearTimeout(timer);
        if (stream.rstCode !== undefined && stream.rstCode !== h2.NGHTTP2_NO_ERROR) return resolve({ problem: `stream reset with code ${stream.rstCode}` });
        const status = head['grpc-status'] ?? trailers['grpc-status'];
        resolve(grpcOutcome(Number(head[':status']), status === undefined ? undefined : String(status), new Uint8Array(Buffer.concat(chunks))));
      });
      stream.end(call.body);
    });
  }
}

function connectOutcome(status: number, body: Uint8Array): CallOutcome {
  if (status === 200) return { code: 'ok', message: body };
  let error: { code?: unknown; message?: unknown };
  try {
    error = JSON.parse(new TextDecoder().decode(body)) as typeof error;
  } catch {
    return { problem: `HTTP ${status} without the Connect error JSON: ${new TextDecoder().decode(body.subarray(0, 120))}` };
  }
  if (typeof error.code !== 'string' || typeof error.message !== 'string') return { problem: `HTTP ${status}: error JSON without code and message` };
  if (httpStatus(error.code as ErrorCode) !== status) return { problem: `HTTP ${status} for code ${error.code}` };
  return { code: error.code };
}

function grpcWebOutcome(status: number, headers: IncomingHttpHeaders, body: Uint8Array): CallOutcome {
  if (headers['grpc-status'] !== undefined) return grpcOutcome(status, String(headers['grpc-status']), new Uint8Array());
  try {
    const { messages, trailers } = unframeGrpcWeb(body);
    return statusOutcome(status, trailers['grpc-status'], messages[0]);
  } catch (error) {
    return { problem: `HTTP ${status}: ${(error as Error).message}` };
  }
}

/** A gRPC reply: one message frame (when ok) and the status. */
function grpcOutcome(status: number, grpcStatus: string | undefined, body: Uint8Array): CallOutcome {
  if (grpcStatus !== '0') return statusOutcome(status, grpcStatus, undefined);
  if (body.length < 5) return { problem: 'grpc-status 0 without a message frame' };
  const length = new DataView(body.buffer, body.byteOffset + 1, 4).getUint32(0);
  if (body[0] !== 0 || 5 + length !== body.length) return { problem: `grpc-status 0 with a malformed frame (flags ${body[0]}, ${length} of ${body.length - 5} bytes)` };
  return { code: 'ok', message: body.subarray(5) };
}

function statusOutcome(status: number, grpcStatus: string | undefined, message: Uint8Array | undefined): CallOutcome {
  if (grpcStatus === undefined) return { problem: `HTTP ${status} without grpc-status` };
  const code = GRPC_CODE_NAMES[Number(grpcStatus)];
  if (code === undefined) return { problem: `grpc-status ${grpcStatus} is no gRPC code` };
  if (code === 'ok') return message ? { code, message } : { problem: 'grpc-status 0 without a message' };
  return { code };
}
