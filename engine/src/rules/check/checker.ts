// Names and types of one `when` expression, checked when the rule set is
// loaded so that scoring never meets an error (rules.md). Produces the
// resolved Ir for the compiler, or the problems found. Every problem names the
// operand at fault; an operand that already failed is not reported again
// (`nigth_share > 1 and x` gives one error, not three).
//
// Decisions:
// - Enum words have no type of their own: `residential` means the category
//   word only next to a category (`category == residential`,
//   `category in [residential, commercial]`). Elsewhere it is an unknown name.
// - `==` and `!=` compare numbers, or a category/zone with its own words;
//   true/false values are not compared (`defined(x) == false` → `not defined(x)`),
//   because masks are not numbers in the VM.
// - `<`, `<=`, `>`, `>=` order numbers only: enum codes have no order.
// - A call with the wrong number of arguments is a `type_mismatch`.
import type { Span } from '../diagnostics.js';
import { cover, problem, type Problem } from '../problem.js';
import type { BinaryNode, CallNode, Expr, InNode, NameNode } from '../parser/ast.js';
import type { BinaryOp as IrBinaryOp, Ir } from '../compiler/ir.js';
import { didYouMean } from './suggest.js';
import { ENUM_TYPES, ENUM_WORDS, FUNCTIONS, isEnumType, typeName, type Scope, type Type } from './scope.js';
import { unknownNameMessage } from './unknown-name.js';

export interface CheckResult {
  readonly ir?: Ir;
  readonly problems: Problem[];
}

interface Typed {
  readonly type: Type;
  readonly ir: Ir;
}

const IR_OP: Readonly<Record<BinaryNode['op'], IrBinaryOp>> = {
  '+': 'add', '-': 'sub', '*': 'mul', '/': 'div',
  '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge', '==': 'eq', '!=': 'ne',
  and: 'and', or: 'or',
};

/** Checks a `when` expression: it must be true/false. */
export function check(expr: Expr, scope: Scope): CheckResult {
  const checker = new Checker(scope);
  const typed = checker.visit(expr);
  if (typed && typed.type !== 'boolean') {
    checker.report('type_mismatch', `\`when\` needs a condition (true or false); ${notACondition(expr, typed.type, '0.5')}`, expr.span);
  }
  return checker.problems.length > 0 || !typed ? { problems: checker.problems } : { ir: typed.ir, problems: [] };
}

/**
 * Why a value is not a condition, with the comparison to write: `mean_kw is a
 * number: compare it, e.g. \`mean_kw > 0.5\``. A name is shown as written;
 * another expression is "this expression" (its text is under the caret).
 */
function notACondition(e: Expr, type: Type, example: string): string {
  const shown = e.kind === 'name' ? e.name : e.kind === 'call' ? `${e.callee}(…)` : 'this expression';
  if (type === 'number') return `${shown} is a number: compare it, e.g. \`${shown === 'this expression' ? '…' : shown} > ${example}\``;
  if (isEnumType(type)) return `${shown} is ${typeName(type)}: compare it with a word, e.g. \`${type} == ${Object.keys(ENUM_WORDS[type])[1]}\``;
  return `${shown} is ${typeName(type)}`;
}

class Checker {
  readonly problems: Problem[] = [];

  constructor(private readonly scope: Scope) {}

  report(code: Problem['code'], message: string, span: Span): undefined {
    this.problems.push(problem(code, message, span));
    return undefined;
  }

  visit(e: Expr): Typed | undefined {
    switch (e.kind) {
      case 'number':
        return { type: 'number', ir: { k: 'number', value: e.value } };
      case 'bool':
        return { type: 'boolean', ir: { k: 'bool', value: e.value } };
      case 'name':
        return this.name(e);
      case 'unary': {
        const want: Type = e.op === 'neg' ? 'number' : 'boolean';
        const arg = this.expect(e.operand, want, `\`${e.op === 'neg' ? '-' : 'not'}\``);
        return arg && { type: want, ir: { k: 'unary', op: e.op, arg } };
      }
      case 'binary':
        return this.binary(e);
      case 'in':
        return this.in(e);
      case 'call':
        return this.call(e);
    }
  }

  /** Visits `e` and requires `want`; reports a mismatch naming the operator `what`. */
  private expect(e: Expr, want: Type, what: string): Ir | undefined {
    const typed = this.visit(e);
    if (!typed) return undefined;
    if (typed.type === want) return typed.ir;
    if (want === 'boolean') return this.report('type_mismatch', `${what} needs a condition (true or false); ${notACondition(e, typed.type, '0')}`, e.span);
    return this.report('type_mismatch', `${what} needs ${typeName(want)}; this is ${typeName(typed.type)}`, e.span);
  }

  private name(e: NameNode): Typed | undefined {
    const resolved = this.scope.resolve(e.name);
    if (resolved?.kind === 'feature') return { type: 'number', ir: { k: 'feature', index: resolved.index, name: resolved.name } };
    if (resolved?.kind === 'attribute') return { type: resolved.type, ir: { k: 'attribute', name: resolved.name } };
    const message = unknownNameMessage(e.name, this.scope);
    return message === undefined ? undefined : this.report('unknown_name', message, e.span);
  }

  private binary(e: BinaryNode): Typed | undefined {
    const op = IR_OP[e.op];
    if (e.op === 'and' || e.op === 'or') {
      const a = this.expect(e.left, 'boolean', `\`${e.op}\``);
      const b = this.expect(e.right, 'boolean', `\`${e.op}\``);
      return a && b && { type: 'boolean', ir: { k: 'binary', op, a, b } };
    }
    if (e.op === '==' || e.op === '!=') return this.equality(e, op);
    const isComparison = e.op === '<' || e.op === '<=' || e.op === '>' || e.op === '>=';
    const left = this.visit(e.left);
    const right = this.visit(e.right);
    if (!left || !right) return undefined;
    for (const [side, node] of [[left, e.left], [right, e.right]] as const) {
      if (side.type === 'number') continue;
      const message = isComparison && isEnumType(side.type)
        ? `\`${e.op}\` orders numbers; ${side.type} words have no order, compare them with ==, != or in`
        : `\`${e.op}\` needs numbers; this is ${typeName(side.type)}`;
      return this.report('type_mismatch', message, node.span);
    }
    return { type: isComparison ? 'boolean' : 'number', ir: { k: 'binary', op, a: left.ir, b: right.ir } };
  }

  /** `a == b`: numbers, or an enum value with one of its words (on either side). */
  private equality(e: BinaryNode, op: IrBinaryOp): Typed | undefined {
    const leftWord = this.bareWord(e.left);
    const rightWord = this.bareWord(e.right);
    if (leftWord && rightWord) {
      return this.report('type_mismatch', `\`${e.op}\` between two words; compare an attribute with a word, e.g. \`category == ${leftWord.name}\``, e.span);
    }
    const left = leftWord ? undefined : this.visit(e.left);
    const right = rightWord ? undefined : this.visit(e.right);
    if (leftWord || rightWord) {
      const other = left ?? right;
      const word = leftWord ?? rightWord!;
      if (!other) return undefined;
      const code = this.word(word, other.type);
      if (code === undefined) return undefined;
      const constant: Ir = { k: 'number', value: code };
      return { type: 'boolean', ir: { k: 'binary', op, a: leftWord ? constant : other.ir, b: leftWord ? other.ir : constant } };
    }
    if (!left || !right) return undefined;
    if (left.type === 'boolean' || right.type === 'boolean') {
      const node = left.type === 'boolean' ? e.left : e.right;
      return this.report('type_mismatch', `\`${e.op}\` does not compare true/false values; use and, or, not (e.g. \`not defined(x)\`)`, node.span);
    }
    if (left.type !== right.type) {
      return this.report('type_mismatch', `cannot compare ${typeName(left.type)} with ${typeName(right.type)}`, cover(e.left.span, e.right.span));
    }
    return { type: 'boolean', ir: { k: 'binary', op, a: left.ir, b: right.ir } };
  }

  /** A name that is not a readable value: an enum word candidate. */
  private bareWord(e: Expr): NameNode | undefined {
    return e.kind === 'name' && this.scope.resolve(e.name) === undefined ? e : undefined;
  }

  /** The code of `word` as a value of `type`, or a report. */
  private word(word: NameNode, type: Type): number | undefined {
    if (!isEnumType(type)) {
      // Next to a number the word must have been meant as a feature.
      const message = unknownNameMessage(word.name, this.scope);
      return message === undefined ? undefined : this.report('unknown_name', message, word.span);
    }
    const words = ENUM_WORDS[type];
    const code = words[word.name];
    if (code !== undefined) return code;
    const list = Object.keys(words).join(', ');
    const others = ENUM_TYPES.filter((other) => other !== type && word.name in ENUM_WORDS[other]);
    const suggestion = didYouMean(word.name, Object.keys(words));
    const elsewhere = others.length > 0 ? ` (it is a ${others.join(' and ')} word)` : '';
    return this.report('unknown_enum', `\`${word.name}\` is not a ${type} word${elsewhere}${suggestion || ';'} ${type} words are ${list}`, word.span);
  }

  private in(e: InNode): Typed | undefined {
    const subject = this.visit(e.subject);
    if (!subject) return undefined;
    if (subject.type === 'boolean') return this.report('type_mismatch', '`in` looks up numbers or enum words; this is true/false', e.subject.span);
    const values: number[] = [];
    let ok = true;
    for (const item of e.items) {
      if (item.kind === 'number') {
        if (subject.type === 'number') values.push(item.value);
        else {
          this.report('type_mismatch', `the list is for ${typeName(subject.type)}: write ${subject.type} words, not numbers`, item.span);
          ok = false;
        }
      } else {
        const code = this.word(item, subject.type);
        if (code === undefined) ok = false;
        else values.push(code);
      }
    }
    return ok ? { type: 'boolean', ir: { k: 'in', subject: subject.ir, values, negated: e.negated } } : undefined;
  }

  private call(e: CallNode): Typed | undefined {
    const signature = FUNCTIONS[e.callee];
    if (!signature) {
      const kind = this.scope.resolve(e.callee) ? `\`${e.callee}\` is a value, not a function` : `unknown function \`${e.callee}\``;
      return this.report('unknown_function', `${kind}${didYouMean(e.callee, Object.keys(FUNCTIONS)) || '; functions are min, max, abs, defined'}`, e.calleeSpan);
    }
    const arity = signature.params.length;
    if (e.args.length !== arity) {
      for (const arg of e.args) this.visit(arg); // still report what is wrong inside
      return this.report('type_mismatch', `\`${e.callee}\` takes ${arity} argument${arity === 1 ? '' : 's'}, found ${e.args.length}`, e.span);
    }
    const args = e.args.map((arg, i) => this.expect(arg, signature.params[i]!, `\`${e.callee}\``));
    if (args.some((arg) => arg === undefined)) return undefined;
    const [a, b] = args as Ir[];
    const ir: Ir = b === undefined ? { k: 'unary', op: e.callee as 'abs' | 'defined', arg: a! } : { k: 'binary', op: e.callee as 'min' | 'max', a: a!, b };
    return { type: signature.result, ir };
  }
}
