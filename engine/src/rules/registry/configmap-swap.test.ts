// The rule-set directory as a Kubernetes ConfigMap volume mounts it, updated
// the way the kubelet updates it (tests/support/configmap-volume.ts): the files
// the registry reads are links (demo.yaml -> ..data/demo.yaml) whose own inode
// never changes; only the `..data` rename (and the timestamped dirs coming
// and going) show up in fs.watch, under names that are not rule-set files.
// The watched registry must still serve the new content, the new keys, and no
// longer the removed ones, and it does so on the `..data` rename itself (the
// registry rereads the folder on any name that is not a rule-set file); a
// plain file beside them is still picked up when edited in place.
import { describe, expect, it } from 'vitest';
import type { RegistryEvent } from './index.js';
import { configMapVolume } from '../../../../tests/support/configmap-volume.js';
import { notFound, ruleSet, rulesLab } from '../../../../tests/support/registry-lab.js';

const lab = rulesLab();
const FAST = { watch: true, debounceMs: 40 } as const;

const loadedVersion = (version: string) => (event: RegistryEvent) => event.type === 'loaded' && event.ruleSet.version === version;

describe('a rule-set directory that is a Kubernetes ConfigMap volume', () => {
  it('serves what each ..data swap brings: changed content, a new key, a key removed', async () => {
    const volume = configMapVolume(lab.dir);
    volume.write({ 'demo.yaml': ruleSet({ version: '2026.12.0' }) });
    const { registry, next } = await open();
    expect(registry.resolve('demo').version).toBe('2026.12.0');

    // Changed content: the link demo.yaml is untouched, only ..data moves.
    const changed = next(loadedVersion('2026.12.1'));
    volume.write({ 'demo.yaml': ruleSet({ version: '2026.12.1', score: 60 }) });
    await changed;
    expect(registry.resolve('demo').version).toBe('2026.12.1');
    expect(registry.resolve('demo').rules[0]!.score).toBe(60);
    notFound(() => registry.resolve('demo@2026.12.0'));

    // A key added to the ConfigMap: a new link, made after the swap.
    const added = next((e) => e.type === 'loaded' && e.ruleSet.id === 'district-a');
    volume.write({ 'demo.yaml': ruleSet({ version: '2026.12.1', score: 60 }), 'district-a.yaml': ruleSet({ id: 'district-a', version: '1' }) });
    await added;
    expect(registry.list().map((r) => `${r.id}@${r.version}`).sort()).toEqual(['demo@2026.12.1', 'district-a@1']);

    // The key removed again: its link goes, its rule set is unloaded.
    const removed = next((e) => e.type === 'removed' && e.file === 'district-a.yaml');
    volume.write({ 'demo.yaml': ruleSet({ version: '2026.12.1', score: 60 }) });
    await removed;
    notFound(() => registry.resolve('district-a'));
    expect(registry.status().map((s) => s.file)).toEqual(['demo.yaml']);
  });

  it('reloads on the ..data rename itself, not on the steps before or after it', async () => {
    const volume = configMapVolume(lab.dir);
    volume.write({ 'demo.yaml': ruleSet({ version: '2026.12.0' }) });
    lab.write('local.yaml', ruleSet({ id: 'local', version: '1' }));
    const { registry, next } = await open();
    // The kubelet's steps before the swap: a new timestamped dir and a ..data_tmp link. Their events come before an
    // edit of local.yaml, so once that edit is loaded they have been handled (the registry handles events in order).
    const update = volume.stage({ 'demo.yaml': ruleSet({ version: '2026.12.1' }) });
    const barrier = next(loadedVersion('2'));
    lab.write('local.yaml', ruleSet({ id: 'local', version: '2' }));
    await barrier;
    expect(registry.resolve('demo').version).toBe('2026.12.0');
    // The rename alone (events on `..data_tmp` and `..data` only; the old dir is still there) brings the new content.
    const swapped = next(loadedVersion('2026.12.1'));
    update.swap();
    await swapped;
    expect(registry.resolve('demo').version).toBe('2026.12.1');
    update.finish();
  });

  it('still picks up a plain file edited in place beside the links', async () => {
    const volume = configMapVolume(lab.dir);
    volume.write({ 'demo.yaml': ruleSet({ version: '2026.12.0' }) });
    lab.write('local.yaml', ruleSet({ id: 'local', version: '1' }));
    const { registry, next } = await open();
    expect(registry.resolve('local').version).toBe('1');
    const edited = next(loadedVersion('2'));
    lab.write('local.yaml', ruleSet({ id: 'local', version: '2' }));
    await edited;
    expect(registry.resolve('local').version).toBe('2');
    // And a swap after that still works.
    const swapped = next(loadedVersion('2026.12.5'));
    volume.write({ 'demo.yaml': ruleSet({ version: '2026.12.5' }) });
    await swapped;
    expect(registry.resolve('demo').version).toBe('2026.12.5');
    expect(registry.resolve('local').version).toBe('2');
  });
});

function open() {
  return lab.open(FAST);
}
