// Real runs of the built `gridcode check` (`npm run build` first; `npm test`
// does) on rule-set files written to a temporary folder.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileRuleSet } from '../engine/src/rules/compile-rule-set.js';
import { RuleSetRegistry } from '../engine/src/rules/registry/index.js';
import { runCli } from '../tests/support/cli.js';

const root = fileURLToPath(new URL('..', import.meta.url));
let dir: string;

beforeAll(() => {
  if (!existsSync(join(root, 'dist/cli/check-command.js'))) throw new Error('dist/cli/check-command.js is missing: run npm run build first');
  dir = mkdtempSync(join(tmpdir(), 'gridcode-check-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function gridcode(...args: string[]) {
  return runCli(dir, args);
}

function file(name: string, content: string | Buffer): string {
  writeFileSync(join(dir, name), content);
  return name; // relative to the command's working directory, as a user types it
}

/** A check without --server says on stderr (stdout stays the results) that it did not ask a server. */
const NOT_COMPARED = /^not compared with a server: .*\n$/;

const clean = `id: demo
version: 2026.11.0
thresholds: { yellow: 40, red: 70 }
rules:
  - id: night
    when: night_share > 0.35
    score: 50
  - id: workshop
    when: category == residential and load_factor > 0.5
    score: 30
`;

const threeMistakes = `id: demo
version: 2026.11.1
thresholds: { yellow: 40, red: 70 }
rules:
  - id: night
    when: nigth_share > 0.35
    score: 50
  - id: zone-number
    when: zone == 3
    score: 10
  - id: night
    when: load_factor > 0.5
    score: 20
`;

describe('gridcode check', () => {
  it('passes a clean file with its id, rule count and digest', () => {
    const result = gridcode('check', file('clean.yaml', clean));
    expect(result.stderr).toMatch(NOT_COMPARED);
    expect(result.stdout).toMatch(/^clean\.yaml: ok \(id demo@2026\.11\.0, 2 rules, digest sha256:[0-9a-f]{64}\)\n$/);
    expect(result.status).toBe(0);
  });

  it('passes `unspecified` in comparisons and lists, and lists it among the words of a misspelt one', () => {
    const missing = `id: missing\nversion: "1"\nthresholds: { yellow: 40, red: 70 }\nrules:\n  - id: no-account\n    when: category == unspecified or zone != unspecified and category in [residential, unspecified]\n    score: 40\n`;
    const ok = gridcode('check', file('unspecified.yaml', missing));
    expect([ok.status, ok.stdout]).toEqual([0, expect.stringMatching(/^unspecified\.yaml: ok \(id missing@1, 1 rule, /)]);
    const typo = gridcode('check', file('typo.yaml', missing.replace('category == unspecified', 'category == unspecifed')));
    expect(typo.status).toBe(1);
    expect(typo.stdout).toContain("error[unknown_enum] (rule no-account): `unspecifed` is not a category word; did you mean `unspecified`? category words are unspecified, residential, commercial, industrial, agricultural, other\n");
  });

  it('prints every mistake with a caret and fails', () => {
    const name = file('three.yaml', threeMistakes);
    const { diagnostics } = compileRuleSet(threeMistakes, { file: name });
    expect(new Set(diagnostics.map((d) => d.code))).toEqual(new Set(['unknown_name', 'type_mismatch', 'duplicate_rule']));
    const result = gridcode('check', name);
    expect(result.status).toBe(1);
    for (const diagnostic of diagnostics) expect(result.stdout).toContain(diagnostic.message);
    expect(result.stdout).toContain('nigth_share');
    expect(result.stdout).toContain('zone == 3');
    expect(result.stdout.split('\n').filter((line) => /\^/.test(line)).length).toBeGreaterThanOrEqual(3);
    expect(result.stdout).toMatch(/three\.yaml: 3 errors\n$/);
    expect(result.stderr).toMatch(NOT_COMPARED);
  });

  it('checks every file even when one fails, and a directory as the server would load it', () => {
    const rules = join(dir, 'rules');
    mkdirSync(rules);
    writeFileSync(join(rules, 'a.yaml'), clean);
    writeFileSync(join(rules, 'b.yaml'), clean.replace('score: 50', 'score: 60')); // same id@version, other content
    writeFileSync(join(rules, '.a.yaml.swp'), 'not a rule set');
    const result = gridcode('check', 'rules', file('three-again.yaml', threeMistakes));
    expect(result.stdout).toContain(`${join('rules', 'a.yaml')}: ok`);
    expect(result.stdout).toContain(`${join('rules', 'b.yaml')}: error: demo@2026.11.0 is already in ${join('rules', 'a.yaml')}`);
    expect(result.stdout).toContain('three-again.yaml: 3 errors');
    expect(result.stdout).toMatch(/3 files: 1 ok, 2 with errors\n$/);
    expect(result.stderr).toMatch(NOT_COMPARED);
    expect(result.status).toBe(1);
  });

  it('says clearly when a file cannot be read', () => {
    const missing = gridcode('check', 'missing.yaml', file('ok.yaml', clean));
    expect(missing.stderr.split('\n')[0]).toBe('gridcode: missing.yaml: no such file');
    expect(missing.stdout).toContain('ok.yaml: ok');
    expect(missing.status).toBe(1);
    const binary = gridcode('check', file('binary.yaml', Buffer.from([0xff, 0xfe, 0x00, 0x41])));
    expect(binary.stderr).toContain('binary.yaml: not UTF-8');
    expect(binary.status).toBe(1);
    mkdirSync(join(dir, 'empty'));
    const empty = gridcode('check', 'empty');
    expect(empty.stderr).toContain('empty: no rule-set files');
    expect(empty.status).toBe(1);
  });

  it('of two files declaring one base id@version, check uses the one the server serves: the first that compiles', async () => {
    const folder = join(dir, 'two-bases');
    mkdirSync(folder);
    const shop = (when: string) => `id: shop\nversion: "1"\nthresholds: { yellow: 40, red: 70 }\ntemplates:\n  shop: [${Array.from({ length: 96 }, (_, i) => (i % 7) + 1).join(', ')}]\nrules:\n  - id: x\n    when: ${when}\n    score: 1\n`;
    writeFileSync(join(folder, 'a-shop.yaml'), shop('nigth_share > 0.5')); // first in name order, does not compile
    writeFileSync(join(folder, 'b-shop.yaml'), shop('night_share > 0.5'));
    writeFileSync(join(folder, 'city.yaml'), 'id: city\nversion: "1"\nextends: shop@1\nthresholds: { yellow: 40, red: 70 }\nrules:\n  - id: r\n    when: corr_shop > 0.8\n    score: 50\n');
    const result = gridcode('check', join('two-bases', 'city.yaml'));
    expect(result.status, result.stdout).toBe(0);
    const digest = /digest sha256:([0-9a-f]{64})/.exec(result.stdout)![1];
    const registry = await RuleSetRegistry.open({ dir: folder, defaultId: 'city', watch: false, logger: { info() {}, warn() {}, error() {} } });
    try {
      expect(registry.resolve('city@1').digest).toBe(digest);
    } finally {
      await registry.close();
    }
  });

  it('has --help, and exit status 2 for a bad command line', () => {
    const help = gridcode('check', '--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: gridcode check FILE|DIR...');
    const none = gridcode('check');
    expect(none.status).toBe(2);
    expect(none.stderr).toContain("Run 'gridcode check --help'");
    expect(gridcode('check', '--strict', 'x.yaml').status).toBe(2);
    expect(gridcode('--help').stdout).toContain('check ');
  });
});
