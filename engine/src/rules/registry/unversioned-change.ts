// "One id@version means one content" (registry.ts): why a file's new rule set
// may not replace what the same file served under the same id@version. Two
// exceptions keep real edits working: the same content, and the rest of a
// half-written file arriving (what was served is the start of the new text).
import type { CompiledRuleSet } from '../program.js';
import { ruleSetRef } from './snapshot.js';

/** Why `next` may not replace `served` from the same file: the same id@version with other content that does not extend it. */
export function unversionedChange(served: CompiledRuleSet | undefined, next: CompiledRuleSet): string | undefined {
  if (!served || ruleSetRef(served) !== ruleSetRef(next) || served.digest === next.digest) return undefined;
  // The same text, another digest: its `extends` base has other content now (rules/bases.ts).
  if (next.source === served.source) return `${ruleSetRef(next)} changed without a new version: its base ${next.extends ?? ''} has other content now (digest ${next.digest}, served ${served.digest}); give it a new version`;
  // The rest of a half-written file: what was served is the start of it.
  if (next.source.startsWith(served.source)) return undefined;
  const ref = ruleSetRef(next);
  if (served.source.startsWith(next.source)) {
    return `it holds only the first ${next.source.length} of the ${served.source.length} characters of ${ref} it served: truncated or half-written; it is read again when it changes`;
  }
  return `${ref} changed without a new version (digest ${next.digest}, served ${served.digest}): one version must mean one content; give it a new version`;
}
