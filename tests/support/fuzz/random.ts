// A small seeded generator (mulberry32) so that every fuzz input can be
// rebuilt from (seed, index): a failure report names both, and
// `caseAt(seed, index)` gives back the exact bytes.

export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [from, to]. */
  range(from: number, to: number): number {
    return from + this.int(to - from + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
}

/** The generator of input `index` of a run seeded `seed`: each input is independent of the others. */
export function randomFor(seed: number, index: number): Random {
  return new Random(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35));
}

/** The run's seed: GRIDCODE_FUZZ_SEED, else a fixed one so that CI runs are reproducible. */
export function fuzzSeed(): number {
  const text = process.env.GRIDCODE_FUZZ_SEED;
  if (text === undefined || text === '') return 20261128;
  const seed = Number(text);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`GRIDCODE_FUZZ_SEED must be a whole number 0..4294967295, not ${JSON.stringify(text)}`);
  return seed;
}

/** Multiplies the input counts: GRIDCODE_FUZZ_SCALE (default 1; 10 for a long soak). */
export function fuzzScale(): number {
  const text = process.env.GRIDCODE_FUZZ_SCALE;
  if (text === undefined || text === '') return 1;
  const scale = Number(text);
  if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`GRIDCODE_FUZZ_SCALE must be a positive number, not ${JSON.stringify(text)}`);
  return scale;
}
