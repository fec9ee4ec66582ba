// Constant folding over the Ir. Folded results must equal what the VM would
// compute at run time, bit for bit, so every rule here follows the VM's
// semantics (program.ts): arithmetic propagates NaN, every comparison with NaN
// is false (`!=` included, unlike JS `!==`), min/max return NaN if either side
// is NaN. Only boolean identities are simplified (`true and x` → x,
// `not not x` → x); number identities such as `x * 0` → 0 are not, because
// they are false for NaN and infinities.
import type { ArithmeticOp, CompareOp, Ir, UnaryOp } from './ir.js';
import { ARITHMETIC_OPS, COMPARE_OPS } from './ir.js';

export function fold(ir: Ir): Ir {
  switch (ir.k) {
    case 'number':
    case 'bool':
    case 'feature':
    case 'attribute':
      return ir;
    case 'unary': {
      const arg = fold(ir.arg);
      if (ir.op === 'not') {
        if (arg.k === 'bool') return { k: 'bool', value: !arg.value };
        if (arg.k === 'unary' && arg.op === 'not') return arg.arg;
      } else if (arg.k === 'number') {
        const value = unary(ir.op, arg.value);
        return typeof value === 'boolean' ? { k: 'bool', value } : { k: 'number', value };
      }
      return { k: 'unary', op: ir.op, arg };
    }
    case 'binary': {
      const a = fold(ir.a);
      const b = fold(ir.b);
      if (a.k === 'number' && b.k === 'number') {
        if (ARITHMETIC_OPS.has(ir.op)) return { k: 'number', value: arithmetic(ir.op as ArithmeticOp, a.value, b.value) };
        if (COMPARE_OPS.has(ir.op)) return { k: 'bool', value: compare(ir.op as CompareOp, a.value, b.value) };
      }
      if (ir.op === 'and' || ir.op === 'or') {
        // The VM evaluates both sides without side effects, so either side may decide.
        const absorbing = ir.op === 'or';
        for (const [constant, other] of [[a, b], [b, a]] as const) {
          if (constant.k !== 'bool') continue;
          return constant.value === absorbing ? constant : other;
        }
      }
      return { k: 'binary', op: ir.op, a, b };
    }
    case 'in': {
      const subject = fold(ir.subject);
      if (subject.k !== 'number') return { k: 'in', subject, values: ir.values, negated: ir.negated };
      const found = ir.values.some((v) => compare('eq', subject.value, v));
      return { k: 'bool', value: found !== ir.negated };
    }
  }
}

/** The VM's result of a unary numeric op on a constant. */
export function unary(op: Exclude<UnaryOp, 'not'>, x: number): number | boolean {
  switch (op) {
    case 'neg':
      return -x;
    case 'abs':
      return Math.abs(x);
    case 'defined':
      return x === x;
  }
}

/** The VM's arithmetic: IEEE float64; Math.min/max propagate NaN like f64.min/max. */
export function arithmetic(op: ArithmeticOp, a: number, b: number): number {
  switch (op) {
    case 'add':
      return a + b;
    case 'sub':
      return a - b;
    case 'mul':
      return a * b;
    case 'div':
      return a / b;
    case 'min':
      return Math.min(a, b);
    case 'max':
      return Math.max(a, b);
  }
}

/** The VM's comparisons: false whenever either side is NaN, `ne` included. */
export function compare(op: CompareOp, a: number, b: number): boolean {
  if (a !== a || b !== b) return false;
  switch (op) {
    case 'lt':
      return a < b;
    case 'le':
      return a <= b;
    case 'gt':
      return a > b;
    case 'ge':
      return a >= b;
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
  }
}
