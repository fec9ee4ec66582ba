// Precision and recall of a rule set against labels, from a confusion table
// of label × code. Codes as ScoredBatch.codes: 1 GREEN, 2 YELLOW, 3 RED, 4 GRAY.
// Positives are the suspects. "flagged" = RED or YELLOW. A GRAY consumer is
// not flagged: it counts against recall (a workshop with a broken meter is
// missed) and never against precision.

export const CODES = ['GREEN', 'YELLOW', 'RED', 'GRAY'] as const;
export type CodeName = (typeof CODES)[number];

export interface LabelClass {
  readonly name: string;
  readonly suspect: boolean;
  readonly household: boolean;
}

export interface Confusion {
  readonly classes: readonly LabelClass[];
  /** counts[class][code - 1] */
  readonly counts: Float64Array[];
}

export function newConfusion(classes: readonly LabelClass[]): Confusion {
  return { classes, counts: classes.map(() => new Float64Array(4)) };
}

export interface Metrics {
  readonly consumers: number;
  readonly suspects: number;
  readonly suspect_share: number;
  readonly red_precision: number;
  readonly red_recall: number;
  readonly flagged_precision: number;
  readonly flagged_recall: number;
  /** Share of households (all household kinds) coded RED. */
  readonly household_red_share: number;
  readonly household_flagged_share: number;
  /** Share of non-suspects coded RED / RED or YELLOW. */
  readonly false_red_rate: number;
  readonly false_flagged_rate: number;
  readonly gray_share: number;
  readonly red: number;
  readonly yellow: number;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : NaN);

export function metrics(c: Confusion): Metrics {
  let total = 0, suspects = 0, redTrue = 0, red = 0, flaggedTrue = 0, flagged = 0, yellow = 0, gray = 0;
  let households = 0, householdRed = 0, householdFlagged = 0, clean = 0, cleanRed = 0, cleanFlagged = 0;
  c.classes.forEach((k, i) => {
    const [g, y, r, x] = c.counts[i]!;
    const n = g! + y! + r! + x!;
    total += n;
    red += r!;
    yellow += y!;
    flagged += r! + y!;
    gray += x!;
    if (k.suspect) {
      suspects += n;
      redTrue += r!;
      flaggedTrue += r! + y!;
    } else {
      clean += n;
      cleanRed += r!;
      cleanFlagged += r! + y!;
    }
    if (k.household) {
      households += n;
      householdRed += r!;
      householdFlagged += r! + y!;
    }
  });
  return {
    consumers: total,
    suspects,
    suspect_share: ratio(suspects, total),
    red_precision: ratio(redTrue, red),
    red_recall: ratio(redTrue, suspects),
    flagged_precision: ratio(flaggedTrue, flagged),
    flagged_recall: ratio(flaggedTrue, suspects),
    household_red_share: ratio(householdRed, households),
    household_flagged_share: ratio(householdFlagged, households),
    false_red_rate: ratio(cleanRed, clean),
    false_flagged_rate: ratio(cleanFlagged, clean),
    gray_share: ratio(gray, total),
    red,
    yellow,
  };
}

/** Precision the same recall and false-positive rate would give at another prevalence (real data are not in practice proportions). */
export function precisionAt(prevalence: number, recall: number, falseRate: number): number {
  return ratio(recall * prevalence, recall * prevalence + falseRate * (1 - prevalence));
}
