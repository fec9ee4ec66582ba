// The registry on real directories under the system temp folder, with the real
// compiler. Changes are awaited as events (with a bounded wait), never slept on.
import { mkdirSync, renameSync, symlinkSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_RULE_SET_BYTES, RuleSetRegistry } from './index.js';
import { notFound, ruleSet, rulesLab } from '../../../../tests/support/registry-lab.js';

const lab = rulesLab();
const { write, open } = lab;

describe('RuleSetRegistry: loading and resolving', () => {
  it('loads the YAML and JSON files of the directory, and nothing else', async () => {
    write('demo.yaml', ruleSet());
    write('other.yml', ruleSet({ id: 'other', version: '1' }));
    write('json-one.json', JSON.stringify({ id: 'json-one', version: '2', thresholds: { yellow: 40, red: 70 }, rules: [{ id: 'night', when: 'night_share > 0.35', score: 50 }] }));
    for (const ignored of ['.demo.yaml.swp', '.#demo.yaml', 'demo.yaml~', '#demo.yaml#', 'notes.txt', '.hidden.yaml']) write(ignored, ruleSet({ id: 'ignored', version: ignored }));
    mkdirSync(join(lab.dir, 'sub'));
    writeFileSync(join(lab.dir, 'sub', 'nested.yaml'), ruleSet({ id: 'nested' }));
    const { registry } = await open();
    expect(registry.list().map((r) => `${r.id}@${r.version}`)).toEqual(['demo@2026.11.0', 'json-one@2', 'other@1']);
    expect(registry.status().map((s) => [s.file, s.current, s.failures])).toEqual([
      ['demo.yaml', true, 0],
      ['json-one.json', true, 0],
      ['other.yml', true, 0],
    ]);
  });

  it('resolves id, id@version, the default for "", and says not_found naming what is loaded', async () => {
    write('demo-1.yaml', ruleSet());
    write('demo-2.yaml', ruleSet({ version: '2026.11.1', score: 60 }));
    write('other.yaml', ruleSet({ id: 'other', version: '7' }));
    const { registry } = await open();
    expect(registry.resolve('demo').version).toBe('2026.11.1');
    expect(registry.resolve('demo@2026.11.0').version).toBe('2026.11.0');
    expect(registry.resolve('').version).toBe('2026.11.1');
    expect(registry.resolve('other@7').id).toBe('other');
    expect(registry.snapshot.default).toBe(registry.resolve('demo'));
    expect(notFound(() => registry.resolve('x')).message).toBe('no rule set "x"; loaded: demo@2026.11.0, demo@2026.11.1, other@7');
    expect(notFound(() => registry.resolve('demo@9')).message).toContain('no rule set "demo@9"');
    expect(notFound(() => registry.resolve('Demo')).message).toContain('"Demo"');
    // A client may send anything: the message stays short.
    expect(notFound(() => registry.resolve('y'.repeat(10_000))).message.length).toBeLessThan(300);
  });

  it('takes the newest version in natural order, numbers compared as numbers', async () => {
    const versions = ['2026.9.0', '2026.10.0', '2026.11.1', '2026.11.0', '2026.12.0', '2027.1'];
    versions.forEach((version, i) => write(`demo-${i}.yaml`, ruleSet({ version })));
    const { registry } = await open();
    expect(registry.resolve('demo').version).toBe('2027.1');
    expect(registry.list().map((r) => r.version)).toEqual(['2026.9.0', '2026.10.0', '2026.11.0', '2026.11.1', '2026.12.0', '2027.1']);
  });

  it('refuses to open without its default rule set, or without a directory', async () => {
    write('other.yaml', ruleSet({ id: 'other' }));
    write('demo.yaml', ruleSet({ when: 'nigth_share > 0.35' }));
    await expect(open()).rejects.toThrow(/no default rule set "demo" in .*loaded: other@2026\.11\.0[\s\S]*demo\.yaml: 1 error/);
    await expect(open({ dir: join(lab.root, 'nowhere') })).rejects.toThrow(/rule-set directory .*nowhere/);
  });
});

describe('RuleSetRegistry: changes', () => {
  it('picks up a changed file without a restart; a batch keeps what it resolved', async () => {
    write('demo.yaml', ruleSet());
    const { registry, next } = await open({ watch: true });
    const held = registry.resolve('');
    const heldSnapshot = registry.snapshot;
    const loaded = next((e) => e.type === 'loaded' && e.ruleSet.version === '2026.11.1');
    write('demo.yaml', ruleSet({ version: '2026.11.1', score: 30 }));
    const event = await loaded;
    expect(event).toMatchObject({ file: 'demo.yaml', previous: held });
    expect(registry.resolve('').version).toBe('2026.11.1');
    expect(registry.resolve('').rules[0]?.score).toBe(30);
    // What the batch holds did not change under it.
    expect(held.version).toBe('2026.11.0');
    expect(held.rules[0]?.score).toBe(50);
    expect(heldSnapshot.resolve('')).toBe(held);
    expect(registry.snapshot).not.toBe(heldSnapshot);
    // The file now holds the new version only.
    notFound(() => registry.resolve('demo@2026.11.0'));
  });

  it('never replaces a working version with a broken, half-written or corrupted file', async () => {
    const good = ruleSet();
    write('demo.yaml', good);
    const { registry, logs, next } = await open({ watch: true });
    const v1 = registry.resolve('demo');
    const attempts: [string, string | Buffer][] = [
      ['half-written', good.slice(0, good.indexOf('> 0.35') + 1)], // "when: night_share >"
      ['an unknown name', ruleSet({ version: '2026.11.1', when: 'nigth_share > 0.35' })],
      ['garbage', Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x0a, 0x7b, 0x5b])],
      ['not YAML', 'id: [demo\nversion: {\n'],
    ];
    for (const [what, content] of attempts) {
      const failed = next((e) => e.type === 'failed' && e.file === 'demo.yaml');
      write('demo.yaml', content);
      await failed;
      expect(registry.resolve('demo'), what).toBe(v1);
    }
    const failed = next((e) => e.type === 'failed');
    truncateSync(join(lab.dir, 'demo.yaml'), 0);
    await failed;
    expect(registry.resolve('demo')).toBe(v1);
    expect(registry.status()).toEqual([expect.objectContaining({ file: 'demo.yaml', ruleSet: v1, current: false, failures: 5, lastError: expect.any(String) })]);
    // Logged with the compiler's diagnostics, caret and all.
    const unknownName = logs.find((log) => log.level === 'error' && log.message.includes('nigth_share'));
    expect(unknownName?.message).toContain('still serving demo@2026.11.0');
    expect(unknownName?.message).toContain('^');
    // Fixing the file loads it.
    const loaded = next((e) => e.type === 'loaded');
    write('demo.yaml', ruleSet({ version: '2026.11.2' }));
    await loaded;
    expect(registry.resolve('demo').version).toBe('2026.11.2');
    expect(registry.status()[0]).toMatchObject({ current: true, failures: 5 });
  });

  it('counts a failure once per content, not once per reload', async () => {
    write('demo.yaml', ruleSet());
    write('broken.yaml', ruleSet({ id: 'broken', when: 'night_share >' }));
    const { registry, events } = await open();
    await registry.reload();
    await registry.reload();
    expect(events.filter((e) => e.type === 'failed')).toHaveLength(1);
    expect(registry.status().find((s) => s.file === 'broken.yaml')).toMatchObject({ failures: 1, current: false });
  });

  it('picks up an added file and unloads a deleted one', async () => {
    write('demo.yaml', ruleSet());
    const { registry, next } = await open({ watch: true });
    const added = next((e) => e.type === 'loaded' && e.file === 'demo-next.yaml');
    write('demo-next.yaml', ruleSet({ version: '2026.12.0' }));
    await added;
    expect(registry.resolve('demo').version).toBe('2026.12.0');
    const removed = next((e) => e.type === 'removed');
    unlinkSync(join(lab.dir, 'demo-next.yaml'));
    expect(await removed).toMatchObject({ file: 'demo-next.yaml', kept: false });
    expect(registry.resolve('demo').version).toBe('2026.11.0');
    notFound(() => registry.resolve('demo@2026.12.0'));
  });

  it('picks up a file renamed into place (an atomic write)', async () => {
    write('demo.yaml', ruleSet());
    const { registry, next } = await open({ watch: true });
    const loaded = next((e) => e.type === 'loaded');
    write('.demo.yaml.tmp', ruleSet({ version: '2026.11.5' }));
    renameSync(join(lab.dir, '.demo.yaml.tmp'), join(lab.dir, 'demo.yaml'));
    await loaded;
    expect(registry.resolve('demo').version).toBe('2026.11.5');
  });

  it('keeps the default when its only version is deleted, and says so loudly', async () => {
    write('demo.yaml', ruleSet());
    write('other.yaml', ruleSet({ id: 'other' }));
    const { registry, logs } = await open();
    const v1 = registry.resolve('');
    unlinkSync(join(lab.dir, 'demo.yaml'));
    await registry.reload();
    expect(registry.resolve('')).toBe(v1);
    expect(registry.resolve('demo@2026.11.0')).toBe(v1);
    expect(logs.some((log) => log.level === 'error' && log.message.includes('ATTENTION') && log.message.includes('demo@2026.11.0'))).toBe(true);
    // A file that provides the default again replaces the one kept in memory.
    write('demo-new.yaml', ruleSet({ version: '2026.12.0' }));
    await registry.reload();
    expect(registry.list().map((r) => `${r.id}@${r.version}`)).toEqual(['demo@2026.12.0', 'other@2026.11.0']);
  });

  it('keeps the default when its file is changed to another id', async () => {
    write('demo.yaml', ruleSet());
    const { registry } = await open();
    const v1 = registry.resolve('');
    write('demo.yaml', ruleSet({ id: 'renamed' }));
    await registry.reload();
    expect(registry.resolve('')).toBe(v1);
    expect(registry.resolve('renamed').id).toBe('renamed');
  });

  it('keeps the first of two files with the same id@version and different content', async () => {
    write('a.yaml', ruleSet({ score: 10 }));
    write('b.yaml', ruleSet({ score: 20 }));
    write('c.yaml', ruleSet({ score: 10 })); // same content as a.yaml: harmless
    const { registry, events, logs } = await open();
    expect(registry.resolve('demo').rules[0]?.score).toBe(10);
    expect(registry.list()).toHaveLength(1);
    expect(events.filter((e) => e.type === 'failed')).toEqual([expect.objectContaining({ file: 'b.yaml', error: expect.stringContaining('already loaded from a.yaml') })]);
    expect(logs.some((log) => log.level === 'error' && log.message.includes('b.yaml'))).toBe(true);
    // Once a.yaml and c.yaml are gone, b.yaml's version no longer clashes.
    unlinkSync(join(lab.dir, 'a.yaml'));
    unlinkSync(join(lab.dir, 'c.yaml'));
    await registry.reload();
    expect(registry.resolve('demo').rules[0]?.score).toBe(20);
  });

  it('refuses a file changed without a new version; a new version loads', async () => {
    write('demo.yaml', ruleSet());
    const { registry, events } = await open();
    const before = registry.resolve('demo');
    write('demo.yaml', ruleSet({ score: 51 }));
    await registry.reload();
    expect(registry.resolve('demo')).toBe(before);
    expect(events.at(-1)).toMatchObject({ type: 'failed', file: 'demo.yaml', error: expect.stringContaining('changed without a new version') });
    write('demo.yaml', ruleSet({ score: 51, version: '2026.11.1' }));
    await registry.reload();
    expect(registry.resolve('demo').rules[0]?.score).toBe(51);
  });
});

describe('RuleSetRegistry: limits', () => {
  it('refuses a file over 1 MiB', async () => {
    write('demo.yaml', ruleSet());
    write('huge.yaml', ruleSet({ id: 'huge', extra: `# ${'x'.repeat(MAX_RULE_SET_BYTES)}\n` }));
    const { registry, events } = await open();
    notFound(() => registry.resolve('huge'));
    expect(events).toContainEqual(expect.objectContaining({ type: 'failed', file: 'huge.yaml', error: expect.stringContaining('too large') }));
  });

  it('never reads through a link out of the directory', async () => {
    write('demo.yaml', ruleSet());
    writeFileSync(join(lab.root, 'elsewhere.yaml'), ruleSet({ id: 'elsewhere' }));
    symlinkSync(join(lab.root, 'elsewhere.yaml'), join(lab.dir, 'elsewhere.yaml'));
    symlinkSync('demo.yaml', join(lab.dir, 'alias.yaml')); // inside: fine (same content as demo.yaml)
    const { registry, events } = await open();
    notFound(() => registry.resolve('elsewhere'));
    expect(events).toContainEqual(expect.objectContaining({ type: 'failed', file: 'elsewhere.yaml', error: expect.stringContaining('outside the rule-set directory') }));
    expect(registry.status().find((s) => s.file === 'alias.yaml')).toMatchObject({ current: true });
  });

  it('survives an onEvent callback that throws', async () => {
    write('demo.yaml', ruleSet());
    const logs: string[] = [];
    const registry = await RuleSetRegistry.open({
      dir: lab.dir,
      defaultId: 'demo',
      watch: false,
      logger: { info: () => {}, warn: () => {}, error: (message) => logs.push(message) },
      onEvent: () => {
        throw new Error('metrics down');
      },
    });
    lab.track(registry);
    expect(registry.resolve('').id).toBe('demo');
    expect(logs.join('\n')).toContain('metrics down');
  });

  it('stops watching on close', async () => {
    write('demo.yaml', ruleSet());
    const { registry, events } = await open({ watch: true });
    await registry.close();
    const seen = events.length;
    write('demo.yaml', ruleSet({ version: '2026.11.9' }));
    await new Promise((resolve) => setTimeout(resolve, 300)); // longer than the debounce: nothing may happen
    expect(events.length).toBe(seen);
    expect(registry.resolve('demo').version).toBe('2026.11.0');
    expect((await registry.reload()).resolve('demo').version).toBe('2026.11.0');
  });
});
