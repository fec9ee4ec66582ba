// Rule-set sources are data (issue 6): every hostile draft gets diagnostics
// with stable codes within the limits of engine/src/rules/limits.ts, from the
// compiler and from ValidateRuleSet's worker code; the compiler reads no
// files, whatever the draft names and whatever exists on disk.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gridcode } from '#gen/scoring.js';
import { packageRoot } from '../../engine/src/package-root.js';
import { compileRuleSet } from '../../engine/src/rules/compile-rule-set.js';
import { MAX_DIAGNOSTICS, MAX_ID_LENGTH } from '../../engine/src/rules/limits.js';
import { ServiceError } from '../../gateway/rpc/codes.js';
import { validateRuleSet } from '../../gateway/worker/validate.js';
import { HEADER, hostileSources } from '../support/fuzz/hostile-sources.js';

const CODES = ['syntax', 'yaml', 'schema', 'unknown_name', 'unknown_enum', 'unknown_function', 'type_mismatch', 'duplicate_rule', 'bad_template', 'bad_thresholds', 'limit'];

function validate(source: string): gridcode.v1.ValidateRuleSetResponse {
  const request = gridcode.v1.ValidateRuleSetRequest.encode({ source }).finish();
  return gridcode.v1.ValidateRuleSetResponse.decode(validateRuleSet(request, 'proto'));
}

describe('hostile rule-set sources', () => {
  for (const { name, source, code } of hostileSources()) {
    it(`${name}: ${code}`, () => {
      const { ruleSet, diagnostics } = compileRuleSet(source);
      expect(ruleSet).toBeUndefined();
      expect(diagnostics.map((d) => d.code)).toContain(code);
      expect(diagnostics.length).toBeLessThanOrEqual(MAX_DIAGNOSTICS + 1);
      for (const d of diagnostics) {
        expect(CODES).toContain(d.code);
        expect(d.message.length).toBeGreaterThan(0);
        // Messages quote what they must, clipped: never kilobytes of the draft.
        expect(d.message.length).toBeLessThan(1000);
        expect(d.message).not.toMatch(/root:.*:0:0/);
      }
    });
  }

  it('answers the same over ValidateRuleSet (the worker code), or invalid_argument for a draft over the byte limit', () => {
    for (const { name, source, code } of hostileSources()) {
      let response: gridcode.v1.ValidateRuleSetResponse;
      try {
        response = validate(source);
      } catch (error) {
        expect(error, name).toBeInstanceOf(ServiceError);
        expect((error as ServiceError).code, name).toBe('invalid_argument');
        continue;
      }
      expect(response.valid, name).toBe(false);
      expect(response.errors.map((e) => e.code), name).toContain(code);
      expect(response.errors.length, name).toBeLessThanOrEqual(MAX_DIAGNOSTICS + 1);
    }
  });

  it('caps the diagnostics of a draft full of mistakes, the last one saying so', () => {
    const source = `${HEADER}rules:\n  - id: r\n    when: ${'\\'.repeat(5000)}\n    score: 1\n`;
    const { diagnostics } = compileRuleSet(source);
    expect(diagnostics).toHaveLength(MAX_DIAGNOSTICS + 1);
    expect(diagnostics.at(-1)).toMatchObject({ code: 'limit', message: expect.stringContaining(`at most ${MAX_DIAGNOSTICS}`) });
    expect(diagnostics.slice(0, -1).every((d) => d.code === 'syntax')).toBe(true);
  });
});

describe('ValidateRuleSet names the draft even when it has errors', () => {
  it('fills id and version when they parsed', () => {
    const response = validate(`id: district-7\nversion: "2026.3"\nthresholds: { yellow: 40, red: 70 }\nrules:\n  - id: r\n    when: cv >> 1\n    score: 1\n`);
    expect(response.valid).toBe(false);
    expect(response.errors.length).toBeGreaterThan(0);
    expect(response).toMatchObject({ id: 'district-7', version: '2026.3' });
    expect(response.ruleIds).toEqual([]);
  });

  it('leaves out an id or version that is not usable', () => {
    const response = validate(`id: Not An Id\nversion: "${'9'.repeat(MAX_ID_LENGTH + 1)}"\nthresholds: { yellow: 40, red: 70 }\nrules: []\n`);
    expect(response.valid).toBe(false);
    expect(response.id).toBe('');
    expect(response.version).toBe('');
    const versionOnly = validate('id: ok\nversion: "a@b"\nthresholds: { yellow: 40, red: 70 }\nrules: []\n');
    expect(versionOnly).toMatchObject({ id: 'ok', version: '' });
  });
});

describe('the rule compiler reads no files', () => {
  /** Relative imports of a module (static and dynamic), as .ts paths. */
  function imports(file: string): string[] {
    const text = readFileSync(file, 'utf8');
    return [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]!);
  }

  /** Every module reachable from `entry`, with the bare (package / node:) imports each makes. */
  function reachable(entry: string): Map<string, string[]> {
    const seen = new Map<string, string[]>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      const all = imports(file);
      seen.set(file, all.filter((name) => !name.startsWith('.') && !name.startsWith('#')));
      for (const name of all) if (name.startsWith('.')) visit(resolve(dirname(file), name.replace(/\.js$/, '.ts')));
    };
    visit(entry);
    return seen;
  }

  const FILE_ACCESS = /^(node:)?(fs|fs\/promises|child_process|module|worker_threads|net|http|https|http2|dgram|vm)$/;

  it('no module the compiler or the ValidateRuleSet worker code reaches imports node:fs or its like', () => {
    const entries = [join(packageRoot, 'engine/src/rules/compile-rule-set.ts'), join(packageRoot, 'gateway/worker/validate.ts')];
    const offenders: string[] = [];
    let modules = 0;
    for (const entry of entries) {
      for (const [file, bare] of reachable(entry)) {
        modules++;
        for (const name of bare) if (FILE_ACCESS.test(name)) offenders.push(`${file.slice(packageRoot.length + 1)} imports ${name}`);
      }
    }
    expect(modules).toBeGreaterThan(10);
    expect(offenders).toEqual([]);
  });

  it('no module under engine/src/rules except registry/ imports node:fs', () => {
    const dir = join(packageRoot, 'engine/src/rules');
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('registry'));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) expect(imports(join(dir, f)).filter((name) => FILE_ACCESS.test(name)), f).toEqual([]);
  });

  it('gives the same answer for a draft naming paths whether or not they exist', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'gridcode-hostile-'));
    try {
      const [rulesFile, whenFile, templateFile] = [join(tmp, 'rules.yaml'), join(tmp, 'when.txt'), join(tmp, 'template.yaml')];
      const source = [
        `id: hostile\nversion: "1"\nthresholds: { yellow: 40, red: 70 }`,
        `templates: !include ${templateFile}`,
        `description: file://${whenFile}`,
        `rules: !include ${rulesFile}`,
        `extends: ${rulesFile}`,
      ].join('\n');
      const before = compileRuleSet(source);
      const beforeResponse = validate(source);
      // Now the files exist and would make a valid rule set if anything read them.
      writeFileSync(rulesFile, `- id: r\n  when: cv > 1\n  score: 1\n`);
      writeFileSync(whenFile, 'cv > 1');
      writeFileSync(templateFile, `a: [${Array.from({ length: 96 }, () => '1').join(', ')}]\n`);
      expect(statSync(rulesFile).isFile()).toBe(true);
      expect(compileRuleSet(source)).toEqual(before);
      expect(validate(source)).toEqual(beforeResponse);
      expect(before.diagnostics.length).toBeGreaterThan(0);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
