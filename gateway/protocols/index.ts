// The protocol adapters by name.
import type { Protocol } from '../rpc/types.js';
import type { ProtocolAdapter } from '../rpc/adapter.js';
import { connectProtocol } from './connect.js';
import { connectStreamProtocol } from './connect-stream.js';
import { grpcWebProtocol, grpcWebTextProtocol } from './grpc-web.js';
import { grpcProtocol } from './grpc.js';
import type { Negotiated } from './negotiate.js';

export const PROTOCOLS: Readonly<Record<Protocol, ProtocolAdapter>> = {
  connect: connectProtocol,
  'grpc-web': grpcWebProtocol,
  grpc: grpcProtocol,
};

/** The adapter for a negotiated Content-Type: gRPC-Web text mode has its own, under the same protocol name. */
export function adapterOf(negotiated: Negotiated): ProtocolAdapter {
  if (negotiated.streaming) return connectStreamProtocol;
  return negotiated.text ? grpcWebTextProtocol : PROTOCOLS[negotiated.protocol];
}

export const SERVICE_NAME = 'gridcode.v1.ScoringService';
