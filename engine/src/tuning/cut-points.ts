// The numeric comparisons of a rule's `when` that tuning may move: a feature
// compared with a number (`night_share > 0.4`, `0.5 < load_factor`) that is
// one of the top-level `and` terms, so that the rule fires exactly when it
// fired before and the feature passes the new number too. Comparisons under
// `or` or `not`, between two features, or with arithmetic are left alone:
// moving them changes the rule in ways the fired/not-fired record of the
// inspected sites cannot tell.
import type { Span } from '../rules/diagnostics.js';
import type { Expr } from '../rules/parser/ast.js';
import { lex } from '../rules/lexer/lexer.js';
import { parse } from '../rules/parser/parser.js';

export type CutOp = '<' | '<=' | '>' | '>=';

/** `feature op value`, as the rule reads it (a mirrored comparison is turned round). */
export interface CutPoint {
  readonly feature: string;
  readonly op: CutOp;
  readonly value: number;
  /** Where the number is written in the `when` text. */
  readonly span: Span;
}

const MIRROR: Readonly<Record<CutOp, CutOp>> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
const isCut = (op: string): op is CutOp => op === '<' || op === '<=' || op === '>' || op === '>=';

/** The movable comparisons of `when`, in text order; [] when it does not parse. */
export function cutPoints(when: string, isFeature: (name: string) => boolean): CutPoint[] {
  const lexed = lex(when);
  if (lexed.problems.length > 0) return [];
  const parsed = parse(lexed.tokens);
  if (!parsed.expr || parsed.problems.length > 0) return [];
  const out: CutPoint[] = [];
  for (const term of andTerms(parsed.expr)) {
    if (term.kind !== 'binary' || !isCut(term.op)) continue;
    const { left, right } = term;
    if (left.kind === 'name' && right.kind === 'number' && isFeature(left.name)) out.push({ feature: left.name, op: term.op, value: right.value, span: right.span });
    else if (left.kind === 'number' && right.kind === 'name' && isFeature(right.name)) out.push({ feature: right.name, op: MIRROR[term.op], value: left.value, span: left.span });
  }
  return out;
}

/** Whether `value op cut` holds; false for NaN, as every comparison with NaN (rules.md). */
export function passes(value: number, op: CutOp, cut: number): boolean {
  return op === '>' ? value > cut : op === '>=' ? value >= cut : op === '<' ? value < cut : value <= cut;
}

/** Whether `next` asks more of the feature than `current` (the only direction tuning moves: see threshold-search.ts). */
export function isTighter(op: CutOp, current: number, next: number): boolean {
  return op === '>' || op === '>=' ? next > current : next < current;
}

function andTerms(expr: Expr): Expr[] {
  if (expr.kind === 'binary' && expr.op === 'and') return [...andTerms(expr.left), ...andTerms(expr.right)];
  return [expr];
}
