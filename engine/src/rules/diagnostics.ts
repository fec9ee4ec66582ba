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
  | 'bad_base' // `extends`: not id@version, not found, in a cycle, does not compile, or a template defined twice
  | 'limit' // too many rules, nodes, or too deep
  | WarningCode;

/**
 * Warnings (issue 15): the rule set still loads; `gridcode check` and
 * ValidateRuleSet show them like errors, marked `warning`.
 */
export type WarningCode =
  | 'out_of_range' // a share, ratio or correlation compared with a constant outside its range: always or never true
  | 'contradiction' // bounds on one operand within one `and` that no value meets together
  | 'never_fires'; // the rule's `when` is false for every consumer

export const WARNING_CODES: ReadonlySet<DiagnosticCode> = new Set<WarningCode>(['out_of_range', 'contradiction', 'never_fires']);

export function isWarning(code: DiagnosticCode): code is WarningCode {
  return WARNING_CODES.has(code);
}

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

/**
 * The order diagnostics are shown in: by place, except that a rule's
 * `never_fires` (whose span is the whole `when`) comes after the warnings
 * inside it, which explain it; a reader meets the cause before the verdict.
 */
export function byPlace(a: { readonly code: DiagnosticCode; readonly span: Span }, b: { readonly code: DiagnosticCode; readonly span: Span }): number {
  const at = (d: typeof a): number => (d.code === 'never_fires' ? d.span.end : d.span.start);
  return at(a) - at(b) || Number(a.code === 'never_fires') - Number(b.code === 'never_fires') || a.span.start - b.span.start || a.span.end - b.span.end;
}
