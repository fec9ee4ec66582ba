// What a fired rule compared, for the inspector: each comparison in its `when`
// (parsed again with the engine's lexer and parser, from the text RuleInfo
// carries) with the values of the consumer's evidence put in, e.g.
// `night_share 0.62 > 0.35`. A side that is a lone feature shows its name and
// value; a constant, as written; an expression of features, its text and its
// value (`2 * baseline_kw (= 2.4)`). Comparisons of enum attributes (category,
// zone, watch) are left out: evidence holds numbers only, and the reason text
// says what they are. Every comparison shown is one that held for the rule to
// fire: under an odd number of `not`s its complement is shown (`not (x < 0.8)`
// as `x 0.91 >= 0.8`; with a NaN side, which fails every comparison, as
// `not (x NaN < 0.8)`); one that does not hold (a branch of an `or`) says so.
import type { BinaryNode, Expr, InNode } from '../../engine/src/rules/parser/ast.js';
import { lex } from '../../engine/src/rules/lexer/lexer.js';
import { parse } from '../../engine/src/rules/parser/parser.js';

/** A comparison or `in` test of a `when`, and whether an odd number of `not`s encloses it. */
interface Found {
  readonly node: BinaryNode | InNode;
  readonly negated: boolean;
}

/** The comparison that holds when `a op b` does not (for numbers that are not NaN). */
const COMPLEMENT: Readonly<Record<string, BinaryNode['op']>> = { '<': '>=', '<=': '>', '>': '<=', '>=': '<', '==': '!=', '!=': '==' };

/** The comparisons of one `when`, parsed once per rule. */
export class RuleComparisons {
  private readonly nodes: readonly Found[];

  constructor(readonly when: string) {
    const lexed = lex(when);
    const parsed = lexed.problems.length === 0 ? parse(lexed.tokens) : undefined;
    // A response's `when` compiled when it was scored; one that does not parse now (an older syntax) shows no comparisons.
    this.nodes = parsed?.expr && parsed.problems.length === 0 ? comparisonsIn(parsed.expr, false) : [];
  }

  /** Each comparison with a feature value in it, `; `-separated; '' when there is none. */
  describe(values: Readonly<Record<string, number>>): string {
    const out: string[] = [];
    for (const { node, negated } of this.nodes) {
      const shown = node.kind === 'in' ? this.describeIn(node, negated, values) : this.describeComparison(node, negated, values);
      if (shown !== undefined) out.push(shown);
    }
    return out.join(', ');
  }

  private describeComparison(node: BinaryNode, negated: boolean, values: Readonly<Record<string, number>>): string | undefined {
    const left = evaluate(node.left, values);
    const right = evaluate(node.right, values);
    if (!readsValue(node.left, values) && !readsValue(node.right, values)) return undefined;
    const sides = (op: string) => `${this.side(node.left, left)} ${op} ${this.side(node.right, right)}`;
    if (!negated) return left === undefined || right === undefined || !surelyFails(node.op, left, right) ? sides(node.op) : `${sides(node.op)} (not met)`;
    // NaN fails every comparison, its complement too: what held is the `not` of the comparison as written.
    if (Number.isNaN(left) || Number.isNaN(right)) return `not (${sides(node.op)})`;
    const op = COMPLEMENT[node.op]!;
    return left === undefined || right === undefined || !surelyFails(op, left, right) ? sides(op) : `${sides(op)} (not met)`;
  }

  private describeIn(node: InNode, negated: boolean, values: Readonly<Record<string, number>>): string | undefined {
    const subject = evaluate(node.subject, values);
    if (subject === undefined || !readsValue(node.subject, values) || node.items.some((item) => item.kind !== 'number')) return undefined;
    const items = node.items.map((item) => (item.kind === 'number' ? item.value : NaN));
    // `not (x in [...])` is `x not in [...]`, and `not (x not in [...])` is `x in [...]`.
    const not = node.negated !== negated;
    const text = `${this.side(node.subject, subject)} ${not ? 'not in' : 'in'} [${node.items.map((item) => this.text(item)).join(', ')}]`;
    return items.includes(subject) !== not ? text : `${text} (not met)`;
  }

  private side(expr: Expr, value: number | undefined): string {
    if (expr.kind === 'number' || value === undefined) return this.text(expr);
    if (expr.kind === 'name') return `${expr.name} ${formatValue(value)}`;
    return `${this.text(expr)} (= ${formatValue(value)})`;
  }

  private text(expr: Expr): string {
    return this.when.slice(expr.span.start, expr.span.end).replace(/\s+/g, ' ');
  }
}

/** A value as a list shows it: 4 significant digits (evidence values are float32), whole numbers from 10 000 up; NaN for undefined. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (Math.abs(value) >= 1e4) return String(Math.round(value));
  return String(Number(value.toPrecision(4)));
}

/** The comparisons and `in` tests of an expression, in source order, each with its polarity: `negated` flips at each `not`. */
function comparisonsIn(expr: Expr, negated: boolean): Found[] {
  switch (expr.kind) {
    case 'binary':
      if (expr.op === 'and' || expr.op === 'or') return [...comparisonsIn(expr.left, negated), ...comparisonsIn(expr.right, negated)];
      return Object.hasOwn(COMPLEMENT, expr.op) ? [{ node: expr, negated }] : [];
    case 'unary':
      return expr.op === 'not' ? comparisonsIn(expr.operand, !negated) : [];
    case 'in':
      return [{ node: expr, negated }];
    default:
      return [];
  }
}

/** Whether the expression reads a name the evidence has a value for. */
function readsValue(expr: Expr, values: Readonly<Record<string, number>>): boolean {
  switch (expr.kind) {
    case 'name':
      return Object.hasOwn(values, expr.name);
    case 'unary':
      return readsValue(expr.operand, values);
    case 'binary':
      return readsValue(expr.left, values) || readsValue(expr.right, values);
    case 'call':
      return expr.args.some((arg) => readsValue(arg, values));
    default:
      return false;
  }
}

/** The numeric value of an expression from the evidence, as the engine computes it (NaN propagates); undefined when it reads anything else. */
function evaluate(expr: Expr, values: Readonly<Record<string, number>>): number | undefined {
  switch (expr.kind) {
    case 'number':
      return expr.value;
    case 'name':
      return Object.hasOwn(values, expr.name) ? values[expr.name] : undefined;
    case 'unary': {
      const operand = expr.op === 'neg' ? evaluate(expr.operand, values) : undefined;
      return operand === undefined ? undefined : -operand;
    }
    case 'binary': {
      const a = evaluate(expr.left, values);
      const b = evaluate(expr.right, values);
      if (a === undefined || b === undefined) return undefined;
      if (expr.op === '+') return a + b;
      if (expr.op === '-') return a - b;
      if (expr.op === '*') return a * b;
      if (expr.op === '/') return a / b;
      return undefined;
    }
    case 'call': {
      const args = expr.args.map((arg) => evaluate(arg, values));
      if (args.some((arg) => arg === undefined)) return undefined;
      const [a, b] = args as number[];
      if (expr.callee === 'abs' && args.length === 1) return Math.abs(a!);
      // The engine's min and max propagate NaN (rules.md: arithmetic propagates it), as Math.min does.
      if (expr.callee === 'min' && args.length === 2) return Math.min(a!, b!);
      if (expr.callee === 'max' && args.length === 2) return Math.max(a!, b!);
      return undefined;
    }
    default:
      return undefined;
  }
}

/**
 * Whether the comparison is false for the values the engine compared. Evidence
 * is float32 and the engine compared float64: sides equal as float32 may have
 * differed, so only a comparison false by a float32 margin is called not met.
 */
function surelyFails(op: BinaryNode['op'], a: number, b: number): boolean {
  const a32 = Math.fround(a);
  const b32 = Math.fround(b);
  if (a32 === b32) return false;
  return !holds(op, a32, b32);
}

function holds(op: BinaryNode['op'], a: number, b: number): boolean {
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    default:
      return false;
  }
}
