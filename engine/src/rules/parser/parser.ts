// Recursive descent with one function per precedence level, lowest first:
//   or < and < not < comparison (and `in`) < additive < multiplicative
//   < unary minus < call / primary
// `not` sits below the comparisons so that `not night_share > 0.3` reads as
// `not (night_share > 0.3)`, as it does in SQL and Python.
//
// Comparisons do not chain: `0.2 < x < 0.5` is a syntax error that shows the
// fix (`0.2 < x and x < 0.5`). Chaining means two different things in Python
// and C, and a rule set must not be read two ways.
//
// Errors. Slips whose intent is clear (a chained comparison, a missing `)` at
// the end) are reported and repaired, so the checker can still report the
// rest of the expression. Anything else stops this expression (a thrown
// Abort); the rule-set compiler goes on with the next rule. Depth and node
// count are bounded (limits.ts) so that hostile input ends in a `limit`
// diagnostic long before the JS stack does.
import type { Span } from '../diagnostics.js';
import { MAX_NESTING, MAX_NODES_PER_EXPRESSION } from '../limits.js';
import { cover, problem, type Problem } from '../problem.js';
import { COMPARISONS, describe, type Token } from '../lexer/token.js';
import type { BinaryOp, ComparisonOp, Expr, NameNode, NumberNode } from './ast.js';

export interface ParseResult {
  /** Absent when the expression could not be parsed at all. */
  readonly expr?: Expr;
  readonly problems: Problem[];
  /** Nodes built, for the rule set's total node limit. */
  readonly nodes: number;
}

/** Thrown to abandon the expression after a problem that has no sensible repair. */
class Abort extends Error {}

export function parse(tokens: readonly Token[]): ParseResult {
  const parser = new Parser(tokens);
  try {
    const expr = parser.parseOr();
    const next = parser.peek();
    if (next.kind !== 'eof') {
      const message = next.kind === ')' ? 'unmatched `)`' : `expected an operator or the end of the expression, found ${describe(next)}`;
      parser.problems.push(problem('syntax', message, next.span));
      return { problems: parser.problems, nodes: parser.nodes };
    }
    return { expr, problems: parser.problems, nodes: parser.nodes };
  } catch (e) {
    if (e instanceof Abort) return { problems: parser.problems, nodes: parser.nodes };
    throw e;
  }
}

class Parser {
  readonly problems: Problem[] = [];
  nodes = 0;
  private pos = 0;
  private depth = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  peek(offset = 0): Token {
    // The lexer always ends with `eof`; past it we keep returning it.
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.pos++;
    return token;
  }

  private fail(message: string, span: Span, code: 'syntax' | 'limit' = 'syntax'): never {
    this.problems.push(problem(code, message, span));
    throw new Abort();
  }

  /** Counts a node; every node goes through here so the limit is exact. */
  private node<T extends Expr>(node: T): T {
    if (++this.nodes > MAX_NODES_PER_EXPRESSION) {
      this.fail(`expression has more than ${MAX_NODES_PER_EXPRESSION} parts; split it into several rules`, node.span, 'limit');
    }
    return node;
  }

  private enter(span: Span): void {
    if (++this.depth > MAX_NESTING) this.fail(`expression is nested more than ${MAX_NESTING} deep`, span, 'limit');
  }

  parseOr(): Expr {
    let left = this.parseAnd();
    while (this.peek().kind === 'or') left = this.binary('or', left, this.next().span, this.parseAnd());
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseNot();
    while (this.peek().kind === 'and') left = this.binary('and', left, this.next().span, this.parseNot());
    return left;
  }

  private parseNot(): Expr {
    if (this.peek().kind !== 'not') return this.parseComparison();
    const op = this.next();
    this.enter(op.span);
    const operand = this.parseNot();
    this.depth--;
    return this.node({ kind: 'unary', op: 'not', operand, span: cover(op.span, operand.span), opSpan: op.span });
  }

  private parseComparison(): Expr {
    const left = this.parseAdditive();
    let result = this.comparisonAfter(left);
    if (result === left) return left;
    // A chain: report once, then read on as `a < b and b < c` to check the rest.
    let previous = result;
    while (COMPARISONS.has(this.peek().kind) || this.startsIn()) {
      const op = this.peek();
      this.problems.push(problem('syntax', `comparisons do not chain: write \`a ${previousOp(previous)} b and b ${op.text} c\``, op.span));
      const middle = previous.kind === 'binary' ? previous.right : previous.kind === 'in' ? previous.subject : previous;
      const next = this.comparisonAfter(middle);
      result = this.binary('and', result, op.span, next);
      previous = next;
    }
    return result;
  }

  private startsIn(): boolean {
    return this.peek().kind === 'in' || (this.peek().kind === 'not' && this.peek(1).kind === 'in');
  }

  /** `left ⋈ right` or `left [not] in [...]` when one follows, else `left` itself. */
  private comparisonAfter(left: Expr): Expr {
    const kind = this.peek().kind;
    if (COMPARISONS.has(kind)) {
      const op = this.next();
      return this.binary(kind as ComparisonOp, left, op.span, this.parseAdditive());
    }
    if (!this.startsIn()) return left;
    const first = this.next();
    const negated = first.kind === 'not';
    const opSpan = negated ? cover(first.span, this.next().span) : first.span;
    const open = this.peek();
    if (open.kind !== '[') this.fail(`\`in\` needs a list such as [residential, commercial], found ${describe(open)}`, open.span);
    this.next();
    const items: (NumberNode | NameNode)[] = [];
    while (this.peek().kind !== ']') {
      items.push(this.listItem());
      if (this.peek().kind === ',') this.next();
      else if (this.peek().kind !== ']') this.fail(`expected \`,\` or \`]\` in the list, found ${describe(this.peek())}`, this.peek().span);
    }
    const close = this.next();
    if (items.length === 0) this.problems.push(problem('syntax', 'an empty list never matches; list at least one value', cover(open.span, close.span)));
    return this.node({ kind: 'in', subject: left, items, negated, span: cover(left.span, close.span), opSpan });
  }

  /** A list holds literals only: numbers (maybe negative) and enum words. */
  private listItem(): NumberNode | NameNode {
    const token = this.peek();
    if (token.kind === 'number') {
      this.next();
      return this.node({ kind: 'number', value: token.value!, span: token.span });
    }
    if (token.kind === '-' && this.peek(1).kind === 'number') {
      this.next();
      const number = this.next();
      return this.node({ kind: 'number', value: -number.value!, span: cover(token.span, number.span) });
    }
    if (token.kind === 'ident') {
      this.next();
      return this.node({ kind: 'name', name: token.text, span: token.span });
    }
    if (token.kind === 'eof') this.fail('the list is never closed: expected `]`', token.span);
    return this.fail(`a list holds numbers or enum words, found ${describe(token)}`, token.span);
  }

  private parseAdditive(): Expr {
    let left = this.parseMultiplicative();
    for (let kind = this.peek().kind; kind === '+' || kind === '-'; kind = this.peek().kind) {
      left = this.binary(kind, left, this.next().span, this.parseMultiplicative());
    }
    return left;
  }

  private parseMultiplicative(): Expr {
    let left = this.parseUnary();
    for (let kind = this.peek().kind; kind === '*' || kind === '/'; kind = this.peek().kind) {
      left = this.binary(kind, left, this.next().span, this.parseUnary());
    }
    return left;
  }

  private parseUnary(): Expr {
    if (this.peek().kind !== '-') return this.parsePrimary();
    const op = this.next();
    this.enter(op.span);
    const operand = this.parseUnary();
    this.depth--;
    return this.node({ kind: 'unary', op: 'neg', operand, span: cover(op.span, operand.span), opSpan: op.span });
  }

  private parsePrimary(): Expr {
    const token = this.next();
    switch (token.kind) {
      case 'number':
        return this.node({ kind: 'number', value: token.value!, span: token.span });
      case 'true':
      case 'false':
        return this.node({ kind: 'bool', value: token.kind === 'true', span: token.span });
      case 'ident':
        return this.peek().kind === '(' ? this.call(token) : this.node({ kind: 'name', name: token.text, span: token.span });
      case '(': {
        this.enter(token.span);
        const inner = this.parseOr();
        this.depth--;
        const close = this.close(token, inner);
        // The parentheses belong to the expression: a message quoting it, or a caret under it, shows `(night_share)`, never `night_share)`.
        return { ...inner, span: cover(token.span, close) };
      }
      case 'eof':
        return this.fail('the expression ends too early: expected a value', token.span);
      case 'not':
        return this.fail(`\`${token.text}\` cannot stand here: put the negation in parentheses`, token.span);
      default:
        return this.fail(`expected a value, found ${describe(token)}`, token.span);
    }
  }

  private call(callee: Token): Expr {
    const open = this.next();
    this.enter(open.span);
    const args: Expr[] = [];
    if (this.peek().kind !== ')') {
      for (;;) {
        args.push(this.parseOr());
        if (this.peek().kind !== ',') break;
        this.next();
      }
    }
    this.depth--;
    const close = this.close(open, args[args.length - 1] ?? callee);
    return this.node({ kind: 'call', callee: callee.text, calleeSpan: callee.span, args, span: cover(callee.span, close) });
  }

  /** Consumes the `)` of `open`; a missing one at the very end is repaired. Returns the closing span. */
  private close(open: Token, last: { span: Span }): Span {
    const token = this.peek();
    if (token.kind === ')') return this.next().span;
    if (token.kind === 'eof') {
      this.problems.push(problem('syntax', '`(` is never closed: add `)`', open.span));
      return last.span;
    }
    return this.fail(`expected \`)\` or an operator, found ${describe(token)}`, token.span);
  }

  private binary(op: BinaryOp, left: Expr, opSpan: Span, right: Expr): Expr {
    return this.node({ kind: 'binary', op, left, right, span: cover(left.span, right.span), opSpan });
  }
}

function previousOp(node: Expr): string {
  if (node.kind === 'binary') return node.op;
  return node.kind === 'in' ? 'in' : '<';
}
