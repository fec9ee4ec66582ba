// The soak's clients, one per protocol, as integrators use them:
// @connectrpc/connect-node's Connect (binary and JSON) and gRPC-Web transports
// over HTTP/1.1 keep-alive, its gRPC transport over h2c; plus the hand-made
// calls of lib/wire-calls.ts for what a generated client never sends.
import { Agent } from 'node:http';
import type { Message } from '@bufbuild/protobuf';
import { ConnectError, createClient, type Transport } from '@connectrpc/connect';
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport, Http2SessionManager } from '@connectrpc/connect-node';
import { closeSessions, connectCall, GRPC_CODE_NAMES, grpcCall, grpcWebCall, type WireOutcome } from '../../lib/wire-calls.js';
import type { Protocol } from './expectations.js';
import type { Schemas } from './traffic.js';

/** maxSessionMemory of the gRPC client's HTTP/2 sessions, in MB (Node's unit). */
const CLIENT_SESSION_MEMORY_MB = 1024;

export interface CallOutcome<T = Message> {
  /** 'ok' or the Connect code name. */
  readonly code: string;
  readonly message: string;
  readonly response?: T;
}

export interface CallOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

type AnyClient = Record<string, (input: Record<string, unknown>, options?: Record<string, unknown>) => Promise<Message>>;

interface Connection {
  readonly transport: Transport;
  close(): void;
}

export class Clients {
  private readonly shared = new Map<Protocol, AnyClient>();
  private readonly connections: Connection[] = [];

  constructor(
    private readonly schemas: Schemas,
    readonly base: string,
    readonly h2: string,
    /** Sent with every call (the bearer token of --token). */
    readonly headers: Readonly<Record<string, string>>,
    private readonly maxSockets: number,
  ) {}

  private connect(protocol: Protocol): Connection {
    if (protocol === 'grpc') {
      // Node's HTTP/2 client keeps counting the queued upload of a stream it
      // cancels against maxSessionMemory (10 MB by default) and, once over,
      // resets every later stream with ENHANCE_YOUR_CALM (nodejs/node#27416
      // family; see docs/decisions.md). Integrators who cancel big uploads
      // raise it as here; the server cannot settle the client's accounting.
      const sessionManager = new Http2SessionManager(this.h2, {}, { maxSessionMemory: CLIENT_SESSION_MEMORY_MB });
      return { transport: createGrpcTransport({ baseUrl: this.h2, sessionManager }), close: () => sessionManager.abort() };
    }
    const agent = new Agent({ keepAlive: true, maxSockets: this.maxSockets });
    const options = { baseUrl: this.base, httpVersion: '1.1' as const, nodeOptions: { agent } };
    const transport =
      protocol === 'grpc-web' ? createGrpcWebTransport({ ...options, useBinaryFormat: true }) : createConnectTransport({ ...options, useBinaryFormat: protocol === 'connect-proto' });
    return { transport, close: () => agent.destroy() };
  }

  private client(protocol: Protocol): AnyClient {
    let client = this.shared.get(protocol);
    if (!client) {
      const connection = this.connect(protocol);
      this.connections.push(connection);
      client = createClient(this.schemas.service, connection.transport) as unknown as AnyClient;
      this.shared.set(protocol, client);
    }
    return client;
  }

  /** A unary call on the protocol's shared connections. */
  async call<T = Message>(protocol: Protocol, method: string, input: Record<string, unknown>, options: CallOptions = {}): Promise<CallOutcome<T>> {
    const client = this.client(protocol);
    const fn = client[method[0]!.toLowerCase() + method.slice(1)]!;
    try {
      const response = (await fn(input, { headers: this.headers, ...options })) as unknown as T;
      return { code: 'ok', message: '', response };
    } catch (error) {
      const err = ConnectError.from(error);
      return { code: GRPC_CODE_NAMES[err.code] ?? `code ${err.code}`, message: err.rawMessage };
    }
  }

  /** A hand-made ScoreBatch body as the protocol carries it (protobuf, or JSON text over Connect JSON). */
  raw(protocol: Protocol, proto: Uint8Array, json: string): Promise<WireOutcome> {
    const method = 'ScoreBatch';
    switch (protocol) {
      case 'connect-proto':
        return connectCall(this.base, method, proto, { 'content-type': 'application/proto', ...this.headers });
      case 'connect-json':
        return connectCall(this.base, method, json, { 'content-type': 'application/json', ...this.headers });
      case 'grpc-web':
        return grpcWebCall(this.base, method, proto, { ...this.headers });
      case 'grpc':
        return grpcCall(this.h2, method, proto, { ...this.headers });
    }
  }

  close(): void {
    for (const connection of this.connections.splice(0)) connection.close();
    this.shared.clear();
    closeSessions();
  }
}
