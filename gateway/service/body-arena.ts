// Request bodies in recycled shared memory (issue 18). Reading an 11 MiB body
// into a fresh ArrayBuffer per request cost the main thread more than the
// socket read itself: allocating and zero-filling it, the page faults of new
// memory (every time above glibc's 32 MiB mmap threshold), and a full
// garbage collection about every second request, started by "external memory
// pressure" (measured: 38.7 % of the main thread's busy time in GC, 21.5 % in
// the copy, 5.1 % in the allocation; a fresh buffer cost 9 ms a request where
// a reused one cost 6). A per-request SharedArrayBuffer was worse: a worker's
// isolate does not count shared backing stores as external memory, so the
// ones it had seen lived until its next full GC, and they piled up (2.3–2.9
// GiB peaks for 55 MiB bodies).
//
// So bodies from `minSlabBytes` on are read into SharedArrayBuffer slabs that
// outlive requests: a slab goes to a worker without a copy or a transfer (any
// number of workers may read it, so a batch can be split across them), and
// comes back to the arena when the request's work has settled. Slab sizes are
// classes a quarter of a power of two apart (a 11.0 MiB body takes a 12 MiB
// slab: at most 25 % unused). Free slabs are kept while the arena holds no
// more than `retainBytes` in all, the least recently used dropped first. Smaller bodies get an ArrayBuffer of
// their own, which moves to the worker in a transfer list.
import type { BodyLease, BodyMemory } from '../rpc/adapter.js';

export interface BodyArenaOptions {
  /**
   * Free slabs are kept for reuse while leased and free slabs together are
   * at most this many bytes. The leased ones are bounded by the admission
   * byte budget (maxInflightBytes, plus at most a quarter for the classes),
   * so with that value the arena holds at most about 1.25 × the budget, plus
   * the slabs of requests answered early (a deadline, a cancel) whose task a
   * worker is still finishing: the budget is back at the answer, the slab
   * only when no worker reads it.
   */
  readonly retainBytes: number;
  /** Bodies below this get an ArrayBuffer of their own (default 64 KiB). */
  readonly minSlabBytes?: number;
}

export interface BodyArenaStats {
  /** Bytes of slabs in the hands of requests now. */
  readonly leasedBytes: number;
  /** Bytes of free slabs kept for reuse. */
  readonly freeBytes: number;
  /** Slabs created since the start; a steady load stops creating them. */
  readonly slabsCreated: number;
  /** Slabs reused since the start. */
  readonly slabsReused: number;
}

export const DEFAULT_MIN_SLAB_BYTES = 64 * 1024;

/** The slab size for a body of `length` bytes: the next class, a quarter of a power of two apart. */
export function slabBytes(length: number, minSlabBytes: number = DEFAULT_MIN_SLAB_BYTES): number {
  if (length <= minSlabBytes) return minSlabBytes;
  const step = 2 ** Math.floor(Math.log2(length - 1)) / 4;
  return Math.ceil(length / step) * step;
}

export class BodyArena implements BodyMemory {
  private readonly retainBytes: number;
  private readonly minSlabBytes: number;
  /** Free slabs by size; the Set keeps them in the order they came back, oldest first. */
  private readonly free = new Map<number, SharedArrayBuffer[]>();
  private readonly order = new Set<SharedArrayBuffer>();
  private freeBytes = 0;
  private leasedBytes = 0;
  private created = 0;
  private reused = 0;

  constructor(options: BodyArenaOptions) {
    if (!Number.isInteger(options.retainBytes) || options.retainBytes < 0) throw new RangeError(`retainBytes must be a whole number of bytes, not ${options.retainBytes}`);
    this.retainBytes = options.retainBytes;
    this.minSlabBytes = options.minSlabBytes ?? DEFAULT_MIN_SLAB_BYTES;
    if (!Number.isInteger(this.minSlabBytes) || this.minSlabBytes < 1) throw new RangeError(`minSlabBytes must be a whole number of bytes from 1, not ${this.minSlabBytes}`);
  }

  lease(): BodyLease {
    let held: SharedArrayBuffer[] | undefined;
    let released = false;
    return {
      allocate: (length) => {
        if (released) throw new Error('a released body lease cannot allocate');
        if (length < this.minSlabBytes) return new ArrayBuffer(length);
        const slab = this.take(slabBytes(length, this.minSlabBytes));
        (held ??= []).push(slab);
        return slab;
      },
      release: () => {
        if (released) return;
        released = true;
        for (const slab of held ?? []) this.give(slab);
        held = undefined;
      },
    };
  }

  stats(): BodyArenaStats {
    return { leasedBytes: this.leasedBytes, freeBytes: this.freeBytes, slabsCreated: this.created, slabsReused: this.reused };
  }

  private take(size: number): SharedArrayBuffer {
    this.leasedBytes += size;
    const slab = this.free.get(size)?.pop();
    if (slab) {
      this.order.delete(slab);
      this.freeBytes -= size;
      this.reused++;
      return slab;
    }
    this.created++;
    this.trim();
    return new SharedArrayBuffer(size);
  }

  private give(slab: SharedArrayBuffer): void {
    const size = slab.byteLength;
    this.leasedBytes -= size;
    let list = this.free.get(size);
    if (!list) this.free.set(size, (list = []));
    list.push(slab);
    this.order.add(slab);
    this.freeBytes += size;
    this.trim();
  }

  /** Over the budget: drops the free slabs that came back longest ago (a size the load no longer asks for). */
  private trim(): void {
    for (const oldest of this.order) {
      if (this.freeBytes + this.leasedBytes <= this.retainBytes) break;
      this.order.delete(oldest);
      const same = this.free.get(oldest.byteLength)!;
      same.splice(same.indexOf(oldest), 1);
      this.freeBytes -= oldest.byteLength;
    }
  }
}
