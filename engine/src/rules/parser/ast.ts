// The syntax tree of one `when` expression, as written: names are not yet
// resolved (that is the checker's job) and every node keeps its span, so the
// checker can point at the exact operand that has the wrong type.
import type { Span } from '../diagnostics.js';

export type ArithmeticOp = '+' | '-' | '*' | '/';
export type ComparisonOp = '<' | '<=' | '>' | '>=' | '==' | '!=';
export type LogicalOp = 'and' | 'or';
export type BinaryOp = ArithmeticOp | ComparisonOp | LogicalOp;

export interface NumberNode {
  readonly kind: 'number';
  readonly value: number;
  readonly span: Span;
}
export interface BoolNode {
  readonly kind: 'bool';
  readonly value: boolean;
  readonly span: Span;
}
/** A feature, an attribute, or an enum word: which one is decided by the checker. */
export interface NameNode {
  readonly kind: 'name';
  readonly name: string;
  readonly span: Span;
}
export interface UnaryNode {
  readonly kind: 'unary';
  readonly op: 'neg' | 'not';
  readonly operand: Expr;
  readonly span: Span;
  readonly opSpan: Span;
}
export interface BinaryNode {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
  readonly span: Span;
  readonly opSpan: Span;
}
/** `subject in [items]`, or `subject not in [items]` (= `not (subject in [items])`). */
export interface InNode {
  readonly kind: 'in';
  readonly subject: Expr;
  readonly items: readonly (NumberNode | NameNode)[];
  readonly negated: boolean;
  readonly span: Span;
  readonly opSpan: Span;
}
export interface CallNode {
  readonly kind: 'call';
  readonly callee: string;
  readonly calleeSpan: Span;
  readonly args: readonly Expr[];
  readonly span: Span;
}

export type Expr = NumberNode | BoolNode | NameNode | UnaryNode | BinaryNode | InNode | CallNode;
