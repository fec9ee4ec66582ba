// Rule-set files that are corrupted, truncated or half-written while the
// registry watches the directory (or on a SIGHUP-style reload()), a directory
// swapped under it, and what the registry refuses to read at all: the working
// version keeps serving, the refusal is logged and evented, a later good
// write is picked up.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, renameSync, rmSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RegistryEvent } from './index.js';
import { notFound, ruleSet, rulesLab } from '../../../../tests/support/registry-lab.js';

const lab = rulesLab();
const { write, open } = lab;
const FAST = { watch: true, debounceMs: 40 } as const;

/** Three rules: a truncation at a rule boundary or inside a value still compiles. */
const THREE = ruleSet({
  extra: `  - id: big
    when: mean_kw > 3
    score: 30
  - id: flat
    when: night_share > 0.2
    score: 25
`,
});
const onFile = (type: RegistryEvent['type']) => (event: RegistryEvent) => event.type === type && event.file === 'demo.yaml';

describe('a truncated file that still compiles', () => {
  it.each([
    ['at a rule boundary', THREE.slice(0, THREE.indexOf('  - id: flat'))],
    ['inside a value (score: 2 of score: 25)', THREE.slice(0, THREE.lastIndexOf('5'))],
  ])('cut %s never replaces the version it served, on reload() or when watched', async (_, cut) => {
    write('demo.yaml', THREE);
    const { registry, events, logs, next } = await open(FAST);
    const served = registry.resolve('demo');
    expect(served.rules).toHaveLength(3);
    const refused = next(onFile('failed'));
    write('demo.yaml', cut);
    expect(await refused).toMatchObject({ error: expect.stringMatching(/truncated or half-written/) });
    await registry.reload(); // SIGHUP: the same content is no news
    expect(registry.resolve('demo')).toBe(served);
    expect(events.filter((e) => e.type === 'failed')).toHaveLength(1);
    expect(logs.some((log) => log.level === 'error' && log.message.includes('still serving demo@2026.11.0'))).toBe(true);
    // The whole file back: served again, the same digest.
    const back = next(onFile('loaded'));
    write('demo.yaml', THREE);
    await back;
    expect(registry.resolve('demo').digest).toBe(served.digest);
    expect(registry.status()[0]).toMatchObject({ current: true, failures: 1 });
  });
});

/** One writer that writes `first`, waits longer than the debounce (until the registry reacted), then the rest. */
async function inTwoHalves(whole: string, cut: number, reacted: () => Promise<RegistryEvent>): Promise<RegistryEvent> {
  const fd = openSync(join(lab.dir, 'demo.yaml'), 'w');
  try {
    writeSync(fd, whole.slice(0, cut));
    const first = await reacted();
    writeSync(fd, whole.slice(cut));
    return first;
  } finally {
    closeSync(fd);
  }
}

describe('a file written in two halves, with a pause longer than the debounce', () => {
  it('rewriting the same version: the first half is refused, the whole file serves', async () => {
    write('demo.yaml', THREE);
    const { registry, next } = await open(FAST);
    const served = registry.resolve('demo');
    const first = await inTwoHalves(THREE, THREE.indexOf('  - id: big'), () => next(onFile('failed')));
    expect(first).toMatchObject({ error: expect.stringMatching(/truncated/) });
    expect(registry.resolve('demo')).toBe(served);
    await next(onFile('loaded'));
    expect(registry.resolve('demo').digest).toBe(served.digest);
  });

  it('a new version cut inside a line: refused until the rest arrives', async () => {
    write('demo.yaml', THREE);
    const { registry, next } = await open(FAST);
    const v2 = THREE.replace('2026.11.0', '2026.12.0');
    const first = await inTwoHalves(v2, v2.indexOf('mean_kw > 3') + 'mean_kw >'.length, () => next(onFile('failed')));
    expect(first.type).toBe('failed');
    expect(registry.resolve('demo').version).toBe('2026.11.0');
    await next(onFile('loaded'));
    expect(registry.resolve('demo')).toMatchObject({ version: '2026.12.0', rules: { length: 3 } });
  });

  it('a new version cut at a rule boundary is served for the pause (docs/faults.md), then the whole file replaces it', async () => {
    write('demo.yaml', THREE);
    const { registry, logs, next } = await open(FAST);
    const v2 = THREE.replace('2026.11.0', '2026.12.0');
    await inTwoHalves(v2, v2.indexOf('  - id: flat'), () => next(onFile('loaded')));
    const completed = await next(onFile('loaded'));
    expect(completed).toMatchObject({ ruleSet: { version: '2026.12.0', rules: { length: 3 } } });
    expect(registry.resolve('demo').rules).toHaveLength(3);
    expect(logs.some((log) => log.level === 'warn' && log.message.includes('grew without a new version'))).toBe(true);
  });
});

describe('garbage, an empty file', () => {
  it.each([
    ['garbage bytes', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0xff, 0xfe, 0x0a])],
    ['printable garbage', 'Zm9vYmFyCg== \t ::: - - ]]\n'],
    ['an empty file', ''],
    ['zero bytes of the same length', Buffer.alloc(THREE.length)],
  ])('%s never replaces the working version; a later good write does', async (_, content) => {
    write('demo.yaml', THREE);
    const { registry, next } = await open(FAST);
    const served = registry.resolve('demo');
    const refused = next(onFile('failed'));
    write('demo.yaml', content);
    await refused;
    expect(registry.resolve('demo')).toBe(served);
    const loaded = next(onFile('loaded'));
    write('demo.yaml', ruleSet({ version: '2026.11.1' }));
    await loaded;
    expect(registry.resolve('demo').version).toBe('2026.11.1');
  });
});

describe('the directory renamed under a watching registry', () => {
  it('keeps serving while it is gone, and follows the directory now at the path', async () => {
    write('demo.yaml', THREE);
    const { registry, logs, next } = await open(FAST);
    const served = registry.resolve('demo');
    renameSync(lab.dir, join(lab.root, 'rules.old'));
    await registry.reload();
    expect(registry.resolve('demo')).toBe(served);
    expect(logs.some((log) => log.level === 'error' && log.message.includes('cannot read'))).toBe(true);
    // A deploy swaps in a new directory: its version is picked up, and so are later edits in it.
    mkdirSync(join(lab.root, 'rules.new'));
    writeFileSync(join(lab.root, 'rules.new', 'demo.yaml'), ruleSet({ version: '2026.12.0' }));
    const swapped = next((e) => e.type === 'loaded' && e.ruleSet.version === '2026.12.0');
    renameSync(join(lab.root, 'rules.new'), lab.dir);
    await swapped;
    const edited = next((e) => e.type === 'loaded' && e.ruleSet.version === '2026.12.1');
    write('demo.yaml', ruleSet({ version: '2026.12.1' }));
    await edited;
    // The old directory is no longer watched: edits there change nothing.
    writeFileSync(join(lab.root, 'rules.old', 'demo.yaml'), ruleSet({ version: '2027.1.0' }));
    await registry.reload();
    expect(registry.resolve('demo').version).toBe('2026.12.1');
  });

  it('follows a directory deleted and made again at once (often with the same inode)', async () => {
    write('demo.yaml', THREE);
    const { registry, next } = await open(FAST);
    const served = registry.resolve('demo');
    rmSync(lab.dir, { recursive: true });
    mkdirSync(lab.dir);
    await registry.reload();
    expect(registry.resolve('demo')).toBe(served);
    // Written after the new directory is watched: only a watcher on the path, not on the deleted inode, sees it.
    await new Promise((resolve) => setTimeout(resolve, 10 * FAST.debounceMs));
    const loaded = next((e) => e.type === 'loaded' && e.ruleSet.version === '2026.12.0');
    write('demo.yaml', ruleSet({ version: '2026.12.0' }));
    await loaded;
    expect(registry.resolve('demo').version).toBe('2026.12.0');
  });
});

describe('what the registry never reads', () => {
  it('skips links out, FIFOs, devices, subdirectories and files over the limit, each with its reason', async () => {
    write('demo.yaml', THREE);
    writeFileSync(join(lab.root, 'outside.yaml'), ruleSet({ id: 'outside' }));
    symlinkSync(join(lab.root, 'outside.yaml'), join(lab.dir, 'out.yaml'));
    symlinkSync('/etc/passwd', join(lab.dir, 'passwd.yaml'));
    symlinkSync('/dev/zero', join(lab.dir, 'zero.yaml'));
    execFileSync('mkfifo', [join(lab.dir, 'pipe.yaml')]);
    mkdirSync(join(lab.dir, 'sub.yaml'));
    writeFileSync(join(lab.dir, 'sub.yaml', 'inner.yaml'), ruleSet({ id: 'inner' }));
    write('huge.yaml', ruleSet({ id: 'huge', extra: `# ${'x'.repeat(5000)}\n` }));
    const { registry, events, logs } = await open({ maxFileBytes: 4096 });
    expect(registry.list().map((r) => r.id)).toEqual(['demo']);
    const reasons = Object.fromEntries(events.filter((e) => e.type === 'failed').map((e) => [e.file, (e as { error: string }).error]));
    expect(reasons).toEqual({
      'out.yaml': expect.stringContaining('outside the rule-set directory'),
      'passwd.yaml': expect.stringContaining('outside the rule-set directory'),
      'zero.yaml': expect.stringContaining('outside the rule-set directory'),
      'pipe.yaml': 'not a regular file',
      'sub.yaml': 'not a regular file',
      'huge.yaml': expect.stringMatching(/too large \(\d+ bytes\)/),
    });
    for (const file of Object.keys(reasons)) expect(logs.some((log) => log.level === 'error' && log.message.includes(file))).toBe(true);
    for (const ref of ['outside', 'inner', '../outside.yaml', 'demo@../outside', 'sub.yaml/inner', 'demo\0']) notFound(() => registry.resolve(ref));
  });
});
