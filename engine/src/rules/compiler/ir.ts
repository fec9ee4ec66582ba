// The checked, resolved form of an expression that the compiler folds and
// emits. Names are resolved to feature columns and attributes, enum words to
// their codes; every operator is already one VM opcode (program.ts Op), except
// `in`, which the emitter expands to eq/or. No spans: every error has been
// reported by the time an Ir exists.
import type { AttributeName } from '../program.js';

export type UnaryOp = 'neg' | 'abs' | 'not' | 'defined';
export type ArithmeticOp = 'add' | 'sub' | 'mul' | 'div' | 'min' | 'max';
export type CompareOp = 'lt' | 'le' | 'gt' | 'ge' | 'eq' | 'ne';
export type LogicOp = 'and' | 'or';
export type BinaryOp = ArithmeticOp | CompareOp | LogicOp;

export type Ir =
  | { readonly k: 'number'; readonly value: number }
  | { readonly k: 'bool'; readonly value: boolean }
  | { readonly k: 'feature'; readonly index: number; readonly name: string }
  | { readonly k: 'attribute'; readonly name: AttributeName }
  | { readonly k: 'unary'; readonly op: UnaryOp; readonly arg: Ir }
  | { readonly k: 'binary'; readonly op: BinaryOp; readonly a: Ir; readonly b: Ir }
  /** `negated` means `not (subject in values)`: true for a NaN subject. */
  | { readonly k: 'in'; readonly subject: Ir; readonly values: readonly number[]; readonly negated: boolean };

export const COMPARE_OPS: ReadonlySet<string> = new Set<CompareOp>(['lt', 'le', 'gt', 'ge', 'eq', 'ne']);
export const ARITHMETIC_OPS: ReadonlySet<string> = new Set<ArithmeticOp>(['add', 'sub', 'mul', 'div', 'min', 'max']);
