// One timed round = the whole population through every implementation,
// single-threaded. The implementations take turns batch by batch (not round
// by round), so a burst of load on the shared machine hits all of them
// within the same second. Both sides read the same prebuilt Float32Array
// views of the population buffers and write a column-major Float64 matrix
// per batch, so they do the same work apart from computing the features.
import { FeatureGroup, type BatchHeader, type CompiledRuleSet, type ConsumerInput, type FeatureEngine, type TemplateSet } from '../engine/src/index.js';
import type { FollowUp, JsFeatures } from './js-features.js';
import type { CurveBatch } from './population/curves.js';

export interface Population {
  readonly batches: readonly CurveBatch[];
  /** Per batch, the engine's input: subarray views of the batch buffers, no copies. */
  readonly inputs: readonly (readonly ConsumerInput[])[];
  /** Per batch, the same consumers' follow-up inputs as the JS baseline takes them. */
  readonly followUps: readonly (readonly FollowUp[])[];
  readonly consumers: number;
}

const isoDay = (startDate: string, day: number) => new Date(Date.parse(`${startDate}T00:00:00Z`) + day * 86_400_000).toISOString().slice(0, 10);

export function buildInputs(batch: CurveBatch, startDate: string): ConsumerInput[] {
  const days = batch.waterM3.length / batch.count;
  return Array.from({ length: batch.count }, (_, c) => ({
    loadKw: batch.loadKw.subarray(c * batch.readings, (c + 1) * batch.readings),
    capacityKw: batch.capacityKw[c]!,
    ...(batch.hasWater[c] ? { waterM3: batch.waterM3.subarray(c * days, (c + 1) * days) } : {}),
    ...(batch.baselineKw[c] ? { baselineKw: batch.baselineKw[c]! } : {}),
    ...(batch.watchStatus[c] ? { watch: { status: batch.watchStatus[c]!, since: isoDay(startDate, batch.watchSinceDay[c]!) } } : {}),
  }));
}

/** The follow-up inputs of a batch for the JS baseline: the first watched day is `since` counted from day 0 (the JS clamps it). */
export function buildFollowUps(batch: CurveBatch): FollowUp[] {
  return Array.from({ length: batch.count }, (_, c) => ({ baselineKw: batch.baselineKw[c]!, watchStatus: batch.watchStatus[c]!, watchFirstDay: batch.watchSinceDay[c]! }));
}

/** Computes the features of batch b of the population. */
export type BatchRunner = (b: number) => void;

/** Keeps results observable so no work can be optimised away; printed nowhere. */
export let sink = 0;

export function engineRunner(engine: FeatureEngine, header: BatchHeader, templates: TemplateSet, groups: number | undefined, population: Population): BatchRunner {
  const options = groups === undefined ? { templates } : { templates, groups };
  return (b) => {
    const matrix = engine.computeConsumers(header, population.inputs[b]!, options);
    sink += matrix.values[matrix.consumerCount - 1]!;
  };
}

/** Time of the rules part of scoring runs, accumulated by `scoreRunner`. */
export interface RuleTime {
  nanoseconds: bigint;
}

/**
 * Scoring with a rule set: its features (only the groups it reads), then the
 * rules, each timed within the same call, so the rules' share of scoring is
 * measured on the same batches, seconds apart at most.
 */
export function scoreRunner(engine: FeatureEngine, header: BatchHeader, ruleSet: CompiledRuleSet, population: Population, rules: RuleTime): BatchRunner {
  const options = { templates: ruleSet.templates, groups: ruleSet.groups };
  return (b) => {
    engine.computeConsumers(header, population.inputs[b]!, options);
    const start = process.hrtime.bigint();
    const scored = engine.rescore(ruleSet);
    rules.nanoseconds += process.hrtime.bigint() - start;
    sink += scored.scores[scored.count - 1]!;
  };
}

/**
 * Scoring consumers in cohorts (followup.md): features with the profiles kept,
 * the peer pass over each batch's cohorts where the batch lies in engine
 * memory (FeatureEngine.scoreConsumers: one batch, one cohort space), then the
 * rules; `ruleSet` is made to compute the peer features whether or not its
 * rules read them.
 */
export function cohortScoreRunner(engine: FeatureEngine, header: BatchHeader, ruleSet: CompiledRuleSet, inputs: readonly (readonly ConsumerInput[])[]): BatchRunner {
  const withPeers: CompiledRuleSet = { ...ruleSet, groups: ruleSet.groups | FeatureGroup.peer };
  return (b) => {
    const scored = engine.scoreConsumers(header, inputs[b]!, withPeers);
    sink += scored.scores[scored.count - 1]!;
  };
}

/** The score path without the peer features: the rule set's features less the peer group, then its rules. */
export function scoreWithoutPeersRunner(engine: FeatureEngine, header: BatchHeader, ruleSet: CompiledRuleSet, population: Population): BatchRunner {
  const options = { templates: ruleSet.templates, groups: ruleSet.groups & ~FeatureGroup.peer };
  return (b) => {
    engine.computeConsumers(header, population.inputs[b]!, options);
    const scored = engine.rescore(ruleSet);
    sink += scored.scores[scored.count - 1]!;
  };
}

/** The consumers of each batch in cohorts of `size` (one residential transformer area each), for cohortScoreRunner. */
export function inCohorts(population: Population, size: number): ConsumerInput[][] {
  return population.inputs.map((inputs, b) => inputs.map((input, c) => ({ ...input, category: 1, group: `area-${Math.floor((population.batches[b]!.first + c) / size)}` })));
}

/** The JS baseline over the same views, into one reused output matrix per batch size. */
export function jsRunner(js: JsFeatures, population: Population): BatchRunner {
  const F = js.names.length;
  const outputs = new Map<number, Float64Array>();
  return (b) => {
    const inputs = population.inputs[b]!;
    const followUps = population.followUps[b]!;
    const count = inputs.length;
    let out = outputs.get(count);
    if (!out) outputs.set(count, (out = new Float64Array(F * count)));
    for (let c = 0; c < count; c++) {
      const input = inputs[c]!;
      js.compute(input.loadKw as Float32Array, input.capacityKw ?? 0, input.waterM3 as Float32Array | undefined, out, c, count, followUps[c]);
    }
    sink += out[count - 1]!;
  };
}

/**
 * Runs every runner over the first `batches` batches, alternating runners per
 * batch; the runner that goes first rotates with `rotate` (and per batch) so
 * none always meets a cold or a warm cache. Returns consumers per second of
 * each runner, in runner order.
 */
export function timedRound(runners: readonly BatchRunner[], population: Population, rotate: number, batches = population.batches.length): number[] {
  const nanoseconds = runners.map(() => 0n);
  let consumers = 0;
  for (let b = 0; b < batches; b++) {
    for (let i = 0; i < runners.length; i++) {
      const k = (rotate + b + i) % runners.length;
      const start = process.hrtime.bigint();
      runners[k]!(b);
      nanoseconds[k]! += process.hrtime.bigint() - start;
    }
    consumers += population.batches[b]!.count;
  }
  return nanoseconds.map((ns) => consumers / (Number(ns) / 1e9));
}
