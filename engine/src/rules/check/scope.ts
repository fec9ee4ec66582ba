// What a rule set's expressions can name: the feature columns (the base
// catalogue, then `corr_<template>` for the set's own templates), the consumer
// attributes, the enum words, and the functions. Types of the language:
// number, boolean, and the three enums (category, zone, watch), which are
// kept apart so that a category is never compared with a zone.
import { ATTRIBUTES, featureNames } from '../../catalogue.js';
import { CATEGORY_WORDS, WATCH_WORDS, ZONE_WORDS, type AttributeName } from '../program.js';

export type Type = 'number' | 'boolean' | 'category' | 'zone' | 'watch';
export type EnumType = 'category' | 'zone' | 'watch';
export const ENUM_TYPES: readonly EnumType[] = ['category', 'zone', 'watch'];

export function isEnumType(type: Type): type is EnumType {
  return type === 'category' || type === 'zone' || type === 'watch';
}

export const ENUM_WORDS: Readonly<Record<EnumType, Readonly<Record<string, number>>>> = {
  category: CATEGORY_WORDS,
  zone: ZONE_WORDS,
  watch: WATCH_WORDS,
};

export const ATTRIBUTE_TYPES: Readonly<Record<AttributeName, Type>> = {
  category: 'category',
  zone: 'zone',
  capacity_kw: 'number',
  points_per_day: 'number',
  watch: 'watch',
  baseline_kw: 'number',
};

export interface FunctionSignature {
  readonly params: readonly Type[];
  readonly result: Type;
}

export const FUNCTIONS: Readonly<Record<string, FunctionSignature>> = {
  min: { params: ['number', 'number'], result: 'number' },
  max: { params: ['number', 'number'], result: 'number' },
  abs: { params: ['number'], result: 'number' },
  defined: { params: ['number'], result: 'boolean' },
};

export type Resolved =
  | { readonly kind: 'feature'; readonly index: number; readonly name: string }
  | { readonly kind: 'attribute'; readonly name: AttributeName; readonly type: Type };

export class Scope {
  /** Feature columns in matrix order: the Op.loadFeature operand is the index here. */
  readonly features: readonly string[];
  private readonly byName = new Map<string, Resolved>();

  /** `openTemplates`: the rule set extends a base that could not be loaded, so a `corr_` name may be one of its templates. */
  constructor(
    readonly templateNames: readonly string[],
    readonly openTemplates = false,
  ) {
    this.features = featureNames(templateNames);
    this.features.forEach((name, index) => this.byName.set(name, { kind: 'feature', index, name }));
    for (const name of ATTRIBUTES) this.byName.set(name, { kind: 'attribute', name, type: ATTRIBUTE_TYPES[name] });
  }

  resolve(name: string): Resolved | undefined {
    return this.byName.get(name);
  }

  /** Every readable name, attributes first (they are short and common). */
  names(): string[] {
    return [...ATTRIBUTES, ...this.features];
  }
}

export function typeName(type: Type): string {
  switch (type) {
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true/false';
    case 'category':
      return 'a category';
    case 'zone':
      return 'a zone';
    case 'watch':
      return 'a watch status';
  }
}
