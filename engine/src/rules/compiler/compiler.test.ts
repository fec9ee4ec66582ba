import { describe, expect, test } from 'vitest';
import { Op, Attribute } from '../program.js';
import { BASE_FEATURES } from '../../catalogue.js';
import { compileProgram } from './compile.js';
import { fold } from './fold.js';
import type { Ir } from './ir.js';

const feature = (name: string): Ir => ({ k: 'feature', index: BASE_FEATURES.indexOf(name as never), name });
const num = (value: number): Ir => ({ k: 'number', value });
const bin = (op: Extract<Ir, { k: 'binary' }>['op'], a: Ir, b: Ir): Ir => ({ k: 'binary', op, a, b });
const capacity: Ir = { k: 'attribute', name: 'capacity_kw' };
const category: Ir = { k: 'attribute', name: 'category' };

/** Instructions as [op, a] pairs. */
function ops(rules: Ir[], fold = true): [number, number][] {
  const out = compileProgram(rules, { fold });
  if (!out.ok) throw new Error(out.message);
  const code = Array.from(out.program.code);
  const pairs: [number, number][] = [];
  for (let i = 0; i < code.length; i += 4) {
    expect(code.slice(i + 2, i + 4)).toEqual([0, 0]);
    pairs.push([code[i]!, code[i + 1]!]);
  }
  return pairs;
}

describe('emitter', () => {
  test('post-order code, then fire with the rule index', () => {
    const nightShare = BASE_FEATURES.indexOf('night_share');
    expect(ops([bin('gt', feature('night_share'), num(0.35)), bin('ne', capacity, num(0))])).toEqual([
      [Op.loadFeature, nightShare], [Op.constant, 0], [Op.gt, 0], [Op.fire, 0],
      [Op.loadAttribute, Attribute.capacity_kw], [Op.constant, 1], [Op.ne, 0], [Op.fire, 1],
    ]);
  });

  test('`in` expands to eq/or; `not in` adds not', () => {
    expect(ops([{ k: 'in', subject: category, values: [1, 2, 3], negated: true }])).toEqual([
      [Op.loadAttribute, 0], [Op.constant, 0], [Op.eq, 0],
      [Op.loadAttribute, 0], [Op.constant, 1], [Op.eq, 0], [Op.or, 0],
      [Op.loadAttribute, 0], [Op.constant, 2], [Op.eq, 0], [Op.or, 0],
      [Op.not, 0], [Op.fire, 0],
    ]);
  });

  test('constants are pooled by bit pattern (NaN once, -0 apart from 0)', () => {
    const out = compileProgram([bin('and', bin('lt', feature('cv'), num(NaN)), bin('lt', feature('cv'), num(NaN))), bin('and', bin('lt', feature('cv'), num(0)), bin('lt', feature('cv'), num(-0)))], { fold: false });
    if (!out.ok) throw new Error(out.message);
    expect(Array.from(out.program.constants).map((v) => (Object.is(v, -0) ? '-0' : String(v)))).toEqual(['NaN', '0', '-0']);
  });

  test('maxDepth is the deepest stack over all rules', () => {
    const chain = bin('gt', bin('add', feature('cv'), bin('add', feature('cv'), bin('add', feature('cv'), feature('cv')))), num(1));
    const out = compileProgram([bin('gt', feature('cv'), num(1)), chain]);
    expect(out.ok && out.program.maxDepth).toBe(4);
    const left = compileProgram([bin('gt', bin('add', bin('add', bin('add', feature('cv'), feature('cv')), feature('cv')), feature('cv')), num(1))]);
    expect(left.ok && left.program.maxDepth).toBe(2);
  });

  test('reads: numeric features and attributes, first-read order, once each; enum attributes are not evidence', () => {
    const out = compileProgram([
      bin('and', bin('gt', feature('mean_kw'), capacity), bin('and', bin('eq', category, num(1)), bin('gt', feature('cv'), feature('mean_kw')))),
    ]);
    expect(out.ok && out.reads).toEqual([['mean_kw', 'capacity_kw', 'cv']]);
  });

  test('folding removes what cannot matter, so it is not read either', () => {
    const out = compileProgram([bin('and', { k: 'bool', value: false }, bin('gt', feature('cv'), num(1)))]);
    expect(out.ok && [out.reads, out.program.maxDepth]).toEqual([[[]], 1]);
  });

  test('attributes: every attribute a rule reads, enums included, first-read order, once each, after folding', () => {
    const zone: Ir = { k: 'attribute', name: 'zone' };
    const out = compileProgram([
      bin('and', { k: 'in', subject: zone, values: [0, 1], negated: false }, bin('and', bin('gt', feature('mean_kw'), capacity), bin('eq', category, num(0)))),
      bin('gt', feature('cv'), num(1)),
      bin('or', bin('eq', category, num(1)), { k: 'bool', value: true }),
    ]);
    expect(out.ok && out.attributes).toEqual([['zone', 'capacity_kw', 'category'], [], []]);
    const unfolded = compileProgram([bin('or', bin('eq', category, num(1)), { k: 'bool', value: true })], { fold: false });
    expect(unfolded.ok && unfolded.attributes).toEqual([['category']]);
  });
});

describe('fold', () => {
  const nan: Ir = bin('div', num(0), num(0));
  test.each<[string, Ir, Ir]>([
    ['arithmetic', bin('add', num(1), bin('mul', num(2), num(3))), num(7)],
    ['NaN propagates', bin('min', nan, num(1)), num(NaN)],
    ['NaN comparison false, != included', bin('ne', nan, num(1)), { k: 'bool', value: false }],
    ['not of a NaN comparison is true', { k: 'unary', op: 'not', arg: bin('lt', nan, num(1)) }, { k: 'bool', value: true }],
    ['true and x → x', bin('and', { k: 'bool', value: true }, bin('gt', feature('cv'), num(1))), bin('gt', feature('cv'), num(1))],
    ['x or true → true', bin('or', bin('gt', feature('cv'), num(1)), { k: 'bool', value: true }), { k: 'bool', value: true }],
    ['not not x → x', { k: 'unary', op: 'not', arg: { k: 'unary', op: 'not', arg: bin('gt', feature('cv'), num(1)) } }, bin('gt', feature('cv'), num(1))],
    ['x * 0 is not folded (NaN)', bin('mul', feature('cv'), num(0)), bin('mul', feature('cv'), num(0))],
    ['defined(1/0) → true', { k: 'unary', op: 'defined', arg: bin('div', num(1), num(0)) }, { k: 'bool', value: true }],
    ['constant in list', { k: 'in', subject: num(2), values: [1, 2], negated: false }, { k: 'bool', value: true }],
    ['NaN not in list → true', { k: 'in', subject: nan, values: [1], negated: true }, { k: 'bool', value: true }],
  ])('%s', (_, input, expected) => {
    expect(fold(input)).toEqual(expected);
  });
});
