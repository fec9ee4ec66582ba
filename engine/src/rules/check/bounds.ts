// Warnings about conditions that cannot mean what their author meant, proved
// by interval arithmetic over and/or/not of comparisons (issue 15):
// - `out_of_range`: a feature with a bounded range (catalogue.ts
//   featureRange: share 0–1, ratio ≥ 0, correlation −1…1) compared with a
//   constant so that the comparison is never true (`night_share > 40`, a
//   percentage written for a share) or true for every defined value
//   (`night_share >= 0`);
// - `contradiction`: bounds on one operand within one `and` that no value
//   meets together (`mean_kw > 5 and mean_kw < 2`, `category == residential
//   and category == industrial`);
// - `never_fires`: the whole `when` is false for every consumer.
// Warnings, not errors: the rule set still loads (rules.md lists the errors;
// these extend it, docs/decisions.md 2026-12-05). Only what is provable
// simply is reported: a comparison of one name with one constant, `in`
// lists of enum words, and constant true/false; anything else is "may be
// true". NaN needs no case: a comparison with it is false, which only makes
// "never true" truer, and "always true" is said "when defined".
import type { Span } from '../diagnostics.js';
import { problem, type Problem } from '../problem.js';
import type { Expr } from '../parser/ast.js';
import { featureRange, type FeatureRange } from '../../catalogue.js';
import { ENUM_WORDS, isEnumType, type EnumType, type Scope } from './scope.js';
import { complement, contains, EVERYTHING, intersect, intersectIntervals, isEmpty, type Codes, type Interval } from './intervals.js';

/** One comparison of a name with a constant: the values of the name that make it true. */
interface Atom {
  readonly name: string;
  readonly span: Span;
  readonly values: { readonly kind: 'number'; readonly set: Interval } | { readonly kind: 'enum'; readonly set: Codes; readonly type: EnumType };
}

const DESCRIBE: Readonly<Record<FeatureRange['kind'], string>> = {
  share: 'a share from 0 to 1',
  fraction: 'from 0 to 1',
  ratio: 'a ratio, never below 0',
  correlation: 'a correlation from -1 to 1',
};

/** The warnings of one `when` (already type-checked: every name resolves, every word exists); spans are local to `text`. */
export function boundWarnings(expr: Expr, scope: Scope, text: string): Problem[] {
  const warnings: Problem[] = [];
  const quote = (span: Span): string => text.slice(span.start, span.end);

  /** The comparison `e` as an atom, or undefined when it is not one name against one constant. */
  function atom(e: Expr): Atom | undefined {
    if (e.kind === 'in') {
      const type = enumOf(e.subject);
      if (!type || e.subject.kind !== 'name') return undefined;
      const listed = new Set(e.items.map((item) => (item.kind === 'name' ? ENUM_WORDS[type][item.name]! : NaN)));
      const set = e.negated ? complement(type, listed) : listed;
      return { name: e.subject.name, span: e.span, values: { kind: 'enum', set, type } };
    }
    if (e.kind !== 'binary') return undefined;
    const { op } = e;
    if (op === '==' || op === '!=') {
      for (const [side, other] of [[e.left, e.right], [e.right, e.left]] as const) {
        const type = enumOf(side);
        if (type && side.kind === 'name' && other.kind === 'name' && scope.resolve(other.name) === undefined) {
          const code = new Set([ENUM_WORDS[type][other.name]!]);
          return { name: side.name, span: e.span, values: { kind: 'enum', set: op === '==' ? code : complement(type, code), type } };
        }
      }
    }
    if (op !== '<' && op !== '<=' && op !== '>' && op !== '>=' && op !== '==') return undefined;
    const leftName = numericName(e.left);
    const rightValue = constant(e.right);
    const flipped = leftName === undefined;
    const name = leftName ?? numericName(e.right);
    const value = flipped ? constant(e.left) : rightValue;
    if (name === undefined || value === undefined) return undefined;
    // `5 < x` is `x > 5`.
    const o = flipped ? ({ '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==' } as const)[op] : op;
    const set: Interval =
      o === '<' ? { ...EVERYTHING, hi: value, hiIn: false }
      : o === '<=' ? { ...EVERYTHING, hi: value, hiIn: true }
      : o === '>' ? { ...EVERYTHING, lo: value, loIn: false }
      : o === '>=' ? { ...EVERYTHING, lo: value, loIn: true }
      : { lo: value, loIn: true, hi: value, hiIn: true };
    return { name, span: e.span, values: { kind: 'number', set } };
  }

  function enumOf(e: Expr): EnumType | undefined {
    if (e.kind !== 'name') return undefined;
    const resolved = scope.resolve(e.name);
    return resolved?.kind === 'attribute' && isEnumType(resolved.type) ? resolved.type : undefined;
  }

  function numericName(e: Expr): string | undefined {
    if (e.kind !== 'name') return undefined;
    const resolved = scope.resolve(e.name);
    return resolved?.kind === 'feature' || (resolved?.kind === 'attribute' && resolved.type === 'number') ? e.name : undefined;
  }

  /** What the name's values can be at all: its catalogue range, or everything. */
  function domain(a: Atom): Interval | Codes {
    if (a.values.kind === 'enum') return complement(a.values.type, new Set());
    const range = featureRange(a.name);
    return range ? { lo: range.min, loIn: true, hi: range.max, hiIn: Number.isFinite(range.max) } : EVERYTHING;
  }

  /** Checks one atom against the range of its name; true when it is never true. */
  function rangeCheck(a: Atom): boolean {
    if (a.values.kind !== 'number') return isEmpty(intersect(domain(a), a.values.set));
    const range = featureRange(a.name);
    if (!range) return false;
    const within = domain(a) as Interval;
    const set = a.values.set;
    const what = `${a.name} is ${DESCRIBE[range.kind]}`;
    const percent = percentHint(range, Number.isFinite(set.lo) ? set.lo : set.hi);
    if (isEmpty(intersectIntervals(within, set))) {
      warnings.push(problem('out_of_range', `\`${quote(a.span)}\` is never true: ${what}${percent}`, a.span));
      return true;
    }
    if (contains(set, within)) {
      warnings.push(problem('out_of_range', `\`${quote(a.span)}\` is true for every consumer whose ${a.name} is defined: ${what}; to test that it is defined, write \`defined(${a.name})\`${percent}`, a.span));
    }
    return false;
  }

  /** True when `e` is false for every consumer; warns on the way. */
  function never(e: Expr): boolean {
    if (e.kind === 'bool') return !e.value;
    if (e.kind === 'binary' && e.op === 'and') return conjunction(e);
    if (e.kind === 'binary' && e.op === 'or') {
      const left = never(e.left);
      return never(e.right) && left;
    }
    if (e.kind === 'unary' && e.op === 'not') {
      never(e.operand); // for its warnings; `not x` is true where x is NaN, so it is never "never"
      return e.operand.kind === 'bool' && e.operand.value;
    }
    const a = atom(e);
    return a ? rangeCheck(a) : false;
  }

  /** A whole chain `a and b and …`: each part, then the bounds of each name together. */
  function conjunction(e: Expr): boolean {
    const parts: Expr[] = [];
    const flatten = (x: Expr): void => {
      if (x.kind === 'binary' && x.op === 'and') {
        flatten(x.left);
        flatten(x.right);
      } else parts.push(x);
    };
    flatten(e);
    let result = false;
    const seen = new Map<string, { set: Interval | Codes; atoms: Atom[] }>();
    for (const part of parts) {
      if (never(part)) {
        result = true;
        continue; // already explained
      }
      const a = atom(part);
      if (!a) continue;
      const before = seen.get(a.name) ?? { set: domain(a), atoms: [] };
      const together = intersect(before.set, a.values.set);
      if (isEmpty(together)) {
        // Name the earlier comparison it cannot meet, if one alone is enough.
        const culprit = before.atoms.find((b) => isEmpty(intersect(intersect(domain(a), b.values.set), a.values.set)));
        const earlier = culprit ? `\`${quote(culprit.span)}\`` : before.atoms.map((b) => `\`${quote(b.span)}\``).join(' and ');
        warnings.push(problem('contradiction', `\`${quote(a.span)}\` contradicts ${earlier} in the same \`and\`: no value of ${a.name} meets both, so this \`and\` is never true`, a.span));
        result = true;
        continue;
      }
      seen.set(a.name, { set: together, atoms: [...before.atoms, a] });
    }
    return result;
  }

  if (never(expr)) {
    const why = warnings.length > 0 ? ' (see the other warnings of this rule)' : '';
    warnings.push(problem('never_fires', `this rule can never fire: its \`when\` is false for every consumer${why}`, expr.span));
  }
  return warnings;
}

/**
 * `; 40 looks like a percentage: did you mean 0.4?` when `c` is a percentage
 * of the range: above 1 and at most 100 for 0…1 (a share), above 1 and at
 * most 100 in size for −1…1 (a correlation); never a suggestion outside it. c/100 is
 * printed to 12 significant digits (1.1/100 is 0.011000000000000001 in binary).
 */
export function percentHint(range: FeatureRange, c: number): string {
  const fits = range.min === 0 && range.max === 1 ? c > 1 && c <= 100 : range.min === -1 && range.max === 1 ? Math.abs(c) > 1 && Math.abs(c) <= 100 : false;
  return fits ? `; ${c} looks like a percentage: did you mean ${Number((c / 100).toPrecision(12))}?` : '';
}

/** A number constant: a literal, or a negated one. */
function constant(e: Expr): number | undefined {
  if (e.kind === 'number') return e.value;
  if (e.kind === 'unary' && e.op === 'neg' && e.operand.kind === 'number') return -e.operand.value;
  return undefined;
}
