// A long CSV holds each consumer's rows apart, and its consumers may be read
// at different intervals (an hourly meter among half-hourly ones). With power
// (--unit kw) that is only rows off the grid or grid times with no row; with
// energy per interval (--unit kwh or wh) the unit factor is the grid's
// (kW = kWh × 60 ÷ grid minutes), and an hourly meter's kWh read as
// half-hourly ones would be twice its power. Such a consumer is one bad
// consumer, not a bad batch: its readings are all missing (a GRAY result) and
// the report counts it, naming the first.
//
// A consumer's own interval is its most common step between distinct
// timestamps in the window (the smaller on a tie), as the batch's is over all
// consumers, steps over a day left out (a gap, or a stray timestamp far from
// the rest, is no interval). It differs when that step is not the grid's and its steps cover
// at least a day of readings ((steps + 1) × step ≥ 24 h): a consumer with a
// handful of rows cannot tell its interval and is read at the grid's. A
// consumer at the grid's interval with gaps keeps it as its most common step
// (a gap is one long step among many short ones); one with every other
// reading missing is indistinguishable from a meter at twice the interval and
// is read as one. The wide reader has one timestamp column for every
// consumer: an interval that changes there is the file's, and refuses it
// (wide-csv-batch.ts intervalChange).

/** Steps longer than this are gaps, not an interval: left out of a consumer's own step. */
export const LONGEST_OWN_STEP_MS = 86_400_000;

/** Each consumer's most common step (ms; 0 when none) and how often it occurs, in file order. */
export interface OwnSteps {
  readonly step: number[];
  readonly count: number[];
}

/** The consumers at another interval than the grid's `minutes`, and the first of them with its step. */
export interface OtherInterval {
  /** 1 for a consumer whose readings are left missing. */
  readonly flags: Uint8Array;
  readonly consumers: number;
  readonly first: { readonly index: number; readonly minutes: number } | undefined;
}

const DAY_MINUTES = 1440;

/** The consumers whose own interval is not `minutes`. */
export function otherInterval(own: OwnSteps, minutes: number): OtherInterval {
  const n = own.step.length;
  const flags = new Uint8Array(n);
  let consumers = 0;
  let first: OtherInterval['first'];
  for (let c = 0; c < n; c++) {
    const step = own.step[c]! / 60_000;
    if (step === 0 || step === minutes || (own.count[c]! + 1) * step < DAY_MINUTES) continue;
    flags[c] = 1;
    consumers++;
    first ??= { index: c, minutes: step };
  }
  return { flags, consumers, first };
}
