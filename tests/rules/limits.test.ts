// Hostile input ends quickly in a `limit` diagnostic: no stack overflow, no
// hang, no giant program.
import { describe, expect, test } from 'vitest';
import { compileRuleSet } from '../../engine/src/rules/compile-rule-set.js';
import {
  MAX_EXPRESSION_CHARS, MAX_NESTING, MAX_NODES_PER_EXPRESSION, MAX_NODES_TOTAL, MAX_RULES, MAX_SOURCE_BYTES, MAX_TEMPLATES, MAX_YAML_NESTING,
} from '../../engine/src/rules/limits.js';
import { CASE_TEMPLATE } from '../../lib/expression-cases.js';

const HEADER = 'id: t\nversion: "1"\nthresholds: { yellow: 40, red: 70 }\n';
const withWhen = (when: string) => `${HEADER}rules:\n  - id: r\n    when: ${when}\n    score: 1\n`;

/** Compiles, requires it to take less than `ms`, returns the codes. */
function codes(source: string, ms = 2000): string[] {
  const t0 = performance.now();
  const { diagnostics } = compileRuleSet(source);
  expect(performance.now() - t0).toBeLessThan(ms);
  return diagnostics.map((d) => d.code);
}

describe('limits', () => {
  test('source size', () => {
    expect(codes('a: "' + 'x'.repeat(10 * 1024 * 1024) + '"')).toEqual(['limit']);
    expect(codes('#' + 'é'.repeat(MAX_SOURCE_BYTES / 2))).toEqual(['limit']); // 1 MiB + 1 byte in UTF-8
  });

  test('YAML nesting, before the YAML parser can overflow', () => {
    expect(codes('a: ' + '['.repeat(1_000_000))).toEqual(['limit']);
    expect(codes('a: ' + '{'.repeat(MAX_YAML_NESTING + 1))).toEqual(['limit']);
    expect(codes('- '.repeat(500_000) + 'x')).toEqual(['limit']);
    // deep block nesting by indentation stays under the size limit and is answered
    const indented = Array.from({ length: 1400 }, (_, i) => ' '.repeat(i) + 'a:').join('\n');
    expect(codes(indented).length).toBeGreaterThan(0);
  });

  test('expression nesting: 100k parentheses', () => {
    expect(codes(withWhen('('.repeat(100_000)))).toEqual(['limit']);
    expect(codes(withWhen('('.repeat(MAX_NESTING + 1) + 'cv > 1' + ')'.repeat(MAX_NESTING + 1)))).toEqual(['limit']);
    expect(codes(withWhen('('.repeat(MAX_NESTING) + 'cv > 1' + ')'.repeat(MAX_NESTING)))).toEqual([]);
  });

  test('expression length and size', () => {
    expect(codes(withWhen('cv > ' + '9'.repeat(MAX_EXPRESSION_CHARS)))).toEqual(['limit']);
    expect(codes(withWhen('cv > ' + '9'.repeat(400)))).toEqual(['syntax']); // too large for a float64
    expect(codes(withWhen(Array.from({ length: MAX_NODES_PER_EXPRESSION }, () => 'cv').join(' + ') + ' > 1'))).toEqual(['limit']);
  });

  test('nodes in all', () => {
    const perRule = Array.from({ length: 100 }, () => 'cv').join(' + ') + ' > 1'; // 201 nodes
    const rules = Array.from({ length: Math.ceil(MAX_NODES_TOTAL / 201) + 1 }, (_, i) => `  - id: r${i}\n    when: ${perRule}\n    score: 1\n`).join('');
    expect(codes(`${HEADER}rules:\n${rules}`)).toEqual(['limit']);
  });

  test('rules and templates', () => {
    const rules = Array.from({ length: MAX_RULES + 1 }, (_, i) => `  - id: r${i}\n    when: cv > 1\n    score: 1\n`).join('');
    expect(codes(`${HEADER}rules:\n${rules}`)).toEqual(['limit']);
    const templates = Array.from({ length: MAX_TEMPLATES + 1 }, (_, i) => `  t${i}: [${CASE_TEMPLATE.join(', ')}]\n`).join('');
    expect(codes(`${HEADER}templates:\n${templates}rules: []\n`)).toEqual(['limit']);
  });

  test('`in` lists cannot blow the program up', () => {
    const list = `[${Array.from({ length: 120 }, (_, i) => i).join(', ')}]`;
    const subject = Array.from({ length: 60 }, () => 'cv').join(' + ');
    const rules = Array.from({ length: 20 }, (_, i) => `  - id: r${i}\n    when: ${subject} in ${list}\n    score: 1\n`).join('');
    expect(codes(`${HEADER}rules:\n${rules}`)).toEqual(['limit']);
  });
});
