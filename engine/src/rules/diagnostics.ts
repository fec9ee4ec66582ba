// Diagnostics of rule sets: a closed set of stable codes, a span into the
// rule-set file, and a rendering with the line and a caret under the place.

export type DiagnosticCode =
  | 'syntax' // the expression language: unexpected token, unclosed parenthesis…
  | 'yaml' // the file is not YAML/JSON
  | 'schema' // a key missing, unknown, or of the wrong type in the rule-set document
  | 'unknown_name'
  | 'unknown_enum'
  | 'unknown_function'
  | 'type_mismatch'
  | 'duplicate_rule'
  | 'bad_template'
  | 'bad_thresholds'
  | 'limit'; // too many rules, nodes, or too deep

/** Offsets into the rule-set source text, [start, end). */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly message: string;
  /** Offsets into the whole rule-set file (not into one expression). */
  readonly span: Span;
  /** The rule the problem is in; absent for the header. */
  readonly rule?: string;
  /** 1-based, of span.start. */
  readonly line: number;
  readonly column: number;
}
