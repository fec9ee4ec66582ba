// A folder laid out and updated as the kubelet does a ConfigMap volume
// (AtomicWriter, kubernetes pkg/volume/util/atomic_writer.go):
//   dir/..2026_12_05_08_00_00.000000001/default.yaml   the content, in a timestamped dir
//   dir/..data -> ..2026_12_05_08_00_00.000000001
//   dir/default.yaml -> ..data/default.yaml            what a reader opens
// An update writes a new timestamped dir, points a new `..data_tmp` link at
// it, renames that over `..data` (the one atomic step), adds links for new
// keys, removes the links of keys gone, and deletes the old dir. The links a
// reader opens never change themselves: only `..data` does.
import { mkdirSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ConfigMapVolume {
  /** One kubelet update of the volume to exactly `files` (key → content); the first call lays it out. */
  write(files: Readonly<Record<string, string>>): void;
  /**
   * The same update one step at a time: now the new timestamped dir and the `..data_tmp` link to it (nothing a reader
   * opens changes); `swap()` renames `..data_tmp` over `..data`, the one step that changes what readers see; `finish()`
   * then adds the new keys' links, removes the gone keys' ones, and deletes the old dir.
   */
  stage(files: Readonly<Record<string, string>>): { swap(): void; finish(): void };
}

export function configMapVolume(dir: string): ConfigMapVolume {
  let generation = 0;
  let current = '';
  let keys: string[] = [];
  const stage = (files: Readonly<Record<string, string>>) => {
    const stamped = `..2026_12_05_08_00_00.${String(++generation).padStart(9, '0')}`;
    mkdirSync(join(dir, stamped));
    for (const [key, content] of Object.entries(files)) writeFileSync(join(dir, stamped, key), content);
    symlinkSync(stamped, join(dir, '..data_tmp'));
    return {
      swap: () => renameSync(join(dir, '..data_tmp'), join(dir, '..data')),
      finish() {
        for (const key of Object.keys(files)) {
          if (!keys.includes(key)) symlinkSync(join('..data', key), join(dir, key));
        }
        for (const key of keys) if (!(key in files)) unlinkSync(join(dir, key));
        if (current) rmSync(join(dir, current), { recursive: true });
        current = stamped;
        keys = Object.keys(files);
      },
    };
  };
  return {
    stage,
    write(files) {
      const update = stage(files);
      update.swap();
      update.finish();
    },
  };
}
