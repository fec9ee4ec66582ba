// Byte ranges of a batch file and the positional reads that bring them in a
// block at a time: the batch readers find where each consumer lies in a first
// pass, then read the consumers block by block into one reused buffer, so a
// batch of any size is processed in bounded memory.
import { readSync } from 'node:fs';
import { WireReader } from '../engine/src/wire/reader.js';

/**
 * A growable list of byte ranges [start, end) of a file, kept as float64 so
 * that files past 2 GiB work. The engine's blocksOf cuts it into blocks.
 */
export class RangeList {
  private data = new Float64Array(2048);
  length = 0;

  push(start: number, end: number): void {
    if (2 * this.length + 2 > this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[2 * this.length] = start;
    this.data[2 * this.length + 1] = end;
    this.length++;
  }

  start(i: number): number {
    return this.data[2 * i]!;
  }

  end(i: number): number {
    return this.data[2 * i + 1]!;
  }
}

/** Ranges closer than this are read together, with the bytes between them (tags and lengths, commas). */
const MAX_GAP = 64;

/**
 * Reads blocks of ranges of an open file into one buffer that is reused from
 * block to block: the bytes it returns are valid until the next `read`.
 */
export class BlockReader {
  private buffer = new Uint8Array(1 << 20);

  constructor(
    private readonly fd: number,
    private readonly fileSize: number,
  ) {}

  /** Ranges [first, last) of `ranges` (in file order), and their spans [start, end, …] inside the returned bytes. */
  read(ranges: RangeList, first: number, last: number): { bytes: Uint8Array; spans: Int32Array } {
    let size = 0;
    for (let i = first; i < last; ) {
      const [j, runEnd] = this.run(ranges, i, last);
      size += runEnd - ranges.start(i);
      i = j;
    }
    if (size > this.buffer.length) this.buffer = new Uint8Array(Math.max(size, this.buffer.length * 2));
    const spans = new Int32Array(2 * (last - first));
    let at = 0;
    for (let i = first; i < last; ) {
      const runStart = ranges.start(i);
      const [j, runEnd] = this.run(ranges, i, last);
      this.readFully(at, runEnd - runStart, runStart);
      for (let k = i; k < j; k++) {
        spans[2 * (k - first)] = at + ranges.start(k) - runStart;
        spans[2 * (k - first) + 1] = at + ranges.end(k) - runStart;
      }
      at += runEnd - runStart;
      i = j;
    }
    return { bytes: this.buffer.subarray(0, at), spans };
  }

  /** The run of ranges from i that lie close together: [end index, end byte]. */
  private run(ranges: RangeList, i: number, last: number): [number, number] {
    let end = ranges.end(i);
    let j = i + 1;
    while (j < last && ranges.start(j) >= end && ranges.start(j) - end <= MAX_GAP) end = ranges.end(j++);
    return [j, end];
  }

  private readFully(at: number, length: number, position: number): void {
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, this.buffer, at + done, length - done, position + done);
      if (n === 0) throw new Error(`the file ended at byte ${position + done} while reading it; its size was ${this.fileSize} bytes: was it changed while gridcode ran?`);
      done += n;
    }
  }
}

/**
 * Reads bytes at any position through a small window: the first pass over a
 * protobuf batch reads only tags and lengths, skipping message bodies, so each
 * consumer costs one small read instead of its whole body.
 */
export class ByteWindow {
  private readonly buffer: Uint8Array;
  /** Reads the window's bytes; its positions are the buffer's. */
  private readonly reader: WireReader;
  private start = 0;
  private length = 0;

  constructor(
    private readonly fd: number,
    readonly fileSize: number,
    windowBytes = 512,
  ) {
    this.buffer = new Uint8Array(windowBytes);
    this.reader = new WireReader(this.buffer, 0, 0);
  }

  /** The byte at `position`, or -1 past the end of the file. */
  at(position: number): number {
    if (!this.holds(position, 1) && !this.fill(position)) return -1;
    return this.buffer[position - this.start]!;
  }

  /**
   * A WireReader at `position` with the next `length` bytes of the file in
   * reach (fewer at its end): its positions count from `wireOrigin`, so the
   * file position of `reader.pos` is `wireOrigin + reader.pos`. Valid until
   * the window moves.
   */
  wire(position: number, length: number): WireReader {
    const inFile = Math.max(0, Math.min(length, this.fileSize - position));
    if (!this.holds(position, inFile)) this.fill(position);
    this.reader.pos = position - this.start;
    this.reader.end = this.reader.pos + Math.min(inFile, this.length - this.reader.pos);
    return this.reader;
  }

  /** The file position of the window's first byte (see `wire`). */
  get wireOrigin(): number {
    return this.start;
  }

  private holds(position: number, length: number): boolean {
    return position >= this.start && position + length <= this.start + this.length;
  }

  /** Moves the window to start at `position`; false past the end of the file. */
  private fill(position: number): boolean {
    this.start = position;
    this.length = position < this.fileSize ? readSync(this.fd, this.buffer, 0, Math.min(this.buffer.length, this.fileSize - position), position) : 0;
    return this.length > 0;
  }

  /** `length` bytes from `position` (a copy); the caller has checked they lie inside the file. */
  slice(position: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, out, done, length - done, position + done);
      if (n === 0) break;
      done += n;
    }
    return out.subarray(0, done);
  }
}
