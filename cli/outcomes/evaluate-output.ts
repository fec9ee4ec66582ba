// The figures of `gridcode evaluate` (engine/src/outcomes) as text tables for
// a reader, or as one JSON object with the same figures (--json).
import { RECALL_UNKNOWN, type OutcomeFigures, type PrecisionFigures, type RecallEstimate } from '../../engine/src/outcomes/index.js';
import { NO_DISTRICT } from '../list/ranking.js';
import type { OutcomesReport } from './outcomes-report.js';

export interface EvaluateReport {
  readonly input: string;
  readonly ruleSet: string;
  readonly digest: string;
  readonly consumers: number;
  /** What flagged means in this run: "RED" or "RED or YELLOW". */
  readonly flagged: string;
  /** How the capacity was given: "--capacity 20 a district", "inspectors.csv", or "none (every flagged site)". */
  readonly capacity: string;
  readonly figures: OutcomeFigures;
  readonly outcomes: OutcomesReport;
}

export function evaluateJson(report: EvaluateReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

const n = (value: number) => value.toLocaleString('en-US');
const percent = (value: number | null) => (value === null ? 'n/a' : `${(100 * value).toFixed(1)} %`);
const interval = (low: number | null, high: number | null) => (low === null || high === null ? '' : `[${percent(low)}, ${percent(high)}]`);
const districtName = (district: string) => (district === '' ? NO_DISTRICT : district);

/** Columns padded to their widest cell: the first left-aligned, the others right-aligned. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].map((text) => `  ${text}`);
}

const PRECISION_HEADER = ['outcomes', 'unreachable', 'decided', 'confirmed', 'precision', '95 % interval'];
const precisionCells = (f: PrecisionFigures) => [n(f.outcomes), n(f.unreachable), n(f.decided), n(f.confirmed), percent(f.precision), interval(f.low, f.high)];

export function evaluateText(report: EvaluateReport): string {
  const f = report.figures;
  const lines: string[] = [];
  lines.push(`${report.input}: ${n(report.consumers)} consumers scored with ${report.ruleSet} (digest ${report.digest.slice(0, 12)}…); flagged = ${report.flagged}`);
  lines.push(`${n(f.sites)} with an outcome: ${n(f.baseRate.confirmed)} confirmed, ${n(f.baseRate.notFound)} not_found, ${n(f.baseRate.licensed)} licensed (a legitimate business: not confirmed), ${n(f.baseRate.unreachable)} unreachable (not inspected: in no precision)`);
  lines.push(`precision = confirmed ÷ decided (confirmed + not_found + licensed), 95 % Wilson interval; lift = a rule's precision ÷ the base rate`);
  lines.push(`base rate: ${n(f.baseRate.confirmed)} confirmed of ${n(f.baseRate.decided)} decided = ${percent(f.baseRate.precision)} ${interval(f.baseRate.low, f.baseRate.high)}`.trimEnd());
  lines.push('', 'Rules: the inspected sites each fired for');
  lines.push(...table(['rule', 'fired', ...PRECISION_HEADER, 'lift'], f.rules.map((r) => [r.rule, n(r.fired), ...precisionCells(r), r.lift === null ? 'n/a' : r.lift.toFixed(2)])));
  lines.push('', 'Codes: the inspected sites of each code');
  lines.push(...table(['code', ...PRECISION_HEADER], f.codes.map((c) => [c.code, ...precisionCells(c)])));
  lines.push('', `Districts: their flagged sites (${report.flagged})`);
  lines.push(...table(['district', 'flagged', 'listed', ...PRECISION_HEADER], f.districts.map((d) => [districtName(d.district), n(d.flagged), n(d.listed), ...precisionCells(d)])));
  const c = f.capacity;
  lines.push('', `At the inspectors' capacity (${report.capacity}): ${n(c.listed)} listed, ${n(c.withoutOutcome)} without an outcome`);
  lines.push(...table(['listed sites', ...PRECISION_HEADER], [['', ...precisionCells(c)]]));
  if (f.auditOnFlagged > 0) lines.push(`  ${n(f.auditOnFlagged)} audit row${f.auditOnFlagged === 1 ? ' is' : 's are'} on flagged consumers: counted as inspections of flagged sites, not in the audit sample`);
  if (f.unflaggedNotAudited > 0) lines.push(`  ${n(f.unflaggedNotAudited)} site${f.unflaggedNotAudited === 1 ? '' : 's'} with an outcome neither flagged nor audited: in the rule and code tables only (not a random sample: no recall from them)`);
  lines.push('', 'Recall');
  if (f.recall.total === null) {
    lines.push(`  ${RECALL_UNKNOWN}`);
  } else {
    lines.push('  missed ≈ confirmed rate of the audit × unflagged consumers; recall ≈ found ÷ (found + missed)');
    const rows = f.recall.districts.map((d) => [districtName(d.district), ...recallCells(d)]);
    rows.push(['total (audited districts)', ...recallCells(f.recall.total)]);
    lines.push(...table(['district', 'unflagged', 'audited', 'confirmed', 'miss rate', '95 % interval', 'missed', 'interval', 'found', 'recall', 'interval'], rows));
    if (f.recall.unaudited.length > 0) lines.push(`  no audit, recall unknown: ${f.recall.unaudited.map(districtName).join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}

function recallCells(r: RecallEstimate): string[] {
  const count = (value: number) => value.toFixed(1);
  return [
    n(r.unflagged),
    n(r.auditDecided),
    n(r.auditConfirmed),
    percent(r.missRate),
    interval(r.missRateLow, r.missRateHigh),
    count(r.missed),
    `[${count(r.missedLow)}, ${count(r.missedHigh)}]`,
    n(r.found),
    percent(r.recall),
    interval(r.recallLow, r.recallHigh),
  ];
}
