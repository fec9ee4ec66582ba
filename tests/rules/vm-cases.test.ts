// The expression table through the real WebAssembly VM: one consumer per
// case, every case's rule in one rule set, the case's feature values written
// into the batch's feature matrix, then rule evaluation alone (rescore).
// Rule c<i> must fire for consumer i exactly when case i expects true.
import { beforeAll, describe, expect, test } from 'vitest';
import { FeatureEngine, parseBatchHeader, type PointsPerDay } from '../../engine/src/index.js';
import { compileRuleSet } from '../../engine/src/rules/compile-rule-set.js';
import { formatDiagnostics } from '../../engine/src/rules/format.js';
import { caseInput, caseRuleSet, EXPRESSION_CASES, CASE_FEATURES } from '../../lib/expression-cases.js';

let engine: FeatureEngine;
beforeAll(async () => {
  engine = await FeatureEngine.load();
});

function fired(points: PointsPerDay, indices: number[]): boolean[] {
  const source = caseRuleSet();
  const { ruleSet, diagnostics } = compileRuleSet(source);
  if (!ruleSet) throw new Error(formatDiagnostics(diagnostics, source));
  const inputs = indices.map((i) => caseInput(EXPRESSION_CASES[i]!));
  const consumers = inputs.map((input) => ({
    loadKw: new Float32Array(points).fill(1),
    category: input.attributes[0]!,
    zone: input.attributes[1]!,
    capacityKw: input.attributes[2]!,
    // `since` empty: the whole window; a status the proto does not define is kept as sent.
    ...(input.attributes[4] ? { watch: { status: input.attributes[4], since: '' } } : {}),
    ...(Number.isNaN(input.attributes[5]!) ? {} : { baselineKw: input.attributes[5]! }),
  }));
  const matrix = engine.computeConsumers(parseBatchHeader(points, '2026-11-02'), consumers, { templates: ruleSet.templates });
  expect(matrix.names).toEqual(CASE_FEATURES);
  const values = matrix.values;
  inputs.forEach((input, c) => input.features.forEach((v, f) => (values[f * inputs.length + c] = v)));
  const scored = engine.rescore(ruleSet);
  return indices.map((i, c) => scored.reasons(c).includes(`c${i}`));
}

describe('expression table on the WASM VM', () => {
  const byPoints = new Map<PointsPerDay, number[]>();
  EXPRESSION_CASES.forEach((k, i) => {
    const points = (typeof k.values.points_per_day === 'number' ? k.values.points_per_day : 96) as PointsPerDay;
    byPoints.set(points, [...(byPoints.get(points) ?? []), i]);
  });
  for (const [points, indices] of byPoints) {
    test(`${indices.length} cases at ${points} points per day`, () => {
      const got = fired(points, indices);
      const wrong = indices.filter((i, c) => got[c] !== EXPRESSION_CASES[i]!.expected).map((i) => `${i}: ${EXPRESSION_CASES[i]!.expr} (expected ${EXPRESSION_CASES[i]!.expected})`);
      expect(wrong).toEqual([]);
    });
  }
});
