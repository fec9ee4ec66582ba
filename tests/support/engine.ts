// Running the engine under test and copying its results out of engine memory.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FeatureEngine, TemplateSet, parseBatchHeader, type ConsumerInput } from '../../engine/src/index.js';
import { packageRoot } from '../../engine/src/package-root.js';
import { compileRuleSet } from '../../engine/src/rules/compile-rule-set.js';
import type { CompiledRuleSet } from '../../engine/src/rules/program.js';

let loading: Promise<FeatureEngine> | undefined;

/** One engine per test file (each file runs in its own worker). */
export function engine(): Promise<FeatureEngine> {
  loading ??= FeatureEngine.load();
  return loading;
}

/** The default rule set (rules/default.yaml), compiled; throws if it does not compile. */
export function defaultRuleSet(): CompiledRuleSet {
  const file = join(packageRoot, 'rules', 'default.yaml');
  const compiled = compileRuleSet(readFileSync(file, 'utf8'), { file });
  if (!compiled.ruleSet) throw new Error(`${file} does not compile`);
  return compiled.ruleSet;
}

/** This file's engine and the default rule set, for scoring tests. */
export async function defaultScoring(): Promise<{ engine: FeatureEngine; ruleSet: CompiledRuleSet }> {
  return { engine: await engine(), ruleSet: defaultRuleSet() };
}

export interface BatchResult {
  readonly rows: Record<string, number>[];
  readonly notes: (string | undefined)[];
  readonly names: readonly string[];
}

/** Computes one batch and copies every row and note before anything else runs. */
export async function computeBatch(
  pointsPerDay: number,
  startDate: string,
  consumers: readonly ConsumerInput[],
  options: { templates?: Readonly<Record<string, readonly number[]>>; groups?: number } = {},
): Promise<BatchResult> {
  const e = await engine();
  const header = parseBatchHeader(pointsPerDay, startDate);
  const templates = TemplateSet.from(options.templates ?? {});
  const matrix = e.computeConsumers(header, consumers, { templates, ...(options.groups === undefined ? {} : { groups: options.groups }) });
  const rows = consumers.map((_, i) => matrix.row(i));
  const notes = consumers.map((_, i) => matrix.note(i));
  return { rows, notes, names: [...matrix.names] };
}
