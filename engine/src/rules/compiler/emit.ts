// Emits the stack bytecode of program.ts for a whole rule set: each rule's
// expression in post-order, then `fire <rule index>`. Tracks the stack height
// to compute maxDepth (the VM reserves that many columns), pools constants
// (deduplicated by bit pattern, so NaN and -0 stay distinct from others), and
// records which numeric features and attributes each rule reads, in the order
// the program first reads them: the evidence shown when the rule fires. It
// also records every attribute a rule reads, enums included: the account data
// a result's note names when it is missing.
import { MAX_INSTRUCTIONS } from '../limits.js';
import { Attribute, Op, WORDS_PER_INSTRUCTION, type AttributeName, type Program } from '../program.js';
import { ATTRIBUTE_TYPES } from '../check/scope.js';
import type { Ir } from './ir.js';

/** Thrown when the program would exceed MAX_INSTRUCTIONS. */
export class ProgramTooLarge extends Error {}

/** What one rule's code reads, each name once, in first-read order. */
export interface RuleReads {
  /** Numeric features and attributes: its evidence. */
  readonly values: string[];
  /** Every consumer attribute, category and zone included. */
  readonly attributes: AttributeName[];
}

export class Emitter {
  private readonly code: number[] = [];
  private readonly constants: number[] = [];
  private readonly constantIndex = new Map<string, number>();
  private depth = 0;
  /** Highest stack so far. */
  maxDepth = 0;
  private reads: string[] = [];
  private attributes: AttributeName[] = [];

  /** Emits one rule; returns what it reads. Throws ProgramTooLarge. */
  rule(ir: Ir, index: number): RuleReads {
    this.reads = [];
    this.attributes = [];
    this.expr(ir);
    this.op(Op.fire, index, -1);
    return { values: [...new Set(this.reads)], attributes: [...new Set(this.attributes)] };
  }

  finish(): Program {
    return {
      code: Int32Array.from(this.code),
      constants: Float64Array.from(this.constants),
      maxDepth: this.maxDepth,
    };
  }

  private expr(ir: Ir): void {
    switch (ir.k) {
      case 'number':
        return this.op(Op.constant, this.constant(ir.value), +1);
      case 'bool':
        return this.op(Op.bool, ir.value ? 1 : 0, +1);
      case 'feature':
        this.reads.push(ir.name);
        return this.op(Op.loadFeature, ir.index, +1);
      case 'attribute':
        this.attributes.push(ir.name);
        // category and zone are enum codes, not evidence an inspector can read as a value.
        if (ATTRIBUTE_TYPES[ir.name] === 'number') this.reads.push(ir.name);
        return this.op(Op.loadAttribute, Attribute[ir.name], +1);
      case 'unary':
        this.expr(ir.arg);
        return this.op(Op[ir.op], 0, 0);
      case 'binary':
        this.expr(ir.a);
        this.expr(ir.b);
        return this.op(Op[ir.op], 0, -1);
      case 'in':
        // x in [a, b, c]  →  x a eq  x b eq or  x c eq or   (then `not` when negated)
        ir.values.forEach((value, i) => {
          this.expr(ir.subject);
          this.op(Op.constant, this.constant(value), +1);
          this.op(Op.eq, 0, -1);
          if (i > 0) this.op(Op.or, 0, -1);
        });
        if (ir.values.length === 0) this.op(Op.bool, 0, +1);
        if (ir.negated) this.op(Op.not, 0, 0);
    }
  }

  private op(opcode: number, a: number, stackEffect: number): void {
    if (this.code.length >= MAX_INSTRUCTIONS * WORDS_PER_INSTRUCTION) throw new ProgramTooLarge();
    this.code.push(opcode, a, 0, 0);
    this.depth += stackEffect;
    this.maxDepth = Math.max(this.maxDepth, this.depth);
  }

  private constant(value: number): number {
    const key = Object.is(value, -0) ? '-0' : String(value);
    let index = this.constantIndex.get(key);
    if (index === undefined) {
      index = this.constants.push(value) - 1;
      this.constantIndex.set(key, index);
    }
    return index;
  }
}
