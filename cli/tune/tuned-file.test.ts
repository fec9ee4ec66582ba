// The tuned version of the shipped default rule set (456 lines of comments,
// templates and quoted text): exactly the edited numbers change, every other
// line is kept byte for byte, the header comes first, and it compiles with
// the new scores and number.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileRuleSet } from '../../engine/src/index.js';
import { packageRoot } from '../../engine/src/package-root.js';
import { cutPoints, type LearnedScore, type ThresholdSuggestion } from '../../engine/src/tuning/index.js';
import { tunedRuleSet } from './tuned-file.js';

const source = readFileSync(join(packageRoot, 'rules', 'default.yaml'), 'utf8');
const old = compileRuleSet(source).ruleSet!;

describe('tunedRuleSet', () => {
  it('changes only the version, the learned scores and the suggested number, keeping every other line', () => {
    const night = old.rules.find((rule) => rule.id === 'night-production')!;
    const high = old.rules.find((rule) => rule.id === 'residential-high-consumption')!;
    const cut = cutPoints(high.when, (name) => name === 'mean_kw')[0]!;
    const scores: LearnedScore[] = old.rules.map((rule) => ({ rule: rule.id, before: rule.score, after: rule === night ? rule.score - 5 : rule.score, support: 0, confirmed: 0, status: 'learned' }));
    const suggestion: ThresholdSuggestion = { rule: high.id, cut, to: 3.5, support: 30, f1Before: 0.5, f1After: 0.6, confirmed: 10, kept: 20, keptConfirmed: 9 };
    const { source: text, ruleSet } = tunedRuleSet(old, { scores, suggestions: [suggestion], version: `${old.version}-tuned`, header: ['Tuned here.', 'Second line.'] });

    const lines = text.split('\n');
    expect(lines.slice(0, 3)).toEqual(['# Tuned here.', '# Second line.', '#']);
    const before = source.split('\n');
    const after = lines.slice(3);
    expect(after).toHaveLength(before.length);
    const changed = before.map((line, k) => [line, after[k]!] as const).filter(([a, b]) => a !== b);
    expect(changed).toEqual([
      [`version: ${old.version}`, `version: ${old.version}-tuned`],
      [`    score: ${night.score}`, `    score: ${night.score - 5}`],
      ['    when: category == residential and mean_kw > 3', '    when: category == residential and mean_kw > 3.5'],
    ]);
    expect(ruleSet.version).toBe(`${old.version}-tuned`);
    expect(ruleSet.rules.find((rule) => rule.id === night.id)!.score).toBe(night.score - 5);
    expect(ruleSet.rules.find((rule) => rule.id === high.id)!.when).toBe('category == residential and mean_kw > 3.5');
    expect(compileRuleSet(text).diagnostics).toEqual([]);
  });

  it('quotes a version YAML would read as a number', () => {
    const { source: text, ruleSet } = tunedRuleSet(old, { scores: [], suggestions: [], version: '2027', header: [] });
    expect(text).toContain('version: "2027"');
    expect(ruleSet.version).toBe('2027');
  });
});
