// `extends: id@version` (engine/src/rules/bases.ts): a rule set uses another's
// templates. The digest covers the base, cycles and unknown bases are errors
// at the `extends` value, a template defined twice is an error, and the
// compiled rule set carries what a worker needs to compile it again.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { compileRuleSet } from '../../engine/src/rules/compile-rule-set.js';
import { resolverOf, type BaseSource } from '../../engine/src/rules/bases.js';
import { packageRoot } from '../../engine/src/package-root.js';
import { MAX_EXTENDS_DEPTH } from '../../engine/src/rules/limits.js';
import type { CompiledRuleSet } from '../../engine/src/rules/program.js';
import { CASE_TEMPLATE } from '../../lib/expression-cases.js';
import { marked } from './error-cases.js';

const DEFAULT = readFileSync(join(packageRoot, 'rules', 'default.yaml'), 'utf8');
const DEFAULT_REF = `default@${/^version: (.+)$/m.exec(DEFAULT)![1]}`;

function district(base: string, extra = ''): string {
  return `id: district\nversion: "1"\nextends: ${base}\nthresholds: { yellow: 40, red: 70 }\n${extra}rules:\n  - id: factory-curve\n    when: corr_industrial_1shift > 0.8 and mean_kw > 4\n    score: 50\n`;
}

const bases = (...sources: string[]): BaseSource[] =>
  sources.map((source) => ({ ref: `${/^id: (.+)$/m.exec(source)![1]}@${/^version: "?([^"\n]+)"?$/m.exec(source)![1]}`, source }));

describe('extends', () => {
  test("a district uses the default's templates without copying them, in the default's column order", () => {
    const result = compileRuleSet(district(DEFAULT_REF), { resolve: resolverOf(bases(DEFAULT)) });
    expect(result.diagnostics).toEqual([]);
    const own = compileRuleSet(DEFAULT).ruleSet!;
    const set = result.ruleSet!;
    expect(set.templates.names).toEqual(own.templates.names);
    expect(set.extends).toBe(DEFAULT_REF);
    expect(set.bases).toEqual([{ ref: DEFAULT_REF, source: DEFAULT }]);
    // A worker compiles it again from what it carries, to the same digest.
    expect(compileRuleSet(set.source, { resolve: resolverOf(set.bases!) }).ruleSet!.digest).toBe(set.digest);
  });

  test('the digest covers the base: another base text changes it, the same text does not', () => {
    const source = district(DEFAULT_REF);
    const digest = (base: string) => compileRuleSet(source, { resolve: resolverOf(bases(base)) }).ruleSet!.digest;
    const changed = `${DEFAULT}# edited\n`;
    expect(changed).not.toBe(DEFAULT);
    expect(digest(DEFAULT)).toBe(digest(DEFAULT));
    expect(digest(changed)).not.toBe(digest(DEFAULT));
    // Nor is it the digest of the text alone, which a rule set without `extends` keeps.
    expect(digest(DEFAULT)).not.toBe(compileRuleSet(DEFAULT).ruleSet!.digest.replace(/./g, '0'));
    expect(compileRuleSet(DEFAULT).ruleSet!.bases).toEqual([]);
  });

  test('a base of a base: templates of both, and the digest covers the deepest', () => {
    const middle = `id: middle\nversion: "2"\nextends: ${DEFAULT_REF}\nthresholds: { yellow: 40, red: 70 }\ntemplates:\n  bakery: [${CASE_TEMPLATE.join(', ')}]\nrules: []\n`;
    const top = district('middle@2').replace('corr_industrial_1shift', 'corr_bakery');
    const found = bases(DEFAULT, middle);
    const set = compileRuleSet(top, { resolve: resolverOf(found) }).ruleSet!;
    expect(set.templates.names).toEqual([...compileRuleSet(DEFAULT).ruleSet!.templates.names, 'bakery']);
    expect(set.bases!.map((b) => b.ref)).toEqual(['middle@2', DEFAULT_REF]);
    const edited = bases(`${DEFAULT}# edited\n`, middle);
    expect(compileRuleSet(top, { resolve: resolverOf(edited) }).ruleSet!.digest).not.toBe(set.digest);
  });

  const cases: { name: string; text: string; found: BaseSource[]; mentions: string }[] = [
    { name: 'an unknown base', text: district(`⟦nope@1⟧`), found: [], mentions: 'unknown base `nope@1`' },
    { name: 'a base without its version', text: district('⟦default⟧'), found: [], mentions: 'with its version, `default@VERSION`' },
    {
      name: 'a cycle',
      text: district('⟦loop@1⟧'),
      found: bases(`id: loop\nversion: "1"\nextends: district@1\nthresholds: { yellow: 40, red: 70 }\nrules: []\n`),
      mentions: 'cycle: district@1 → loop@1 → district@1',
    },
    { name: 'itself', text: district('⟦district@1⟧').replace('version: "1"', 'version: "1"'), found: [], mentions: 'cycle' },
    { name: 'a base that does not compile', text: district('⟦bad@1⟧'), found: bases('id: bad\nversion: "1"\nthresholds: { yellow: 40, red: 70 }\nrules:\n  - id: x\n    when: nigth_share > 1\n    score: 1\n'), mentions: 'the base `bad@1` does not compile' },
    {
      name: 'a template defined here and in the base',
      text: district(`⟦${DEFAULT_REF}⟧`, `templates:\n  shop: [${CASE_TEMPLATE.join(', ')}]\n`),
      found: bases(DEFAULT),
      mentions: 'template `shop` is defined here and in the base',
    },
  ];
  test.each(cases)('$name is a bad_base error at the `extends` value', ({ text, found, mentions }) => {
    const { source, span } = marked(text);
    const result = compileRuleSet(source, { resolve: resolverOf(found) });
    expect(result.ruleSet).toBeUndefined();
    const bad = result.diagnostics.filter((d) => d.code === 'bad_base');
    expect(bad).toHaveLength(1);
    expect(bad[0]!.span).toEqual(span);
    expect([bad[0]!.line, bad[0]!.column]).toEqual([3, 10]);
    expect(bad[0]!.message).toContain(mentions);
  });

  test("a base that cannot be loaded is one error: its templates' corr_ names are not each called unknown", () => {
    const uses = Array.from({ length: 10 }, (_, i) => `  - id: r${i}\n    when: corr_shop_${i} > 0.8\n    score: 5\n`).join('');
    const source = `id: district\nversion: "1"\nextends: nope@1\nthresholds: { yellow: 40, red: 70 }\nrules:\n${uses}  - id: typo\n    when: nigth_share > 0.3\n    score: 5\n`;
    const result = compileRuleSet(source, { resolve: resolverOf([]) });
    expect(result.diagnostics.map((d) => d.code)).toEqual(['bad_base', 'unknown_name']);
    expect(result.diagnostics[0]!.message).toContain('the `corr_` names of its templates are not checked until it loads');
    // A name that is not a corr_ name is still unknown.
    expect(result.diagnostics[1]!.message).toContain('nigth_share');
    // With the base, the same names are checked: all ten are unknown.
    const found = compileRuleSet(source, { resolve: resolverOf(bases(`id: nope\nversion: "1"\nthresholds: { yellow: 40, red: 70 }\nrules: []\n`)) });
    expect(found.diagnostics.filter((d) => d.code === 'unknown_name')).toHaveLength(11);
  });

  const chainOf = (length: number): BaseSource[] =>
    bases(
      `id: c0\nversion: "1"\nthresholds: { yellow: 40, red: 70 }\ntemplates:\n  shop: [${CASE_TEMPLATE.join(', ')}]\nrules: []\n`,
      ...Array.from({ length }, (_, i) => `id: c${i + 1}\nversion: "1"\nextends: c${i}@1\nthresholds: { yellow: 40, red: 70 }\nrules: []\n`),
    );
  const onTop = (ref: string) => `id: top\nversion: "1"\nextends: ${ref}\nthresholds: { yellow: 40, red: 70 }\nrules:\n  - id: r\n    when: corr_shop > 0.5\n    score: 5\n`;

  test('`extends` may go MAX_EXTENDS_DEPTH levels deep; one more is one `limit` error at the `extends` value, naming the chain', () => {
    const found = chainOf(MAX_EXTENDS_DEPTH);
    const fits = compileRuleSet(onTop(`c${MAX_EXTENDS_DEPTH - 1}@1`), { resolve: resolverOf(found) });
    expect(fits.diagnostics).toEqual([]);
    expect(fits.ruleSet!.bases).toHaveLength(MAX_EXTENDS_DEPTH);
    const { source, span } = marked(onTop(`⟦c${MAX_EXTENDS_DEPTH}@1⟧`));
    const deep = compileRuleSet(source, { resolve: resolverOf(found) });
    expect(deep.diagnostics.map((d) => [d.code, d.span])).toEqual([['limit', span]]);
    const chain = ['top@1', ...Array.from({ length: MAX_EXTENDS_DEPTH + 1 }, (_, i) => `c${MAX_EXTENDS_DEPTH - i}@1`)].join(' → ');
    expect(deep.diagnostics[0]!.message).toContain(chain);
  });

  test('a base cache compiles a shared base once, and gives the digests compiling without it gives', () => {
    const found = chainOf(2);
    let stored = 0;
    const cache = new (class extends Map<string, CompiledRuleSet> {
      override set(key: string, value: CompiledRuleSet) {
        stored++;
        return super.set(key, value);
      }
    })();
    const files = ['c2@1', 'c2@1', 'c1@1', 'c2@1'].map(onTop);
    const cached = files.map((source) => compileRuleSet(source, { resolve: resolverOf(found), baseCache: cache }).ruleSet!.digest);
    const plain = files.map((source) => compileRuleSet(source, { resolve: resolverOf(found) }).ruleSet!.digest);
    expect(cached).toEqual(plain);
    // c2, c1 and c0 each compiled once: the later files find them.
    expect(stored).toBe(3);
  });

  test('of several candidates for one id@version, the first that compiles is the base (as the registry serves the first file that loads)', () => {
    const broken = { ref: 'shop@1', source: 'id: shop\nversion: "1"\nthresholds: { yellow: 40, red: 70 }\nrules:\n  - id: x\n    when: nigth > 1\n    score: 1\n', file: 'a.yaml' };
    const [good] = bases(`id: shop\nversion: "1"\nthresholds: { yellow: 40, red: 70 }\ntemplates:\n  shop: [${CASE_TEMPLATE.join(', ')}]\nrules: []\n`);
    const top = onTop('shop@1');
    const both = compileRuleSet(top, { resolve: () => [broken, good!] });
    expect(both.diagnostics).toEqual([]);
    expect(both.ruleSet!.digest).toBe(compileRuleSet(top, { resolve: resolverOf([good!]) }).ruleSet!.digest);
    // None compiles: the first one's error.
    const none = compileRuleSet(top, { resolve: () => [broken, { ...broken, file: 'b.yaml' }] });
    expect(none.diagnostics[0]!.message).toContain('the base `shop@1` does not compile (a.yaml:');
  });

  test('without a resolver (a caller that cannot look up rule sets) `extends` is an error, never ignored', () => {
    const result = compileRuleSet(district(DEFAULT_REF));
    expect(result.diagnostics.map((d) => d.code)).toContain('bad_base');
    expect(result.missingBase).toBe(DEFAULT_REF);
  });
});
