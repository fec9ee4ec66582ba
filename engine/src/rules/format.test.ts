import { describe, expect, test } from 'vitest';
import type { Diagnostic } from './diagnostics.js';
import { formatDiagnostic, formatDiagnostics } from './format.js';
import { compileRuleSet } from './compile-rule-set.js';

const source = 'id: t\nrules:\n  - id: night\n    when: nigth_share > 0.35\n';
const at = (start: number, end: number, line: number, column: number, extra: Partial<Diagnostic> = {}): Diagnostic => ({
  code: 'unknown_name', message: 'unknown name', span: { start, end }, line, column, ...extra,
});

describe('format', () => {
  test('header, line, caret under the span', () => {
    const start = source.indexOf('nigth');
    expect(formatDiagnostic(at(start, start + 11, 4, 11, { rule: 'night' }), source, 'r.yaml')).toBe(
      ['r.yaml:4:11: error[unknown_name] (rule night): unknown name', ' 4 |     when: nigth_share > 0.35', '   |           ^~~~~~~~~~~'].join('\n'),
    );
  });

  test('an empty span gets one caret; a span past the line end stops at it', () => {
    expect(formatDiagnostic(at(5, 5, 1, 6), source).split('\n')[2]).toBe('   |      ^');
    expect(formatDiagnostic(at(0, source.length, 1, 1), source).split('\n')[2]).toBe('   | ^~~~~');
  });

  test('long lines are clipped around the span, tabs kept aligned', () => {
    const long = 'x'.repeat(300) + 'HERE' + 'y'.repeat(300);
    const lines = formatDiagnostic(at(300, 304, 1, 301), long).split('\n');
    expect(lines[1]!.length).toBeLessThan(120);
    const caret = lines[2]!.indexOf('^');
    expect(lines[1]!.slice(caret, caret + 4)).toBe('HERE');
    const tabbed = '\tid:\tx';
    const t = formatDiagnostic(at(5, 6, 1, 6), tabbed).split('\n');
    expect(t[1]!.indexOf('x')).toBe(t[2]!.indexOf('^'));
  });

  test('formats what the compiler reports', () => {
    const bad = 'id: t\nversion: "1"\nthresholds: { yellow: 40, red: 70 }\nrules:\n  - id: night\n    when: nigth_share > 0.35\n    score: 10\n';
    const text = formatDiagnostics(compileRuleSet(bad).diagnostics, bad, 'rules/t.yaml');
    expect(text).toBe(
      [
        'rules/t.yaml:6:11: error[unknown_name] (rule night): unknown name `nigth_share`; did you mean `night_share`?',
        ' 6 |     when: nigth_share > 0.35',
        '   |           ^~~~~~~~~~~',
      ].join('\n'),
    );
  });
});
