// Renders diagnostics the way rustc and cel do: a header with the place and
// the stable code, the source line, and a caret line under the span:
//
//   rules/default.yaml:12:11: error[unknown_name] (rule night-load): unknown name `nigth_share`; did you mean `night_share`?
//      12 |     when: nigth_share > 0.35
//         |           ^~~~~~~~~~~
//
// Long lines are clipped to a window around the span (with `…`), tabs are
// shown as one space so the caret stays aligned, and a span running past the
// end of its line is underlined to the end of that line.
import { isWarning, type Diagnostic } from './diagnostics.js';
import { LineIndex } from './source/lines.js';

/** Characters of a source line shown around the span. */
const WINDOW = 100;

export function formatDiagnostic(d: Diagnostic, source: string, file = '<rule set>', lines = new LineIndex(source)): string {
  const rule = d.rule === undefined ? '' : ` (rule ${d.rule})`;
  const header = `${file}:${d.line}:${d.column}: ${isWarning(d.code) ? 'warning' : 'error'}[${d.code}]${rule}: ${d.message}`;
  const { text, start: lineStart } = lines.line(d.line);
  const from = Math.max(0, Math.min(d.span.start - lineStart, text.length));
  const to = Math.max(from + 1, Math.min(d.span.end - lineStart, text.length));

  // Clip to a window that starts a little before the span.
  let first = 0;
  let last = text.length;
  if (text.length > WINDOW) {
    first = Math.max(0, Math.min(from - 20, text.length - WINDOW));
    last = Math.min(text.length, first + WINDOW);
  }
  const prefix = first > 0 ? '…' : '';
  const suffix = last < text.length ? '…' : '';
  const shown = prefix + text.slice(first, last).replace(/\t/g, ' ') + suffix;
  const caretFrom = from - first + prefix.length;
  const caretLength = Math.max(1, Math.min(to, last) - Math.max(from, first));
  const gutter = String(d.line);
  const pad = ' '.repeat(gutter.length);
  const caret = ' '.repeat(caretFrom) + '^' + '~'.repeat(caretLength - 1);
  return `${header}\n ${gutter} | ${shown}\n ${pad} | ${caret}`;
}

export function formatDiagnostics(diagnostics: readonly Diagnostic[], source: string, file?: string): string {
  const lines = new LineIndex(source);
  return diagnostics.map((d) => formatDiagnostic(d, source, file, lines)).join('\n\n');
}
