import { consumers, featureCount, matrix } from '../layout';

// The rules area, laid out after the batch's feature matrix: the program,
// its constants, per-rule scores and effects, one scratch column per stack
// slot, and the outputs. Columns are padded to 16 bytes so that every SIMD
// pair of consumers lies inside its own column.

/** Deepest stack a program may reach (the compiler enforces a smaller nesting limit). */
export const MAX_DEPTH: i32 = 64;
/** Column pointer of each stack entry: a stack slot's own column, or a feature column of the matrix (loaded without a copy). */
export const entries: usize = memory.data(MAX_DEPTH * 4, 16);

export let program: usize = 0; // i32[words]
export let constants: usize = 0; // f64[constantCount]
export let ruleScores: usize = 0; // f64[rules]
export let ruleEffects: usize = 0; // i32[rules]
export let slots: usize = 0; // f64[maxDepth][stride]
export let sums: usize = 0; // f64[stride]: Σ score of fired rules
export let exempt: usize = 0; // mask[stride]: an exempt rule fired
export let red: usize = 0; // mask[stride]: a red rule fired
export let fired: usize = 0; // u8[rules][consumers]
export let codes: usize = 0; // u8[consumers]
export let scores: usize = 0; // f64[consumers]
export let hits: usize = 0; // i32[rules]
/** Bytes between two columns: consumers × 8, padded to 16. */
export let stride: usize = 0;
export let ruleCount: i32 = 0;

@inline function align16(address: usize): usize {
  return (address + 15) & ~(<usize>15);
}

/** Places the rules area after the current batch; false when memory cannot grow to hold it. */
export function layoutRules(words: i32, constantCount: i32, rules: i32, maxDepth: i32): bool {
  if (maxDepth > MAX_DEPTH) return false;
  const c = <usize>consumers;
  stride = align16(c * 8);
  program = align16(matrix + <usize>featureCount * c * 8 + 16);
  constants = align16(program + <usize>words * 4);
  ruleScores = align16(constants + <usize>constantCount * 8);
  ruleEffects = align16(ruleScores + <usize>rules * 8);
  slots = align16(ruleEffects + <usize>rules * 4);
  sums = slots + <usize>maxDepth * stride;
  exempt = sums + stride;
  red = exempt + stride;
  fired = red + stride;
  codes = align16(fired + <usize>rules * c);
  scores = align16(codes + c);
  hits = align16(scores + c * 8);
  const end = <f64>hits + <f64>rules * 4 + 16;
  if (end > 4294967295.0) return false;
  const pages = <i32>Math.ceil(end / 65536);
  if (pages > memory.size() && memory.grow(pages - memory.size()) < 0) return false;
  ruleCount = rules;
  return true;
}

@inline export function slot(depth: i32): usize {
  return slots + <usize>depth * stride;
}

@inline export function entry(depth: i32): usize {
  return load<usize>(entries + (<usize>depth << 2));
}

@inline export function setEntry(depth: i32, column: usize): void {
  store<usize>(entries + (<usize>depth << 2), column);
}
