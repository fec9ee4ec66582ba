// The expression table: what a `when` expression must give for given feature
// and attribute values. Shared by the compiler tests (through the reference
// AST interpreter and a bytecode interpreter), the VM tests and bench:engine.
//
// Values: a feature not listed is NaN (undefined, features.md); `category`,
// `zone` and `watch` not listed are 0 (UNSPECIFIED, `none` for watch) and may
// be given as words;
// `capacity_kw` and `baseline_kw` not listed are NaN (unknown);
// `points_per_day` not listed is 96.
// Every case's rule set defines the template `shift`, so `corr_shift` exists.
import { BASE_FEATURES, CORR_PREFIX } from '../engine/src/catalogue.js';
import { CATEGORY_WORDS, WATCH_WORDS, ZONE_WORDS } from '../engine/src/rules/program.js';

export interface ExpressionCase {
  readonly expr: string;
  readonly values: Readonly<Record<string, number | string>>;
  readonly expected: boolean;
}

const c = (expr: string, values: Record<string, number | string>, expected: boolean): ExpressionCase => ({ expr, values, expected });
const NONE = {};

export const EXPRESSION_CASES: readonly ExpressionCase[] = [
  // the spec's example rules
  c('night_share > 0.35 and load_factor > 0.5', { night_share: 0.4, load_factor: 0.6 }, true),
  c('night_share > 0.35 and load_factor > 0.5', { night_share: 0.4, load_factor: 0.5 }, false),
  c('category == residential and night_share > 0.35 and load_factor > 0.5', { category: 'residential', night_share: 0.4, load_factor: 0.9 }, true),
  c('zone == industrial_park and category == industrial', { zone: 'industrial_park', category: 'industrial' }, true),
  c('zone == residential_area and corr_shift > 0.9 and mean_kw > 5', { zone: 'residential_area', corr_shift: 0.95, mean_kw: 6 }, true),
  c('zone == residential_area and corr_shift > 0.9 and mean_kw > 5', { zone: 'residential_area', mean_kw: 6 }, false),
  // arithmetic
  c('mean_kw + max_kw == 3.5', { mean_kw: 1, max_kw: 2.5 }, true),
  c('max_kw - mean_kw == 1.5', { mean_kw: 1, max_kw: 2.5 }, true),
  c('mean_kw * max_kw == 2.5', { mean_kw: 1, max_kw: 2.5 }, true),
  c('mean_kw / max_kw == 0.4', { mean_kw: 1, max_kw: 2.5 }, true),
  c('mean_kw / min_kw > 1e308', { mean_kw: 1, min_kw: 0 }, true),
  c('-mean_kw / min_kw < -1e308', { mean_kw: 1, min_kw: 0 }, true),
  c('mean_kw - mean_kw == 0', { mean_kw: Infinity }, false),
  c('energy_kwh / days > 100', { energy_kwh: 1500, days: 10 }, true),
  // precedence and associativity
  c('1 + 2 * 3 == 7', NONE, true),
  c('(1 + 2) * 3 == 9', NONE, true),
  c('10 - 4 - 3 == 3', NONE, true),
  c('16 / 4 / 2 == 2', NONE, true),
  c('mean_kw - 4 - 3 == 3', { mean_kw: 10 }, true),
  c('mean_kw / 4 / 2 == 2', { mean_kw: 16 }, true),
  c('-2 * 3 == -6', NONE, true),
  c('-mean_kw * 2 == -4', { mean_kw: 2 }, true),
  c('2 - -mean_kw == 3', { mean_kw: 1 }, true),
  c('- - mean_kw == 1', { mean_kw: 1 }, true),
  c('mean_kw + 1 > 2 * max_kw', { mean_kw: 4, max_kw: 2 }, true),
  c('true or false and false', NONE, true),
  c('(true or false) and false', NONE, false),
  c('not false and false', NONE, false),
  c('not (false and false)', NONE, true),
  c('not night_share > 0.5', { night_share: 0.3 }, true),
  c('not night_share > 0.5', { night_share: 0.6 }, false),
  c('mean_kw > 1 or max_kw > 1 and min_kw > 1', { mean_kw: 2, max_kw: 0, min_kw: 0 }, true),
  c('(mean_kw > 1 or max_kw > 1) and min_kw > 1', { mean_kw: 2, max_kw: 0, min_kw: 0 }, false),
  // comparisons at their boundaries
  c('cv < 0.5', { cv: 0.5 }, false),
  c('cv <= 0.5', { cv: 0.5 }, true),
  c('cv > 0.5', { cv: 0.5 }, false),
  c('cv >= 0.5', { cv: 0.5 }, true),
  c('cv == 0.5', { cv: 0.5 }, true),
  c('cv != 0.5', { cv: 0.5 }, false),
  c('cv != 0.5', { cv: 0.25 }, true),
  c('cv < 0.5', { cv: 0.25 }, true),
  c('-0 == 0', NONE, true),
  c('peak_hour >= 22 or peak_hour < 6', { peak_hour: 3 }, true),
  // the spelled operators
  c('mean_kw > 1 && !(max_kw < 2) || false', { mean_kw: 2, max_kw: 3 }, true),
  c('mean_kw > 1 && !(max_kw < 2)', { mean_kw: 2, max_kw: 1 }, false),
  c('!defined(water_per_kwh) || water_per_kwh < 0.01', NONE, true),
  c('mean_kw > 1 || max_kw > 1', { mean_kw: 0, max_kw: 0 }, false),
  // NaN: arithmetic propagates it, every comparison with it is false
  c('night_share > 0.35', NONE, false),
  c('night_share <= 0.35', NONE, false),
  c('night_share < 0.35', NONE, false),
  c('night_share >= 0.35', NONE, false),
  c('night_share == night_share', NONE, false),
  c('night_share != 1', NONE, false),
  c('night_share != night_share', NONE, false),
  c('not (night_share > 1)', NONE, true),
  c('not (night_share != 1)', NONE, true),
  c('night_share + 1 > 0', NONE, false),
  c('night_share * 0 == 0', NONE, false),
  c('min(night_share, 1) < 2', NONE, false),
  c('max(1, night_share) > 0', NONE, false),
  c('abs(night_share) >= 0', NONE, false),
  c('defined(night_share)', NONE, false),
  c('not defined(night_share)', NONE, true),
  c('defined(night_share)', { night_share: 0 }, true),
  c('defined(capacity_kw)', NONE, false),
  c('defined(capacity_kw) and capacity_util > 1.2', { capacity_kw: 5, capacity_util: 1.5 }, true),
  c('defined(mean_kw / min_kw)', { mean_kw: 0, min_kw: 0 }, false),
  c('defined(mean_kw / min_kw)', { mean_kw: 1, min_kw: 0 }, true),
  c('night_share > 0.35 or load_factor > 0.5', { load_factor: 0.6 }, true),
  c('night_share in [1, 2]', NONE, false),
  c('night_share not in [1, 2]', NONE, true),
  // enums
  c('category == residential', { category: 'residential' }, true),
  c('category == residential', { category: 'commercial' }, false),
  c('category == residential', NONE, false),
  c('category != residential', NONE, true),
  c('category != residential', { category: 'residential' }, false),
  c('residential == category', { category: 'residential' }, true),
  c('category == agricultural', { category: 'agricultural' }, true),
  c('category == other', { category: 'other' }, true),
  c('zone == other', { zone: 'other' }, true),
  c('zone == rural or zone == commercial_area', { zone: 'commercial_area' }, true),
  c('category == category', NONE, true),
  // unspecified: the proto's 0, what a consumer sent without the field has
  c('category == unspecified', NONE, true),
  c('category == unspecified', { category: 'residential' }, false),
  c('unspecified == category', { category: 0 }, true),
  c('category != unspecified', NONE, false),
  c('category != unspecified', { category: 'other' }, true),
  c('zone == unspecified', NONE, true),
  c('zone == unspecified', { zone: 'rural' }, false),
  c('zone != unspecified', { zone: 'industrial_park' }, true),
  c('zone != unspecified', NONE, false),
  c('zone != unspecified and category == unspecified', { zone: 'rural' }, true),
  // watch (followup.md): its own enum; `none` is a site not watched (0)
  c('watch == none', NONE, true),
  c('watch == closed', { watch: 'closed' }, true),
  c('watch == closed', { watch: 'rectified' }, false),
  c('watch != none', { watch: 'cleared' }, true),
  c('watch != none', NONE, false),
  c('watch in [rectified, closed]', { watch: 'rectified' }, true),
  c('watch in [rectified, closed]', { watch: 'restricted' }, false),
  c('watch not in [none, cleared]', { watch: 'restricted' }, true),
  c('watch == restricted', { watch: 9 }, false),
  c('watch != none', { watch: 9 }, true),
  c('watch == closed and since_watch_kw > 0.5', { watch: 'closed', since_watch_kw: 0.8 }, true),
  c('watch == closed and since_watch_kw > 0.5', { watch: 'closed' }, false),
  c('watch == cleared and category == residential', { watch: 'cleared', category: 'residential' }, true),
  // baseline_kw: an attribute like capacity_kw; unknown is NaN
  c('since_watch_kw > 0.75 * baseline_kw', { since_watch_kw: 1, baseline_kw: 1.2 }, true),
  c('since_watch_kw > 0.75 * baseline_kw', { since_watch_kw: 0.5, baseline_kw: 1.2 }, false),
  c('since_watch_kw > 0.75 * baseline_kw', { since_watch_kw: 1 }, false),
  c('not (since_watch_kw > 0.75 * baseline_kw)', { since_watch_kw: 1 }, true),
  c('defined(baseline_kw)', NONE, false),
  c('defined(baseline_kw)', { baseline_kw: 3 }, true),
  c('category in [residential, unspecified]', NONE, true),
  c('category in [residential, unspecified]', { category: 'residential' }, true),
  c('category in [residential, unspecified]', { category: 'commercial' }, false),
  c('category not in [unspecified]', { category: 'industrial' }, true),
  c('category not in [unspecified]', NONE, false),
  c('zone in [unspecified, rural]', { zone: 'rural' }, true),
  c('zone in [unspecified, rural]', { zone: 'other' }, false),
  c('zone not in [unspecified, industrial_park]', NONE, false),
  // in
  c('category in [residential, commercial]', { category: 'commercial' }, true),
  c('category in [residential, commercial]', { category: 'industrial' }, false),
  c('category in [residential, commercial,]', NONE, false),
  c('category not in [residential]', { category: 'industrial' }, true),
  c('category not in [residential]', { category: 'residential' }, false),
  c('zone in [rural]', { zone: 'rural' }, true),
  c('capacity_kw in [10, 20]', { capacity_kw: 20 }, true),
  c('capacity_kw in [10, 20]', { capacity_kw: 15 }, false),
  c('mean_kw in [-1, 2]', { mean_kw: -1 }, true),
  c('points_per_day in [96, 288]', NONE, true),
  c('points_per_day in [24, 48]', { points_per_day: 48 }, true),
  c('mean_kw + 1 in [2, 3]', { mean_kw: 2 }, true),
  c('1 + 1 in [2, 3]', NONE, true),
  c('not category in [residential]', { category: 'residential' }, false),
  // functions
  c('min(mean_kw, max_kw) == 1', { mean_kw: 1, max_kw: 2 }, true),
  c('max(mean_kw, max_kw) == 2', { mean_kw: 1, max_kw: 2 }, true),
  c('abs(trend_ratio - 1) > 0.5', { trend_ratio: 0.2 }, true),
  c('abs(trend_ratio - 1) > 0.5', { trend_ratio: 1.2 }, false),
  c('min(max(1, 2), 3) == 2', NONE, true),
  c('max(min(mean_kw, 5), 1) == 5', { mean_kw: 9 }, true),
  c('capacity_util > 2 and max(acf_day, acf_week) > 0.8', { capacity_util: 3, acf_week: 0.9, acf_day: 0.1 }, true),
  // constant folding: results must not change
  c('1 < 2', NONE, true),
  c('true', NONE, true),
  c('false', NONE, false),
  c('true and night_share > 0.5', { night_share: 0.6 }, true),
  c('night_share > 0.5 and true', { night_share: 0.4 }, false),
  c('false and night_share > 0.5', { night_share: 0.6 }, false),
  c('false or night_share > 0.5', { night_share: 0.6 }, true),
  c('night_share > 0.5 or true', NONE, true),
  c('not true', NONE, false),
  c('not not (mean_kw > 1)', { mean_kw: 2 }, true),
  c('not not (mean_kw > 1)', NONE, false),
  c('0 / 0 == 0 / 0', NONE, false),
  c('0 / 0 != 1', NONE, false),
  c('not (0 / 0 < 1)', NONE, true),
  c('defined(0 / 0)', NONE, false),
  c('defined(1 / 0)', NONE, true),
  c('max(0 / 0, 1) > 0', NONE, false),
  c('min(0 / 0, mean_kw) < 1', { mean_kw: 0 }, false),
  c('1e-3 * 1000 == 1', NONE, true),
  c('1e3 == 1000 and 2.5E+1 == 25 and 1E-1 < 0.2', NONE, true),
  c('-(-(2)) == 2', NONE, true),
  c('1 / 0 > 1e308', NONE, true),
  c('0 / 0 in [1]', NONE, false),
  c('0 / 0 not in [1]', NONE, true),
  c('2 in [1, 2] and mean_kw > 0', { mean_kw: 1 }, true),
  c('mean_kw * (2 - 1) == mean_kw', { mean_kw: 3 }, true),
  c('abs(-3) == 3 and -abs(3) == -3', NONE, true),
  // the templates' correlation feature
  c('corr_shift > 0.9', { corr_shift: 0.95 }, true),
  c('corr_shift > 0.9', NONE, false),
];

/** The template every case rule set defines: a day shift (value 1 from 08:00 to 17:00). */
export const CASE_TEMPLATE = Array.from({ length: 96 }, (_, i) => (i >= 32 && i < 68 ? 1 : 0.1));
export const CASE_TEMPLATE_NAME = 'shift';

/** A rule set with one rule per case (`c0`, `c1`, …, score 1), in table order. */
export function caseRuleSet(cases: readonly ExpressionCase[] = EXPRESSION_CASES): string {
  const rules = cases.map((k, i) => `  - id: c${i}\n    when: ${JSON.stringify(k.expr)}\n    score: 1\n`).join('');
  return `id: cases\nversion: "1"\nthresholds: { yellow: 40, red: 70 }\ntemplates:\n  ${CASE_TEMPLATE_NAME}: [${CASE_TEMPLATE.join(', ')}]\nrules:\n${rules}`;
}

/** Feature columns of a case rule set, in matrix order (the Op.loadFeature operand). */
export const CASE_FEATURES: readonly string[] = [...BASE_FEATURES, CORR_PREFIX + CASE_TEMPLATE_NAME];

export interface CaseInput {
  /** One value per CASE_FEATURES column. */
  readonly features: Float64Array;
  /** Indexed by program.ts Attribute: category, zone (enum codes), capacity_kw, points_per_day, watch (enum code). */
  readonly attributes: Float64Array;
}

/** The consumer a case describes, as the VM reads it. */
export function caseInput(k: ExpressionCase): CaseInput {
  const features = new Float64Array(CASE_FEATURES.length).fill(NaN);
  CASE_FEATURES.forEach((name, i) => {
    const v = k.values[name];
    if (typeof v === 'number') features[i] = v;
  });
  const word = (v: number | string | undefined, words: Readonly<Record<string, number>>): number => (typeof v === 'string' ? words[v]! : (v ?? 0));
  const attributes = Float64Array.of(
    word(k.values.category, CATEGORY_WORDS),
    word(k.values.zone, ZONE_WORDS),
    typeof k.values.capacity_kw === 'number' ? k.values.capacity_kw : NaN,
    typeof k.values.points_per_day === 'number' ? k.values.points_per_day : 96,
    word(k.values.watch, WATCH_WORDS),
    typeof k.values.baseline_kw === 'number' && k.values.baseline_kw > 0 && k.values.baseline_kw < Infinity ? k.values.baseline_kw : NaN,
  );
  return { features, attributes };
}
