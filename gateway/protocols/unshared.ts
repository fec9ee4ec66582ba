// A worker's results may come back in a SharedArrayBuffer, which a Response
// or a socket must not be handed.

/** A view safe to hand to a Response or a socket (not over a SharedArrayBuffer). */
export function unshared(bytes: Uint8Array): Uint8Array {
  return bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice();
}
