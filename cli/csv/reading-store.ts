// Every reading of a wide export in memory, read once, row by row, and given
// back consumer by consumer. Rows come in blocks of `blockRows` rows; within a
// block each consumer's readings lie together, so gathering a consumer's curve
// reads contiguous memory, and the space allocated ahead of the rows read is
// at most one block (about a million readings).

/** Readings per row block, whatever the number of consumers. */
const BLOCK_READINGS = 1 << 20;

export type Precision = 'float32' | 'float64';

export class ReadingStore {
  readonly blockRows: number;
  readonly bytesPerReading: number;
  private readonly blocks: (Float32Array | Float64Array)[] = [];
  private count = 0;

  constructor(
    readonly consumers: number,
    readonly precision: Precision,
  ) {
    this.blockRows = Math.max(1, Math.min(8192, Math.floor(BLOCK_READINGS / Math.max(1, consumers))));
    this.bytesPerReading = precision === 'float32' ? 4 : 8;
  }

  /** Rows added so far. */
  get rows(): number {
    return this.count;
  }

  /** Adds a row whose readings are all NaN until set; returns its index. */
  addRow(): number {
    const row = this.count++;
    if (row % this.blockRows === 0) {
      const size = this.blockRows * this.consumers;
      this.blocks.push((this.precision === 'float32' ? new Float32Array(size) : new Float64Array(size)).fill(NaN));
    }
    return row;
  }

  set(row: number, consumer: number, value: number): void {
    const block = this.blocks[Math.floor(row / this.blockRows)]!;
    block[consumer * this.blockRows + (row % this.blockRows)] = value;
  }

  /**
   * Calls `each(row, value)` for every row of `consumer` in row order, the
   * value as stored (float32 values as float32).
   */
  forEach(consumer: number, each: (row: number, value: number) => void): void {
    const n = this.blockRows;
    for (let b = 0; b < this.blocks.length; b++) {
      const block = this.blocks[b]!;
      const first = b * n;
      const rows = Math.min(n, this.count - first);
      const base = consumer * n;
      for (let i = 0; i < rows; i++) each(first + i, block[base + i]!);
    }
  }

  /**
   * Writes `consumer`'s readings into `curve` at the slots rows go to
   * (`slotOfRow[row]`, -1 for a row that goes nowhere), times `factor`
   * when given. Slots that no row goes to are left as they are.
   */
  gather(consumer: number, slotOfRow: Int32Array, curve: Float32Array, factor: number | undefined): void {
    const n = this.blockRows;
    for (let b = 0; b < this.blocks.length; b++) {
      const block = this.blocks[b]!;
      const first = b * n;
      const rows = Math.min(n, this.count - first);
      const base = consumer * n;
      for (let i = 0; i < rows; i++) {
        const slot = slotOfRow[first + i]!;
        if (slot < 0) continue;
        curve[slot] = factor === undefined ? block[base + i]! : block[base + i]! * factor;
      }
    }
  }
}
