// A scalar interpreter of program.ts bytecode, for the compiler's tests only
// (the real VM is WebAssembly and runs columns). Booleans are JS booleans
// here; it throws on anything the VM would have to reject (stack underflow,
// a number where a boolean belongs), so it also checks the emitted code.
import { Op, WORDS_PER_INSTRUCTION, type Program } from '../../engine/src/rules/program.js';
import type { CaseInput } from '../../lib/expression-cases.js';

type Value = number | boolean;

/** Runs the program for one consumer; returns the fired value of each rule (undefined where none). */
export function run(program: Program, input: CaseInput, rules: number): boolean[] {
  const fired: boolean[] = new Array<boolean>(rules);
  const stack: Value[] = [];
  let deepest = 0;
  const pop = (): Value => {
    if (stack.length === 0) throw new Error('stack underflow');
    return stack.pop()!;
  };
  const num = (): number => {
    const v = pop();
    if (typeof v !== 'number') throw new Error('boolean where a number belongs');
    return v;
  };
  const bool = (): boolean => {
    const v = pop();
    if (typeof v !== 'boolean') throw new Error('number where a boolean belongs');
    return v;
  };
  const compare = (f: (a: number, b: number) => boolean): boolean => {
    const b = num();
    const a = num();
    return Number.isNaN(a) || Number.isNaN(b) ? false : f(a, b);
  };
  const { code, constants } = program;
  for (let pc = 0; pc < code.length; pc += WORDS_PER_INSTRUCTION) {
    const op = code[pc]!;
    const a = code[pc + 1]!;
    switch (op) {
      case Op.loadFeature:
        stack.push(input.features[a]!);
        break;
      case Op.loadAttribute:
        stack.push(input.attributes[a]!);
        break;
      case Op.constant:
        stack.push(constants[a]!);
        break;
      case Op.bool:
        stack.push(a === 1);
        break;
      case Op.add: case Op.sub: case Op.mul: case Op.div: case Op.min: case Op.max: {
        const y = num();
        const x = num();
        const nan = Number.isNaN(x) || Number.isNaN(y);
        stack.push(op === Op.add ? x + y : op === Op.sub ? x - y : op === Op.mul ? x * y : op === Op.div ? x / y : nan ? NaN : op === Op.min ? Math.min(x, y) : Math.max(x, y));
        break;
      }
      case Op.abs:
        stack.push(Math.abs(num()));
        break;
      case Op.neg:
        stack.push(-num());
        break;
      case Op.lt: stack.push(compare((x, y) => x < y)); break;
      case Op.le: stack.push(compare((x, y) => x <= y)); break;
      case Op.gt: stack.push(compare((x, y) => x > y)); break;
      case Op.ge: stack.push(compare((x, y) => x >= y)); break;
      case Op.eq: stack.push(compare((x, y) => x === y)); break;
      case Op.ne: stack.push(compare((x, y) => x !== y)); break;
      case Op.and: {
        const y = bool();
        stack.push(bool() && y);
        break;
      }
      case Op.or: {
        const y = bool();
        stack.push(bool() || y);
        break;
      }
      case Op.not:
        stack.push(!bool());
        break;
      case Op.defined:
        stack.push(!Number.isNaN(num()));
        break;
      case Op.fire:
        fired[a] = bool();
        if (stack.length !== 0) throw new Error(`rule ${a} left ${stack.length} values on the stack`);
        break;
      default:
        throw new Error(`unknown opcode ${op} at ${pc}`);
    }
    deepest = Math.max(deepest, stack.length);
  }
  if (deepest > program.maxDepth) throw new Error(`stack reached ${deepest}, maxDepth says ${program.maxDepth}`);
  return fired;
}
