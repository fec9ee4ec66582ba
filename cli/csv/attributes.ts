// What a meter export does not say about its consumers: their category and
// zone. For now one value for all, from --category and --zone.
//
// Extension point: an accounts file (issue 14, a later part) will give these
// per consumer id, and more of the Consumer fields (capacity_kw, group,
// baseline_kw, watch). It will be another ConsumerAttributes source; the CSV
// reader asks only `attributesOf(id, index)`.

export interface ConsumerAttributes {
  /** gridcode.v1.Category value; 0 = unspecified. */
  readonly category: number;
  /** gridcode.v1.Zone value; 0 = unspecified. */
  readonly zone: number;
}

/** The attributes of the consumer of column `index` (0 = the first consumer column), whose id is `id`. */
export type AttributesOf = (id: string, index: number) => ConsumerAttributes;

/** The same category and zone for every consumer (--category, --zone). */
export function sameForAll(attributes: ConsumerAttributes): AttributesOf {
  return () => attributes;
}
