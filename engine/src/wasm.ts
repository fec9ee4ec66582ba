import { readFile } from 'node:fs/promises';
import { packageRoot } from './package-root.js';

/** The exports of engine/assembly/index.ts. Offsets are byte addresses in `memory`. */
export interface EngineExports {
  readonly memory: WebAssembly.Memory;
  layoutBatch(consumers: number, readings: number, water: number, templates: number, pointsPerDay: number, startWeekday: number): number;
  batchBytes(consumers: number, readings: number, water: number, templates: number, pointsPerDay: number): number;
  featureCount(): number;
  readingOffsets(): number;
  readingCounts(): number;
  waterOffsets(): number;
  waterCounts(): number;
  capacities(): number;
  /** f32[consumers]: baseline_kw as sent. */
  baselines(): number;
  /** u8[consumers]: WatchStatus, 0 = not watched. */
  watchStatuses(): number;
  /** i32[consumers]: first day of the window on or after the watch's `since`. */
  watchFirstDays(): number;
  statuses(): number;
  categories(): number;
  zones(): number;
  readingsBase(): number;
  waterBase(): number;
  templatesBase(): number;
  matrixBase(): number;
  profilesBase(): number;
  layoutCohort(count: number, pointsPerDay: number): number;
  cohortCorrelations(used: number, flat: number): void;
  cohortMeans(): number;
  cohortPeers(): number;
  cohortProfiles(): number;
  cohortCorr(): number;
  computeFeatures(first: number, count: number, groups: number): void;
  validCounts(): number;
  layoutRules(words: number, constants: number, rules: number, maxDepth: number): number;
  runProgram(words: number): void;
  assignCodes(yellow: number, red: number, minValidShare: number): void;
  rulesProgram(): number;
  rulesConstants(): number;
  ruleScores(): number;
  ruleEffects(): number;
  ruleFired(): number;
  ruleHits(): number;
  consumerCodes(): number;
  consumerScores(): number;
}

/** Where `npm run build:wasm` writes the module. */
export const WASM_PATH = `${packageRoot}/build/engine.wasm`;

let compiled: Promise<WebAssembly.Module> | undefined;

/**
 * Compiles the engine once per thread; a worker may instead receive a
 * compiled module from its parent (WebAssembly.Module is structured-cloneable).
 */
export function compileEngine(path: string = WASM_PATH): Promise<WebAssembly.Module> {
  if (path !== WASM_PATH) return readFile(path).then((bytes) => WebAssembly.compile(bytes));
  compiled ??= readFile(path).then(
    (bytes) => WebAssembly.compile(bytes),
    (error: NodeJS.ErrnoException) => {
      compiled = undefined;
      throw error.code === 'ENOENT' ? new Error(`${path} is missing: run npm run build:wasm`) : error;
    },
  );
  return compiled;
}

export async function instantiateEngine(module: WebAssembly.Module): Promise<EngineExports> {
  const instance = await WebAssembly.instantiate(module, {
    env: {
      abort(_message: number, _file: number, line: number, column: number): never {
        throw new Error(`engine aborted at ${line}:${column}`);
      },
    },
  });
  return instance.exports as unknown as EngineExports;
}
