// Reading one rule-set file for the CLI (check, --rule-set FILE, the folder
// `extends` bases are looked up in) with the server's limits: at most
// MAX_RULE_SET_BYTES (checked before reading a stray huge file), UTF-8 text.
// The server's own reader (engine/src/rules/registry/rule-set-files.ts) is
// asynchronous and confined to its directory; the CLI reads the paths it is given.
import { readFileSync, statSync } from 'node:fs';
import { MAX_RULE_SET_BYTES } from '../engine/src/rules/registry/index.js';
import { describeFsError } from './errors.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The text of the rule-set file `path`, or why it cannot be had (a sentence without the path). */
export function readRuleSetText(path: string): { readonly source: string } | { readonly error: string } {
  let bytes: Buffer;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) return { error: 'is not a regular file' };
    if (stat.size > MAX_RULE_SET_BYTES) return { error: `${stat.size} bytes; a rule set may have at most ${MAX_RULE_SET_BYTES} bytes` };
    bytes = readFileSync(path);
  } catch (error) {
    return { error: describeFsError(error) };
  }
  try {
    return { source: decoder.decode(bytes) };
  } catch {
    return { error: 'not UTF-8 text (corrupted, or saved in another encoding)' };
  }
}
