// The protocol adapters by name.
import type { Protocol } from '../service/types.js';
import type { ProtocolAdapter } from './adapter.js';
import { connectProtocol } from './connect.js';
import { grpcWebProtocol } from './grpc-web.js';
import { grpcProtocol } from './grpc.js';

export const PROTOCOLS: Readonly<Record<Protocol, ProtocolAdapter>> = {
  connect: connectProtocol,
  'grpc-web': grpcWebProtocol,
  grpc: grpcProtocol,
};

export const SERVICE_NAME = 'gridcode.v1.ScoringService';
