// Copying bytes into or out of a SharedArrayBuffer at any alignment, at
// memcpy speed. V8 copies a typed array whose buffer is shared with
// base::Relaxed_Memcpy (src/base/atomicops.h), which moves 8-byte words only
// when the source and the destination are aligned alike, and otherwise goes
// byte by byte: measured on this project's machine (Node 20.20, 2 × EPYC),
// 11 MiB took 4.1–4.3 ms misaligned against 0.6–0.9 ms aligned. A request
// body is misaligned almost always: the HTTP headers before it put its first
// chunk anywhere in the socket buffer, and the readings in a protobuf lie at
// whatever offset their field tags leave. So a misaligned copy is staged
// through a small private buffer, placed so that the shared side's copy is
// aligned (two fast copies instead of one slow one). Neither side shared: a
// plain set(), which is memcpy. Limits: with both sides shared and
// misaligned the first of the two copies is still byte by byte (no caller
// does that); and ranges overlapping in one buffer are not supported (set()
// would copy them as if through a temporary; no caller overlaps).

/** Staging space: bytes per piece of a staged copy (a multiple of 8). */
const STAGE_BYTES = 64 * 1024;
let stage: Uint8Array | undefined;

/** `target.set(source, at)`, fast whatever the alignment when either side lies in shared memory. */
export function copyBytes(target: Uint8Array, source: Uint8Array, at: number): void {
  const targetShared = target.buffer instanceof SharedArrayBuffer;
  const sourceShared = source.buffer instanceof SharedArrayBuffer;
  const misaligned = ((target.byteOffset + at - source.byteOffset) & 7) !== 0;
  if ((!targetShared && !sourceShared) || !misaligned || source.byteLength < 64) {
    target.set(source, at);
    return;
  }
  if (at < 0 || at + source.byteLength > target.byteLength) throw new RangeError(`copying ${source.byteLength} bytes to offset ${at} overruns ${target.byteLength} bytes`);
  stage ??= new Uint8Array(STAGE_BYTES + 8);
  for (let done = 0; done < source.byteLength; done += STAGE_BYTES) {
    const piece = source.subarray(done, Math.min(done + STAGE_BYTES, source.byteLength));
    // Staged at the shared side's alignment, so that the copy into or out of shared memory goes word by word.
    const shift = (targetShared ? target.byteOffset + at + done : source.byteOffset + done) & 7;
    stage.set(piece, shift);
    target.set(stage.subarray(shift, shift + piece.byteLength), at + done);
  }
}
