// The sets of values the bound warnings (bounds.ts) reason with: for a
// number, one interval with open or closed ends; for an enum, the set of its
// codes. Intersection and emptiness are all the analysis needs.
import { ENUM_WORDS, type EnumType } from './scope.js';

/** A set of numbers: one interval, ends open or closed (±Infinity for none). */
export interface Interval {
  readonly lo: number;
  readonly loIn: boolean;
  readonly hi: number;
  readonly hiIn: boolean;
}
/** An enum value's possible codes; OTHER stands for every code without a word (a newer client's enum value). */
export type Codes = ReadonlySet<number>;
export const OTHER = -1;

export const EVERYTHING: Interval = { lo: -Infinity, loIn: false, hi: Infinity, hiIn: false };

export function complement(type: EnumType, codes: ReadonlySet<number>): Codes {
  return new Set([...Object.values(ENUM_WORDS[type]), OTHER].filter((code) => !codes.has(code)));
}

export function isInterval(set: Interval | Codes): set is Interval {
  return 'lo' in set;
}

export function intersect(a: Interval | Codes, b: Interval | Codes): Interval | Codes {
  if (isInterval(a) && isInterval(b)) return intersectIntervals(a, b);
  if (!isInterval(a) && !isInterval(b)) return new Set([...a].filter((code) => b.has(code)));
  return a; // cannot happen: one name has one type
}

export function intersectIntervals(a: Interval, b: Interval): Interval {
  const lo = a.lo > b.lo ? { lo: a.lo, loIn: a.loIn } : a.lo < b.lo ? { lo: b.lo, loIn: b.loIn } : { lo: a.lo, loIn: a.loIn && b.loIn };
  const hi = a.hi < b.hi ? { hi: a.hi, hiIn: a.hiIn } : a.hi > b.hi ? { hi: b.hi, hiIn: b.hiIn } : { hi: a.hi, hiIn: a.hiIn && b.hiIn };
  return { ...lo, ...hi };
}

export function isEmpty(set: Interval | Codes): boolean {
  if (!isInterval(set)) return set.size === 0;
  return set.lo > set.hi || (set.lo === set.hi && !(set.loIn && set.hiIn));
}

/** `inner` ⊆ `outer`. */
export function contains(outer: Interval, inner: Interval): boolean {
  const lo = outer.lo < inner.lo || (outer.lo === inner.lo && (outer.loIn || !inner.loIn));
  const hi = outer.hi > inner.hi || (outer.hi === inner.hi && (outer.hiIn || !inner.hiIn));
  return lo && hi;
}
