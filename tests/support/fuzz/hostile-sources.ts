// Rule-set drafts a hostile or careless client may send to ValidateRuleSet,
// each with the diagnostic code it must get. Shared by the compiler-level
// test (tests/rules/hostile-sources.test.ts) and the endpoint fuzzer.
import type { DiagnosticCode } from '../../../engine/src/rules/diagnostics.js';
import { MAX_EXPRESSION_CHARS, MAX_RULES, MAX_SOURCE_BYTES } from '../../../engine/src/rules/limits.js';

export const HEADER = 'id: hostile\nversion: "1"\nthresholds: { yellow: 40, red: 70 }\n';
const ruleWhen = (when: string, id = 'r'): string => `  - id: ${id}\n    when: ${when}\n    score: 1\n`;
const withWhen = (when: string): string => `${HEADER}rules:\n${ruleWhen(when)}`;

/** "Billion laughs": ten levels of nine aliases each, 10^9 strings if anything expanded it. */
function aliasBomb(): string {
  const levels = ['l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i <= 9; i++) levels.push(`l${i}: &l${i} [${Array.from({ length: 9 }, () => `*l${i - 1}`).join(',')}]`);
  return levels.join('\n');
}

export interface HostileSource {
  readonly name: string;
  readonly source: string;
  /** A code at least one diagnostic must have. */
  readonly code: DiagnosticCode;
}

export function hostileSources(): HostileSource[] {
  return [
    { name: 'source over MAX_SOURCE_BYTES', source: `${HEADER}# ${'x'.repeat(MAX_SOURCE_BYTES)}\n`, code: 'limit' },
    { name: 'a million unclosed [', source: `a: ${'['.repeat(1_000_000)}`, code: 'limit' },
    { name: '100,000 nested {', source: `a: ${'{a: '.repeat(100_000)}`, code: 'limit' },
    { name: '200,000 block sequence levels on one line', source: '- '.repeat(200_000) + 'x', code: 'limit' },
    { name: '100,000 parentheses in `when`', source: withWhen('('.repeat(100_000)), code: 'limit' },
    { name: 'alias bomb in unknown keys, rules an alias', source: `${aliasBomb()}\n${HEADER}rules: *l9\n`, code: 'schema' },
    { name: 'alias bomb as a rule', source: `${aliasBomb()}\n${HEADER}rules:\n  - *l9\n`, code: 'schema' },
    { name: 'alias as `when`', source: `${HEADER}x: &w cv > 1\nrules:\n  - id: r\n    when: *w\n    score: 1\n`, code: 'schema' },
    { name: 'merge key', source: `${HEADER}base: &b { id: r, when: cv > 1, score: 1 }\nrules:\n  - <<: *b\n`, code: 'schema' },
    { name: '!include /etc/passwd as rules', source: `${HEADER}rules: !include /etc/passwd\n`, code: 'schema' },
    { name: '!include as the id', source: 'id: !include /etc/passwd\nversion: "1"\nthresholds: { yellow: 40, red: 70 }\nrules: []\n', code: 'schema' },
    { name: '!!binary description', source: `${HEADER}description: !!binary cm9vdDp4OjA6MA==\nrules:\n${ruleWhen('cv > 1')}`, code: 'schema' },
    { name: '!!js/function when', source: `${HEADER}rules:\n${ruleWhen('!!js/function "function () { return require(\'fs\') }"')}`, code: 'schema' },
    { name: 'local tag on a key', source: `${HEADER}!secret rules:\n${ruleWhen('cv > 1')}`, code: 'schema' },
    { name: '`when` over MAX_EXPRESSION_CHARS', source: withWhen('cv > 1 and '.repeat(Math.ceil(MAX_EXPRESSION_CHARS / 11)) + 'cv > 1'), code: 'limit' },
    { name: 'a 9,000-character name', source: withWhen(`${'a'.repeat(9000)} > 1`), code: 'unknown_name' },
    { name: 'a 5,000-character id', source: `id: ${'a'.repeat(5000)}\nversion: "${'1'.repeat(500)}"\nthresholds: { yellow: 40, red: 70 }\nrules: []\n`, code: 'schema' },
    { name: `${10 * MAX_RULES} rules`, source: `${HEADER}rules:\n${Array.from({ length: 10 * MAX_RULES }, (_, i) => ruleWhen(`cv > ${i}`, `r${i}`)).join('')}`, code: 'limit' },
    { name: 'regex-like (a|a)* x 500', source: withWhen(`${'(a|a)*'.repeat(500)}b`), code: 'syntax' },
    { name: 'stray characters in 110 rules of 9,000 each', source: `${HEADER}rules:\n${Array.from({ length: 110 }, (_, i) => ruleWhen('\\'.repeat(9000), `r${i}`)).join('')}`, code: 'limit' },
    { name: '50,000 unknown keys', source: `${HEADER}${Array.from({ length: 50_000 }, (_, i) => `k${i}: 1`).join('\n')}\nrules: []\n`, code: 'limit' },
    { name: 'NUL and lone surrogates', source: `${HEADER}rules:\n${ruleWhen('"cv \u0000 > \ud800 1"')}`, code: 'syntax' },
    { name: 'paths as values', source: `id: ../../etc/passwd\nversion: "/etc/shadow"\nthresholds: { yellow: 40, red: 70 }\ntemplates: { a: /etc/passwd }\nrules:\n${ruleWhen('file("/etc/passwd") > 0')}`, code: 'schema' },
  ];
}
