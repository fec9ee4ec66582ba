// Which files of the rule-set directory are rule sets, and reading one of them
// safely: never outside the directory, never more than a size limit, never
// blocking on something that is not a regular file.
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { basename, extname, join, sep } from 'node:path';

/** A rule set larger than this is refused: real ones are a few KiB, templates included. */
export const MAX_RULE_SET_BYTES = 1 << 20;

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/**
 * Rule-set files: `*.yaml`, `*.yml`, `*.json`, but not dotfiles (`.#x.yaml`
 * Emacs locks, `.x.yaml.swp`, and the `.x.yaml.tmp` that an atomic writer
 * renames into place), nor `#x.yaml#` / `x.yaml~` editor leftovers.
 */
export function isRuleSetFileName(name: string): boolean {
  if (name === '' || name.startsWith('.') || name.startsWith('#') || name.endsWith('~')) return false;
  if (name.includes('/') || name.includes('\\')) return false;
  return EXTENSIONS.has(extname(name).toLowerCase());
}

export type FileRead =
  | { readonly kind: 'missing' }
  | { readonly kind: 'error'; readonly error: string; readonly linked?: boolean }
  | {
      readonly kind: 'source';
      readonly source: string;
      /** sha256 of the bytes, hex. */
      readonly sha256: string;
      /** The name is a link: its content changes when the target does, which fs.watch reports under the target's name. */
      readonly linked: boolean;
    };

const decoder = new TextDecoder('utf-8', { fatal: true });
// O_NONBLOCK: a FIFO named x.yaml must not hang the registry. O_NOFOLLOW: the
// path was resolved just before; if it became a link since, refuse it.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0);

/**
 * Reads `name` of the directory whose real path is `realDir`. A file that is
 * gone, or no longer a rule-set file, is `missing`; anything else that keeps it
 * from being compiled (a link out of the directory, not a regular file, too
 * large, not UTF-8, unreadable) is an `error` with the reason.
 */
export async function readRuleSetFile(realDir: string, name: string, maxBytes = MAX_RULE_SET_BYTES): Promise<FileRead> {
  if (!isRuleSetFileName(name)) return { kind: 'missing' };
  let path: string;
  try {
    path = await realpath(join(realDir, name));
  } catch (error) {
    return fsFailure(error);
  }
  // A link may point into the directory (a Kubernetes ConfigMap volume links
  // x.yaml to ..data/x.yaml), never out of it.
  const linked = path !== `${realDir}${sep}${name}`;
  if (!path.startsWith(`${realDir}${sep}`)) return { kind: 'error', error: `it links to ${path}, outside the rule-set directory; ignored`, linked };
  if (!isRuleSetFileName(basename(path))) return { kind: 'error', error: `it links to ${basename(path)}, which is not a rule-set file name; ignored`, linked };
  let handle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (error) {
    return fsFailure(error);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return { kind: 'error', error: 'not a regular file' };
    if (stat.size > maxBytes) return tooLarge(`${stat.size} bytes`, maxBytes);
    // Read until the end, not just stat.size bytes: the file may be growing.
    // One byte more than allowed is enough to know it is too large.
    let buffer = Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > maxBytes) return tooLarge(`more than ${maxBytes} bytes`, maxBytes);
        const grown = Buffer.alloc(Math.min(buffer.length * 2, maxBytes + 1));
        buffer.copy(grown);
        buffer = grown;
      }
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) return tooLarge(`more than ${maxBytes} bytes`, maxBytes);
    const bytes = buffer.subarray(0, length);
    let source: string;
    try {
      source = decoder.decode(bytes);
    } catch {
      return { kind: 'error', error: 'not UTF-8 text (corrupted, or saved in another encoding)' };
    }
    return { kind: 'source', source, sha256: createHash('sha256').update(bytes).digest('hex'), linked };
  } catch (error) {
    return fsFailure(error);
  } finally {
    await handle.close();
  }
}

function tooLarge(size: string, maxBytes: number): FileRead {
  return { kind: 'error', error: `too large (${size}); a rule set may have at most ${maxBytes} bytes` };
}

function fsFailure(error: unknown): FileRead {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
  if (code === 'EACCES' || code === 'EPERM') return { kind: 'error', error: 'permission denied' };
  if (code === 'ELOOP') return { kind: 'error', error: 'a link loop, or it became a link while being read' };
  if (code === 'EISDIR') return { kind: 'error', error: 'a directory, not a file' };
  return { kind: 'error', error: error instanceof Error ? error.message : String(error) };
}
