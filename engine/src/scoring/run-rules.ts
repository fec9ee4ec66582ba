import { BatchError } from '../errors.js';
import type { FeatureMatrix } from '../matrix.js';
import type { CompiledRuleSet } from '../rules/program.js';
import type { EngineExports } from '../wasm.js';
import { addDataNotes } from './data-notes.js';
import { Code, ScoredBatch } from './scored-batch.js';

const EFFECT = { score: 0, exempt: 1, red: 2 } as const;

/**
 * Runs a compiled rule set over the batch whose features the engine has just
 * computed (`matrix`), in WASM, column at a time, and reads back the codes.
 * `notes` holds why unusable consumers are GRAY; it gains why the others
 * below min_valid_share are, then the data notes of judged ones (data-notes.ts).
 */
export function runRules(wasm: EngineExports, ruleSet: CompiledRuleSet, matrix: FeatureMatrix, pointsPerDay: number, notes: Map<number, string>): ScoredBatch {
  const { program, rules } = ruleSet;
  const count = matrix.consumerCount;
  if (!wasm.layoutRules(program.code.length, program.constants.length, rules.length, program.maxDepth)) {
    throw new BatchError('invalid_argument', `batch of ${count} consumers does not fit in engine memory with rule set ${ruleSet.id}@${ruleSet.version}: send fewer consumers per batch`);
  }
  const buffer = wasm.memory.buffer;
  new Int32Array(buffer, wasm.rulesProgram(), program.code.length).set(program.code);
  new Float64Array(buffer, wasm.rulesConstants(), program.constants.length).set(program.constants);
  const scores = new Float64Array(buffer, wasm.ruleScores(), rules.length);
  const effects = new Int32Array(buffer, wasm.ruleEffects(), rules.length);
  rules.forEach((rule, r) => {
    scores[r] = rule.score;
    effects[r] = EFFECT[rule.effect];
  });
  wasm.runProgram(program.code.length);
  const { yellow, red } = ruleSet.thresholds;
  wasm.assignCodes(yellow, red, ruleSet.minValidShare);

  const after = wasm.memory.buffer;
  const codes = new Uint8Array(after, wasm.consumerCodes(), count).slice();
  const valid = new Int32Array(after, wasm.validCounts(), count);
  const readings = new Int32Array(after, wasm.readingCounts(), count);
  for (let c = 0; c < count; c++) {
    if (codes[c] === Code.gray && !notes.has(c)) {
      const share = readings[c]! ? valid[c]! / readings[c]! : 0;
      notes.set(c, `${(100 * share).toFixed(1)}% of readings are valid; rule set ${ruleSet.id} needs ${(100 * ruleSet.minValidShare).toFixed(1)}%`);
    }
  }
  const fired = new Uint8Array(after, wasm.ruleFired(), rules.length * count).slice();
  const maxKw = matrix.indexOf('max_kw') * count;
  addDataNotes(ruleSet, {
    count,
    codes,
    fired,
    category: new Uint8Array(after, wasm.categories(), count),
    zone: new Uint8Array(after, wasm.zones(), count),
    maxKw: matrix.values.subarray(maxKw, maxKw + count),
    valid,
  }, notes);
  return new ScoredBatch(
    ruleSet,
    count,
    codes,
    new Float64Array(after, wasm.consumerScores(), count).slice(),
    fired,
    new Int32Array(after, wasm.ruleHits(), rules.length).slice(),
    notes,
    matrix,
    {
      capacity: new Float32Array(after, wasm.capacities(), count).slice(),
      baseline: new Float32Array(after, wasm.baselines(), count).slice(),
      pointsPerDay,
    },
  );
}
