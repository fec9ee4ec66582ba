// Wrong rule sets and the one diagnostic each must give: code, span, rule,
// line and column. The expected span is marked in the text with ⟦ ⟧ (an
// empty ⟦⟧ marks an empty span), so the table states exactly where the caret
// goes without anyone counting offsets by hand.
import type { DiagnosticCode, WarningCode } from '../../engine/src/rules/diagnostics.js';
import { CASE_TEMPLATE } from '../../lib/expression-cases.js';

export interface ErrorCase {
  /** A full rule set, or (`expr`) the `when` of rule `r1` in WHEN_SET. */
  readonly source?: string;
  readonly expr?: string;
  readonly code: DiagnosticCode;
  readonly rule?: string;
  /** The message mentions this (a suggestion, usually). */
  readonly mentions?: string;
  /** 1-based line and column of the span start, stated for full sources. */
  readonly line?: number;
  readonly column?: number;
}

/** The rule set an `expr` case is put in: its `when` starts on line 8, column 11. */
export function whenSet(expr: string): string {
  return `id: t\nversion: "1"\nthresholds: { yellow: 40, red: 70 }\ntemplates:\n  industrial_1shift: [${CASE_TEMPLATE.join(', ')}]\nrules:\n  - id: r1\n    when: ${expr}\n    score: 10\n`;
}

/** Removes the markers; returns the text and the marked span. */
export function marked(text: string): { source: string; span: { start: number; end: number } } {
  const start = text.indexOf('⟦');
  const end = text.indexOf('⟧') - 1;
  if (start < 0 || end < start - 1) throw new Error(`no ⟦span⟧ in ${text}`);
  return { source: text.replace('⟦', '').replace('⟧', ''), span: { start, end } };
}

const HEADER = 'id: t\nversion: "1"\nthresholds: { yellow: 40, red: 70 }\n';
const RULE = '  - id: r1\n    when: cv > 1\n    score: 10\n';

export const ERROR_CASES: readonly ErrorCase[] = [
  // syntax: the lexer (reports, skips or repairs, and goes on)
  { expr: 'night_share > ⟦@⟧ 0.3', code: 'syntax', rule: 'r1' },
  { expr: 'mean_kw ⟦=⟧ 1', code: 'syntax', rule: 'r1', mentions: '==' },
  { expr: 'mean_kw > 1 ⟦&⟧ cv > 1', code: 'syntax', rule: 'r1', mentions: '&&' },
  { expr: 'cv > 1 ⟦AND⟧ cv < 2', code: 'syntax', rule: 'r1', mentions: '`and`' },
  { expr: '⟦.5⟧ < cv', code: 'syntax', rule: 'r1', mentions: '0.5' },
  { expr: 'cv > ⟦5.⟧', code: 'syntax', rule: 'r1' },
  { expr: 'cv > ⟦1e999⟧', code: 'syntax', rule: 'r1', mentions: 'too large' },
  { expr: 'cv > ⟦1e-999⟧', code: 'syntax', rule: 'r1', mentions: 'too small' },
  { expr: 'cv > 5⟦kw⟧', code: 'syntax', rule: 'r1', mentions: 'units' },
  { expr: 'cv ⟦≥⟧ 5', code: 'syntax', rule: 'r1', mentions: '>=' },
  // syntax: the parser
  { expr: '0.1 < cv ⟦<⟧ 0.5', code: 'syntax', rule: 'r1', mentions: 'do not chain' },
  { expr: 'cv == 1 ⟦!=⟧ 2', code: 'syntax', rule: 'r1', mentions: 'do not chain' },
  { expr: '⟦(⟧cv > 1', code: 'syntax', rule: 'r1', mentions: 'never closed' },
  { expr: 'cv > 1 ⟦)⟧', code: 'syntax', rule: 'r1', mentions: 'unmatched' },
  { expr: 'cv > 1 and⟦⟧', code: 'syntax', rule: 'r1', mentions: 'ends too early' },
  { expr: 'cv > ⟦*⟧ 1', code: 'syntax', rule: 'r1', mentions: 'expected a value' },
  { expr: 'cv > 1 ⟦cv⟧', code: 'syntax', rule: 'r1', mentions: 'expected an operator' },
  { expr: '(cv > 1 ⟦cv⟧)', code: 'syntax', rule: 'r1', mentions: 'expected `)`' },
  { expr: 'category in ⟦residential⟧', code: 'syntax', rule: 'r1', mentions: 'needs a list' },
  { expr: 'category in [residential ⟦commercial⟧]', code: 'syntax', rule: 'r1' },
  { expr: 'category in ⟦[]⟧', code: 'syntax', rule: 'r1', mentions: 'empty list' },
  { expr: 'category in [⟦true⟧]', code: 'syntax', rule: 'r1', mentions: 'numbers or enum words' },
  { expr: 'cv > 1 and not⟦⟧', code: 'syntax', rule: 'r1', mentions: 'ends too early' },
  { expr: 'cv == ⟦not⟧ cv', code: 'syntax', rule: 'r1' },
  // unknown names, with the nearest known one
  { expr: '⟦nigth_share⟧ > 0.35', code: 'unknown_name', rule: 'r1', mentions: '`night_share`' },
  { expr: '⟦corr_industiral_1shift⟧ > 0.9', code: 'unknown_name', rule: 'r1', mentions: '`corr_industrial_1shift`' },
  { expr: '⟦Night_Share⟧ > 0.35', code: 'unknown_name', rule: 'r1', mentions: '`night_share`' },
  { expr: '⟦capacity⟧ > 5', code: 'unknown_name', rule: 'r1', mentions: '`capacity_kw`' },
  { expr: '⟦foo⟧ > 1', code: 'unknown_name', rule: 'r1', mentions: 'features.md' },
  // followup.md: `group` is not an operand; rules read the peer features instead.
  { expr: '⟦group⟧ == 3', code: 'unknown_name', rule: 'r1', mentions: 'peer_ratio' },
  // decisions.md 2026-12-05: `district` is only echoed in results, never read by rules.
  { expr: '⟦district⟧ == 3', code: 'unknown_name', rule: 'r1', mentions: '`district` is not an operand' },
  { expr: '⟦peer_ratoi⟧ > 5', code: 'unknown_name', rule: 'r1', mentions: '`peer_ratio`' },
  { expr: '⟦corr_residential⟧ > 0.5', code: 'unknown_name', rule: 'r1', mentions: 'industrial_1shift' },
  { expr: '⟦residential⟧ and cv > 1', code: 'unknown_name', rule: 'r1', mentions: 'category == residential' },
  { expr: 'capacity_kw == ⟦residentail⟧', code: 'unknown_name', rule: 'r1' },
  { expr: '⟦abs⟧ > 1', code: 'unknown_name', rule: 'r1', mentions: 'function' },
  // enum words
  { expr: 'category == ⟦residentail⟧', code: 'unknown_enum', rule: 'r1', mentions: '`residential`' },
  { expr: 'zone == ⟦residential⟧', code: 'unknown_enum', rule: 'r1', mentions: 'residential_area, industrial_park' },
  { expr: '⟦industiral⟧ == category', code: 'unknown_enum', rule: 'r1', mentions: '`industrial`' },
  { expr: 'category in [residential, ⟦rural⟧]', code: 'unknown_enum', rule: 'r1', mentions: 'zone word' },
  { expr: 'zone != ⟦industrial_prak⟧', code: 'unknown_enum', rule: 'r1', mentions: '`industrial_park`' },
  // unspecified: a word of both enums, suggested and listed like the others
  { expr: 'category == ⟦unspecifed⟧', code: 'unknown_enum', rule: 'r1', mentions: '`unspecified`' },
  { expr: 'zone in [rural, ⟦Unspecified⟧]', code: 'unknown_enum', rule: 'r1', mentions: '`unspecified`' },
  { expr: 'category == ⟦none⟧', code: 'unknown_enum', rule: 'r1', mentions: 'category words are unspecified, residential, commercial' },
  { expr: '⟦unspecified⟧ and cv > 1', code: 'unknown_name', rule: 'r1', mentions: 'a category and zone word' },
  { expr: 'capacity_kw != ⟦unspecified⟧', code: 'unknown_name', rule: 'r1', mentions: 'category == unspecified' },
  { expr: '⟦unspecified == unspecified⟧', code: 'type_mismatch', rule: 'r1' },
  // watch (followup.md): an enum of its own, kept apart from category and zone
  { expr: 'watch == ⟦residential⟧', code: 'unknown_enum', rule: 'r1', mentions: 'it is a category word' },
  { expr: 'watch == ⟦clsoed⟧', code: 'unknown_enum', rule: 'r1', mentions: '`closed`' },
  { expr: 'watch in [rectified, ⟦unspecified⟧]', code: 'unknown_enum', rule: 'r1', mentions: 'watch words are none, rectified, closed, restricted, cleared' },
  { expr: '⟦watch⟧ > 1', code: 'type_mismatch', rule: 'r1', mentions: 'watch words have no order' },
  { expr: '⟦watch == category⟧', code: 'type_mismatch', rule: 'r1', mentions: 'a watch status with a category' },
  { expr: 'category == ⟦closed⟧', code: 'unknown_enum', rule: 'r1', mentions: 'it is a watch word' },
  // functions
  { expr: '⟦mx⟧(cv, 1) > 1', code: 'unknown_function', rule: 'r1', mentions: '`max`' },
  { expr: '⟦sqrt⟧(cv) > 1', code: 'unknown_function', rule: 'r1', mentions: 'min, max, abs, defined' },
  { expr: '⟦night_share⟧(1) > 1', code: 'unknown_function', rule: 'r1', mentions: 'not a function' },
  // types
  { expr: '⟦category == 1⟧', code: 'type_mismatch', rule: 'r1', mentions: 'category with a number' },
  { expr: '⟦category == zone⟧', code: 'type_mismatch', rule: 'r1', mentions: 'category with a zone' },
  { expr: '⟦cv⟧ and true', code: 'type_mismatch', rule: 'r1', mentions: '`and`' },
  { expr: 'cv > 1 or ⟦mean_kw⟧', code: 'type_mismatch', rule: 'r1', mentions: '`or`' },
  { expr: '⟦cv + 1⟧', code: 'type_mismatch', rule: 'r1', mentions: '`when`' },
  // issue 15: a number where a condition is wanted, said whole (the message was clipped to "(compar…`… > 0.5`)")
  { expr: '⟦mean_kw⟧', code: 'type_mismatch', rule: 'r1', mentions: '`when` needs a condition (true or false); mean_kw is a number: compare it, e.g. `mean_kw > 0.5`' },
  { expr: 'cv > 1 and ⟦category⟧', code: 'type_mismatch', rule: 'r1', mentions: 'category is a category: compare it with a word, e.g. `category == residential`' },
  { expr: 'not ⟦abs(cv)⟧', code: 'type_mismatch', rule: 'r1', mentions: '`not` needs a condition (true or false); abs(…) is a number: compare it, e.g. `abs(…) > 0`' },
  { expr: '⟦category⟧', code: 'type_mismatch', rule: 'r1', mentions: '`when`' },
  { expr: '⟦true⟧ + 1 > 0', code: 'type_mismatch', rule: 'r1', mentions: '`+`' },
  { expr: '⟦category⟧ < 3', code: 'type_mismatch', rule: 'r1', mentions: 'no order' },
  { expr: '⟦defined(cv)⟧ == false', code: 'type_mismatch', rule: 'r1', mentions: 'not defined' },
  { expr: 'defined(⟦category⟧)', code: 'type_mismatch', rule: 'r1' },
  { expr: '⟦min(cv)⟧ > 1', code: 'type_mismatch', rule: 'r1', mentions: '2 arguments, found 1' },
  { expr: 'category in [⟦1⟧]', code: 'type_mismatch', rule: 'r1', mentions: 'category words' },
  { expr: '⟦defined(cv)⟧ in [1]', code: 'type_mismatch', rule: 'r1' },
  { expr: 'not ⟦cv⟧', code: 'type_mismatch', rule: 'r1', mentions: '`not`' },
  { expr: '-⟦true⟧ < 1', code: 'type_mismatch', rule: 'r1', mentions: '`-`' },
  { expr: '⟦residential == commercial⟧', code: 'type_mismatch', rule: 'r1' },
  // the document
  { source: `${HEADER}⟦descripton⟧: x\nrules:\n${RULE}`, code: 'schema', line: 4, column: 1, mentions: '`description`' },
  { source: `${HEADER}rules:\n  - id: r1\n    when: cv > 1\n    ⟦scor⟧: 10\n`, code: 'schema', rule: 'r1', line: 7, column: 5, mentions: '`score`' },
  { source: `${HEADER}rules:\n  - id: r1\n    when: cv > 1\n    score: ⟦high⟧\n`, code: 'schema', rule: 'r1', line: 7, column: 12, mentions: 'number' },
  { source: `${HEADER}rules:\n  - id: r1\n    when: cv > 1\n    score: ⟦120⟧\n`, code: 'schema', rule: 'r1', line: 7, column: 12, mentions: '0 to 100' },
  { source: `${HEADER}rules:\n  - id: r1\n    when: cv > 1\n    effect: ⟦redd⟧\n`, code: 'schema', rule: 'r1', line: 7, column: 13, mentions: '`red`' },
  { source: `${HEADER}rules:\n  - id: r1\n    when: ⟦[cv]⟧\n    score: 1\n`, code: 'schema', rule: 'r1', line: 6, column: 11, mentions: 'text' },
  { source: `${HEADER}rules:\n  - ⟦⟧id: r1\n    score: 1\n`, code: 'schema', rule: 'r1', line: 5, column: 5, mentions: '`when`' },
  { source: `${HEADER}rules:\n  - ⟦⟧id: r1\n    when: cv > 1\n`, code: 'schema', rule: 'r1', line: 5, column: 5, mentions: 'score' },
  { source: `${HEADER}rules:\n  - id: ⟦R 1⟧\n    when: cv > 1\n    score: 1\n`, code: 'schema', rule: '#1', line: 5, column: 9, mentions: 'a-z' },
  { source: `id: ⟦Default Set⟧\nversion: "1"\nthresholds: { yellow: 40, red: 70 }\nrules:\n${RULE}`, code: 'schema', line: 1, column: 5 },
  { source: `id: t\nversion: ⟦a@b⟧\nthresholds: { yellow: 40, red: 70 }\nrules:\n${RULE}`, code: 'schema', line: 2, column: 10, mentions: '@' },
  { source: `⟦⟧id: t\nversion: "1"\nthresholds: { yellow: 40, red: 70 }\n`, code: 'schema', line: 1, column: 1, mentions: '`rules`' },
  { source: `${HEADER}min_valid_share: ⟦1.5⟧\nrules:\n${RULE}`, code: 'schema', line: 4, column: 18, mentions: 'between 0 and 1' },
  { source: `id: t\nversion: "1"\nthresholds: ⟦{ yellow: 80, red: 70 }⟧\nrules:\n${RULE}`, code: 'bad_thresholds', line: 3, column: 13, mentions: 'above' },
  { source: `id: t\nversion: "1"\nthresholds: { yellow: ⟦-1⟧, red: 70 }\nrules:\n${RULE}`, code: 'bad_thresholds', line: 3, column: 23 },
  { source: `id: t\nversion: "1"\nthresholds: { yellow: 40, red: ⟦170⟧ }\nrules:\n${RULE}`, code: 'bad_thresholds', line: 3, column: 32 },
  { source: `${HEADER}templates:\n  shift: ⟦[1, 2, 3]⟧\nrules:\n${RULE}`, code: 'bad_template', line: 5, column: 10, mentions: '3 values' },
  { source: `${HEADER}templates:\n  shift: [${CASE_TEMPLATE.slice(0, 50).join(', ')}, ⟦.nan⟧, ${CASE_TEMPLATE.slice(51).join(', ')}]\nrules:\n${RULE}`, code: 'bad_template', line: 5, mentions: 'value 50' },
  { source: `${HEADER}templates:\n  ⟦Shift⟧: [${CASE_TEMPLATE.join(', ')}]\nrules:\n${RULE}`, code: 'bad_template', line: 5, column: 3 },
  { source: `${HEADER}templates:\n  shift: ⟦nope⟧\nrules:\n${RULE}`, code: 'bad_template', line: 5, column: 10 },
  { source: `${HEADER}rules:\n${RULE}  - id: ⟦r1⟧\n    when: cv > 2\n    score: 10\n`, code: 'duplicate_rule', rule: 'r1', line: 8, column: 9, mentions: 'line 5' },
  // extends (issue 15; with a resolver in tests/rules/extends.test.ts): the base's version is required
  { source: `${HEADER}extends: ⟦default⟧\nrules:\n${RULE}`, code: 'bad_base', line: 4, column: 10, mentions: '`default@VERSION`' },
  { source: `${HEADER}extends: ⟦default@2026.12.2@x⟧\nrules:\n${RULE}`, code: 'bad_base', line: 4, column: 10, mentions: 'with its version' },
  // …and a compile with nothing to look bases up in says so, never ignores `extends`
  { source: `${HEADER}extends: ⟦default@2026.12.2⟧\nrules:\n${RULE}`, code: 'bad_base', line: 4, column: 10, mentions: 'nothing here can look up other rule sets' },
];

/**
 * Warnings (issue 15): the rule set still loads. Each case gives exactly its
 * one warning at the ⟦span⟧ (in rule r1 of whenSet), plus `never_fires` over
 * the whole `when` when `fires` is false.
 */
export interface WarningCase {
  readonly expr: string;
  readonly code: WarningCode;
  readonly mentions?: string;
  /** False when the rule can never fire (a `never_fires` warning on the whole `when` too). */
  readonly fires: boolean;
}

export const WARNING_CASES: readonly WarningCase[] = [
  // out_of_range: a share, ratio or correlation (catalogue.ts featureRange) against a constant outside its range
  { expr: '⟦night_share > 40⟧', code: 'out_of_range', fires: false, mentions: 'night_share is a share from 0 to 1; 40 looks like a percentage: did you mean 0.4?' },
  { expr: '⟦35 <= work_share⟧ and cv > 1', code: 'out_of_range', fires: false, mentions: 'did you mean 0.35?' },
  { expr: 'cv > 1 or ⟦corr_industrial_1shift >= 90⟧', code: 'out_of_range', fires: true, mentions: 'a correlation from -1 to 1; 90 looks like a percentage' },
  { expr: '⟦peer_corr < -1⟧', code: 'out_of_range', fires: false, mentions: 'never true' },
  { expr: '⟦weekend_ratio < 0⟧ or cv > 2', code: 'out_of_range', fires: true, mentions: 'a ratio, never below 0' },
  { expr: '⟦-0.5 > peer_ratio⟧', code: 'out_of_range', fires: false, mentions: 'never true' },
  { expr: '⟦load_factor <= 1⟧ and cv > 1', code: 'out_of_range', fires: true, mentions: 'true for every consumer whose load_factor is defined' },
  { expr: 'cv > 1 and ⟦night_share < 40⟧', code: 'out_of_range', fires: true, mentions: 'did you mean 0.4?' },
  { expr: 'not ⟦(zero_share > 1.5)⟧', code: 'out_of_range', fires: true, mentions: 'never true' },
  // contradiction: bounds on one operand in one `and` that no value meets together
  { expr: 'mean_kw > 5 and ⟦mean_kw < 2⟧', code: 'contradiction', fires: false, mentions: '`mean_kw < 2` contradicts `mean_kw > 5`' },
  { expr: 'capacity_kw >= 10 and cv > 1 and ⟦10 > capacity_kw⟧', code: 'contradiction', fires: false, mentions: 'contradicts `capacity_kw >= 10`' },
  { expr: 'night_share > 0.3 and night_share < 0.6 and ⟦night_share == 0.7⟧', code: 'contradiction', fires: false, mentions: 'contradicts `night_share < 0.6`' },
  { expr: 'category == residential and zone == rural and ⟦category == industrial⟧', code: 'contradiction', fires: false, mentions: 'no value of category' },
  { expr: 'category in [residential, commercial] and ⟦category not in [commercial, residential]⟧', code: 'contradiction', fires: false },
  { expr: 'watch == closed or (mean_kw > 5 and ⟦mean_kw <= 5⟧)', code: 'contradiction', fires: true },
  // parentheses belong to the expression they enclose: quoted and underlined whole
  { expr: '⟦(night_share) > 40⟧', code: 'out_of_range', fires: false, mentions: '`(night_share) > 40` is never true' },
  { expr: 'cv > 1 and (mean_kw < 2) and ⟦(mean_kw > 5)⟧', code: 'contradiction', fires: false, mentions: '`(mean_kw > 5)` contradicts `(mean_kw < 2)`' },
  // the percentage hint: rounded, and only for a constant that can be a percentage of the range
  { expr: '⟦night_share > 1.1⟧', code: 'out_of_range', fires: false, mentions: 'did you mean 0.011?' },
  { expr: '⟦corr_industrial_1shift > 1.1⟧', code: 'out_of_range', fires: false, mentions: 'did you mean 0.011?' },
  { expr: '⟦corr_industrial_1shift < -70⟧', code: 'out_of_range', fires: false, mentions: 'did you mean -0.7?' },
  // never_fires alone: constant false
  { expr: '⟦false and cv > 1⟧', code: 'never_fires', fires: false, mentions: 'can never fire' },
];

/** `when` texts that must give no warning: near misses of the cases above. */
export const NO_WARNING_EXPRESSIONS: readonly string[] = [
  'night_share > 0.4',
  'night_share >= 1',
  'night_share <= 0',
  'corr_industrial_1shift > -1',
  'weekend_ratio > 0',
  'mean_kw > 40',
  'mean_kw > 5 and mean_kw < 6',
  'mean_kw > 5 or mean_kw < 2',
  'not (mean_kw > 5) and mean_kw < 2',
  'category != residential and category in [residential, commercial]',
  'watch != none and watch != rectified and watch != closed and watch != restricted and watch != cleared',
  'capacity_kw >= 10 and capacity_kw <= 10',
];
