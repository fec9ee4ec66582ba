// The words of an inspection outcome (issue 17) and what each counts as.
// An inspector's visit ends in one of four outcomes:
//   confirmed    an unlicensed or polluting site: what the list looks for;
//   not_found    nothing wrong at the site;
//   licensed     a legitimate business, correctly registered: the curve was
//                right about the load but the site is no offence, so it
//                counts as NOT confirmed (a false alarm for the list);
//   unreachable  not inspected (locked, refused, address wrong): no verdict,
//                so it is counted but left out of every precision.
// A site is "decided" when its outcome is one of the first three.

export const OUTCOMES = ['confirmed', 'not_found', 'licensed', 'unreachable'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Whether an inspection reached a verdict (every outcome but unreachable). */
export function isDecided(outcome: Outcome): boolean {
  return outcome !== 'unreachable';
}

/**
 * The outcome a cell names: any case, spaces and hyphens read as `_`
 * ("Not found", "not-found"), or undefined for any other word.
 */
export function outcomeOf(word: string): Outcome | undefined {
  const key = word.trim().toLowerCase().replace(/[\s-]+/g, '_');
  return (OUTCOMES as readonly string[]).includes(key) ? (key as Outcome) : undefined;
}

export const AUDIT_YES = ['true', '1', 'yes'] as const;
export const AUDIT_NO = ['false', '0', 'no'] as const;

/**
 * An audit cell: true for a consumer drawn in a random audit of consumers
 * that were not flagged, false otherwise (an empty cell is false), undefined
 * for a word that is neither (true/false, 1/0, yes/no, any case).
 */
export function auditOf(word: string): boolean | undefined {
  const key = word.trim().toLowerCase();
  if (key === '' || (AUDIT_NO as readonly string[]).includes(key)) return false;
  if ((AUDIT_YES as readonly string[]).includes(key)) return true;
  return undefined;
}
