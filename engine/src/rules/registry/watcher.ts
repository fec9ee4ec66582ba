// Tells the registry which files of the rule-set directory changed. Editors
// and copy tools write a file in several steps, and fs.watch reports each one
// (often twice), so events are debounced per file: the registry reads a file
// once it has been quiet for `debounceMs`.
import { watch, type FSWatcher } from 'node:fs';

export interface DirectoryWatcher {
  close(): void;
}

export interface WatchOptions {
  readonly debounceMs: number;
  /** Called with the file name, or with undefined when the platform did not say which file (rescan all). */
  readonly onChange: (name: string | undefined) => void;
  readonly onError: (error: Error) => void;
}

export function watchDirectory(dir: string, { debounceMs, onChange, onError }: WatchOptions): DirectoryWatcher {
  const timers = new Map<string, NodeJS.Timeout>();
  let closed = false;
  const settle = (key: string, name: string | undefined) => {
    clearTimeout(timers.get(key));
    const timer = setTimeout(() => {
      timers.delete(key);
      if (!closed) onChange(name);
    }, debounceMs);
    // The watcher alone never keeps a process alive (a CLI or a test that forgets close() still exits).
    timer.unref();
    timers.set(key, timer);
  };
  // Not recursive: rule sets live directly in the directory.
  const watcher: FSWatcher = watch(dir, { persistent: false }, (_event, filename) => {
    if (closed) return;
    const name = filename === null ? undefined : String(filename);
    // '\0' cannot be in a file name, so the rescan key never collides with one.
    settle(name ?? '\0', name);
  });
  watcher.on('error', (error) => {
    if (!closed) onError(error);
  });
  return {
    close() {
      closed = true;
      watcher.close();
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
