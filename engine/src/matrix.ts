/**
 * Features of one batch: one Float64 column per feature over the batch's
 * consumers (column-major, ready for column-at-a-time rule evaluation).
 * The columns view engine memory: they are valid until the engine computes
 * its next batch. `column()` returns a copy that outlives it.
 */
export class FeatureMatrix {
  constructor(
    readonly names: readonly string[],
    readonly consumerCount: number,
    /** Returns the column-major values (feature f of consumer c at [f * consumerCount + c]); a view made anew when engine memory has grown. */
    private readonly view: () => Float64Array,
    /** Why consumer c is unusable (GRAY), by index; absent when it is usable. */
    readonly notes: ReadonlyMap<number, string>,
    /** Consumer ids in batch order (decoded once, by the wire scan). */
    readonly ids: readonly string[] = [],
    /** Consumer groups in batch order ('' = none); decoded only when the peer features are computed, empty otherwise. */
    readonly groups: readonly string[] = [],
    /** Consumer districts in batch order ('' = none), echoed in results; empty when no consumer has one. */
    readonly districts: readonly string[] = [],
  ) {}

  /** Column-major values: feature f of consumer c at [f * consumerCount + c]. */
  get values(): Float64Array {
    return this.view();
  }

  indexOf(name: string): number {
    const index = this.names.indexOf(name);
    if (index < 0) throw new RangeError(`no feature ${name}; this batch has ${this.names.join(', ')}`);
    return index;
  }

  /** A copy of one feature over all consumers. */
  column(name: string): Float64Array {
    const start = this.indexOf(name) * this.consumerCount;
    return this.values.slice(start, start + this.consumerCount);
  }

  value(consumer: number, name: string): number {
    return this.values[this.indexOf(name) * this.consumerCount + consumer]!;
  }

  /** Every feature of one consumer, by name. */
  row(consumer: number): Record<string, number> {
    const row: Record<string, number> = {};
    this.names.forEach((name, f) => (row[name] = this.values[f * this.consumerCount + consumer]!));
    return row;
  }

  note(consumer: number): string | undefined {
    return this.notes.get(consumer);
  }
}
