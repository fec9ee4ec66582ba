// How a compilation's problems become its diagnostics: placed in the file
// (line and column), in the order they are shown (diagnostics.ts byPlace),
// at most MAX_DIAGNOSTICS of them, with every `quoted` part of a message
// clipped so that a 9,000-character name does not make a 9,000-character message.
import { byPlace, type Diagnostic } from './diagnostics.js';
import { MAX_DIAGNOSTICS } from './limits.js';
import type { FileProblem } from './source/nodes.js';

/** The problems placed in the file, sorted by place; past MAX_DIAGNOSTICS one `limit` diagnostic stands for the rest. */
export function report(problems: FileProblem[], place: (p: FileProblem) => Diagnostic, kind: 'error' | 'warning' = 'error'): Diagnostic[] {
  problems.sort(byPlace);
  const shown = problems.slice(0, MAX_DIAGNOSTICS).map((p) => place({ ...p, message: clipQuotes(p.message) }));
  if (problems.length <= MAX_DIAGNOSTICS) return shown;
  const first = problems[MAX_DIAGNOSTICS]!;
  // Past the cap of warnings, the next one stands for the rest (still a warning: a `limit` error would fail a file that loads).
  if (kind === 'warning') return [...shown, place({ ...first, message: `${clipQuotes(first.message)}; and ${problems.length - MAX_DIAGNOSTICS - 1} more warnings not shown: a rule set reports at most ${MAX_DIAGNOSTICS}` })];
  return [...shown, place({ code: 'limit', message: `at least ${problems.length - MAX_DIAGNOSTICS} more problems are not shown: a rule set reports at most ${MAX_DIAGNOSTICS}`, span: first.span })];
}

/** Characters of a `quoted` name or text kept in a message; the span shows the rest. */
const QUOTE_CHARS = 60;
/** Every `quoted` part, paired from the left: matching only long runs between backticks would take the text between two quotes for a quote. */
const QUOTE = /`([^`]*)`/g;

/** Messages quote the draft (`name`): a 9,000-character name must not make a 9,000-character message. */
export function clipQuotes(message: string): string {
  return message.replace(QUOTE, (whole, text: string) => (text.length > QUOTE_CHARS ? `\`${text.slice(0, QUOTE_CHARS - 1)}…\`` : whole));
}
