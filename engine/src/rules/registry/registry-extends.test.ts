// The registry and `extends: id@version` (engine/src/rules/bases.ts): a file
// read before its base still loads (and no failure is logged on the way), a
// derived rule set keeps being served, and compiles again in a worker, after
// its base's file moved to another version, and a base that is never loaded
// is a counted failure naming it.
import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileRuleSet } from '../compile-rule-set.js';
import { resolverOf } from '../bases.js';
import { MAX_EXTENDS_DEPTH } from '../limits.js';
import { ruleSet, rulesLab } from '../../../../tests/support/registry-lab.js';
import { CASE_TEMPLATE } from '../../../../lib/expression-cases.js';

const lab = rulesLab();
const { write, open } = lab;
const TEMPLATES = `templates:\n  shift: [${CASE_TEMPLATE.join(', ')}]\n`;

describe('RuleSetRegistry: extends', () => {
  it('loads a file read before its base, with the digest the base gives it, and keeps it when the base moves on', async () => {
    write('zz-demo.yaml', ruleSet({ extra: TEMPLATES }));
    write('a-district.yaml', ruleSet({ id: 'district', version: '1', when: 'corr_shift > 0.8', extra: 'extends: demo@2026.11.0\n' }));
    const { registry } = await open();
    expect(registry.status().map((s) => [s.file, s.current, s.failures])).toEqual([
      ['a-district.yaml', true, 0],
      ['zz-demo.yaml', true, 0],
    ]);
    const district = registry.resolve('district@1');
    const base = registry.resolve('demo@2026.11.0');
    expect(district.extends).toBe('demo@2026.11.0');
    // The digest check computes from the two texts.
    const checked = compileRuleSet(district.source, { resolve: resolverOf([{ ref: 'demo@2026.11.0', source: base.source }]) });
    expect(checked.ruleSet!.digest).toBe(district.digest);

    // The base's file moves to a new version: demo@2026.11.0 is no longer served, district@1 still is and still compiles from what it carries.
    write('zz-demo.yaml', ruleSet({ version: '2026.12.0', extra: TEMPLATES }));
    await registry.reload();
    expect(registry.list().map((r) => `${r.id}@${r.version}`)).toEqual(['demo@2026.12.0', 'district@1']);
    expect(registry.resolve('district@1')).toBe(district);
    expect(compileRuleSet(district.source, { resolve: resolverOf(district.bases!) }).ruleSet!.digest).toBe(district.digest);
  });

  it('a base that never loads is a counted failure naming it, and nothing else is held up', async () => {
    write('demo.yaml', ruleSet());
    write('district.yaml', ruleSet({ id: 'district', version: '1', extra: 'extends: nope@3\n' }));
    const { registry } = await open();
    const status = registry.status().find((s) => s.file === 'district.yaml')!;
    expect([status.current, status.failures]).toEqual([false, 1]);
    expect(status.lastError).toContain('unknown base `nope@3`');
    expect(registry.list().map((r) => r.id)).toEqual(['demo']);
    // Its base arrives: it loads.
    write('nope.yaml', ruleSet({ id: 'nope', version: '3' }));
    await registry.reload();
    expect(registry.resolve('district@1').extends).toBe('nope@3');
    unlinkSync(join(lab.dir, 'nope.yaml'));
  });

  it('a file whose base is still missing is not failed, counted or logged again when it and its bytes are unchanged', async () => {
    write('demo.yaml', ruleSet());
    write('district.yaml', ruleSet({ id: 'district', version: '1', extra: 'extends: nope@3\n' }));
    const { registry, logs, events } = await open();
    const failures = () => ({
      count: registry.status().find((s) => s.file === 'district.yaml')!.failures,
      events: events.filter((e) => e.type === 'failed' && e.file === 'district.yaml').length,
      logged: logs.filter((l) => l.level === 'error' && l.message.includes('district.yaml')).length,
    });
    expect(failures()).toEqual({ count: 1, events: 1, logged: 1 });
    // Other files change, the directory is read again: the district's outcome is the same, so it is no news.
    for (const score of [51, 52]) {
      write('demo.yaml', ruleSet({ score }));
      await registry.reload();
    }
    await registry.reload();
    expect(failures()).toEqual({ count: 1, events: 1, logged: 1 });
    // Its own bytes change (still failing): that is news.
    write('district.yaml', ruleSet({ id: 'district', version: '1', score: 7, extra: 'extends: nope@3\n' }));
    await registry.reload();
    expect(failures()).toEqual({ count: 2, events: 2, logged: 2 });
  });

  it('a chain deeper than MAX_EXTENDS_DEPTH is a counted limit failure; the files within it and beside it load', async () => {
    write('c0.yaml', ruleSet({ id: 'c0', version: '1', extra: TEMPLATES }));
    // c1 … c6, each extending the one before; c1 … c4 are within the limit.
    for (let i = 1; i <= MAX_EXTENDS_DEPTH + 2; i++) write(`c${i}.yaml`, ruleSet({ id: `c${i}`, version: '1', when: 'corr_shift > 0.5', extra: `extends: c${i - 1}@1\n` }));
    for (const name of ['s1', 's2', 's3']) write(`${name}.yaml`, ruleSet({ id: name, version: '1', when: 'corr_shift > 0.5', extra: 'extends: c0@1\n' }));
    const { registry } = await open({ defaultId: 'c0' });
    const loaded = registry.list().map((r) => r.id).sort();
    const within = Array.from({ length: MAX_EXTENDS_DEPTH + 1 }, (_, i) => `c${i}`);
    expect(loaded).toEqual([...within, 's1', 's2', 's3'].sort());
    const status = (i: number) => registry.status().find((s) => s.file === `c${i}.yaml`)!;
    const deep = status(MAX_EXTENDS_DEPTH + 1);
    expect([deep.current, deep.failures]).toEqual([false, 1]);
    expect(deep.lastError).toContain(`more than ${MAX_EXTENDS_DEPTH} levels deep (c${MAX_EXTENDS_DEPTH + 1}@1 → c${MAX_EXTENDS_DEPTH}@1`);
    // The next one's base is then not served: an unknown base, failed once.
    const deeper = status(MAX_EXTENDS_DEPTH + 2);
    expect([deeper.current, deeper.failures]).toEqual([false, 1]);
    expect(deeper.lastError).toContain(`unknown base \`c${MAX_EXTENDS_DEPTH + 1}@1\``);
  });

  it('loads a rule set with warnings and logs them with their carets, as check prints them', async () => {
    write('demo.yaml', ruleSet({ when: 'night_share > 40' }));
    const { registry, logs } = await open();
    expect(registry.resolve('demo').rules).toHaveLength(1);
    const warned = logs.filter((l) => l.level === 'warn').map((l) => l.message).join('\n');
    expect(warned).toContain('demo.yaml: 2 warnings (it loads)');
    expect(warned).toMatch(/demo\.yaml:6:11: warning\[out_of_range\] \(rule night\): `night_share > 40` is never true/);
    expect(warned).toContain('warning[never_fires]');
  });
});
