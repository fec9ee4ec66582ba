// The bytecode that rule sets compile to, and the compiled rule set. Shared by
// the compiler (engine/src/rules/compiler) and the column VM
// (engine/assembly/rules); opcode numbers must match engine/assembly/rules/opcodes.ts.
//
// A stack machine whose every slot is a column: one instruction runs over all
// consumers of the batch, then the next (rules.md; vectorised engines). A
// number column holds float64 values; a boolean column holds masks (all 64
// bits set for true, zero for false) in the same slots. The type checker
// guarantees that no instruction mixes the two.
import type { TemplateSet } from '../templates.js';
import type { BaseSource } from './bases.js';

/** Instruction words: [opcode, a, 0, 0]; four i32 words each, for alignment and room to grow. */
export const WORDS_PER_INSTRUCTION = 4;

export const Op = {
  /** push feature column a of the feature matrix (BASE_FEATURES order, then corr_<template>) */
  loadFeature: 1,
  /** push attribute a (Attribute below) as numbers: enum codes for category and zone */
  loadAttribute: 2,
  /** push constant a of the constant pool */
  constant: 3,
  /** push a boolean: a = 1 true, 0 false */
  bool: 4,
  add: 10,
  sub: 11,
  mul: 12,
  div: 13,
  min: 14, // NaN if either is NaN (arithmetic propagates NaN)
  max: 15,
  abs: 16,
  neg: 17,
  /** comparisons pop b then a and push a ⋈ b; false whenever either side is NaN, != included */
  lt: 20,
  le: 21,
  gt: 22,
  ge: 23,
  eq: 24,
  ne: 25,
  and: 30,
  or: 31,
  not: 32,
  /** push x == x (false for NaN) */
  defined: 33,
  /** pop a boolean and store it as the fired column of rule a */
  fire: 40,
} as const;
export type OpCode = (typeof Op)[keyof typeof Op];

/** Attribute ids of Op.loadAttribute. */
export const Attribute = { category: 0, zone: 1, capacity_kw: 2, points_per_day: 3, watch: 4, baseline_kw: 5 } as const;
export type AttributeName = keyof typeof Attribute;

/**
 * Enum words of the rule language and their proto numbers (api.md).
 * `unspecified` is the proto's UNSPECIFIED (0): what a consumer sent without
 * the field has, so that a rule set can test for missing account data.
 */
export const CATEGORY_WORDS = { unspecified: 0, residential: 1, commercial: 2, industrial: 3, agricultural: 4, other: 5 } as const;
export const ZONE_WORDS = { unspecified: 0, residential_area: 1, industrial_park: 2, commercial_area: 3, rural: 4, other: 5 } as const;
/** The follow-up status of a site found before (followup.md): `none` is WATCH_STATUS_UNSPECIFIED, a site not watched. */
export const WATCH_WORDS = { none: 0, rectified: 1, closed: 2, restricted: 3, cleared: 4 } as const;

export type Effect = 'score' | 'exempt' | 'red';

export interface CompiledRule {
  readonly id: string;
  /** Points added when it fires (0 for an effect rule without a score). */
  readonly score: number;
  readonly effect: Effect;
  readonly reason: string;
  /** Its `when` expression as written (the YAML value: quotes and block indentation are the file's, not the expression's), for RuleInfo. */
  readonly when: string;
  /** Numeric features and attributes its expression reads, in first-read order: the evidence shown when it fires. */
  readonly reads: readonly string[];
  /**
   * Consumer attributes its expression reads (after folding), in first-read
   * order, category and zone included: the account data it depends on, named
   * in a result's note when that data is unspecified (scoring/data-notes.ts).
   */
  readonly attributes: readonly AttributeName[];
}

export interface Program {
  /** WORDS_PER_INSTRUCTION words per instruction. */
  readonly code: Int32Array;
  readonly constants: Float64Array;
  /** Deepest stack the program reaches: the VM reserves this many columns. */
  readonly maxDepth: number;
}

export interface CompiledRuleSet {
  readonly id: string;
  readonly version: string;
  /** sha256 of the source (and, with `extends`, of its base's ref and digest: rules/bases.ts), hex. */
  readonly digest: string;
  /** `extends: id@version`, when it has a base whose templates it uses. */
  readonly extends?: string;
  /** Its base and the base's own bases, each once: what compiling `source` again elsewhere (a worker) needs. Empty without `extends`. */
  readonly bases?: readonly BaseSource[];
  /** The text it was compiled from: what workers compile again, since a compiled rule set cannot cross threads. */
  readonly source: string;
  readonly description: string;
  readonly thresholds: { readonly yellow: number; readonly red: number };
  /** Below this share of valid readings a consumer is GRAY. */
  readonly minValidShare: number;
  readonly templates: TemplateSet;
  /** In file order; the Op.fire operand is the index here. */
  readonly rules: readonly CompiledRule[];
  /** Rule indices in the order reasons are listed (rules.md step 4), fixed at compile time. */
  readonly reasonOrder: Int32Array;
  readonly program: Program;
  /** Features any rule reads, catalogue order (for ListRuleSets and for computing only what is needed). */
  readonly featureNames: readonly string[];
  /** FeatureGroup bits that `featureNames` need. */
  readonly groups: number;
}
