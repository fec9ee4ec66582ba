// A generator thread of bench:city --distinct: encodes batches of the
// population and posts them (transferring the bytes) while the main thread
// keeps requests in flight. Thread k of n streams the k-th contiguous share
// of the population (bench/population's populationBatches from `first`, or
// the fallback encoder). It sends at most `ahead` batches
// before the main thread acknowledges one, so memory stays bounded.
import { parentPort, workerData } from 'node:worker_threads';
import { openPopulation, type EncodedBatch, type PopulationSpec } from '../gateway/population.js';

export interface GeneratorInit {
  readonly spec: PopulationSpec;
  readonly index: number;
  readonly threads: number;
  readonly ahead: number;
}

export interface GeneratedBatch {
  readonly first: number;
  readonly count: number;
  readonly bytes: Uint8Array;
  /** Seconds this thread spent generating and encoding it. */
  readonly seconds: number;
}

const init = workerData as GeneratorInit;
const port = parentPort!;
let credits = init.ahead;
let wake: (() => void) | undefined;
port.on('message', () => {
  credits++;
  wake?.();
});

async function send(batch: EncodedBatch, seconds: number): Promise<void> {
  while (credits <= 0) await new Promise<void>((resolve) => (wake = resolve));
  credits--;
  const message: GeneratedBatch = { first: batch.first, count: batch.count, bytes: batch.bytes, seconds };
  port.postMessage(message, [batch.bytes.buffer as ArrayBuffer]);
}

async function run(): Promise<void> {
  const { spec, index, threads } = init;
  // Thread k of n: a contiguous share of the population, in whole batches.
  const batches = Math.ceil(spec.consumers / spec.batchSize);
  const from = Math.floor((index * batches) / threads) * spec.batchSize;
  const to = Math.min(spec.consumers, Math.floor(((index + 1) * batches) / threads) * spec.batchSize);
  if (to > from) {
    const source = await openPopulation({ ...spec, first: from, consumers: to - from });
    let t = performance.now();
    for await (const batch of source.batches) {
      const seconds = (performance.now() - t) / 1000;
      const whole = batch.bytes.byteOffset === 0 && batch.bytes.byteLength === batch.bytes.buffer.byteLength;
      await send(whole ? batch : { ...batch, bytes: batch.bytes.slice() }, seconds);
      t = performance.now();
    }
  }
  port.postMessage('done');
}

void run();
