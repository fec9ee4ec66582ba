// The document end to end: what a compiled rule set holds, and that one run
// reports every mistake of a file.
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { compileRuleSet } from '../../engine/src/rules/compile-rule-set.js';
import { FeatureGroup } from '../../engine/src/catalogue.js';
import { DEFAULT_MIN_VALID_SHARE } from '../../engine/src/rules/limits.js';
import { CASE_TEMPLATE } from '../../lib/expression-cases.js';

const T = `[${CASE_TEMPLATE.join(', ')}]`;
const SPEC_EXAMPLE = `id: default                    # [a-z0-9_-]+
version: 2026.11.0             # free text, shown in every response
description: Baseline criteria for unlicensed workshops in residential areas
thresholds: { yellow: 40, red: 70 }
min_valid_share: 0.75
templates:
  industrial_1shift: ${T}
rules:
  - id: residential-night-production
    when: category == residential and night_share > 0.35 and load_factor > 0.5
    score: 35
    reason: Residential account with sustained night-time load
  - id: licensed-park-enterprise
    when: zone == industrial_park and category == industrial
    effect: exempt
  - id: factory-curve-in-housing
    when: zone == residential_area and corr_industrial_1shift > 0.9 and mean_kw > 5
    effect: red
  - id: steady
    when: cv < 0.2 and acf_day > 0.8
    score: 35
  - id: big
    when: capacity_util > 1.5
    score: 50
`;

function ok(source: string) {
  const result = compileRuleSet(source);
  expect(result.diagnostics).toEqual([]);
  return result.ruleSet!;
}

describe('compiled rule set', () => {
  test('the spec example', () => {
    const set = ok(SPEC_EXAMPLE);
    expect(set).toMatchObject({
      id: 'default',
      version: '2026.11.0',
      description: 'Baseline criteria for unlicensed workshops in residential areas',
      thresholds: { yellow: 40, red: 70 },
      minValidShare: 0.75,
    });
    expect(set.digest).toBe(createHash('sha256').update(SPEC_EXAMPLE).digest('hex'));
    expect(set.templates.names).toEqual(['industrial_1shift']);
    expect(set.rules.map((r) => [r.id, r.effect, r.score, r.reads])).toEqual([
      ['residential-night-production', 'score', 35, ['night_share', 'load_factor']],
      ['licensed-park-enterprise', 'exempt', 0, []],
      ['factory-curve-in-housing', 'red', 0, ['corr_industrial_1shift', 'mean_kw']],
      ['steady', 'score', 35, ['cv', 'acf_day']],
      ['big', 'score', 50, ['capacity_util']],
    ]);
    // Every attribute, enums included, in first-read order: the account data each rule depends on.
    expect(set.rules.map((r) => r.attributes)).toEqual([['category'], ['zone', 'category'], ['zone'], [], []]);
    expect(set.rules[0]!.reason).toBe('Residential account with sustained night-time load');
    // exempt, red, then score highest first, ties in file order
    expect(Array.from(set.reasonOrder)).toEqual([1, 2, 4, 0, 3]);
    expect(set.featureNames).toEqual(['mean_kw', 'load_factor', 'cv', 'night_share', 'capacity_util', 'acf_day', 'corr_industrial_1shift']);
    expect(set.groups).toBe(FeatureGroup.deviation | FeatureGroup.acfDay | FeatureGroup.correlation);
    expect(set.program.code.length % 4).toBe(0);
  });

  test('each rule keeps its `when` as written: the text between its quotes, or the block without its indentation', () => {
    const source = [
      'id: w',
      'version: "1"',
      'thresholds: { yellow: 40, red: 70 }',
      'rules:',
      '  - id: plain',
      '    when: mean_kw > 3   # a comment is not part of it',
      '    score: 1',
      '  - id: quoted',
      `    when: 'category == residential and   mean_kw > 3'`,
      '    score: 1',
      '  - id: literal',
      '    when: |',
      '      mean_kw > 3',
      '        and night_share > 0.4',
      '    score: 1',
      '',
    ].join('\n');
    expect(ok(source).rules.map((r) => [r.id, r.when])).toEqual([
      ['plain', 'mean_kw > 3'],
      ['quoted', 'category == residential and   mean_kw > 3'],
      ['literal', 'mean_kw > 3\n  and night_share > 0.4\n'],
    ]);
  });

  test('version keeps its source text; defaults apply', () => {
    const set = ok('id: v\nversion: 1.10\nthresholds: { yellow: 0, red: 0 }\nrules: []\n');
    expect(set.version).toBe('1.10');
    expect(set.minValidShare).toBe(DEFAULT_MIN_VALID_SHARE);
    expect(set.description).toBe('');
    expect(set.rules).toEqual([]);
    expect(set.program).toMatchObject({ maxDepth: 0 });
    expect(set.featureNames).toEqual([]);
    expect(set.groups).toBe(0);
  });

  test('JSON is YAML', () => {
    const json = JSON.stringify({
      id: 'j', version: '3', thresholds: { yellow: 10, red: 20 },
      rules: [{ id: 'a', when: 'category in [residential, commercial] and night_share > 0.4', score: 12, effect: 'red', reason: 'x' }],
    });
    const set = ok(json);
    expect(set.rules).toEqual([{ id: 'a', score: 12, effect: 'red', reason: 'x', when: 'category in [residential, commercial] and night_share > 0.4', reads: ['night_share'], attributes: ['category'] }]);
  });

  test('anchors and aliases work for templates', () => {
    const set = ok(`id: a\nversion: "1"\nthresholds: { yellow: 1, red: 2 }\ntemplates:\n  one: &t ${T}\n  two: *t\nrules:\n  - id: r\n    when: corr_two > 0.5\n    score: 1\n`);
    expect(set.templates.names).toEqual(['one', 'two']);
    expect(set.featureNames).toEqual(['corr_two']);
  });

  test('multi-line when expressions in every YAML style compile', () => {
    const set = ok(`id: m\nversion: "1"\nthresholds: { yellow: 1, red: 2 }\nrules:\n  - id: a\n    when: >\n      cv > 1 and\n      mean_kw > 2\n    score: 1\n  - id: b\n    when: |\n      cv > 1\n        or mean_kw > 2\n    score: 1\n  - id: c\n    when: "cv > 1\n      and mean_kw > 2"\n    score: 1\n`);
    expect(set.rules.map((r) => r.reads)).toEqual([['cv', 'mean_kw'], ['cv', 'mean_kw'], ['cv', 'mean_kw']]);
  });
});

describe('every mistake in one run', () => {
  test('three different mistakes give three diagnostics', () => {
    const source = SPEC_EXAMPLE.replace('night_share > 0.35', 'nigth_share > 0.35')
      .replace('category == industrial', 'category == industiral')
      .replace('  - id: big', '  - id: steady');
    const { ruleSet, diagnostics } = compileRuleSet(source);
    expect(ruleSet).toBeUndefined();
    expect(diagnostics.map((d) => [d.code, d.rule, d.line, d.column])).toEqual([
      ['unknown_name', 'residential-night-production', 10, 39],
      ['unknown_enum', 'licensed-park-enterprise', 14, 51],
      ['duplicate_rule', 'steady', 22, 9],
    ]);
  });

  test('header, template and expression mistakes together, in file order', () => {
    const source = `id: x\nversion: "1"\nthresholds: { yellow: 90, red: 10 }\ntemplates:\n  t: [1, 2]\nrules:\n  - id: a\n    when: 0 < cv < 1 and nope > 1\n    score: 1\n  - id: b\n    when: cv >\n    score: 1\n  - id: c\n    when: category == 1\n    score: 200\n`;
    const { diagnostics } = compileRuleSet(source);
    expect(diagnostics.map((d) => [d.code, d.rule ?? null, d.line])).toEqual([
      ['bad_thresholds', null, 3],
      ['bad_template', null, 5],
      ['syntax', 'a', 8],
      ['unknown_name', 'a', 8],
      ['syntax', 'b', 11],
      ['type_mismatch', 'c', 14],
      ['schema', 'c', 15],
    ]);
  });

  test('YAML errors are reported with their place', () => {
    const { diagnostics } = compileRuleSet('id: t\nid: u\n');
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'yaml', line: 2, column: 1 })]);
    expect(compileRuleSet('id: t\n---\nid: u\n').diagnostics[0]!.code).toBe('yaml');
    expect(compileRuleSet('rules: [\n').diagnostics[0]!.code).toBe('yaml');
    expect(compileRuleSet('- a\n- b\n').diagnostics[0]).toMatchObject({ code: 'schema', line: 1, column: 1 });
    expect(compileRuleSet('').diagnostics[0]).toMatchObject({ code: 'schema' });
  });
});
