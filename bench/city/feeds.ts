// The batches bench:city sends: a pool of distinct batches cycled, or every
// batch generated afresh in generator threads (see main.ts for why).
import { Worker } from 'node:worker_threads';
import type { WideCsvOptions } from '../../cli/csv/options.js';
import type { TargetArgs } from '../gateway/target-args.js';
import { collect, type EncodedBatch } from '../gateway/population.js';
import { mib, thousands } from '../gateway/server.js';
import type { GeneratedBatch, GeneratorInit } from './generator.js';

export interface Args extends TargetArgs {
  consumers: number;
  batch: number;
  inFlight: number;
  pool: number;
  distinct: boolean;
  generators: number;
  mode: 'batch' | 'stream' | 'both';
  h2: string | undefined;
  /** --input: the file to send instead of generated consumers, its CSV options and the bytes of requests it may hold. */
  input: { arg: string; csv: WideCsvOptions; poolBytes: number } | undefined;
}

/** Batches to send, one at a time; `next()` resolves to undefined at the end. */
export interface BatchFeed {
  next(): Promise<{ count: number; bytes: Uint8Array; done(): void } | undefined>;
  close(): Promise<void>;
  /** Consumers per second of one generating thread (measured). */
  readonly generationRate: () => number;
  readonly description: string;
}

/** A pool of distinct batches, cycled; a last, shorter batch made separately when the population is not a multiple of --batch. */
export async function poolFeed(args: Args, log: (line: string) => void): Promise<BatchFeed & { generator: string }> {
  const spec = { days: args.days, pointsPerDay: args.points, startDate: '2024-03-04', seed: args.seed, batchSize: args.batch };
  const full = Math.floor(args.consumers / args.batch);
  const poolSize = Math.max(1, Math.min(args.pool, full));
  const started = performance.now();
  const { generator, batches } = await collect({ ...spec, consumers: poolSize * args.batch });
  const seconds = (performance.now() - started) / 1000;
  const rest = args.consumers - full * args.batch;
  let tail: EncodedBatch | undefined;
  if (rest > 0) tail = (await collect({ ...spec, consumers: rest, batchSize: rest, seed: args.seed + 1 })).batches[0];
  const rate = (poolSize * args.batch) / seconds;
  log(`client: generated a pool of ${poolSize} distinct batches of ${args.batch} consumers (${mib(batches[0]?.bytes.length ?? 0)} each) in ${seconds.toFixed(1)} s: ${thousands(rate)} consumers/s on one thread [${generator}]`);
  let sent = 0;
  const total = full + (tail ? 1 : 0);
  return {
    generator,
    generationRate: () => rate,
    description: `pool of ${poolSize} distinct batches (${thousands(poolSize * args.batch)} distinct consumers) cycled ${(total / poolSize).toFixed(1)} times; consumer ids repeat`,
    next: async () => {
      if (sent >= total) return undefined;
      const i = sent++;
      const batch = i < full ? batches[i % poolSize]! : tail!;
      return { count: batch.count, bytes: batch.bytes, done: () => undefined };
    },
    close: async () => undefined,
  };
}

/** Every batch generated afresh in generator threads, at most a few ahead of the requests. */
export function distinctFeed(args: Args): BatchFeed {
  const spec = { consumers: args.consumers, batchSize: args.batch, days: args.days, pointsPerDay: args.points, startDate: '2024-03-04', seed: args.seed };
  const ahead = Math.max(2, args.inFlight);
  const queue: { batch: GeneratedBatch; worker: Worker }[] = [];
  let waiting: (() => void) | undefined;
  let running = args.generators;
  let threadSeconds = 0;
  let generated = 0;
  let failure: Error | undefined;
  const workers = Array.from({ length: args.generators }, (_, index) => {
    const init: GeneratorInit = { spec, index, threads: args.generators, ahead };
    const worker = new Worker(new URL('./generator.js', import.meta.url), { workerData: init });
    worker.on('message', (message: GeneratedBatch | 'done') => {
      if (message === 'done') running--;
      else {
        threadSeconds += message.seconds;
        generated += message.count;
        queue.push({ batch: message, worker });
      }
      waiting?.();
    });
    worker.on('error', (error) => {
      failure = error;
      waiting?.();
    });
    return worker;
  });
  return {
    generationRate: () => generated / threadSeconds,
    description: `every batch distinct, generated during the run in ${args.generators} generator thread${args.generators === 1 ? '' : 's'}`,
    next: async () => {
      for (;;) {
        if (failure) throw failure;
        const item = queue.shift();
        if (item) return { count: item.batch.count, bytes: item.batch.bytes, done: () => item.worker.postMessage('more') };
        if (running === 0) return undefined;
        await new Promise<void>((resolve) => (waiting = resolve));
      }
    },
    close: async () => {
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}

