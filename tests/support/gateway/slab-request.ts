// A request as the gateway's adapters hand it to the service: the message in
// a slab of a BodyArena (gateway/service/body-arena.ts), which is longer than
// the message and, when recycled, still holds an earlier request's bytes
// after it. The tail is filled with 0xff here, so a worker that read past
// `length` would see junk and fail the test.
import { BodyArena } from '../../../gateway/service/body-arena.js';
import type { Serialization, UnaryRequest } from '../../../gateway/rpc/types.js';

// Every size a slab (minSlabBytes 1), none kept: each request has its own.
const arena = new BodyArena({ retainBytes: 0, minSlabBytes: 1 });

export function slabRequest(serialization: Serialization, data: Uint8Array): UnaryRequest {
  const buffer = arena.lease().allocate(data.length);
  const bytes = new Uint8Array(buffer);
  bytes.fill(0xff, data.length);
  bytes.set(data);
  return { serialization, buffer, offset: 0, length: data.length };
}
