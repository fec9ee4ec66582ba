// The order of an inspection list and its cut per district (docs/decisions.md,
// 2026-12-05, "The inspection list"). Every RED comes before every YELLOW;
// within a code, the higher priority first, then the higher score sum, then
// the higher uncapped sum (the fired rules' scores added without the cap at
// 100: two REDs at 100 are told apart by how far past the cap their rules
// go), then the id (UTF-16 code-unit order), so that the same results always
// give the same list. Each district keeps the first `capacity` of its suspects.

/** ConsumerResult codes (gridcode.v1.Code) that a list holds. */
export const YELLOW = 2;
export const RED = 3;

/** The group of consumers whose result has no district; a label only (the district key is ''). */
export const NO_DISTRICT = '(no district)';

/** What ranking needs of a suspect. */
export interface Ranked {
  readonly id: string;
  /** '' for none. */
  readonly district: string;
  /** RED or YELLOW. */
  readonly code: number;
  /** The spec's score: the sum of the fired rules' scores, capped at 100. */
  readonly score: number;
  readonly priority: number;
  /** The fired rules' scores added without the cap (uncappedSum); absent where the rule scores are not known: the score stands in. */
  readonly uncapped?: number;
}

/** The sum of the fired rules' scores without the cap at 100; a rule whose score is unknown (or NaN) counts 0. */
export function uncappedSum(fired: Iterable<string>, scoreOf: (rule: string) => number | undefined): number {
  let sum = 0;
  for (const id of fired) {
    const s = scoreOf(id);
    if (s !== undefined && !Number.isNaN(s)) sum += s;
  }
  return sum;
}

/**
 * The priority of a suspect: its score sum, except that a RED is never below
 * the rule set's red threshold. A consumer coded RED by an `effect: red` rule
 * may have any sum (a lone red rule scores 0); a YELLOW's sum is below the red
 * threshold by definition (rules.md step 3), so priorities alone never put a
 * RED below a YELLOW. A RED by its sum keeps its sum. NaN sums count as 0.
 */
export function priorityOf(code: number, score: number, redThreshold: number): number {
  const sum = Number.isNaN(score) ? 0 : score;
  return code === RED ? Math.max(sum, redThreshold) : sum;
}

/** Negative when `a` comes first in a list. */
export function compareSuspects(a: Ranked, b: Ranked): number {
  if (a.code !== b.code) return b.code - a.code; // RED (3) before YELLOW (2)
  if (a.priority !== b.priority) return b.priority - a.priority;
  const scoreA = Number.isNaN(a.score) ? 0 : a.score;
  const scoreB = Number.isNaN(b.score) ? 0 : b.score;
  if (scoreA !== scoreB) return scoreB - scoreA;
  const uncappedA = a.uncapped ?? scoreA;
  const uncappedB = b.uncapped ?? scoreB;
  if (uncappedA !== uncappedB) return uncappedB - uncappedA;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** How many sites a district's inspectors can visit; `unlimited` without --capacity or --inspectors. */
export type Capacity = { readonly kind: 'unlimited' } | { readonly kind: 'given'; readonly sites: number; readonly from: string } | { readonly kind: 'absent'; readonly from: string };

/** One district's list: its suspects in order, the first `listed` of which go to the inspectors. */
export interface DistrictList<S extends Ranked> {
  /** '' for the consumers without a district. */
  readonly district: string;
  readonly capacity: Capacity;
  /** All its suspects, ranked. */
  readonly ranked: readonly S[];
  readonly red: number;
  readonly yellow: number;
  /** ranked.slice(0, listed) is the list. */
  readonly listed: number;
}

/** Sites a district's inspectors visit at most (Infinity when unlimited, 0 for a district the inspectors file lacks). */
export function sitesOf(capacity: Capacity): number {
  return capacity.kind === 'unlimited' ? Infinity : capacity.kind === 'given' ? capacity.sites : 0;
}

/**
 * The suspects grouped by district, each group ranked and cut to its
 * capacity. Districts in code-unit order of their names, the consumers
 * without a district last.
 */
export function planLists<S extends Ranked>(suspects: Iterable<S>, capacityOf: (district: string) => Capacity): DistrictList<S>[] {
  const groups = new Map<string, S[]>();
  for (const suspect of suspects) {
    const group = groups.get(suspect.district);
    if (group) group.push(suspect);
    else groups.set(suspect.district, [suspect]);
  }
  const names = [...groups.keys()].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : a < b ? -1 : a > b ? 1 : 0));
  return names.map((district) => {
    const ranked = groups.get(district)!.sort(compareSuspects);
    const capacity = capacityOf(district);
    const red = ranked.filter((s) => s.code === RED).length;
    return { district, capacity, ranked, red, yellow: ranked.length - red, listed: Math.min(ranked.length, sitesOf(capacity)) };
  });
}
