import * as op from './opcodes';

// One instruction over whole columns, two consumers per SIMD lane pair.
// Booleans are masks (all 64 bits set, or none) in the same float64 columns,
// so and/or/not are bitwise. IEEE comparisons are false when either side is
// NaN, and `!=` is built as (a < b) or (a > b) so that it is false then too
// (rules.md: every comparison with NaN is false).

export function binary(code: i32, a: usize, b: usize, out: usize, pairs: i32): void {
  const end = out + (<usize>pairs << 4);
  switch (code) {
    case op.ADD:
      for (let o = out; o < end; o += 16, a += 16, b += 16) v128.store(o, f64x2.add(v128.load(a), v128.load(b)));
      break;
    case op.SUB:
      for (let o = out; o < end; o += 16, a += 16, b += 16) v128.store(o, f64x2.sub(v128.load(a), v128.load(b)));
      break;
    case op.MUL:
      for (let o = out; o < end; o += 16, a += 16, b += 16) v128.store(o, f64x2.mul(v128.load(a), v128.load(b)));
      break;
    case op.DIV:
      for (let o = out; o < end; o += 16, a += 16, b += 16) v128.store(o, f64x2.div(v128.load(a), v128.load(b)));
      break;
    case op.MIN: // f64x2.min propagates NaN, as arithmetic must
      for (let o = out; o < end; o += 16, a += 16, b += 16) v128.store(o, f64x2.min(v128.load(a), v128.load(b)));
      break;
    case op.MAX:
      for (let o = out; o < end; o += 16, a += 16, b += 16) v128.store(o, f64x2.max(v128.load(a), v128.load(b)));
      break;
    case op.LT:
      for (let o = out; o < end; o += 16, a += 16, b += 16) v128.store(o, f64x2.lt(v128.load(a), v128.load(b)));
      break;
    case op.LE:
      for (let o = out; o < end; o += 16, a += 16, b += 16) v128.store(o, f64x2.le(v128.load(a), v128.load(b)));
      break;
    case op.GT:
      for (let o = out; o < end; o += 16, a += 16, b += 16) v128.store(o, f64x2.gt(v128.load(a), v128.load(b)));
      break;
    case op.GE:
      for (let o = out; o < end; o += 16, a += 16, b += 16) v128.store(o, f64x2.ge(v128.load(a), v128.load(b)));
      break;
    case op.EQ:
      for (let o = out; o < end; o += 16, a += 16, b += 16) v128.store(o, f64x2.eq(v128.load(a), v128.load(b)));
      break;
    case op.NE:
      for (let o = out; o < end; o += 16, a += 16, b += 16) {
        const x = v128.load(a);
        const y = v128.load(b);
        v128.store(o, v128.or(f64x2.lt(x, y), f64x2.gt(x, y)));
      }
      break;
    case op.AND:
      for (let o = out; o < end; o += 16, a += 16, b += 16) v128.store(o, v128.and(v128.load(a), v128.load(b)));
      break;
    case op.OR:
      for (let o = out; o < end; o += 16, a += 16, b += 16) v128.store(o, v128.or(v128.load(a), v128.load(b)));
      break;
    default:
      unreachable();
  }
}

export function unary(code: i32, a: usize, out: usize, pairs: i32): void {
  const end = out + (<usize>pairs << 4);
  switch (code) {
    case op.ABS:
      for (let o = out; o < end; o += 16, a += 16) v128.store(o, f64x2.abs(v128.load(a)));
      break;
    case op.NEG:
      for (let o = out; o < end; o += 16, a += 16) v128.store(o, f64x2.neg(v128.load(a)));
      break;
    case op.NOT:
      for (let o = out; o < end; o += 16, a += 16) v128.store(o, v128.not(v128.load(a)));
      break;
    case op.DEFINED:
      for (let o = out; o < end; o += 16, a += 16) {
        const x = v128.load(a);
        v128.store(o, f64x2.eq(x, x));
      }
      break;
    default:
      unreachable();
  }
}

/** Fills a column with one value (a constant, or a mask's bit pattern). */
// @ts-ignore: decorator
@inline export function fill(out: usize, value: v128, pairs: i32): void {
  const end = out + (<usize>pairs << 4);
  for (let o = out; o < end; o += 16) v128.store(o, value);
}
