// The compiler stage: checked Ir of every rule → one Program. Folding can be
// switched off so tests can prove that it never changes a result.
import { MAX_INSTRUCTIONS, MAX_STACK_DEPTH } from '../limits.js';
import type { AttributeName, Program } from '../program.js';
import { Emitter, ProgramTooLarge } from './emit.js';
import { fold } from './fold.js';
import type { Ir } from './ir.js';

export interface CompileOptions {
  /** Constant folding; on by default. */
  readonly fold?: boolean;
}

export type CompileOutcome =
  /** Per rule: `reads`, the numeric values it reads (evidence); `attributes`, every attribute it reads (see Emitter). */
  | { readonly ok: true; readonly program: Program; readonly reads: string[][]; readonly attributes: AttributeName[][] }
  /** The program would be too large; `rule` is the index of the rule that overflowed. */
  | { readonly ok: false; readonly rule: number; readonly message: string };

export function compileProgram(rules: readonly Ir[], options: CompileOptions = {}): CompileOutcome {
  const emitter = new Emitter();
  const reads: string[][] = [];
  const attributes: AttributeName[][] = [];
  for (const [index, ir] of rules.entries()) {
    try {
      const read = emitter.rule(options.fold === false ? ir : fold(ir), index);
      reads.push(read.values);
      attributes.push(read.attributes);
    } catch (e) {
      if (!(e instanceof ProgramTooLarge)) throw e;
      return { ok: false, rule: index, message: `the rule set compiles to more than ${MAX_INSTRUCTIONS} instructions; shorten its \`in\` lists or split it` };
    }
    if (emitter.maxDepth > MAX_STACK_DEPTH) {
      // Nesting limits keep this unreachable; the check guards the VM if they change.
      return { ok: false, rule: index, message: `the rule needs a stack of ${emitter.maxDepth} columns; at most ${MAX_STACK_DEPTH}` };
    }
  }
  return { ok: true, program: emitter.finish(), reads, attributes };
}
