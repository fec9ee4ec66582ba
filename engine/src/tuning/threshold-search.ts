// Threshold suggestions of `gridcode tune`: for a rule's movable comparison
// (cut-points.ts), a stricter number where the inspections say the sites it
// would drop were mostly false alarms.
//
// Only stricter numbers are tried: the sites a looser one would add are ones
// the rule did not fire for, and whether the rest of its `when` holds there,
// and what an inspector would have found, is not in the record (outcomes
// exist nearly only for flagged sites).
//
// Criterion: F1 over the rule's own decided sites, F1 = 2·kept confirmed ÷
// (kept + all confirmed): precision of what the rule still fires for, against
// the confirmed sites it gives up. Cross-validated: the sites are cut into
// FOLDS folds by id (split.ts); for each fold the best number (the current one
// included, which wins ties) is chosen on the other folds and scored on it;
// the pooled held-out F1 of that procedure must beat the current number's by
// MIN_F1_GAIN: on a few hundred sites an uninformative feature gains a few
// tenths of a point by chance (tuning.test.ts), a real change several points.
// Only then is the number chosen on all the sites suggested. Candidates:
// midpoints between the observed values (candidatesOf).
import { cutPoints, isTighter, passes, type CutPoint } from './cut-points.js';
import { foldOf } from './split.js';
import type { TuneRule, TuneSite } from './tune-site.js';

export const FOLDS = 5;
const CANDIDATES = 20;
/** Pooled cross-validated F1 points (of 1) a suggestion must gain. */
export const MIN_F1_GAIN = 0.02;

export interface ThresholdSuggestion {
  readonly rule: string;
  readonly cut: CutPoint;
  readonly to: number;
  /** Decided sites (of the tuning part) the rule fired for. */
  readonly support: number;
  /** Pooled cross-validated F1 with the current number and with the chosen ones. */
  readonly f1Before: number;
  readonly f1After: number;
  /** Of the support: confirmed, and kept (and confirmed among them) with the new number. */
  readonly confirmed: number;
  readonly kept: number;
  readonly keptConfirmed: number;
}

interface Sample {
  readonly value: number;
  readonly confirmed: boolean;
  readonly fold: number;
}

/** At most one suggestion per score rule (the comparison whose cross-validated F1 gains most). */
export function suggestThresholds(sites: readonly TuneSite[], rules: readonly TuneRule[], options: { readonly minSupport: number; readonly seed: number; readonly isFeature: (name: string) => boolean }): ThresholdSuggestion[] {
  const out: ThresholdSuggestion[] = [];
  for (const rule of rules) {
    if (rule.effect !== 'score') continue;
    const fired = sites.filter((site) => site.fired.has(rule.id));
    if (fired.length < options.minSupport) continue;
    let best: ThresholdSuggestion | undefined;
    for (const cut of cutPoints(rule.when, options.isFeature)) {
      const samples = fired.map((site) => ({ value: site.values.get(cut.feature) ?? NaN, confirmed: site.confirmed, fold: foldOf(site.id, options.seed, FOLDS) }));
      const found = searchCut(rule.id, cut, samples);
      if (found && (!best || found.f1After - found.f1Before > best.f1After - best.f1Before)) best = found;
    }
    if (best) out.push(best);
  }
  return out;
}

function searchCut(rule: string, cut: CutPoint, samples: readonly Sample[]): ThresholdSuggestion | undefined {
  const candidates = candidatesOf(cut, samples);
  if (candidates.length === 0) return undefined;
  const pooled = { before: { kept: 0, keptConfirmed: 0, confirmed: 0 }, after: { kept: 0, keptConfirmed: 0, confirmed: 0 } };
  for (let fold = 0; fold < FOLDS; fold++) {
    const train = samples.filter((s) => s.fold !== fold);
    const test = samples.filter((s) => s.fold === fold);
    const chosen = bestCut(cut, candidates, train);
    add(pooled.before, counts(cut, cut.value, test));
    add(pooled.after, counts(cut, chosen, test));
  }
  const f1Before = f1(pooled.before);
  const f1After = f1(pooled.after);
  if (!(f1After >= f1Before + MIN_F1_GAIN)) return undefined;
  const to = bestCut(cut, candidates, samples);
  if (to === cut.value) return undefined;
  const all = counts(cut, to, samples);
  return { rule, cut, to, support: samples.length, f1Before, f1After, confirmed: all.confirmed, kept: all.kept, keptConfirmed: all.keptConfirmed };
}

/**
 * The stricter numbers to try: midpoints between consecutive distinct observed
 * values (a number on an observed value would split sites that read the same),
 * at most CANDIDATES of them at evenly spaced ranks, each the shortest
 * number strictly between the two values (shortBetween).
 */
function candidatesOf(cut: CutPoint, samples: readonly Sample[]): number[] {
  const values = [...new Set(samples.map((s) => s.value).filter((v) => Number.isFinite(v)))].sort((x, y) => x - y);
  const mids: number[] = [];
  for (let k = 1; k < values.length; k++) {
    mids.push(shortBetween(values[k - 1]!, values[k]!));
  }
  const step = Math.max(1, mids.length / CANDIDATES);
  const found = new Set<number>();
  for (let at = 0; at < mids.length; at += step) {
    const c = mids[Math.floor(at)]!;
    if (isTighter(cut.op, cut.value, c)) found.add(c);
  }
  return [...found].sort((x, y) => x - y);
}

/**
 * The midpoint of low < high to the fewest significant digits (3 at least,
 * then 4, 5, …) that still lie strictly between them: a number a reviewer can
 * read in the written file (0.8354, not 0.8353951014727533).
 */
export function shortBetween(low: number, high: number): number {
  const mid = (low + high) / 2;
  for (let digits = 3; digits <= 17; digits++) {
    const rounded = Number(mid.toPrecision(digits));
    if (rounded > low && rounded < high) return rounded;
  }
  return mid;
}

/** The number with the highest F1 on `samples`; the current one wins ties, then the least strict. */
function bestCut(cut: CutPoint, candidates: readonly number[], samples: readonly Sample[]): number {
  let best = cut.value;
  let bestF1 = f1(counts(cut, cut.value, samples));
  const order = cut.op === '>' || cut.op === '>=' ? candidates : [...candidates].reverse();
  for (const c of order) {
    const score = f1(counts(cut, c, samples));
    if (score > bestF1 + 1e-12) [best, bestF1] = [c, score];
  }
  return best;
}

interface Counts {
  kept: number;
  keptConfirmed: number;
  confirmed: number;
}

function counts(cut: CutPoint, value: number, samples: readonly Sample[]): Counts {
  const c: Counts = { kept: 0, keptConfirmed: 0, confirmed: 0 };
  for (const s of samples) {
    if (s.confirmed) c.confirmed++;
    // Every site the rule fired for passed the current number (features come back as float32: not re-compared).
    if (value !== cut.value && !passes(s.value, cut.op, value)) continue;
    c.kept++;
    if (s.confirmed) c.keptConfirmed++;
  }
  return c;
}

function add(to: Counts, c: Counts): void {
  to.kept += c.kept;
  to.keptConfirmed += c.keptConfirmed;
  to.confirmed += c.confirmed;
}

const f1 = (c: Counts): number => (c.kept + c.confirmed > 0 ? (2 * c.keptConfirmed) / (c.kept + c.confirmed) : 0);
