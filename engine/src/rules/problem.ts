// What every stage reports: a diagnostic before it is placed in the file.
// Expression stages (lexer, parser, checker) give spans local to the `when`
// text; compile-rule-set.ts maps them to file offsets and adds rule, line and
// column, so those stages never need to know about YAML.
import type { DiagnosticCode, Span } from './diagnostics.js';

export interface Problem {
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly span: Span;
}

export function problem(code: DiagnosticCode, message: string, span: Span): Problem {
  return { code, message, span };
}

/** The span covering both (for a node built from its first and last parts). */
export function cover(a: Span, b: Span): Span {
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}
