// Tells the registry which files of the rule-set directory changed. Editors
// and copy tools write a file in several steps, and fs.watch reports each one
// (often twice), so events are debounced per file: the registry reads a file
// once it has been quiet for `debounceMs`.
//
// fs.watch follows the directory's inode, not its path: once the directory is
// renamed away (a deploy that swaps `rules` for `rules.new`), it would report
// changes to the old one and none to the one now at the path. It does report
// the rename itself, under the directory's own name, as it reports a delete;
// the watcher then watches the path again (polling until a directory is back
// there) and asks for a full rescan.
import { statSync, watch, type FSWatcher } from 'node:fs';
import { basename } from 'node:path';

export interface DirectoryWatcher {
  close(): void;
}

export interface WatchOptions {
  readonly debounceMs: number;
  /** Called with the file name, or with undefined when the platform did not say which file (rescan all). */
  readonly onChange: (name: string | undefined) => void;
  readonly onError: (error: Error) => void;
  /** How often to look for a directory at the path again after it was moved away; default 5 × debounceMs. */
  readonly retryMs?: number;
}

export function watchDirectory(dir: string, { debounceMs, onChange, onError, retryMs = 5 * debounceMs }: WatchOptions): DirectoryWatcher {
  const timers = new Map<string, NodeJS.Timeout>();
  let closed = false;
  let watcher: FSWatcher | undefined;
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
  const directoryAtPath = (): boolean => {
    try {
      return statSync(dir).isDirectory();
    } catch {
      return false;
    }
  };
  const start = () => {
    // Not recursive: rule sets live directly in the directory.
    const started: FSWatcher = watch(dir, { persistent: false }, (_event, filename) => {
      if (closed || started !== watcher) return;
      const name = filename === null ? undefined : String(filename);
      // An event about the directory itself: it was renamed, replaced or deleted and made again. Watch the path
      // afresh whatever its inode says: ext4 often gives a directory made again at once the inode it had.
      if (name === undefined || name === basename(dir)) return moved();
      // '\0' cannot be in a file name, so the rescan key never collides with one.
      settle(name ?? '\0', name);
    });
    started.on('error', (error) => {
      if (!closed && started === watcher) onError(error);
    });
    watcher = started;
  };
  const moved = () => {
    watcher?.close();
    watcher = undefined;
    settle('\0', undefined);
    const again = () => {
      if (closed) return;
      if (!directoryAtPath()) {
        timers.set('\0retry', setTimeout(again, retryMs).unref());
        return;
      }
      try {
        start();
      } catch (error) {
        // Watching again may fail for a moment (a chmod in progress, a directory being replaced): try again later.
        onError(error as Error);
        timers.set('\0retry', setTimeout(again, retryMs).unref());
        return;
      }
      settle('\0', undefined);
    };
    again();
  };
  start();
  return {
    close() {
      closed = true;
      watcher?.close();
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
