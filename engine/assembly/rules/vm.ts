import { baselines, capacities, categories, consumers, matrix, points, watchStatuses, zones } from '../layout';
import { binary, fill, unary } from './column-ops';
import { constants, entry, exempt, fired, program, red, ruleEffects, ruleScores, setEntry, slot, sums } from './area';
import * as op from './opcodes';

// Runs a rule-set program over the whole batch, one instruction at a time
// over every consumer: the cost depends on the program, never on which rules
// fire. Each FIRE adds its rule's score to the sum column, ORs exempt and red
// rules into their mask columns and keeps the fired flags for reasons,
// evidence and rule hits.

export function runProgram(words: i32): void {
  const c = consumers;
  const pairs = (c + 1) >> 1;
  fill(sums, f64x2.splat(0), pairs);
  fill(exempt, i64x2.splat(0), pairs);
  fill(red, i64x2.splat(0), pairs);
  let sp = 0;
  for (let ip = 0; ip < words; ip += 4) {
    const code = load<i32>(program + (<usize>ip << 2));
    const a = load<i32>(program + (<usize>ip << 2), 4);
    if (code == op.LOAD_FEATURE) {
      setEntry(sp++, matrix + <usize>a * <usize>c * 8);
    } else if (code == op.LOAD_ATTRIBUTE) {
      loadAttribute(a, slot(sp), c);
      setEntry(sp, slot(sp));
      sp++;
    } else if (code == op.CONSTANT) {
      fill(slot(sp), f64x2.splat(load<f64>(constants + (<usize>a << 3))), pairs);
      setEntry(sp, slot(sp));
      sp++;
    } else if (code == op.BOOL) {
      fill(slot(sp), i64x2.splat(a != 0 ? -1 : 0), pairs);
      setEntry(sp, slot(sp));
      sp++;
    } else if (code == op.FIRE) {
      fire(a, entry(--sp), c, pairs);
    } else if (code >= op.ABS && code <= op.NEG || code == op.NOT || code == op.DEFINED) {
      unary(code, entry(sp - 1), slot(sp - 1), pairs);
      setEntry(sp - 1, slot(sp - 1));
    } else {
      binary(code, entry(sp - 2), entry(sp - 1), slot(sp - 2), pairs);
      setEntry(sp - 2, slot(sp - 2));
      sp--;
    }
  }
}

function loadAttribute(attribute: i32, out: usize, c: i32): void {
  for (let i = 0; i < c; i++) {
    let value: f64;
    if (attribute == op.ATTRIBUTE_CATEGORY) value = <f64>load<u8>(categories + <usize>i);
    else if (attribute == op.ATTRIBUTE_ZONE) value = <f64>load<u8>(zones + <usize>i);
    else if (attribute == op.ATTRIBUTE_CAPACITY) value = <f64>load<f32>(capacities + (<usize>i << 2));
    else if (attribute == op.ATTRIBUTE_WATCH) value = <f64>load<u8>(watchStatuses + <usize>i);
    else if (attribute == op.ATTRIBUTE_BASELINE) value = knownBaseline(<f64>load<f32>(baselines + (<usize>i << 2)));
    else value = <f64>points;
    store<f64>(out + (<usize>i << 3), value);
  }
}

/** baseline_kw as rules read it: unknown (0, negative, NaN, ±Inf: followup.md) is NaN, so no comparison with it is true. */
// @ts-ignore: decorator
@inline function knownBaseline(kw: f64): f64 {
  return kw > 0 && kw < Infinity ? kw : NaN;
}

function fire(rule: i32, mask: usize, c: i32, pairs: i32): void {
  const score = f64x2.splat(load<f64>(ruleScores + (<usize>rule << 3)));
  const effect = load<i32>(ruleEffects + (<usize>rule << 2));
  const flags = effect == op.EFFECT_EXEMPT ? exempt : effect == op.EFFECT_RED ? red : 0;
  for (let k = 0; k < pairs; k++) {
    const offset = <usize>k << 4;
    const m = v128.load(mask + offset);
    v128.store(sums + offset, f64x2.add(v128.load(sums + offset), v128.and(m, score)));
    if (flags) v128.store(flags + offset, v128.or(v128.load(flags + offset), m));
  }
  const row = fired + <usize>rule * <usize>c;
  for (let i = 0; i < c; i++) store<u8>(row + <usize>i, load<u8>(mask + (<usize>i << 3)) & 1);
}
