// The accounts of an accounts file, held compactly: a city has millions
// (~5.8 M), so each field is a typed array indexed by the row's number, the
// strings that repeat (group, district, since) are stored once each and
// referred to by a 32-bit code, and the ids are the keys of one Map → row.
// Measured bytes per account: docs/decisions.md (2026-12-05).

/** Enum cell that was not empty but no word of its table: unknown, counted; --category/--zone do not fill it. */
export const BAD_WORD = 255;
/** Enum cell that was empty: --category/--zone fill it (an explicit `unspecified` is 0 and is not filled). */
export const EMPTY_CELL = 254;

/** Strings stored once: code 0 is '' (empty or absent), others index `values`. */
class StringColumn {
  private readonly values: string[] = [''];
  private readonly codes = new Map<string, number>([['', 0]]);

  code(text: string): number {
    let code = this.codes.get(text);
    if (code === undefined) {
      code = this.values.length;
      this.values.push(text);
      this.codes.set(text, code);
    }
    return code;
  }

  text(code: number): string {
    return this.values[code]!;
  }
}

/** One account row's values, as read (an enum is its proto number, BAD_WORD or EMPTY_CELL; a number NaN when unknown). */
export interface AccountRow {
  category: number;
  zone: number;
  capacityKw: number;
  group: string;
  baselineKw: number;
  watchStatus: number;
  since: string;
  district: string;
}

export class AccountStore {
  /** Account id (trimmed) → row number, in file order (a Map keeps it). */
  readonly index = new Map<string, number>();
  private capacity = 1024;
  private category = new Uint8Array(this.capacity);
  private zone = new Uint8Array(this.capacity);
  private watch = new Uint8Array(this.capacity);
  private capacityKw = new Float32Array(this.capacity);
  private baselineKw = new Float32Array(this.capacity);
  private group = new Uint32Array(this.capacity);
  private since = new Uint32Array(this.capacity);
  private district = new Uint32Array(this.capacity);
  private readonly strings = new StringColumn();

  /** Accounts with a group: a consumer's cohort then comes from this file, in whatever order the export lists consumers. */
  private grouped = 0;

  get size(): number {
    return this.index.size;
  }

  get hasGroups(): boolean {
    return this.grouped > 0;
  }

  /** Adds the account `id`; false (and nothing stored) when the id has a row already. */
  add(id: string, row: AccountRow): boolean {
    if (this.index.has(id)) return false;
    const r = this.index.size;
    if (r === this.capacity) this.grow();
    this.index.set(id, r);
    this.category[r] = row.category;
    this.zone[r] = row.zone;
    this.watch[r] = row.watchStatus;
    this.capacityKw[r] = row.capacityKw;
    this.baselineKw[r] = row.baselineKw;
    this.group[r] = this.strings.code(row.group);
    if (row.group !== '') this.grouped++;
    this.since[r] = this.strings.code(row.since);
    this.district[r] = this.strings.code(row.district);
    return true;
  }

  /** The row number of `id`, or undefined. */
  rowOf(id: string): number | undefined {
    return this.index.get(id);
  }

  /** Row `r`'s values. */
  row(r: number): AccountRow {
    return {
      category: this.category[r]!,
      zone: this.zone[r]!,
      capacityKw: this.capacityKw[r]!,
      group: this.strings.text(this.group[r]!),
      baselineKw: this.baselineKw[r]!,
      watchStatus: this.watch[r]!,
      since: this.strings.text(this.since[r]!),
      district: this.strings.text(this.district[r]!),
    };
  }

  private grow(): void {
    this.capacity *= 2;
    const bigger = <T extends Uint8Array | Uint32Array | Float32Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(this.capacity);
      b.set(a);
      return b;
    };
    this.category = bigger(this.category);
    this.zone = bigger(this.zone);
    this.watch = bigger(this.watch);
    this.capacityKw = bigger(this.capacityKw);
    this.baselineKw = bigger(this.baselineKw);
    this.group = bigger(this.group);
    this.since = bigger(this.since);
    this.district = bigger(this.district);
  }
}
