// Decoder-level fuzzing: most of the 100,000 inputs of issue 6, through the
// gateway's own decoding path in this thread (tests/support/fuzz/in-process.ts).
// Every input must come back as a client error with a code of the closed set
// (never `internal`, never an uncoded throw) or as a response whose GRAY
// results carry a note. Replay one input: GRIDCODE_FUZZ_SEED=<seed>
// GRIDCODE_FUZZ_ONLY=<index> npx vitest run tests/fuzz/decoder.fuzz.test.ts
import { beforeAll, describe, expect, it } from 'vitest';
import { gridcode } from '#gen/scoring.js';
import { FuzzCorpus, largeCases, type FuzzCase } from '../support/fuzz/corpus.js';
import { InProcessGateway } from '../support/fuzz/in-process.js';
import { isProperErrorCode, responseProblem, Tally } from '../support/fuzz/outcomes.js';
import { fuzzScale, fuzzSeed } from '../support/fuzz/random.js';

/** Inputs at scale 1: with the endpoint suite's ~17,000 this makes the 100,000. */
const DECODER_INPUTS = 85_000;

const seed = fuzzSeed();
const only = process.env.GRIDCODE_FUZZ_ONLY?.split(',').map(Number);
const count = Math.round(DECODER_INPUTS * fuzzScale());

let gateway: InProcessGateway;

beforeAll(async () => {
  gateway = await InProcessGateway.start();
});

/** Counts the outcome of one input in `tally` under `group`; returns it (`ok`, a code, or FAIL). */
async function judge(tally: Tally, group: string, index: number, input: FuzzCase): Promise<string> {
  let problem: string | undefined;
  let code = 'ok';
  try {
    const outcome = await gateway.run(input);
    if (outcome.ok) problem = responseProblem(input.method, input.serialization, outcome.bytes);
    else if (!isProperErrorCode(outcome.code) || !outcome.message) problem = `code ${outcome.code}: ${outcome.message}`;
    else code = outcome.code;
  } catch (error) {
    problem = String(error);
  }
  if (problem === undefined) tally.add(group, code);
  else tally.fail(group, index, input, problem);
  return problem === undefined ? code : 'FAIL';
}

describe('fuzzing the decoding path in-process', () => {
  it(`answers ${only ? only.length : count} random malformed inputs (seed ${seed}) with coded errors or GRAY notes`, async () => {
    const tally = new Tally();
    const byKind = new Tally();
    const started = performance.now();
    const indices = only ?? Array.from({ length: count }, (_, i) => i);
    const corpus = new FuzzCorpus(seed);
    for (const index of indices) {
      const input = corpus.case(index);
      byKind.add(input.kind, await judge(tally, `${input.method}/${input.serialization}`, index, input));
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(tally.table(`decoder level, seed ${seed}: ${tally.total()} inputs in ${seconds.toFixed(1)} s`));
    console.log(byKind.table('decoder level by how the input was made'));
    expect(tally.failures).toEqual([]);
    expect(tally.count('FAIL')).toBe(0);
    expect(tally.count('internal')).toBe(0);
    expect(tally.total()).toBe(indices.length);
    if (!only) {
      // The suite exercises both sides: responses and every client-error kind it should provoke.
      expect(tally.count('ok')).toBeGreaterThan(count / 20);
      expect(tally.count('invalid_argument')).toBeGreaterThan(count / 4);
      expect(tally.count('not_found')).toBeGreaterThan(0);
    }
  }, 240_000);

  it('answers the large inputs: a million tiny consumers, an empty batch, oversized drafts', async () => {
    const tally = new Tally();
    const cases = largeCases();
    for (const [i, input] of cases.entries()) await judge(tally, input.kind, i, input);
    console.log(tally.table('decoder level, large inputs'));
    expect(tally.failures).toEqual([]);
    expect(tally.total()).toBe(cases.length);
  }, 120_000);
});

describe('the judge of outcomes', () => {
  const encode = (results: gridcode.v1.ConsumerResult.$Properties[], total = results.length): Uint8Array =>
    gridcode.v1.ScoreBatchResponse.encode({ ruleSet: 'default@1', results, summary: { total } }).finish();

  it('accepts GRAY results with a note and refuses them without', () => {
    expect(responseProblem('ScoreBatch', 'proto', encode([{ id: 'a', code: 4, note: 'no readings' }, { id: 'b', code: 1, score: 3 }]))).toBeUndefined();
    expect(responseProblem('ScoreBatch', 'proto', encode([{ id: 'a', code: 4 }]))).toMatch(/no note/);
  });

  it('refuses unknown codes, more results than consumers, and bytes that do not decode', () => {
    expect(responseProblem('ScoreBatch', 'proto', encode([{ id: 'a', code: 9 as gridcode.v1.Code }]))).toMatch(/code 9/);
    expect(responseProblem('ScoreBatch', 'proto', encode([{ id: 'a', code: 1 }], 0))).toMatch(/results for 0/);
    expect(responseProblem('ScoreBatch', 'json', new TextEncoder().encode('{"results":'))).toMatch(/does not decode/);
    expect(responseProblem('ValidateRuleSet', 'proto', gridcode.v1.ValidateRuleSetResponse.encode({ valid: false }).finish())).toMatch(/no error/);
  });

  it('counts internal and codes outside the closed set as failures', () => {
    expect(isProperErrorCode('invalid_argument')).toBe(true);
    expect(isProperErrorCode('internal')).toBe(false);
    expect(isProperErrorCode('data_loss')).toBe(false);
    expect(isProperErrorCode('toString')).toBe(false);
  });
});
