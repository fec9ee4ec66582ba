// The accuracy contract of features.md: |a − r| ≤ max(1e-4·|r|, 1e-6), NaN
// exactly where the reference is NaN, step-valued features exact, and never
// −0. Every comparison is recorded so a file can print the largest error it
// saw against the reference (see `reportLargestErrors`).
import { afterAll, expect } from 'vitest';
import { STEP_FEATURES } from '../reference/index.js';

export const RELATIVE_BOUND = 1e-4;
export const ABSOLUTE_BOUND = 1e-6;

interface Worst {
  error: number;
  feature: string;
  engine: number;
  reference: number;
}

class ErrorLedger {
  comparisons = 0;
  /** Largest |a − r| / |r| where the relative bound governs (|r| ≥ 0.01). */
  readonly relative: Worst = { error: 0, feature: '-', engine: 0, reference: 0 };
  /** Largest |a − r| where the absolute bound governs (|r| < 0.01). */
  readonly absolute: Worst = { error: 0, feature: '-', engine: 0, reference: 0 };
  /** Largest |a − r| / max(1e-4·|r|, 1e-6): 1 is the edge of the contract. */
  readonly ofBound: Worst = { error: 0, feature: '-', engine: 0, reference: 0 };

  record(feature: string, engine: number, reference: number): void {
    this.comparisons++;
    if (!Number.isFinite(reference) || !Number.isFinite(engine)) return;
    const abs = Math.abs(engine - reference);
    const keep = (worst: Worst, error: number) => {
      if (error > worst.error) Object.assign(worst, { error, feature, engine, reference });
    };
    if (RELATIVE_BOUND * Math.abs(reference) >= ABSOLUTE_BOUND) keep(this.relative, abs / Math.abs(reference));
    else keep(this.absolute, abs);
    keep(this.ofBound, abs / Math.max(RELATIVE_BOUND * Math.abs(reference), ABSOLUTE_BOUND));
  }

  summary(label: string): string {
    const show = (w: Worst) => `${w.error.toExponential(3)} (${w.feature}: engine ${w.engine}, reference ${w.reference})`;
    return [
      `[${label}] largest error against the reference over ${this.comparisons} feature comparisons:`,
      `  relative |a-r|/|r| where |r| >= 0.01 (bound 1e-4): ${show(this.relative)}`,
      `  absolute |a-r| where |r| < 0.01 (bound 1e-6):     ${show(this.absolute)}`,
      `  |a-r| / bound (1 = edge of the contract):          ${show(this.ofBound)}`,
    ].join('\n');
  }
}

export const ledger = new ErrorLedger();

/** Prints the ledger when the calling test file ends. Call once at the top level of a test file. */
export function reportLargestErrors(label: string): void {
  afterAll(() => {
    if (ledger.comparisons > 0) console.log(ledger.summary(label));
  });
}

/** Why `engine` breaks the contract against `reference` for `name`, or undefined when it keeps it. */
export function featureMismatch(name: string, engine: number, reference: number): string | undefined {
  if (Object.is(engine, -0)) return `${name}: engine gave -0 (outputs are never -0)`;
  if (Number.isNaN(reference) || Number.isNaN(engine)) {
    return Number.isNaN(reference) && Number.isNaN(engine) ? undefined : `${name}: engine ${engine}, reference ${reference} (NaN must match exactly)`;
  }
  if (STEP_FEATURES.has(name) || !Number.isFinite(reference)) {
    return engine === reference ? undefined : `${name}: engine ${engine}, reference ${reference} (step feature: must be exact)`;
  }
  const bound = Math.max(RELATIVE_BOUND * Math.abs(reference), ABSOLUTE_BOUND);
  const error = Math.abs(engine - reference);
  return error <= bound ? undefined : `${name}: engine ${engine}, reference ${reference}, |a-r| = ${error.toExponential(3)} > ${bound.toExponential(3)}`;
}

/** Asserts the contract for one feature and records the error. */
export function expectFeatureClose(name: string, engine: number, reference: number, context = ''): void {
  ledger.record(name, engine, reference);
  const problem = featureMismatch(name, engine, reference);
  expect(problem, context ? `${context}: ${problem}` : problem).toBeUndefined();
}

/** Compares every feature of a reference row; returns the list of problems (empty when all keep the contract). */
export function rowMismatches(engineRow: Record<string, number>, referenceRow: Record<string, number>): string[] {
  const problems: string[] = [];
  const names = new Set([...Object.keys(engineRow), ...Object.keys(referenceRow)]);
  for (const name of names) {
    const a = engineRow[name];
    const r = referenceRow[name];
    if (a === undefined || r === undefined) {
      problems.push(`${name}: missing from ${a === undefined ? 'the engine' : 'the reference'}`);
      continue;
    }
    ledger.record(name, a, r);
    const problem = featureMismatch(name, a, r);
    if (problem) problems.push(problem);
  }
  return problems;
}

/** Asserts every feature of a row keeps the contract. */
export function expectRowClose(engineRow: Record<string, number>, referenceRow: Record<string, number>, context = ''): void {
  const problems = rowMismatches(engineRow, referenceRow);
  expect(problems, `${context}\n${problems.join('\n')}`).toEqual([]);
}
