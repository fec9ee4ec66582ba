// The three kinds of consumer the bench tools' synthetic files cycle through
// (make-batch.ts, make-long-csv.ts): a household (evening peak), a shop
// (daytime) and a workshop in housing (two shifts), as daily shapes in kW by
// hour of day, with their account's category and zone (proto numbers).
export const CURVE_KINDS = [
  { category: 1, zone: 1, base: 0.3, shape: (h: number) => (h >= 18 && h < 23 ? 1.5 : h >= 7 && h < 9 ? 0.8 : 0.2) },
  { category: 2, zone: 3, base: 2, shape: (h: number) => (h >= 9 && h < 21 ? 4 : 0.5) },
  { category: 1, zone: 1, base: 3, shape: (h: number) => (h >= 6 && h < 22 ? 12 : 1) }, // a workshop in housing
] as const;
