// Opcodes of the rule bytecode; the same numbers as `Op` in
// engine/src/rules/program.ts, which documents each instruction.
export const LOAD_FEATURE: i32 = 1;
export const LOAD_ATTRIBUTE: i32 = 2;
export const CONSTANT: i32 = 3;
export const BOOL: i32 = 4;
export const ADD: i32 = 10;
export const SUB: i32 = 11;
export const MUL: i32 = 12;
export const DIV: i32 = 13;
export const MIN: i32 = 14;
export const MAX: i32 = 15;
export const ABS: i32 = 16;
export const NEG: i32 = 17;
export const LT: i32 = 20;
export const LE: i32 = 21;
export const GT: i32 = 22;
export const GE: i32 = 23;
export const EQ: i32 = 24;
export const NE: i32 = 25;
export const AND: i32 = 30;
export const OR: i32 = 31;
export const NOT: i32 = 32;
export const DEFINED: i32 = 33;
export const FIRE: i32 = 40;

// Attribute ids of LOAD_ATTRIBUTE (`Attribute` in program.ts).
export const ATTRIBUTE_CATEGORY: i32 = 0;
export const ATTRIBUTE_ZONE: i32 = 1;
export const ATTRIBUTE_CAPACITY: i32 = 2;
export const ATTRIBUTE_POINTS: i32 = 3;
export const ATTRIBUTE_WATCH: i32 = 4;
export const ATTRIBUTE_BASELINE: i32 = 5;

// Rule effects, as the host writes them.
export const EFFECT_SCORE: i32 = 0;
export const EFFECT_EXEMPT: i32 = 1;
export const EFFECT_RED: i32 = 2;

// Codes, as in the proto's `Code`.
export const GREEN: u8 = 1;
export const YELLOW: u8 = 2;
export const RED: u8 = 3;
export const GRAY: u8 = 4;
