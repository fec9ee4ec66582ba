// A reference interpreter over the parser's AST, written from rules.md alone
// and independent of the checker and the compiler: it gives the expected
// value of an expression so the table and the bytecode can be checked
// against it. Scalar, JS booleans, IEEE numbers; comparisons with NaN false.
import type { Expr } from '../../engine/src/rules/parser/ast.js';
import { lex } from '../../engine/src/rules/lexer/lexer.js';
import { parse } from '../../engine/src/rules/parser/parser.js';
import { CATEGORY_WORDS, WATCH_WORDS, ZONE_WORDS, Attribute } from '../../engine/src/rules/program.js';
import { CASE_FEATURES, caseInput, type ExpressionCase } from '../../lib/expression-cases.js';

type Value = number | boolean;

export function parseExpr(text: string): Expr {
  const lexed = lex(text);
  const parsed = parse(lexed.tokens);
  if (lexed.problems.length > 0 || parsed.problems.length > 0 || !parsed.expr) {
    throw new Error(`${text}: ${[...lexed.problems, ...parsed.problems].map((p) => p.message).join('; ')}`);
  }
  return parsed.expr;
}

/** Evaluates an expression for a case's values. */
export function evaluateCase(text: string, k: Pick<ExpressionCase, 'values'>): Value {
  const input = caseInput({ expr: text, values: k.values, expected: false });
  const lookup = (name: string): number => {
    const feature = CASE_FEATURES.indexOf(name);
    if (feature >= 0) return input.features[feature]!;
    if (name in Attribute) return input.attributes[Attribute[name as keyof typeof Attribute]]!;
    // The three enums share no word with different codes, so one lookup serves the table.
    const code = (CATEGORY_WORDS as Record<string, number>)[name] ?? (ZONE_WORDS as Record<string, number>)[name] ?? (WATCH_WORDS as Record<string, number>)[name];
    if (code === undefined) throw new Error(`unknown name ${name}`);
    return code;
  };
  return evaluate(parseExpr(text), lookup);
}

const cmp = (op: string, a: number, b: number): boolean => {
  if (Number.isNaN(a) || Number.isNaN(b)) return false;
  return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : op === '>=' ? a >= b : op === '==' ? a === b : a !== b;
};

export function evaluate(e: Expr, lookup: (name: string) => number): Value {
  const num = (x: Expr): number => evaluate(x, lookup) as number;
  const bool = (x: Expr): boolean => evaluate(x, lookup) as boolean;
  switch (e.kind) {
    case 'number':
      return e.value;
    case 'bool':
      return e.value;
    case 'name':
      return lookup(e.name);
    case 'unary':
      return e.op === 'neg' ? -num(e.operand) : !bool(e.operand);
    case 'binary':
      switch (e.op) {
        case 'and':
          return bool(e.left) && bool(e.right);
        case 'or':
          return bool(e.left) || bool(e.right);
        case '+':
          return num(e.left) + num(e.right);
        case '-':
          return num(e.left) - num(e.right);
        case '*':
          return num(e.left) * num(e.right);
        case '/':
          return num(e.left) / num(e.right);
        default:
          return cmp(e.op, num(e.left), num(e.right));
      }
    case 'in': {
      const x = num(e.subject);
      const found = e.items.some((item) => cmp('==', x, item.kind === 'number' ? item.value : lookup(item.name)));
      return e.negated ? !found : found;
    }
    case 'call': {
      const args = e.args.map(num);
      const [a = NaN, b = NaN] = args;
      if (e.callee === 'defined') return !Number.isNaN(a);
      if (e.callee === 'abs') return Math.abs(a);
      if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
      return e.callee === 'min' ? Math.min(a, b) : Math.max(a, b);
    }
  }
}
