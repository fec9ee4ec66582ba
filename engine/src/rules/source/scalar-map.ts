// Maps offsets inside a scalar's value (the `when` text the lexer sees) back
// to offsets in the file. A plain one-line scalar is its own text, so the map
// is a shift. Otherwise YAML has changed the text: quotes and escapes
// (`"a \" b"`, `'it''s'`), line folding (a line break and the next line's
// indentation become one space), block indentation. Those are undone by
// walking value and source side by side: equal characters map to each other,
// a run of source whitespace maps to the whitespace it became, an escape maps
// to its backslash. If the walk loses its way (some construct not foreseen
// here), every offset falls back to the scalar's start: the line is still
// right, only the column is coarse.
import { Scalar } from 'yaml';
import type { Span } from '../diagnostics.js';

export type SpanMap = (local: Span) => Span;

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';

export function scalarSpanMap(source: string, node: Scalar, text: string): SpanMap {
  const [start, valueEnd] = node.range ?? [0, 0];
  const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE;
  if (node.type === Scalar.PLAIN || quoted) {
    const shift = quoted ? 1 : 0; // past the opening quote
    if (source.startsWith(text, start + shift)) return (s) => ({ start: s.start + start + shift, end: s.end + start + shift });
  }
  const offsets = align(source, node, text, start, valueEnd);
  return (s) => {
    const from = offsets[Math.min(s.start, text.length)]!;
    const to = s.end > s.start ? offsets[Math.min(s.end, text.length) - 1]! + 1 : from;
    return { start: from, end: Math.max(from, to) };
  };
}

/** offsets[i] = file offset of text[i]; offsets[text.length] = end of the value. */
function align(source: string, node: Scalar, text: string, start: number, end: number): Int32Array {
  const offsets = new Int32Array(text.length + 1);
  const double = node.type === Scalar.QUOTE_DOUBLE;
  const single = node.type === Scalar.QUOTE_SINGLE;
  let p = start;
  if (double || single) p = start + 1;
  else if (node.type === Scalar.BLOCK_FOLDED || node.type === Scalar.BLOCK_LITERAL) p = source.indexOf('\n', start) + 1 || end;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    for (;;) {
      if (p >= end) return offsets.fill(start);
      const r = source[p]!;
      if (double && r === '\\') {
        if (source[p + 1] === '\n' || source[p + 1] === '\r') {
          // An escaped line break: it and the next line's indentation vanish.
          p += 2;
          while (p < end && isSpace(source[p])) p++;
          continue;
        }
        offsets[i] = p;
        p += escapeLength(source[p + 1]);
        break;
      }
      if (single && r === "'" && source[p + 1] === "'") {
        offsets[i] = p;
        p += 2;
        break;
      }
      if (r === c) {
        offsets[i] = p++;
        break;
      }
      if (isSpace(r)) {
        if (isSpace(c)) {
          // A folded line break (and indentation) that became this space.
          offsets[i] = p;
          while (p < end && isSpace(source[p])) p++;
          break;
        }
        while (p < end && isSpace(source[p])) p++; // indentation
        continue;
      }
      return offsets.fill(start); // lost
    }
  }
  offsets[text.length] = Math.min(p, end);
  return offsets;
}

function escapeLength(next: string | undefined): number {
  if (next === 'x') return 4;
  if (next === 'u') return 6;
  if (next === 'U') return 10;
  return 2;
}
