// What `gridcode tune` prints after the diff: the learned scores, the
// threshold suggestions and the held-out precision before and after; and the
// header comment of the written file, which says the same in short.
import type { PrecisionFigures } from '../../engine/src/outcomes/index.js';
import type { TuneResult } from '../../engine/src/tuning/index.js';
import { PRIOR_SD_POINTS, probabilityOfScore } from '../../engine/src/tuning/index.js';

export interface TuneSummary {
  readonly result: TuneResult;
  readonly thresholds: { readonly yellow: number; readonly red: number };
  readonly pYellow: number;
  readonly pRed: number;
  readonly minSupport: number;
  /** Decided inspections tuned on and held out, and the --holdout share. */
  readonly tuneSites: number;
  readonly heldOutSites: number;
  readonly holdout: number;
  /** After the diff's runs (absent when nothing changed and no diff ran): what "flagged" means for the held-out precision, the figures, and the consumers newly flagged without an outcome. */
  readonly flagged?: string;
  readonly heldOut?: { readonly before: PrecisionFigures; readonly after: PrecisionFigures };
  readonly unverified?: number;
}

const fixed = (x: number | null, digits = 3) => (x === null ? 'n/a' : x.toFixed(digits));

export function precisionText(p: PrecisionFigures): string {
  return p.precision === null ? 'n/a (no decided site flagged)' : `${fixed(p.precision)} (${p.confirmed} of ${p.decided}; 95 % ${fixed(p.low)}–${fixed(p.high)})`;
}

export function tuneText(summary: TuneSummary): string {
  const { result, thresholds } = summary;
  const scale = result.scale;
  const lines = [
    '',
    `Learned scores: ${summary.tuneSites} decided inspections tuned on (${result.effectSites} left out: an exempt or red rule fired), ${summary.heldOutSites} held out`,
    `  scale: ${scale.a.toFixed(2)} points per logit; YELLOW ${thresholds.yellow} ⇔ p ${summary.pYellow}, RED ${thresholds.red} ⇔ p ${summary.pRed}; score 0 ⇔ p ${probabilityOfScore(scale, 0).toFixed(3)}`,
  ];
  const width = Math.max(4, ...result.scores.map((s) => s.rule.length));
  lines.push(`  ${'rule'.padEnd(width)}  before  after  support  confirmed  status`);
  for (const s of result.scores) {
    const status =
      s.status === 'too little support'
        ? `too little support (< ${summary.minSupport}): kept`
        : s.status === 'effect rule'
          ? 'effect rule: untouched'
          : s.status === 'capped' && s.cap
            ? `capped (${s.cap.kind === 'contradicted' ? 'audits contradict it: no rise' : `unknown: at most +${PRIOR_SD_POINTS}, below ${s.cap.threshold}`}): learned ${s.cap.learned} would reach ${s.cap.threshold} alone; of its decided audit sites below ${s.cap.threshold}, ${s.cap.confirmed} of ${s.cap.support} confirmed (needs ≥ ${summary.minSupport} and p ≥ ${s.cap.threshold === 'YELLOW' ? summary.pYellow : summary.pRed})`
            : 'learned';
    lines.push(`  ${s.rule.padEnd(width)}  ${String(s.before).padStart(6)}  ${String(s.after).padStart(5)}  ${String(s.support).padStart(7)}  ${String(s.confirmed).padStart(9)}  ${status}`);
  }
  lines.push('', 'Threshold suggestions (stricter numbers only; 5-fold cross-validated F1 over the rule\'s own decided sites):');
  if (result.suggestions.length === 0) lines.push('  none: no comparison where the inspections support a change');
  for (const s of result.suggestions) {
    lines.push(`  ${s.rule}: ${s.cut.feature} ${s.cut.op} ${s.cut.value} → ${s.to}; support ${s.support}, keeps ${s.kept} (${s.keptConfirmed} of ${s.confirmed} confirmed); F1 ${s.f1Before.toFixed(3)} → ${s.f1After.toFixed(3)}`);
  }
  if (summary.holdout === 0) lines.push('', 'Held-out precision: no held-out part (--holdout 0)');
  else if (summary.heldOut) lines.push('', `Held-out precision (flagged = ${summary.flagged}):`, `  before ${precisionText(summary.heldOut.before)}`, `  after  ${precisionText(summary.heldOut.after)}`);
  if (summary.unverified !== undefined) lines.push('', unverifiedText(summary.unverified));
  return `${lines.join('\n')}\n`;
}

/** The held-out line of the file's header. */
export function heldOutText(summary: TuneSummary): string {
  if (summary.holdout === 0 || !summary.heldOut) return 'Held-out precision: no held-out part (--holdout 0).';
  return `Held-out precision (flagged = ${summary.flagged}): before ${precisionText(summary.heldOut.before)}, after ${precisionText(summary.heldOut.after)}.`;
}

/**
 * Inspections see only flagged sites, and the held-out part is drawn from
 * them: the consumers the new version newly flags (YELLOW or RED, neither
 * before) that no outcome row names are the part no figure above covers.
 */
export function unverifiedText(count: number): string {
  return count === 0
    ? 'Unverified: none: every consumer the new version newly flags has an outcome.'
    : `Unverified: ${count} newly flagged consumer${count === 1 ? ' was' : 's were'} never inspected; their precision is unknown (audit a sample before using this version).`;
}

/** The short version for the file's header. */
export function changeLines(result: TuneResult): string[] {
  const scores = result.scores.filter((s) => s.after !== s.before).map((s) => `${s.rule} ${s.before}→${s.after}`);
  const cuts = result.suggestions.map((s) => `${s.rule}: ${s.cut.feature} ${s.cut.op} ${s.cut.value}→${s.to}`);
  return [`Scores changed: ${scores.join(', ') || 'none'}.`, `Thresholds changed: ${cuts.join('; ') || 'none'}.`];
}
