// What a meter export does not say about its consumers: their account data
// (category, zone, contracted capacity, group, …). From --category and --zone,
// one value for all, or per consumer id from an accounts file (--accounts,
// accounts-join.ts). The CSV readers ask only `attributesOf(id, index)`.

export interface ConsumerAttributes {
  /** gridcode.v1.Category value; 0 = unspecified. */
  readonly category: number;
  /** gridcode.v1.Zone value; 0 = unspecified. */
  readonly zone: number;
  /** Contracted capacity in kW; absent, 0 or NaN = unknown (Consumer.capacity_kw). */
  readonly capacityKw?: number;
  /** The consumer's cohort (transformer area, building, …); absent or '' = none. */
  readonly group?: string;
  /** Own reference mean power in kW; absent, 0 or NaN = unknown. */
  readonly baselineKw?: number;
  /** gridcode.v1.WatchStatus value; absent or 0 = not watched. */
  readonly watchStatus?: number;
  /** Date the watch status took effect, YYYY-MM-DD as written; '' = the whole window. */
  readonly watchSince?: string;
  /** The district the account file names, carried to the output (Consumer.district, field 10). */
  readonly district?: string;
}

/** The attributes of the consumer of column `index` (0 = the first consumer column), whose id is `id`. */
export type AttributesOf = (id: string, index: number) => ConsumerAttributes;

/** The same category and zone for every consumer (--category, --zone). */
export function sameForAll(attributes: ConsumerAttributes): AttributesOf {
  return () => attributes;
}
