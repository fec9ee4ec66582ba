// The report of `gridcode diff`: the colour-change matrix with its totals,
// rule hits before and after (rules only one rule set has marked added or
// removed), the thresholds and min_valid_share that differ, and the first
// consumers that change colour with the cause of each; as text for a reader
// or as one JSON object (--json).
import type { ResponsePart } from '../../engine/src/codec/index.js';
import { settingsText, type CausedChange, type SettingChange } from './change-cause.js';
import { changeJson } from './change-file.js';
import type { CodeDiff } from './code-diff.js';
import { CODE_NAMES } from './scored-results.js';

/** One run of the diff: the rule set's ref and digest, and where it came from (the --rule-set argument). */
export interface RunInfo {
  readonly ruleSet: string;
  readonly digest: string;
  readonly source: string;
}

export interface RuleHitRow {
  readonly rule: string;
  /** Consumers it fired for; null where its rule set does not have it. */
  readonly before: number | null;
  readonly after: number | null;
  readonly status: 'both' | 'added' | 'removed';
}

export interface DiffReport {
  readonly input: string;
  readonly before: RunInfo;
  readonly after: RunInfo;
  readonly diff: CodeDiff;
  readonly hits: readonly RuleHitRow[];
  /** The thresholds and min_valid_share that differ between the rule sets. */
  readonly settings: readonly SettingChange[];
  /** The first --show consumers that change colour, and how many change in all. */
  readonly shown: readonly CausedChange[];
  readonly changed: number;
  readonly output?: string;
}

/** Rule hits of both runs: the first rule set's rules in file order, then those only the second has. */
export function ruleHitRows(before: Pick<ResponsePart, 'ruleIds' | 'hits'>, after: Pick<ResponsePart, 'ruleIds' | 'hits'>): RuleHitRow[] {
  const afterHits = new Map(after.ruleIds.map((id, r) => [id, after.hits[r] ?? 0]));
  const rows: RuleHitRow[] = before.ruleIds.map((rule, r) => {
    const now = afterHits.get(rule);
    return { rule, before: before.hits[r] ?? 0, after: now ?? null, status: now === undefined ? 'removed' : 'both' };
  });
  const known = new Set(before.ruleIds);
  after.ruleIds.forEach((rule, r) => {
    if (!known.has(rule)) rows.push({ rule, before: null, after: after.hits[r] ?? 0, status: 'added' });
  });
  return rows;
}

const pct = (n: number, total: number) => (total > 0 ? `${((100 * n) / total).toFixed(1)} %` : 'n/a');

export function diffText(report: DiffReport): string {
  const { diff, before, after } = report;
  const m = diff.matrix;
  const total = diff.consumers;
  const unchanged = m.reduce((n, row, i) => n + row[i]!, 0);
  const lines: string[] = [];
  lines.push(`gridcode diff: ${total} consumers of ${report.input}`);
  lines.push(`  before: ${before.ruleSet} (${before.source}, sha256 ${before.digest.slice(0, 12)})`);
  lines.push(`  after:  ${after.ruleSet} (${after.source}, sha256 ${after.digest.slice(0, 12)})`);
  if (report.settings.length > 0) lines.push(`  changed: ${settingsText(report.settings)}`);
  lines.push('');
  lines.push('Colour changes (rows: before, columns: after)');
  const w = Math.max(8, String(total).length + 2);
  const cell = (v: string | number) => String(v).padStart(w);
  lines.push(`  ${'before \\ after'.padEnd(16)}${[...CODE_NAMES, 'total'].map(cell).join('')}`);
  CODE_NAMES.forEach((name, i) => {
    const row = m[i]!;
    lines.push(`  ${name.padEnd(16)}${row.map(cell).join('')}${cell(row.reduce((a, b) => a + b, 0))}`);
  });
  const columns = CODE_NAMES.map((_, j) => m.reduce((n, row) => n + row[j]!, 0));
  lines.push(`  ${'total'.padEnd(16)}${columns.map(cell).join('')}${cell(total)}`);
  const one = report.changed === 1;
  lines.push(`  ${report.changed} consumer${one ? ' changes' : 's change'} colour (${pct(report.changed, total)}), ${unchanged} keep it; ${diff.sameColourOtherRules} of those keep it with other rules fired`);
  lines.push('');
  lines.push('Rule hits (consumers each rule fired for)');
  const rw = Math.max(4, ...report.hits.map((h) => h.rule.length + (h.status === 'both' ? 0 : h.status.length + 3)));
  lines.push(`  ${'rule'.padEnd(rw)}${cell('before')}${cell('after')}${cell('change')}`);
  for (const h of report.hits) {
    const name = h.status === 'both' ? h.rule : `${h.rule} (${h.status})`;
    const delta = (h.after ?? 0) - (h.before ?? 0);
    lines.push(`  ${name.padEnd(rw)}${cell(h.before ?? '-')}${cell(h.after ?? '-')}${cell(delta > 0 ? `+${delta}` : delta)}`);
  }
  lines.push('');
  if (report.changed === 0) lines.push('No consumer changes colour.');
  else {
    const more = report.output ? `all written to ${report.output}` : '--output FILE writes all';
    const head = report.shown.length < report.changed ? `the first ${report.shown.length} of ${report.changed}; ${more}` : `${report.changed}${report.output ? `; written to ${report.output}` : ''}`;
    lines.push(`Consumers that change colour (${head})`);
    const iw = Math.max(2, ...report.shown.map((c) => c.id.length));
    lines.push(`  ${'id'.padEnd(iw)}  ${'before → after'.padEnd(16)}  ${'score'.padEnd(13)}  fired before only | fired after only  (cause)`);
    for (const c of report.shown) {
      const codes = `${CODE_NAMES[c.before - 1]} → ${CODE_NAMES[c.after - 1]}`;
      const scores = `${round(c.scoreBefore)} → ${round(c.scoreAfter)}`;
      lines.push(`  ${c.id.padEnd(iw)}  ${codes.padEnd(16)}  ${scores.padEnd(13)}  ${c.firedBeforeOnly.join(' ') || '-'} | ${c.firedAfterOnly.join(' ') || '-'}${causeText(c, report.settings)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A changed row's cause in the text: the settings themselves when thresholds or min_valid_share made it. */
function causeText(change: CausedChange, settings: readonly SettingChange[]): string {
  if (change.cause === '') return '';
  if (change.cause === 'thresholds') return `  (${settingsText(settings.filter((s) => s.setting !== 'min_valid_share'))})`;
  if (change.cause === 'min_valid_share') return `  (${settingsText(settings.filter((s) => s.setting === 'min_valid_share'))})`;
  return `  (${change.cause})`;
}

/** Scores are float32: shown to one decimal. */
const round = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));

export function diffJson(report: DiffReport): string {
  const { diff } = report;
  const matrix = Object.fromEntries(CODE_NAMES.map((from, i) => [from, Object.fromEntries(CODE_NAMES.map((to, j) => [to, diff.matrix[i]![j]!]))]));
  const unchanged = diff.matrix.reduce((n, row, i) => n + row[i]!, 0);
  const out = {
    input: report.input,
    before: report.before,
    after: report.after,
    consumers: diff.consumers,
    matrix,
    unchanged,
    changed: report.changed,
    sameColourOtherRules: diff.sameColourOtherRules,
    ruleHits: report.hits,
    settings: report.settings,
    changes: report.shown.map(changeJson),
    ...(report.output ? { output: report.output } : {}),
  };
  return `${JSON.stringify(out)}\n`;
}
