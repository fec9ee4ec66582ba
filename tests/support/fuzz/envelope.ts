// How a fuzz input travels over each protocol: the HTTP headers and body.
// Usually the message is wrapped as a client would (Connect: bare; gRPC and
// gRPC-Web: one 5-byte-prefixed frame); sometimes the wrapping itself is
// broken: wrong flags, lengths that lie, two frames or none, gzip that is
// not gzip, an unsupported encoding, a nonsense timeout.
import { gzipSync } from 'node:zlib';
import type { FuzzCase } from './corpus.js';
import { concat } from './protobuf.js';
import type { Random } from './random.js';
import { frame } from '../../../lib/wire-calls.js';

export const PROTOCOLS = ['connect', 'grpc-web', 'grpc'] as const;
export type FuzzProtocol = (typeof PROTOCOLS)[number];

export interface Envelope {
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
  /** `plain`, or how the envelope was broken. */
  readonly kind: string;
}

/** A frame whose 4-byte length says `length`, whatever the payload is. */
function lyingFrame(payload: Uint8Array, flags: number, length: number): Uint8Array {
  const out = frame(payload, flags);
  new DataView(out.buffer).setUint32(1, length >>> 0);
  return out;
}

function brokenFrame(random: Random, message: Uint8Array): { kind: string; body: Uint8Array; encoding?: string } {
  switch (random.int(9)) {
    case 0:
      return { kind: 'frame-compressed-without-encoding', body: frame(message, 1) };
    case 1:
      return { kind: 'frame-compressed-not-gzip', body: frame(message, 1), encoding: 'gzip' };
    case 2:
      return { kind: 'frame-gzip', body: frame(gzipSync(message), 1), encoding: 'gzip' };
    case 3:
      return { kind: 'frame-flags', body: frame(message, random.pick([0x02, 0x80, 0x81, 0xff, 0x7e])) };
    case 4:
      return { kind: 'frame-length-lies', body: lyingFrame(message, 0, random.pick([message.length + 1, message.length + 1000, 2 ** 31, 2 ** 32 - 1, Math.max(0, message.length - 1), 0])) };
    case 5:
      return { kind: 'frame-two', body: concat(frame(message), frame(message.subarray(0, random.int(message.length + 1)))) };
    case 6:
      return { kind: 'frame-header-cut', body: frame(message).subarray(0, random.int(5)) };
    case 7:
      return { kind: 'frame-unsupported-encoding', body: frame(message, 1), encoding: random.pick(['br', 'deflate', 'snappy', 'gzip, br', 'x-unknown']) };
    default:
      return { kind: 'frame-trailing-bytes', body: concat(frame(message), random.bytes(random.range(1, 7))) };
  }
}

/** The message as a well-behaved client sends it. */
export function plainEnvelope(protocol: FuzzProtocol, input: Pick<FuzzCase, 'serialization' | 'bytes'>): Envelope {
  if (protocol === 'connect') return { headers: { 'content-type': `application/${input.serialization}` }, body: input.bytes, kind: 'plain' };
  const headers: Record<string, string> = { 'content-type': `application/${protocol}+${input.serialization}` };
  if (protocol === 'grpc-web') headers['x-grpc-web'] = '1';
  return { headers, body: frame(input.bytes), kind: 'plain' };
}

function connectEnvelope(random: Random, input: FuzzCase): Envelope {
  const plain = plainEnvelope('connect', input);
  const headers = plain.headers;
  const roll = random.next();
  if (roll < 0.85) return plain;
  if (roll < 0.9) return { headers: { ...headers, 'content-encoding': 'gzip' }, body: gzipSync(input.bytes), kind: 'gzip' };
  if (roll < 0.94) return { headers: { ...headers, 'content-encoding': 'gzip' }, body: input.bytes, kind: 'gzip-not-gzip' };
  if (roll < 0.97) return { headers: { ...headers, 'content-encoding': random.pick(['br', 'compress', 'gzip;q=x']) }, body: input.bytes, kind: 'unsupported-encoding' };
  return { headers: { ...headers, 'connect-timeout-ms': random.pick(['-1', 'abc', '99999999999999', '1e3', '']), 'connect-protocol-version': random.pick(['1', '2', '']) }, body: input.bytes, kind: 'odd-headers' };
}

function grpcEnvelope(random: Random, input: FuzzCase, protocol: 'grpc' | 'grpc-web'): Envelope {
  const plain = plainEnvelope(protocol, input);
  const headers = plain.headers;
  const roll = random.next();
  if (roll < 0.82) return plain;
  if (roll < 0.97) {
    const broken = brokenFrame(random, input.bytes);
    return { headers: broken.encoding ? { ...headers, 'grpc-encoding': broken.encoding } : headers, body: broken.body, kind: broken.kind };
  }
  return { headers: { ...headers, 'grpc-timeout': random.pick(['1n', '0S', '99999999M', 'abc', '-1S', '1H', '100000000H']) }, body: frame(input.bytes), kind: 'odd-timeout' };
}

export function envelope(random: Random, input: FuzzCase, protocol: FuzzProtocol): Envelope {
  return protocol === 'connect' ? connectEnvelope(random, input) : grpcEnvelope(random, input, protocol);
}
